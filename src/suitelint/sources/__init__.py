"""Sources of account data. Each produces a :class:`suitelint.model.Snapshot`.

``load_sources`` picks the loader by what a path is: a folder is an SDF project, a
``.csv`` file a NetSuite CSV export, ``.json``/``.yaml`` a snapshot file. Several
sources merge into one snapshot (an SDF project's roles with an account's tokens).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from suitelint.catalog import Catalog
from suitelint.errors import Problem, Problems, SourceError
from suitelint.findings import Location
from suitelint.model import Snapshot
from suitelint.sources.snapshot import Locator, is_snapshot_path, load_snapshot
from suitelint.sources.validate import add_standard_roles, validate_snapshot


@dataclass(frozen=True, slots=True)
class Loaded:
    """The merged, validated snapshot, and how to find its subjects in their files."""

    snapshot: Snapshot
    locators: tuple[Locator, ...]
    labels: tuple[str, ...]
    #: what the user should know about how the sources were read (info level), e.g. the
    #: objects an SDF project's deploy.xml leaves out
    notices: tuple[Problem, ...] = ()

    def locate(self, section: str, subject_id: str, permkey: str | None = None) -> Location | None:
        for locator in self.locators:
            location = locator.locate(section, subject_id, permkey)
            if location.line is not None:
                return location
        return Location(self.locators[0].path) if self.locators else None


def load_one(path: Path) -> tuple[Snapshot, Locator | None]:
    snapshot, locator, _ = read_one(path)
    return snapshot, locator


def read_one(path: Path) -> tuple[Snapshot, Locator | None, tuple[Problem, ...]]:
    """One source: its snapshot, its locator (snapshot files) and its notices."""
    if not path.exists() and not path.is_symlink():
        raise SourceError("no such file or folder", str(path))
    if path.is_dir() or path.suffix.lower() == ".xml":
        from suitelint.sources.sdf import read_sdf

        project = read_sdf(path)
        return project.snapshot, None, project.notices
    if path.suffix.lower() == ".csv":
        from suitelint.sources.csv import load_csv

        return load_csv(path), None, ()
    if is_snapshot_path(path):
        loaded = load_snapshot(path)
        return loaded.snapshot, loaded.locator, ()
    raise SourceError(
        "unknown kind of source; expected an SDF project folder, a .xml object, "
        "a .csv export, or a .json/.yaml snapshot",
        str(path),
    )


def load_sources(paths: Sequence[str], catalog: Catalog, *, allow_empty: bool = False) -> Loaded:
    """Load, merge and validate sources; fail closed on an empty account."""
    if not paths:
        raise SourceError("no source given; name an SDF project, a snapshot or a CSV export", "")
    parts: list[tuple[str, Snapshot]] = []
    locators: list[Locator] = []
    notices: list[Problem] = []
    problems = Problems()  # sources are independent: every broken one is reported at once
    for raw in paths:
        with problems.collect():
            snapshot, locator, notes = read_one(Path(raw))
            parts.append((raw, snapshot))
            notices.extend(notes)
            if locator is not None:
                locators.append(locator)
    problems.raise_if_any(SourceError)
    if len(parts) == 1:
        merged = parts[0][1]
    else:
        from suitelint.sources.merge import merge_snapshots

        merged = merge_snapshots(parts)
    merged = add_standard_roles(merged, catalog)
    loaded = Loaded(merged, tuple(locators), tuple(paths), tuple(notices))
    validate_snapshot(merged, catalog, loaded.locate)
    if merged.is_empty and not allow_empty:
        raise SourceError(
            "the sources hold no roles, users, integrations or tokens; an empty account "
            "passes nothing (use --allow-empty if that is really expected)"
            + "".join(f"; {note}" for note in notices),
            ", ".join(paths),
        )
    return loaded
