"""Sources of account data. Each produces a :class:`suitelint.model.Snapshot`.

``load_sources`` picks the loader by what a path is: a folder is an SDF project, a
``.csv`` file a NetSuite CSV export, ``.json``/``.yaml`` a snapshot file. Several
sources merge into one snapshot (an SDF project's roles with an account's tokens).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

import msgspec

from suitelint.catalog import Catalog
from suitelint.errors import Problem, Problems, SourceError
from suitelint.findings import Location
from suitelint.fsutil import check_confined, reading
from suitelint.model import Index, Snapshot, build_index
from suitelint.sources.inline import InlineSuppression
from suitelint.sources.validate import add_standard_roles, validate_snapshot

if TYPE_CHECKING:
    from suitelint.sources.csv import CsvExport

    # the snapshot reader and its JSON machinery are imported when a snapshot is read: a
    # check of an SDF project reads none
    from suitelint.sources.snapshot import Ask, LoadedSnapshot, Locator


class Locates(Protocol):
    """Finds a subject's file and line in one kind of source."""

    @property
    def path(self) -> str: ...

    def locate(self, section: str, subject_id: str, permkey: str | None = None) -> Location: ...


class Loaded(msgspec.Struct, frozen=True):
    """The merged, validated snapshot, and how to find its subjects in their files."""

    snapshot: Snapshot
    #: the snapshot's index, built once by loading (validation and the engine use it)
    index: Index
    locators: tuple[Locates, ...]
    labels: tuple[str, ...]
    #: what the user should know about how the sources were read (info level), e.g. the
    #: objects an SDF project's deploy.xml leaves out
    notices: tuple[Problem, ...] = ()
    #: warnings about the sources (e.g. what a CSV export could not tell)
    notes: tuple[str, ...] = ()
    #: the ``suitelint-disable`` comments of SDF object files, in file and line order
    suppressions: tuple[InlineSuppression, ...] = ()

    def notice_lines(self) -> tuple[str, ...]:
        """The notices, one located line each (``FILE:LINE: info: ...``)."""
        return tuple(f"{note.where}: info: {note.message}" for note in self.notices)

    def locate(self, section: str, subject_id: str, permkey: str | None = None) -> Location | None:
        if permkey is not None:
            found = self._exact_place(self._exact_places(), section, subject_id, permkey)
            if found is not None:
                return found
        for locator in self.locators:
            location = locator.locate(section, subject_id, permkey)
            if location.line is not None:
                return location
        return Location(self.locators[0].path) if self.locators else None

    @property
    def role_rows(self) -> Callable[[str], Mapping[str | None, Location] | None] | None:
        """Where each permission row of a role is (by role id; see
        :meth:`suitelint.sources.snapshot.Locator.role_rows`), when one snapshot file is
        the only source: findings can then be made placed. None otherwise (findings are
        placed afterwards, by :meth:`place_all`)."""
        if len(self.locators) != 1:
            return None
        rows: Callable[[str], Mapping[str | None, Location] | None] | None
        rows = getattr(self.locators[0], "role_rows", None)
        return rows

    def _exact_places(self) -> list[Callable[[str, str, str], Location | None]]:
        """The sources that know the row of each permission they read, whichever source
        its subject came from (``permission_place``): asked first for a permission."""
        found = (getattr(locator, "permission_place", None) for locator in self.locators)
        return [exact for exact in found if exact is not None]

    @staticmethod
    def _exact_place(
        exacts: list[Callable[[str, str, str], Location | None]],
        section: str,
        subject_id: str,
        permkey: str,
    ) -> Location | None:
        for exact in exacts:
            place = exact(section, subject_id, permkey)
            if place is not None:
                return place
        return None

    def place_all(
        self, asks: Mapping[tuple[str, str], Collection[str | None]]
    ) -> dict[Ask, Location | None]:
        """``locate(section, subject_id, permkey)`` for many asks at once (for each
        (section, subject id), the permkeys its findings name; None: the subject itself):
        each source that places many at once (a snapshot file) does so in one sweep."""
        result: dict[Ask, Location | None] = {}
        remaining: Mapping[tuple[str, str], Collection[str | None]] = asks
        exacts = self._exact_places()
        if exacts:
            # a permission's own row, wherever it was read, before another source's
            # place of its subject (a user's global permission from an Employees export)
            left: dict[tuple[str, str], list[str | None]] = {}
            for subject, permkeys in remaining.items():
                for permkey in permkeys:
                    place = None
                    if permkey is not None:
                        place = self._exact_place(exacts, *subject, permkey)
                    if place is None:
                        left.setdefault(subject, []).append(permkey)
                    else:
                        result[(*subject, permkey)] = place
            remaining = left
        for locator in self.locators:
            many = getattr(locator, "place_all", None)
            if many is not None:
                found: dict[Ask, Location] = many(remaining)
            else:
                found = {}
                for (section, subject_id), permkeys in remaining.items():
                    for permkey in permkeys:
                        location = locator.locate(section, subject_id, permkey)
                        if location.line is not None:
                            found[(section, subject_id, permkey)] = location
            if not result and len(found) == sum(len(p) for p in remaining.values()):
                return cast("dict[Ask, Location | None]", found)  # one source placed all
            result.update(found)
            left = {}
            for subject, permkeys in remaining.items():
                for permkey in permkeys:
                    if (*subject, permkey) not in found:
                        left.setdefault(subject, []).append(permkey)
            remaining = left
            if not remaining:
                return result
        fallback = Location(self.locators[0].path) if self.locators else None
        for (section, subject_id), permkeys in remaining.items():
            for permkey in permkeys:
                result[(section, subject_id, permkey)] = fallback
        return result


