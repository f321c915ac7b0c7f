"""Permission changes between two states of an account (``suitelint diff OLD NEW``).

Per role: permissions added, removed, raised and lowered, and attributes that loosen or
tighten access; per token and integration: the same changes as they arrive through their
roles (and users' global permissions), because a token has no permissions of its own
(DESIGN.md §2). Every change carries the capability tags it gains or loses
(``Catalog.capabilities_of``), so a reviewer reads "gains delete-records", not a permkey.

Pure: two validated snapshots and the catalog in, a frozen :class:`SnapshotDiff` out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from suitelint.catalog import Catalog
from suitelint.effective import Effective, Table
from suitelint.findings import Location
from suitelint.model import Index, Integration, Level, Role, Snapshot, Token
from suitelint.restrictions import restricts, value_of

SubjectKind = Literal["role", "token", "integration"]
Subject = Role | Token | Integration
S = TypeVar("S", Role, Token, Integration)
Status = Literal["added", "removed", "changed"]

#: the pseudo-permission of Administrator and Full Access: they hold every permission
EVERYTHING = "*"


@dataclass(frozen=True, slots=True)
class PermissionChange:
    permkey: str
    name: str
    old: Level
    new: Level
    gained: frozenset[str] = frozenset()
    lost: frozenset[str] = frozenset()
    location: Location | None = None

    @property
    def kind(self) -> Literal["added", "removed", "raised", "lowered"]:
        if self.old is Level.NONE:
            return "added"
        if self.new is Level.NONE:
            return "removed"
        return "raised" if self.new > self.old else "lowered"

    @property
    def escalation(self) -> bool:
        return self.new > self.old


@dataclass(frozen=True, slots=True)
class AttributeChange:
    name: str
    old: str
    new: str
    #: the change loosens access (e.g. web services only T → F)
    escalation: bool


@dataclass(frozen=True, slots=True)
class SubjectDiff:
    kind: SubjectKind
    ref: str
    name: str
    status: Status
    permissions: tuple[PermissionChange, ...] = ()
    attributes: tuple[AttributeChange, ...] = ()
    #: tokens and integrations: the roles the change arrives through, e.g. "role 'Clerk'"
    via: str = ""
    location: Location | None = None

    @property
    def escalated(self) -> bool:
        return any(p.escalation for p in self.permissions) or any(
            a.escalation for a in self.attributes
        )

    @property
    def gained(self) -> frozenset[str]:
        return frozenset(tag for p in self.permissions for tag in p.gained)

    @property
    def lost(self) -> frozenset[str]:
        return frozenset(tag for p in self.permissions for tag in p.lost)

    @property
    def label(self) -> str:
        text = f"{self.kind} {self.name!r}"
        return text if self.ref == self.name else f"{text} [{self.ref}]"


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    old: str
    new: str
    subjects: tuple[SubjectDiff, ...]
    #: the permission catalog the capabilities were judged against (every report names it)
    catalog_version: str = ""

    @property
    def escalated(self) -> bool:
        return any(s.escalated for s in self.subjects)

    def capabilities(self, *, gained: bool = True) -> dict[str, tuple[str, ...]]:
        """Capability tag → labels of the subjects that gain (or lose) it, sorted."""
        found: dict[str, set[str]] = {}
        for subject in self.subjects:
            for tag in subject.gained if gained else subject.lost:
                found.setdefault(tag, set()).add(subject.label)
        return {tag: tuple(sorted(found[tag])) for tag in sorted(found)}

    def by_kind(self, kind: SubjectKind) -> tuple[SubjectDiff, ...]:
        return tuple(s for s in self.subjects if s.kind == kind)


# -- comparing ---------------------------------------------------------------------------
def diff_snapshots(
    old: Snapshot,
    new: Snapshot,
    catalog: Catalog,
    *,
    old_label: str = "",
    new_label: str = "",
    old_index: Index | None = None,
) -> SnapshotDiff:
    """What changed from ``old`` to ``new``: roles by scriptid (else id), tokens by id,
    integrations by scriptid (else id). Only subjects with a change are listed.
    ``old_index``: ``old``'s index if loading built it."""
    before, after = Effective(old, catalog, old_index), Effective(new, catalog)
    subjects: list[SubjectDiff] = []
    subjects += _compare(
        "role",
        _keyed(old.roles, _role_key),
        _keyed(new.roles, _role_key),
        before,
        after,
        _role_attributes,
        lambda _ctx, _r: "",
    )
    subjects += _compare(
        "token",
        _keyed(old.tokens, lambda t: t.id),
        _keyed(new.tokens, lambda t: t.id),
        before,
        after,
        _token_attributes(before, after),
        _token_via,
    )
    subjects += _compare(
        "integration",
        _keyed(old.integrations, _integration_key),
        _keyed(new.integrations, _integration_key),
        before,
        after,
        _integration_attributes,
        _integration_via,
    )
    order = {"role": 0, "token": 1, "integration": 2}
    subjects.sort(key=lambda s: (order[s.kind], s.name.casefold(), s.ref))
    return SnapshotDiff(old_label, new_label, tuple(subjects), catalog.version)


