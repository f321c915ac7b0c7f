"""What compiling a policy document is made of: locations, problems, permission selectors.

:class:`Compiler` resolves permission names and globs against the catalog and capability
tags against its tags, once: evaluation never re-parses a name. The rule compiler
(:mod:`suitelint.policy.compiler`) and every assertion kind
(:mod:`suitelint.policy.assertions`) compile their parts with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from msgspec.structs import replace

from suitelint.catalog import Catalog
from suitelint.errors import Problem, did_you_mean
from suitelint.findings import Location
from suitelint.model import CustomObject, Level, parse_level
from suitelint.policy.loader import PolicyDocument
from suitelint.policy.selectors import LevelEntry, NameRef, PermSelector, is_glob
from suitelint.restrictions import FIELD, canonical, known_forms
from suitelint.sdfref import (
    SdfReference,
    SdfReferenceError,
    glob_may_name_custom,
    looks_like_reference,
    parse_reference,
    reference_or_none,
)
from suitelint.yamlsrc import PathKey


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def custom_names(objects: Iterable[CustomObject]) -> dict[str, tuple[CustomObject, ...]]:
    """Custom objects by display name (casefolded, spaces normalised), for naming them in
    policies: a display name two objects share is ambiguous."""
    found: dict[str, dict[str, CustomObject]] = {}
    for obj in objects:
        if obj.name:
            found.setdefault(_folded(obj.name), {}).setdefault(obj.scriptid.lower(), obj)
    return {name: tuple(by_id.values()) for name, by_id in found.items()}


class CustomNames(Mapping[str, tuple[CustomObject, ...]]):
    """:func:`custom_names` of ``objects``, worked out when first read: a policy that
    names no custom object by its display name (names a permission, a permkey or a glob)
    never reads it, and an account may have thousands of custom records."""

    def __init__(self, objects: Iterable[CustomObject]) -> None:
        self._objects: Iterable[CustomObject] | None = objects
        self._names: dict[str, tuple[CustomObject, ...]] | None = None

    def _worked_out(self) -> dict[str, tuple[CustomObject, ...]]:
        names = self._names
        if names is None:
            assert self._objects is not None
            names = self._names = custom_names(self._objects)
            self._objects = None
        return names

    def __getitem__(self, name: str) -> tuple[CustomObject, ...]:
        return self._worked_out()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._worked_out())

    def __len__(self) -> int:
        return len(self._worked_out())


class Compiler:
    """Compiles the parts of one policy document; collects every problem instead of stopping."""

    def __init__(
        self,
        doc: PolicyDocument,
        catalog: Catalog,
        custom_names: Mapping[str, tuple[CustomObject, ...]] | None = None,
        asked: set[str] | None = None,
    ) -> None:
        self.doc = doc
        self.catalog = catalog
        self.problems: list[Problem] = []
        #: custom objects of the sources by display name (:func:`custom_names`)
        self.custom_names: Mapping[str, tuple[CustomObject, ...]] = (
            custom_names if custom_names is not None else {}
        )
        #: where given, each display name looked up in ``custom_names`` is added (what the
        #: compiled policy depends on of the sources: suitelint.policy.cache)
        self.asked = asked

    def loc(self, at: PathKey, *, key: bool = False) -> Location:
        line, column = self.doc.where(at, key=key)
        return Location(self.doc.path, line, column)

    def fail(self, message: str, at: PathKey, *, key: bool = False) -> None:
        line, column = self.doc.where(at, key=key)
        self.problems.append(Problem(self.doc.path, message, line, column))

    # -- permissions -------------------------------------------------------------
    def permission(
        self, text: str, level: Level, at: PathKey, *, key: bool = False
    ) -> PermSelector:
        location = self.loc(at, key=key)
        name = text.strip()
        if looks_like_reference(name):
            # "[scriptid=customrecord_x]" is a reference, not a glob with a character class
            try:
                reference = parse_reference(name)
            except SdfReferenceError as exc:
                self.fail(str(exc), at, key=key)
                return PermSelector(name, level, keys=frozenset({name}), location=location)
            return self._custom(reference, level, location)
        if is_glob(name):
            pattern = name.lower()
            if not self.catalog.glob_matches(name) and not glob_may_name_custom(pattern):
                self.fail(
                    f"permission glob {name!r} matches no permission in the catalog, and no "
                    "custom object scriptid (customrecord*, customtransaction*, "
                    "custompurchase*, customsale*, cseg*)",
                    at,
                    key=key,
                )
            return PermSelector(name, level, pattern=pattern, location=location)
        found = self.catalog.lookup(name)
        if len(found) == 1:
            custom = reference_or_none(found[0])
            if custom is not None and found[0] not in self.catalog.permissions:
                return self._custom(custom, level, location)
            info = self.catalog.get(found[0])
            shown = info.display if info is not None else found[0]
            return PermSelector(shown, level, keys=frozenset(found), location=location)
        if len(found) > 1:
            options = ", ".join(self._display(k) for k in found)
            self.fail(
                f"permission name {name!r} is ambiguous: it names {options}; use the permkey",
                at,
                key=key,
            )
            return PermSelector(name, level, keys=frozenset(found), location=location)
        folded = _folded(name)
        if self.asked is not None:
            self.asked.add(folded)
        objects = self.custom_names.get(folded, ())
        if len(objects) == 1:
            (obj,) = objects
            reference = parse_reference(obj.scriptid)
            return replace(
                self._custom(reference, level, location), text=f"{obj.name} ({reference.key})"
            )
        if len(objects) > 1:
            options = ", ".join(sorted(o.scriptid for o in objects))
            self.fail(
                f"permission name {name!r} is ambiguous: custom objects {options} all have "
                "that name; use the scriptid",
                at,
                key=key,
            )
            return PermSelector(name, level, keys=frozenset({name}), location=location)
        import difflib  # the error path only (start-up)

        hints = list(self.catalog.suggest(name))
        for folded in difflib.get_close_matches(_folded(name), list(self.custom_names), n=2):
            hints[:0] = [f"{obj.name} ({obj.scriptid})" for obj in self.custom_names[folded]]
        hint = did_you_mean(name, hints=hints[:3])
        hint += (
            " (custom records, custom segments and custom transaction types are named by "
            "display name only when their SDF object XML is among the sources)"
        )
        self.fail(f"unknown permission {name!r}{hint}", at, key=key)
        return PermSelector(name, level, keys=frozenset({name}), location=location)

    def _custom(self, reference: SdfReference, level: Level, location: Location) -> PermSelector:
        return PermSelector(
            reference.key,
            level,
            keys=frozenset({reference.key}),
            location=location,
            refs=(reference,),
        )

    def _display(self, permkey: str) -> str:
        info = self.catalog.get(permkey)
        return info.display if info is not None else permkey

    def selector(self, raw: Any, at: PathKey) -> PermSelector:
        if isinstance(raw, str):
            return self.permission(raw, Level.VIEW, at)
        level = parse_level(raw.get("level", "view"))
        excluded = tuple(
            self.selector(item, (*at, "except", i)) for i, item in enumerate(raw.get("except", ()))
        )
        if "permission" in raw:
            chosen = self.permission(raw["permission"], level, (*at, "permission"))
            return replace(chosen, excluded=excluded)
        if "category" in raw:
            return PermSelector(
                raw["category"],
                level,
                category=raw["category"],
                location=self.loc(at),
                excluded=excluded,
            )
        tag = raw["capability"]
        if tag not in self.catalog.capabilities:
            hint = did_you_mean(tag, self.catalog.capabilities)
            known = ", ".join(sorted(self.catalog.capabilities))
            self.fail(f"unknown capability {tag!r}{hint} (known: {known})", (*at, "capability"))
        return PermSelector(tag, level, capability=tag, location=self.loc(at), excluded=excluded)

    def entries(self, raw: Mapping[str, str], at: PathKey) -> tuple[LevelEntry, ...]:
        result = []
        for name, level_name in raw.items():
            level = parse_level(level_name)
            selector = self.permission(name, Level.VIEW, (*at, name), key=True)
            result.append(LevelEntry(selector, level))
        return tuple(result)

    # -- rules ------------------------------------------------------------------------
    def names(self, raw: Any, at: PathKey) -> tuple[NameRef, ...]:
        values = [raw] if isinstance(raw, str) else list(raw)
        return tuple(
            NameRef(str(v), self.loc((*at, i) if not isinstance(raw, str) else at))
            for i, v in enumerate(values)
        )

    def restriction_values(self, aspect: str, raw: Iterable[Any], at: PathKey) -> tuple[str, ...]:
        """A list of restriction values of ``aspect`` in the forms NetSuite writes
        (:func:`suitelint.restrictions.canonical`), canonical; any other form is an error at
        its item (``where: {restrictions: ...}`` and ``restricted_to`` both read them)."""
        values: list[str] = []
        for i, item in enumerate(raw):
            found = canonical(aspect, str(item))
            if found is None:
                self.fail(
                    f"{item!r} is not a value of {FIELD[aspect]}; expected one of "
                    f"{known_forms(aspect)}",
                    (*at, i),
                )
                continue
            values.append(found)
        return tuple(values)
