"""Combining sources: an SDF project's custom roles with a snapshot's tokens, users and
integrations (DESIGN.md §3, "Several sources can be combined").

Two sources that say different things about the same object are a conflict, and a
conflict is reported (:class:`SourceError` naming both sources), never silently
resolved — with one documented exception, described in :func:`merge_snapshots`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import msgspec

from suitelint.errors import SourceError
from suitelint.model import (
    Account,
    CustomObject,
    Integration,
    Permission,
    Role,
    Snapshot,
    Token,
    User,
)

T = TypeVar("T", Role, Integration, User, Token, CustomObject)


def merge_snapshots(parts: Sequence[tuple[str, Snapshot]]) -> Snapshot:
    """Merge snapshots from several sources, each given as ``(label, snapshot)`` where the
    label is the source path. The result keeps the order of first appearance.

    Matching:

    * roles by scriptid (case-insensitive) when both have one, else by id;
    * integrations likewise; users and tokens by id; custom objects by scriptid.

    An object that two sources define identically (ignoring where it was read from) is
    kept once, at its first location. An object defined differently by two sources
    raises :class:`SourceError` naming both sources and what differs.

    **The one exception: an SDF definition wins over a snapshot's.** The SDF project is
    the code under review, and a snapshot of the account shows what is deployed now, so
    when an *SDF role* (one without a NetSuite internal id: its id is its scriptid)
    meets a snapshot role with the same scriptid, the merged role takes

    * the snapshot's internal ``id``, so tokens and users that name the role by its
      numeric id resolve to it, and the snapshot's accessible ``subsidiaries`` when the
      SDF role lists none (SDF cannot hold that list: sdf-customrole.md §2/§3);
    * everything else from the SDF file: name, flags, restrictions, permissions and
      their file/line locations, so findings point at the code.

    Likewise an *SDF integration* (an identity only: SDF integration objects have no
    fields, sdf-customrole.md §6) meeting a snapshot integration with the same scriptid
    takes the snapshot's id, name, application id, state and auth flows, and keeps the
    SDF file location.

    The account is the one non-default account among the parts; two parts naming
    different account ids (or different environments) are a conflict.
    """
    if len(parts) == 1:
        return parts[0][1]
    roles = _Merger[Role](
        "role",
        _role_keys,
        _plain_role,
        is_sdf=_is_sdf_role,
        overlay=_overlay_role,
        clash=_scriptid_clash,
    )
    integrations = _Merger[Integration](
        "integration",
        _integration_keys,
        _plain_integration,
        is_sdf=_is_sdf_integration,
        overlay=_overlay_integration,
        clash=_scriptid_clash,
    )
    users = _Merger[User]("user", lambda u: (("id", u.id),), _plain_user)
    tokens = _Merger[Token]("token", lambda t: (("id", t.id),), _plain)
    customs = _Merger[CustomObject](
        "custom object", lambda c: (("scriptid", c.scriptid.lower()),), _plain_custom
    )
    for label, snapshot in parts:
        for role in snapshot.roles:
            roles.add(role, label)
        for integration in snapshot.integrations:
            integrations.add(integration, label)
        for user in snapshot.users:
            users.add(user, label)
        for token in snapshot.tokens:
            tokens.add(token, label)
        for custom in snapshot.custom_objects:
            customs.add(custom, label)
    return Snapshot(
        account=_merge_accounts(parts),
        roles=roles.values(),
        users=users.values(),
        integrations=integrations.values(),
        tokens=tokens.values(),
        custom_objects=customs.values(),
        login_audit=_login_audit(parts),
    )


def _login_audit(parts: Sequence[tuple[str, Snapshot]]) -> bool | None:
    """The login audit is in the sources when any of them holds it."""
    said = [snapshot.has_login_audit for _, snapshot in parts if snapshot.login_audit is not None]
    if any(snapshot.has_login_audit for _, snapshot in parts):
        return True
    return False if said else None


# --- generic matching -------------------------------------------------------------------

Key = tuple[str, Hashable]


@dataclass(slots=True)
class _Entry(Generic[T]):
    """One object as the sources describe it: its SDF definition and its deployed one
    (snapshot, CSV, live account), each with the label of the source that gave it."""

    sdf: tuple[T, str] | None = None
    deployed: tuple[T, str] | None = None


class _Merger(Generic[T]):
    def __init__(
        self,
        kind: str,
        keys: Callable[[T], tuple[Key, ...]],
        plain: Callable[[T], T],
        *,
        is_sdf: Callable[[T], bool] = lambda _: False,
        overlay: Callable[[T, T], T] | None = None,
        clash: Callable[[T, T], str | None] = lambda _a, _b: None,
    ) -> None:
        self.kind = kind
        self.keys: Callable[[T], tuple[Key, ...]] = keys
        self.plain: Callable[[T], T] = plain
        self.is_sdf: Callable[[T], bool] = is_sdf
        self.overlay: Callable[[T, T], T] | None = overlay
        self.clash: Callable[[T, T], str | None] = clash
        self.entries: list[_Entry[T]] = []
        self.index: dict[Key, int] = {}

    def add(self, value: T, label: str) -> None:
        keys = self.keys(value)
        at = next((self.index[k] for k in keys if k in self.index), None)
        if at is None:
            self.entries.append(_Entry())
            at = len(self.entries) - 1
        entry = self.entries[at]
        slot = "sdf" if self.is_sdf(value) and self.overlay is not None else "deployed"
        known: tuple[T, str] | None = getattr(entry, slot)
        for other in (entry.sdf, entry.deployed):
            if other is not None and (problem := self.clash(other[0], value)) is not None:
                self._conflict(value, other[1], label, problem)
        if known is None:
            setattr(entry, slot, (value, label))
        elif self.plain(known[0]) != self.plain(value):
            self._conflict(
                value, known[1], label, _difference(self.plain(known[0]), self.plain(value))
            )
        for key in keys:
            self.index.setdefault(key, at)

    def _conflict(self, value: T, first: str, second: str, problem: str) -> None:
        # a role or integration read from a file row (SDF element, CSV row) says where
        line = getattr(value, "line", None) if getattr(value, "path", None) == second else None
        raise SourceError(
            f"{self.kind} {_display(value)} is defined differently by {first} and {second}: "
            f"{problem}; a conflict between sources is not resolved silently",
            second,
            line,
        )

    def values(self) -> tuple[T, ...]:
        merged: list[T] = []
        for entry in self.entries:
            if entry.sdf is not None and entry.deployed is not None:
                assert self.overlay is not None
                merged.append(self.overlay(entry.sdf[0], entry.deployed[0]))
            else:
                found = entry.sdf or entry.deployed
                assert found is not None
                merged.append(found[0])
        return tuple(merged)


def _display(value: Role | Integration | User | Token | CustomObject) -> str:
    if isinstance(value, CustomObject):
        return repr(value.scriptid)
    ref = getattr(value, "scriptid", None) or value.id
    return repr(ref)


def _difference(old: msgspec.Struct, new: msgspec.Struct) -> str:
    changed = [
        f"{name} {getattr(old, name)!r} vs {getattr(new, name)!r}"
        for name in old.__struct_fields__
        if getattr(old, name) != getattr(new, name)
    ]
    shown = "; ".join(changed[:3])
    if len(changed) > 3:
        shown += f"; and {len(changed) - 3} more"
    return shown or "they differ"


def _plain(value: T) -> T:
    return value


def _plain_user(user: User) -> User:
    return msgspec.structs.replace(
        user,
        roles=tuple(sorted(set(user.roles))),
        global_permissions=_permission_set(user.global_permissions),
    )


def _plain_custom(custom: CustomObject) -> CustomObject:
    return msgspec.structs.replace(custom, path=None, line=None)


def _permission_set(permissions: Sequence[Permission]) -> tuple[Permission, ...]:
    """Permissions without locations, in a canonical order: two sources that list the same
    grants in another order or at other lines agree."""
    return tuple(
        sorted(
            {msgspec.structs.replace(p, line=None) for p in permissions},
            key=lambda p: (p.permkey, p.level, p.restriction or ""),
        )
    )


# --- roles ----------------------------------------------------------------------------


def _is_sdf_role(role: Role) -> bool:
    """An SDF role has no internal id: the loader uses its scriptid as id."""
    return role.scriptid is not None and role.id == role.scriptid


def _role_keys(role: Role) -> tuple[Key, ...]:
    keys: list[Key] = []
    if role.scriptid:
        keys.append(("scriptid", role.scriptid.lower()))
    keys.append(("id", role.id))
    return tuple(keys)


def _plain_role(role: Role) -> Role:
    return msgspec.structs.replace(
        role,
        path=None,
        line=None,
        permissions=_permission_set(role.permissions),
        restrictions=tuple(sorted(role.restrictions, key=lambda r: (r.segment, r.restriction))),
    )


def _scriptid_clash(old: Role | Integration, new: Role | Integration) -> str | None:
    if old.scriptid and new.scriptid and old.scriptid.lower() != new.scriptid.lower():
        return f"the same id {old.id!r} has scriptids {old.scriptid!r} and {new.scriptid!r}"
    return None


def _overlay_role(sdf: Role, deployed: Role) -> Role:
    return msgspec.structs.replace(
        sdf, id=deployed.id, subsidiaries=sdf.subsidiaries or deployed.subsidiaries
    )


# --- integrations ---------------------------------------------------------------------


def _is_sdf_integration(integration: Integration) -> bool:
    """An SDF integration object is an identity only: scriptid, nothing else."""
    return (
        integration.scriptid is not None
        and integration.id == integration.scriptid
        and integration.name == integration.scriptid
        and integration.application_id is None
        and not integration.auth_flows
    )


def _integration_keys(integration: Integration) -> tuple[Key, ...]:
    keys: list[Key] = []
    if integration.scriptid:
        keys.append(("scriptid", integration.scriptid.lower()))
    keys.append(("id", integration.id))
    return tuple(keys)


def _plain_integration(integration: Integration) -> Integration:
    return msgspec.structs.replace(
        integration, path=None, line=None, auth_flows=tuple(sorted(integration.auth_flows))
    )


def _overlay_integration(sdf: Integration, deployed: Integration) -> Integration:
    return msgspec.structs.replace(
        deployed, path=sdf.path or deployed.path, line=sdf.line or deployed.line
    )


# --- account --------------------------------------------------------------------------


def _merge_accounts(parts: Sequence[tuple[str, Snapshot]]) -> Account:
    chosen: tuple[str, Account] | None = None
    for label, snapshot in parts:
        account = snapshot.account
        if account == Account():
            continue
        if chosen is None:
            chosen = (label, account)
            continue
        first_label, first = chosen
        if "unknown" not in (first.id, account.id) and first.id != account.id:
            raise SourceError(
                f"sources describe different accounts: {first.id!r} in {first_label} "
                f"and {account.id!r} in {label}",
                label,
            )
        if "unknown" not in (first.environment, account.environment) and (
            first.environment != account.environment
        ):
            raise SourceError(
                f"sources disagree on the environment of account {first.id!r}: "
                f"{first.environment} in {first_label} and {account.environment} in {label}",
                label,
            )
        if first.id == "unknown" and account.id != "unknown":
            chosen = (label, account)
    return chosen[1] if chosen is not None else Account()