def _role_key(role: Role) -> str:
    return (role.scriptid or role.id).lower()


def _integration_key(integration: Integration) -> str:
    return (integration.scriptid or integration.id).lower()


def _keyed(items: Iterable[S], key: Callable[[S], str]) -> dict[str, Subject]:
    return {key(item): item for item in items}


def _levels(table: Table) -> Mapping[str, Level]:
    """The table's levels (none of them NONE), with Administrator's every permission as
    one pseudo-permission."""
    if table.everything is None:
        return table.levels
    return {**table.levels, EVERYTHING: Level.FULL}


def _capabilities(catalog: Catalog, permkey: str, level: Level) -> frozenset[str]:
    if permkey == EVERYTHING:
        return frozenset(catalog.capabilities) if level > Level.NONE else frozenset()
    if not catalog.models(permkey):
        return frozenset()  # loaders reject a key of no permkey form; nothing to claim
    return catalog.capabilities_of(permkey, level)


def _permission_changes(
    ctx: Effective, old: Mapping[str, Level], new: Mapping[str, Level], where: Table | None
) -> tuple[PermissionChange, ...]:
    changes = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, Level.NONE), new.get(key, Level.NONE)
        if before == after:
            continue
        had = _capabilities(ctx.catalog, key, before)
        has = _capabilities(ctx.catalog, key, after)
        location = None
        if where is not None and key != EVERYTHING and after > Level.NONE:
            location = where.grant.location(key)
        changes.append(
            PermissionChange(
                permkey=key,
                name="every permission" if key == EVERYTHING else ctx.display(key),
                old=before,
                new=after,
                gained=has - had,
                lost=had - has,
                location=location,
            )
        )
    return tuple(changes)


def _compare(
    kind: SubjectKind,
    old: Mapping[str, Subject],
    new: Mapping[str, Subject],
    before: Effective,
    after: Effective,
    attributes: Callable[[Subject | None, Subject | None], tuple[AttributeChange, ...]],
    via: Callable[[Effective, Subject], str],
) -> list[SubjectDiff]:
    result = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        old_levels = _levels(before.table(was)) if was is not None else {}
        table = after.table(now) if now is not None else None
        new_levels = _levels(table) if table is not None else {}
        ctx = after if now is not None else before
        # most subjects of an account did not change: one comparison in C says so
        changes = (
            _permission_changes(ctx, old_levels, new_levels, table)
            if old_levels != new_levels
            else ()
        )
        attrs = attributes(was, now)
        if was is not None and now is not None and not changes and not attrs:
            continue
        shown = now if now is not None else was
        assert shown is not None
        status: Status = "added" if was is None else "removed" if now is None else "changed"
        result.append(
            SubjectDiff(
                kind=kind,
                ref=_ref(shown),
                name=shown.label if isinstance(shown, Token) else shown.name,
                status=status,
                permissions=changes,
                attributes=attrs,
                via=via(ctx, shown),
                location=_location(shown),
            )
        )
    return result


def _ref(subject: Subject) -> str:
    if isinstance(subject, Token):
        return subject.id
    return subject.scriptid or subject.id


