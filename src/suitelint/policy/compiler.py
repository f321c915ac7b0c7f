"""Compile policy documents into frozen rules.

Names are resolved once, here: permission names and globs against the catalog,
capability tags against the catalog's tags. Evaluation never re-parses a name.
Role names in ``forbid.roles`` and the subjects of ``where`` are bound to an account
by the engine, because custom roles only exist in the account.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from suitelint.catalog import Catalog
from suitelint.errors import PolicyError, Problem
from suitelint.findings import Location, RuleDoc, Severity
from suitelint.model import Level
from suitelint.policy.loader import PolicyDocument
from suitelint.sdfref import (
    SdfReference,
    SdfReferenceError,
    glob_may_name_custom,
    looks_like_reference,
    parse_reference,
    reference_or_none,
)
from suitelint.yamlsrc import PathKey

SubjectKind = Literal["roles", "tokens", "users", "integrations"]
_GLOB = re.compile(r"[*?\[]")


def is_glob(text: str) -> bool:
    return bool(_GLOB.search(text))


@dataclass(frozen=True, slots=True)
class PermSelector:
    """Permissions picked by key/name/glob, category or capability, at or above ``level``."""

    text: str
    level: Level
    keys: frozenset[str] = frozenset()
    pattern: str | None = None
    category: str | None = None
    capability: str | None = None
    location: Location | None = None
    #: permissions this selector never matches (``except:`` in the policy)
    excluded: tuple[PermSelector, ...] = ()
    #: custom object references as the policy wrote them: a held permkey matches when one
    #: of them covers it (``cseg1`` covers ``[type=customsegment, scriptid=cseg1]``)
    refs: tuple[SdfReference, ...] = ()

    def describe(self) -> str:
        if self.category:
            what = f"any {self.category.replace('_', ' ')} permission"
        elif self.capability:
            what = f"capability {self.capability}"
        else:
            what = self.text
        if self.excluded:
            what += f" (except {', '.join(e.text for e in self.excluded)})"
        return what if self.level <= Level.VIEW else f"{what} at {self.level.name} or above"

    def threshold(self, permkey: str, catalog: Catalog) -> Level | None:
        """The lowest level at which holding ``permkey`` matches this selector."""
        found = self._own_threshold(permkey, catalog)
        if found is None or not self.excluded:
            return found
        if any(e.threshold(permkey, catalog) is not None for e in self.excluded):
            return None
        return found

    def _own_threshold(self, permkey: str, catalog: Catalog) -> Level | None:
        """:meth:`threshold`, exceptions aside."""
        if self.keys:
            if permkey in self.keys:
                return self.level
            if self.refs:
                held = reference_or_none(permkey)
                if held is not None and any(ref.covers(held) for ref in self.refs):
                    return self.level
            return None
        if self.pattern is not None:
            if fnmatch.fnmatchcase(permkey.lower(), self.pattern):
                return self.level
            held = reference_or_none(permkey) if "[" in permkey else None
            if held is not None and fnmatch.fnmatchcase(held.scriptid, self.pattern):
                return self.level
            info = catalog.get(permkey)
            if (
                info is not None
                and info.name
                and fnmatch.fnmatchcase(info.name.lower(), self.pattern)
            ):
                return self.level
            return None
        if self.category is not None:
            return self.level if catalog.category(permkey) == self.category else None
        assert self.capability is not None
        for level in Level:
            if level >= self.level and self.capability in catalog.capabilities_of(permkey, level):
                return level
        return None


@dataclass(frozen=True, slots=True)
class LevelEntry:
    """``permission: level`` in ``allow_only``, ``max_level`` or ``require.permissions``."""

    selector: PermSelector
    level: Level


@dataclass(frozen=True, slots=True)
class NameRef:
    """A name, id, scriptid or glob that the engine binds to subjects of an account."""

    text: str
    location: Location | None

    @property
    def glob(self) -> bool:
        return is_glob(self.text)

    def matches(self, *values: str | None) -> bool:
        needle = self.text.casefold()
        for value in values:
            if value is None:
                continue
            if self.glob:
                if fnmatch.fnmatchcase(value.casefold(), needle):
                    return True
            elif value.casefold() == needle:
                return True
        return False


@dataclass(frozen=True, slots=True)
class Where:
    name: tuple[NameRef, ...] = ()
    id: tuple[NameRef, ...] = ()
    scriptid: tuple[NameRef, ...] = ()
    integration: tuple[NameRef, ...] = ()
    role: tuple[NameRef, ...] = ()
    user: tuple[NameRef, ...] = ()
    type: str | None = None
    used_by_tokens: bool | None = None
    #: True: active only (the default); False: inactive only; None: both
    active: bool | None = True


@dataclass(frozen=True, slots=True)
class ForbidRoles:
    roles: tuple[NameRef, ...]


@dataclass(frozen=True, slots=True)
class ForbidPermissions:
    selectors: tuple[PermSelector, ...]


@dataclass(frozen=True, slots=True)
class AllowOnly:
    entries: tuple[LevelEntry, ...]


@dataclass(frozen=True, slots=True)
class MaxLevel:
    entries: tuple[LevelEntry, ...]
    default: Level | None = None


@dataclass(frozen=True, slots=True)
class ForbidTogether:
    groups: tuple[tuple[PermSelector, ...], ...]


@dataclass(frozen=True, slots=True)
class MaxAgeDays:
    days: int


@dataclass(frozen=True, slots=True)
class MaxIdleDays:
    days: int


@dataclass(frozen=True, slots=True)
class Require:
    attributes: Mapping[str, Any] = field(default_factory=dict)
    permissions: tuple[LevelEntry, ...] = ()
    covered_by_allow_only: bool = False


Assertion = (
    ForbidRoles
    | ForbidPermissions
    | AllowOnly
    | MaxLevel
    | ForbidTogether
    | MaxAgeDays
    | MaxIdleDays
    | Require
)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    title: str
    applies_to: SubjectKind
    severity: Severity
    severity_by_env: Mapping[str, Severity]
    where: Where
    assertions: tuple[Assertion, ...]
    why: str = ""
    fix: str = ""
    aliases: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    examples: Mapping[str, str] = field(default_factory=dict)
    pack: str = ""
    location: Location | None = None
    #: ``security_severity`` of the policy: the rule's own risk (GitHub code scanning)
    security_severity: float | None = None

    def severity_for(self, environment: str) -> Severity:
        return self.severity_by_env.get(environment, self.severity)

    @property
    def doc(self) -> RuleDoc:
        return RuleDoc(
            self.id,
            self.title,
            self.severity,
            self.why,
            self.fix,
            self.pack,
            self.location,
            self.references,
            self.security_severity,
        )


@dataclass(frozen=True, slots=True)
class Waiver:
    rule: str
    subject: str
    reason: str
    expires: dt.date
    permission: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """All rules and waivers of the policies a run uses."""

    rules: tuple[CompiledRule, ...]
    waivers: tuple[Waiver, ...] = ()
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> CompiledRule | None:
        for rule in self.rules:
            if rule.id == rule_id or rule_id in rule.aliases:
                return rule
        return None


class _Compiler:
    def __init__(self, doc: PolicyDocument, catalog: Catalog) -> None:
        self.doc = doc
        self.catalog = catalog
        self.problems: list[Problem] = []

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
            if not self.catalog.glob(name) and not glob_may_name_custom(pattern):
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
        hints = self.catalog.suggest(name)
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
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
        level = Level[raw.get("level", "view").upper()]
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
            close = difflib.get_close_matches(tag, list(self.catalog.capabilities), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            known = ", ".join(sorted(self.catalog.capabilities))
            self.fail(f"unknown capability {tag!r}{hint} (known: {known})", (*at, "capability"))
        return PermSelector(tag, level, capability=tag, location=self.loc(at), excluded=excluded)

    def entries(self, raw: Mapping[str, str], at: PathKey) -> tuple[LevelEntry, ...]:
        result = []
        for name, level_name in raw.items():
            level = Level[level_name.upper()]
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

    def where(self, raw: Mapping[str, Any], at: PathKey, applies_to: str) -> Where:
        kwargs: dict[str, Any] = {}
        for key in ("name", "id", "scriptid", "integration", "role", "user"):
            if key in raw:
                kwargs[key] = self.names(raw[key], (*at, key))
        relevant = {
            "roles": {"name", "id", "scriptid", "used_by_tokens", "active"},
            "tokens": {"name", "id", "integration", "role", "user", "type", "active"},
            "users": {"name", "id", "role", "active"},
            "integrations": {"name", "id", "scriptid", "role", "user", "active"},
        }[applies_to]
        for key in raw:
            if key not in relevant:
                self.fail(
                    f"'where: {key}' does not apply to {applies_to}; "
                    f"use one of {', '.join(sorted(relevant))}",
                    (*at, key),
                    key=True,
                )
        if "type" in raw:
            kwargs["type"] = raw["type"]
        if "used_by_tokens" in raw:
            kwargs["used_by_tokens"] = raw["used_by_tokens"]
        if "active" in raw:
            kwargs["active"] = None if raw["active"] == "any" else raw["active"]
        return Where(**kwargs)

    def rule(self, raw: Mapping[str, Any], at: PathKey) -> CompiledRule:
        applies_to: SubjectKind = raw["applies_to"]
        assertions: list[Assertion] = []
        forbid = raw.get("forbid")
        if forbid:
            if "roles" in forbid:
                assertions.append(
                    ForbidRoles(self.names(forbid["roles"], (*at, "forbid", "roles")))
                )
                if applies_to == "users":
                    pass  # a user "uses" every role assigned to it
            if "permissions" in forbid:
                sels = tuple(
                    self.selector(s, (*at, "forbid", "permissions", i))
                    for i, s in enumerate(forbid["permissions"])
                )
                assertions.append(ForbidPermissions(sels))
        if "allow_only" in raw:
            assertions.append(AllowOnly(self.entries(raw["allow_only"], (*at, "allow_only"))))
        if "max_level" in raw:
            value = raw["max_level"]
            if isinstance(value, str):
                assertions.append(MaxLevel((), Level[value.upper()]))
            else:
                assertions.append(MaxLevel(self.entries(value, (*at, "max_level"))))
        if "forbid_together" in raw:
            groups = tuple(
                tuple(self.selector(s, (*at, "forbid_together", g, i)) for i, s in enumerate(group))
                for g, group in enumerate(raw["forbid_together"])
            )
            assertions.append(ForbidTogether(groups))
        for key, kind in (("max_age_days", MaxAgeDays), ("max_idle_days", MaxIdleDays)):
            if key in raw:
                if applies_to != "tokens":
                    self.fail(f"{key} applies to tokens, not {applies_to}", (*at, key), key=True)
                assertions.append(kind(raw[key]))
        if "require" in raw:
            assertions.append(self.require(raw["require"], (*at, "require"), applies_to))
        severity_raw = raw.get("severity", "error")
        if isinstance(severity_raw, str):
            severity, by_env = Severity.parse(severity_raw), {}
        else:
            by_env = {env: Severity.parse(s) for env, s in severity_raw.items()}
            severity = max(by_env.values())
        return CompiledRule(
            id=raw["id"],
            title=raw.get("title", raw["id"].replace("-", " ").capitalize()),
            applies_to=applies_to,
            severity=severity,
            severity_by_env=by_env,
            where=self.where(raw.get("where", {}), (*at, "where"), applies_to),
            assertions=tuple(assertions),
            why=raw.get("why", "").strip(),
            fix=raw.get("fix", "").strip(),
            aliases=tuple(raw.get("aliases", ())),
            references=tuple(raw.get("references", ())),
            examples=dict(raw.get("examples", {})),
            pack=self.doc.data.get("pack", "") if self.doc.builtin else "",
            location=self.loc(at),
            security_severity=raw.get("security_severity"),
        )

    _REQUIRE_APPLIES: Mapping[str, frozenset[str]] = {
        "web_services_only": frozenset({"roles", "tokens", "integrations"}),
        "two_factor_required": frozenset({"roles", "tokens", "integrations"}),
        "core_admin": frozenset({"roles", "tokens", "integrations"}),
        "state": frozenset({"integrations", "tokens"}),
        "auth_flows": frozenset({"integrations", "tokens"}),
        "covered_by": frozenset({"tokens", "integrations"}),
        "user_active": frozenset({"tokens"}),
        "permissions": frozenset({"roles", "tokens", "users", "integrations"}),
    }

    def require(self, raw: Mapping[str, Any], at: PathKey, applies_to: str) -> Require:
        for key in raw:
            if applies_to not in self._REQUIRE_APPLIES[key]:
                self.fail(f"'require: {key}' does not apply to {applies_to}", (*at, key), key=True)
        attributes = {
            k: (tuple(v) if isinstance(v, list) else v)
            for k, v in raw.items()
            if k not in ("permissions", "covered_by")
        }
        permissions = (
            self.entries(raw["permissions"], (*at, "permissions")) if "permissions" in raw else ()
        )
        return Require(attributes, permissions, raw.get("covered_by") == "allow_only")

    def waiver(self, raw: Mapping[str, Any], at: PathKey) -> Waiver:
        try:
            expires = dt.date.fromisoformat(raw["expires"])
        except ValueError:
            self.fail(
                f"{raw['expires']!r} is not a valid date; expected YYYY-MM-DD", (*at, "expires")
            )
            expires = dt.date.min
        permission = None
        if "permission" in raw:
            selector = self.permission(raw["permission"], Level.VIEW, (*at, "permission"))
            permission = next(iter(selector.keys), raw["permission"])
        return Waiver(
            raw["rule"], raw["subject"], raw["reason"].strip(), expires, permission, self.loc(at)
        )


def compile_policies(docs: Sequence[PolicyDocument], catalog: Catalog) -> Policy:
    """Compile documents into one policy; every problem of every file is reported at once."""
    rules: list[CompiledRule] = []
    waivers: list[Waiver] = []
    problems: list[Problem] = []
    seen: dict[str, Location | None] = {}
    waiver_sites: list[tuple[_Compiler, PathKey, Waiver]] = []
    for doc in docs:
        compiler = _Compiler(doc, catalog)
        for i, raw in enumerate(doc.data.get("rules", [])):
            rule = compiler.rule(raw, ("rules", i))
            for name in (rule.id, *rule.aliases):
                if name in seen:
                    first = seen[name]
                    compiler.fail(
                        f"rule id {name!r} is already defined at {first}", ("rules", i, "id")
                    )
                seen[name] = rule.location
            rules.append(rule)
        for i, raw in enumerate(doc.data.get("waivers", [])):
            waiver = compiler.waiver(raw, ("waivers", i))
            waivers.append(waiver)
            waiver_sites.append((compiler, ("waivers", i, "rule"), waiver))
        problems.extend(compiler.problems)
    known = sorted(seen)
    for compiler, at, waiver in waiver_sites:
        if waiver.rule not in seen:
            close = difflib.get_close_matches(waiver.rule, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            line, column = compiler.doc.where(at)
            problems.append(
                Problem(
                    compiler.doc.path,
                    f"waiver names unknown rule {waiver.rule!r}{hint}",
                    line,
                    column,
                )
            )
    if problems:
        raise PolicyError("", problems=problems)
    return Policy(tuple(rules), tuple(waivers), tuple(d.path for d in docs))


def rule_docs(rules: Iterable[CompiledRule]) -> dict[str, RuleDoc]:
    return {rule.id: rule.doc for rule in rules}
