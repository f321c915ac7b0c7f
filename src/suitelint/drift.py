"""Drift: what was changed by hand in the live account since the repo was deployed.

``suitelint diff src/ account.json`` compares two states of the same thing, so against a
live account it lists every account role as "added". Drift compares what the repo
*manages* with the account:

* **managed roles**: the custom roles the repo defines, matched to the account by
  scriptid (case-insensitive; by name when the account's role has no scriptid, as a
  role-permission CSV export has none). Their permission and attribute changes are
  reported as the account's changes since deploy; a permission the account holds above
  the repo, a new one, or an attribute that loosens access widens access.
* **not deployed**: managed roles the account does not have.
* **unmanaged custom roles**: custom roles of the account the repo does not define
  (somebody made them in the UI). Standard roles (Administrator, A/P Clerk, ...) are the
  account's own and are never listed.

Pure: two validated snapshots and the catalog in, a frozen :class:`Drift` out. The
comparison itself is :func:`suitelint.diff.diff_snapshots` (one engine, several views).
"""

from __future__ import annotations

from dataclasses import dataclass

from suitelint.catalog import Catalog
from suitelint.diff import SubjectDiff, diff_snapshots
from suitelint.model import Role, Snapshot


@dataclass(frozen=True, slots=True)
class Drift:
    repo: str
    account: str
    catalog_version: str
    #: managed roles that differ in the account (status "changed")
    changed: tuple[SubjectDiff, ...]
    #: managed roles the account does not have
    not_deployed: tuple[Role, ...]
    #: custom roles of the account the repo does not manage
    unmanaged: tuple[Role, ...]
    managed: int

    @property
    def widened(self) -> tuple[SubjectDiff, ...]:
        return tuple(s for s in self.changed if s.escalated)

    @property
    def clean(self) -> bool:
        return not (self.changed or self.not_deployed or self.unmanaged)


def is_custom_role(role: Role, catalog: Catalog) -> bool:
    """A custom role (``customrole...`` scriptid, or no scriptid and not a standard role)."""
    if role.scriptid:
        return role.scriptid.lower().startswith("customrole")
    return catalog.standard_role(role.id) is None and catalog.standard_role(role.name) is None


def drift(
    repo: Snapshot,
    account: Snapshot,
    catalog: Catalog,
    *,
    repo_label: str = "",
    account_label: str = "",
) -> Drift:
    """The account's differences from the roles the repo manages."""
    managed = [r for r in repo.roles if is_custom_role(r, catalog)]
    by_scriptid = {r.scriptid.lower(): r for r in account.roles if r.scriptid}
    by_name: dict[str, list[Role]] = {}
    for role in account.roles:
        if not role.scriptid:
            by_name.setdefault(role.name.casefold(), []).append(role)
    pairs: list[tuple[Role, Role]] = []
    not_deployed: list[Role] = []
    matched: set[int] = set()
    for role in managed:
        found = by_scriptid.get(role.scriptid.lower()) if role.scriptid else None
        if found is None:
            named = by_name.get(role.name.casefold(), [])
            found = named[0] if len(named) == 1 else None
        if found is None:
            not_deployed.append(role)
            continue
        matched.add(id(found))
        # compared under the repo's key, so the diff pairs them
        pairs.append((role, _keyed_as(found, role)))
    result = diff_snapshots(
        Snapshot(roles=tuple(r for r, _ in pairs)),
        Snapshot(roles=tuple(a for _, a in pairs)),
        catalog,
        old_label=repo_label,
        new_label=account_label,
    )
    unmanaged = [r for r in account.roles if id(r) not in matched and is_custom_role(r, catalog)]
    return Drift(
        repo=repo_label,
        account=account_label,
        catalog_version=catalog.version,
        changed=tuple(s for s in result.subjects if s.kind == "role" and s.status == "changed"),
        not_deployed=tuple(sorted(not_deployed, key=_role_order)),
        unmanaged=tuple(sorted(unmanaged, key=_role_order)),
        managed=len(managed),
    )


def _keyed_as(account_role: Role, repo_role: Role) -> Role:
    """The account's role under the repo role's key, for the comparison. What the account
    source does not record is taken from the repo, so that it is not reported as drift:
    a field it leaves out (center type, subsidiary option), and, for a role found by name
    (a role-permission CSV export, which holds permissions only), every attribute."""
    import msgspec

    changes: dict[str, object] = {"scriptid": repo_role.scriptid, "id": repo_role.id}
    if not account_role.scriptid:
        for name in (
            "inactive",
            "web_services_only",
            "two_factor_required",
            "core_admin",
            "center_type",
            "subsidiary_option",
            "subsidiaries",
            "restrictions",
        ):
            changes[name] = getattr(repo_role, name)
    else:
        for name in ("center_type", "subsidiary_option"):
            if getattr(account_role, name) is None:
                changes[name] = getattr(repo_role, name)
    return msgspec.structs.replace(account_role, **changes)


def _role_order(role: Role) -> tuple[str, str]:
    return (role.name.casefold(), role.scriptid or role.id)