def load_one(path: Path) -> tuple[Snapshot, Locator | None]:
    snapshot, locator, _, _ = read_one(path)
    return snapshot, locator


if TYPE_CHECKING:
    _Read = tuple[Snapshot, Locator | None, tuple[Problem, ...], tuple[InlineSuppression, ...]]


def read_one(path: Path) -> _Read:
    """One source: its snapshot, its locator (snapshot files), its notices and its inline
    suppressions (SDF object files)."""
    if not path.exists() and not path.is_symlink():
        raise SourceError("no such file or folder", str(path))
    check_confined(path, "source")
    with reading(path):  # a bug while reading it names the file
        return _read_one(path)


def _read_one(path: Path) -> _Read:
    if path.is_dir() or path.suffix.lower() == ".xml":
        from suitelint.sources.sdfcache import read_sdf_cached

        project = read_sdf_cached(path)
        return project.snapshot, None, project.notices, project.suppressions
    if path.suffix.lower() == ".csv":
        from suitelint.sources.csv import load_csv

        return load_csv(path), None, (), ()
    from suitelint.sources.snapshot import is_snapshot_path, load_snapshot

    if is_snapshot_path(path):
        loaded = load_snapshot(path)
        return loaded.snapshot, loaded.locator, (), ()
    if path.suffix.lower() in _SPREADSHEETS:
        raise SourceError(
            f"an export saved as {path.suffix}, which suitelint does not read; export the list "
            "or saved search again with NetSuite's Export - CSV button (docs/export.md), "
            "or save this sheet as CSV (UTF-8)",
            str(path),
        )
    raise SourceError(
        "unknown kind of source; expected an SDF project folder, a .xml object, "
        "a .csv export, or a .json/.yaml snapshot",
        str(path),
    )


#: what NetSuite's Export - Microsoft Excel and PDF buttons, and spreadsheet programs, save
_SPREADSHEETS = frozenset({".xls", ".xlsx", ".xlsm", ".ods", ".numbers", ".pdf"})


def _is_csv(raw: str) -> bool:
    path = Path(raw)
    return path.suffix.lower() == ".csv" and not path.is_dir()


def load_sources(
    paths: Sequence[str],
    catalog: Catalog,
    *,
    allow_empty: bool = False,
    date_format: str | None = None,
    inline: Sequence[LoadedSnapshot] = (),
) -> Loaded:
    """Load, merge and validate sources; fail closed on an empty account.

    CSV exports are read together (one date format for the run, every row problem at
    once); role-permission exports merge like any source, and the other layouts are
    then joined by name to what the sources hold (:func:`suitelint.sources.csv.combine`).
    ``date_format`` (``--date-format``) fixes the order of the CSV files' numeric dates.
    ``inline``: snapshots read already (a policy test's inline account), merged after
    ``paths``.
    """
    if not paths and not inline:
        raise SourceError("no source given; name an SDF project, a snapshot or a CSV export", "")
    parts: list[tuple[str, Snapshot]] = []
    locators: list[Locates] = []
    notices: list[Problem] = []
    suppressions: list[InlineSuppression] = []
    notes: tuple[str, ...] = ()
    problems = Problems()  # sources are independent: every broken one is reported at once
    csv_paths = [raw for raw in paths if _is_csv(raw)]
    exports: dict[str, CsvExport] = {}
    if csv_paths:
        from suitelint.sources.csv import read_csv_exports

        with problems.collect():  # one run's CSV files together: one date format
            for raw in csv_paths:
                check_confined(Path(raw), "source")
            exports = dict(
                zip(
                    csv_paths,
                    read_csv_exports([Path(p) for p in csv_paths], date_format=date_format),
                    strict=True,
                )
            )
    for raw in paths:
        if _is_csv(raw):
            if raw in exports and exports[raw].kind == "role-permissions":
                parts.append((raw, exports[raw].snapshot))
            continue
        with problems.collect():
            snapshot, locator, read_notes, read_suppressions = read_one(Path(raw))
            parts.append((raw, snapshot))
            notices.extend(read_notes)
            suppressions.extend(read_suppressions)
            if locator is not None:
                locators.append(locator)
    problems.raise_if_any(SourceError)
    for extra in inline:
        parts.append((extra.locator.path, extra.snapshot))
        locators.append(extra.locator)
    if len(parts) == 1:
        merged = parts[0][1]
    elif parts:
        from suitelint.sources.merge import merge_snapshots

        merged = merge_snapshots(parts)
    else:
        merged = Snapshot()
    if exports:
        from suitelint.sources.csv import combine

        others = [e for e in exports.values() if e.kind != "role-permissions"]
        combined = combine(merged, others)
        merged, notes = combined.snapshot, combined.notes
        locators.append(combined.locator)
    merged = add_standard_roles(merged, catalog)
    labels = (*paths, *(extra.locator.path for extra in inline))
    index = build_index(merged)  # built once: validation, then the engine, use it
    loaded = Loaded(
        merged, index, tuple(locators), labels, tuple(notices), notes, tuple(suppressions)
    )
    validate_snapshot(merged, catalog, loaded.locate, index)
    if merged.is_empty and not allow_empty:
        raise SourceError(
            "the sources hold no roles, users, integrations or tokens; an empty account "
            "passes nothing (use --allow-empty if that is really expected)",
            ", ".join(labels),
            notices=notices,
        )
    return loaded