def _location(subject: Subject) -> Location | None:
    if isinstance(subject, Token) or subject.path is None:
        return None
    return Location(subject.path, subject.line)


def _flag(value: bool) -> str:
    return "T" if value else "F"


def _role_attributes(was: Subject | None, now: Subject | None) -> tuple[AttributeChange, ...]:
    if not isinstance(was, Role) or not isinstance(now, Role):
        return ()
    changes = []
    # (field, label, the value that grants more access)
    for field, label, looser in (
        ("inactive", "inactive", False),
        ("web_services_only", "web services only", False),
        ("two_factor_required", "two-factor required", False),
        ("core_admin", "core administration permissions", True),
    ):
        a, b = getattr(was, field), getattr(now, field)
        if a != b:
            changes.append(AttributeChange(label, _flag(a), _flag(b), escalation=b == looser))
    for field, label, aspect in (
        ("subsidiary_option", "subsidiary option", "subsidiaries"),
        ("employee_restriction", "employee restriction", "employees"),
        ("center_type", "center", None),
    ):
        a, b = getattr(was, field) or "-", getattr(now, field) or "-"
        if a != b:
            # a restriction lifted (OWN → ALL, or to a value suitelint does not know) widens
            lifted = aspect is not None and (
                restricts(aspect, value_of(was, aspect))
                and not restricts(aspect, value_of(now, aspect))
            )
            changes.append(AttributeChange(label, a, b, escalation=lifted))
    old_r = {(r.segment, r.restriction) for r in was.restrictions}
    new_r = {(r.segment, r.restriction) for r in now.restrictions}
    if old_r != new_r:
        changes.append(
            AttributeChange(
                "record restrictions",
                ", ".join(f"{s}={r}" for s, r in sorted(old_r)) or "none",
                ", ".join(f"{s}={r}" for s, r in sorted(new_r)) or "none",
                escalation=bool(old_r - new_r),  # a restriction lifted widens access
            )
        )
    return tuple(changes)


def _token_attributes(
    before: Effective, after: Effective
) -> Callable[[Subject | None, Subject | None], tuple[AttributeChange, ...]]:
    def attributes(was: Subject | None, now: Subject | None) -> tuple[AttributeChange, ...]:
        if not isinstance(was, Token) or not isinstance(now, Token):
            return ()
        changes = []
        if was.inactive != now.inactive:
            changes.append(
                AttributeChange(
                    "inactive", _flag(was.inactive), _flag(now.inactive), escalation=was.inactive
                )
            )
        old_role = before.token_parts(was)[0]
        new_role = after.token_parts(now)[0]
        if _role_key(old_role) != _role_key(new_role):
            changes.append(AttributeChange("role", old_role.name, new_role.name, escalation=False))
        if was.user != now.user:
            changes.append(AttributeChange("user", was.user, now.user, escalation=False))
        return tuple(changes)

    return attributes


def _integration_attributes(
    was: Subject | None, now: Subject | None
) -> tuple[AttributeChange, ...]:
    if not isinstance(was, Integration) or not isinstance(now, Integration):
        return ()
    changes = []
    if was.state != now.state:
        changes.append(
            AttributeChange("state", was.state, now.state, escalation=now.state == "enabled")
        )
    added = set(now.auth_flows) - set(was.auth_flows)
    if set(was.auth_flows) != set(now.auth_flows):
        changes.append(
            AttributeChange(
                "auth flows",
                ", ".join(sorted(was.auth_flows)) or "none",
                ", ".join(sorted(now.auth_flows)) or "none",
                escalation=bool(added),
            )
        )
    return tuple(changes)


def _token_via(ctx: Effective, subject: Subject) -> str:
    assert isinstance(subject, Token)
    role, user, _ = ctx.token_parts(subject)
    return f"user {user.name!r} in role {role.name!r}"


def _integration_via(ctx: Effective, subject: Subject) -> str:
    assert isinstance(subject, Integration)
    tokens = ctx.active_tokens(subject)
    names = sorted({ctx.token_parts(t)[0].name for t in tokens})
    return (
        ("roles " if len(names) > 1 else "role ") + ", ".join(repr(n) for n in names)
        if names
        else ""
    )
