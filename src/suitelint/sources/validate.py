"""Fail closed on the data: dangling references, keys of no permkey form, duplicate ids.

Run on the merged snapshot of every source, before any rule. Problems are located
through the role's source file (SDF) or the snapshot file's locator.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator

from suitelint.catalog import Catalog
from suitelint.errors import Problem, Problems, SnapshotError, did_you_mean
from suitelint.findings import Location
from suitelint.model import (
    Index,
    Role,
    Snapshot,
    build_index,
    find_integration,
    find_role,
    role_permission_values,
)

Locate = Callable[[str, str, str | None], Location | None]


def add_standard_roles(snapshot: Snapshot, catalog: Catalog) -> Snapshot:
    """Administrator and Full Access exist in every account and hold every permission:
    a token may name them without the snapshot listing them. Any other missing role
    stays a dangling reference."""
    # found as find_role() finds them: by id, or by scriptid in lower case
    held = {r.id for r in snapshot.roles} | {
        r.scriptid.lower() for r in snapshot.roles if r.scriptid
    }
    refs = {t.role for t in snapshot.tokens} | {r for u in snapshot.users for r in u.roles}
    added: dict[str, Role] = {}
    for ref in sorted(refs):
        if ref in held or ref.lower() in held:
            continue
        standard = catalog.standard_role(ref)
        if standard is None or not standard.everything:
            continue
        if ref not in (standard.id, standard.scriptid) and ref.upper() != standard.scriptid:
            continue
        role_id = standard.id or standard.scriptid
        added.setdefault(role_id, Role(id=role_id, name=standard.name, scriptid=standard.scriptid))
    if not added:
        return snapshot
    import msgspec

    return msgspec.structs.replace(snapshot, roles=snapshot.roles + tuple(added.values()))


_PERMKEY = operator.attrgetter("permkey")


def _problems(
    snapshot: Snapshot, catalog: Catalog, locate: Locate, index: Index
) -> Iterator[Problem]:
    def at(section: str, subject_id: str, permkey: str | None, message: str) -> Problem:
        location = locate(section, subject_id, permkey)
        if location is None:
            return Problem("<snapshot>", message)
        return Problem(location.path, message, location.line, location.column)

    for section in ("roles", "users", "integrations", "tokens"):
        seen: set[str] = set()
        for item in getattr(snapshot, section):
            if item.id in seen:
                yield at(section, item.id, None, f"duplicate {section[:-1]} id {item.id!r}")
            seen.add(item.id)
    # A scriptid names one role in an account (and one object in a project): a second
    # role reusing it, with other permissions, must not pass as if it were the first.
    scriptids: dict[str, str] = {}
    for role in snapshot.roles:
        if not role.scriptid:
            continue
        key = role.scriptid.strip().lower()
        first = scriptids.setdefault(key, role.id)
        if first != role.id:
            message = (
                f"role {role.id!r} reuses scriptid {role.scriptid!r} of role {first!r}; "
                "a scriptid names one role"
            )
            if role.path is not None:
                yield Problem(role.path, message, role.line)
            else:
                yield at("roles", role.id, None, message)

    def check_permkey(
        section: str, owner: str, permkey: str, path: str | None, line: int | None
    ) -> Iterator[Problem]:
        if catalog.models(permkey):
            return
        hints = catalog.suggest(permkey)
        hint = did_you_mean(permkey, hints=hints)
        message = (
            f"{permkey!r} is no permkey: expected a standard permkey (TRAN_CUSTPYMT) or a "
            f"custom object reference ([scriptid=customrecord_x]){hint}"
        )
        if path is not None:
            yield Problem(path, message, line)
        else:
            yield at(section, owner, permkey, message)

    # Hundreds of thousands of rows are a few thousand distinct values naming a few
    # hundred permkeys (collected in C, once for validation and the engine): each is
    # looked up once, and rows are only walked when one is unknown.
    held = set(map(_PERMKEY, role_permission_values(snapshot, index)))
    # A key the catalog does not list but written as NetSuite writes one (a newer
    # release's permission) is valid data: the engine reports it (unknown-permission).
    known = set(filter(catalog.models, held))
    if len(known) != len(held):
        for role in snapshot.roles:
            for perm in role.permissions:
                if perm.permkey not in known:
                    yield from check_permkey(
                        "roles", role.id, perm.permkey, perm.path or role.path, perm.line
                    )
    for user in snapshot.users:
        for perm in user.global_permissions:
            if perm.permkey not in known:
                yield from check_permkey("users", user.id, perm.permkey, None, None)
        for ref in user.roles:
            if find_role(index, ref) is None:
                yield at(
                    "users", user.id, None, f"user {user.name!r} refers to unknown role {ref!r}"
                )
    for token in snapshot.tokens:
        if find_role(index, token.role) is None:
            yield at(
                "tokens",
                token.id,
                None,
                f"token {token.label!r} refers to unknown role {token.role!r}",
            )
        if token.user not in index.users:
            yield at(
                "tokens",
                token.id,
                None,
                f"token {token.label!r} refers to unknown user {token.user!r}",
            )
        if token.integration is not None and find_integration(index, token.integration) is None:
            yield at(
                "tokens",
                token.id,
                None,
                f"token {token.label!r} refers to unknown integration {token.integration!r}",
            )


def validate_snapshot(
    snapshot: Snapshot, catalog: Catalog, locate: Locate, index: Index | None = None
) -> Index:
    """Raise ``SnapshotError`` listing every problem, sorted and capped (``errors.capped``).
    Returns the snapshot's index (``index`` if given), for the engine to reuse."""
    if index is None:
        index = build_index(snapshot)
    problems = Problems()
    for problem in _problems(snapshot, catalog, locate, index):
        problems.add(problem, SnapshotError)
    problems.raise_if_any(SnapshotError)
    return index
