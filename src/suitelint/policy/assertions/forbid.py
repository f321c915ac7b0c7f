"""``forbid``: roles a subject must not act in, permissions it must not hold.

```yaml
forbid:
  roles: [Administrator, "Full Access"]          # names, ids, scriptids or globs
  permissions:
    - Delete Records                             # a name or permkey (at VIEW or above)
    - {permission: "TRAN_*", level: full}        # a glob, at a level or above
    - {category: setup}                          # every permission of a category
    - {capability: modify-scripts, except: [Custom Fields]}
```

A subject acting in a forbidden role is reported once per role (a token: its role; a user:
each of its roles; an integration: the roles of its active tokens). Standard role names
(Administrator, Full Access, ...) are known to the catalog; any other name must be a role
of the account, or the policy is in error. Each held permission a selector matches is a
finding. Administrator and Full Access hold every permission: one finding for the rule
says so (naming every selector), unless the same rule already forbids that role.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import msgspec

from suitelint.effective import (
    EVERY_PERMISSION,
    ByIdentity,
    Table,
    role_link,
    subject_roles,
)
from suitelint.errors import PolicyError, Problem, did_you_mean
from suitelint.findings import Finding, Link
from suitelint.model import Role, Token, subject_names
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.assertions.restricted_to import knows_subsidiaries, subsidiary_note
from suitelint.policy.compiling import Compiler
from suitelint.policy.selectors import NameRef, PermSelector
from suitelint.yamlsrc import PathKey


class ForbidRoles(msgspec.Struct, frozen=True):
    """``forbid.roles``."""

    roles: tuple[NameRef, ...]
    uses_table: ClassVar[bool] = False

    def describe(self) -> str:
        return "forbids roles: " + ", ".join(ref.text for ref in self.roles)

    def bind(self, ctx: Context, rule_id: str) -> Check:
        forbidden = _bind_role_refs(ctx, rule_id, self.roles)

        def check(em: Emitter, table: Table) -> None:
            subject = em.subject
            if isinstance(subject, Token):  # its role, without the chain down to it
                roles: Iterable[Role] = (em.ctx.token_parts(subject)[0],)
            else:
                roles = (role for _, role in subject_roles(em.ctx, subject))
            for role in roles:
                if forbidden(role):
                    _report(em, role)
                    em.role_forbidden = True

        return check


def _report(em: Emitter, role: Role) -> None:
    own = isinstance(em.subject, Role)
    tail: tuple[Link, ...] = () if own else (role_link(role),)
    table = em.ctx.role_table(role)
    if table.everything is not None:
        tail += (EVERY_PERMISSION,)
    em.emit(
        f"{em.describe()} runs under role {role.name!r}, which this rule forbids",
        qualifier=f"role:{role.scriptid or role.id}",
        chain_tail=tail,
        location=table.grant.location() if own else None,
    )


def _bind_role_refs(
    ctx: Context, rule_id: str, refs: tuple[NameRef, ...]
) -> Callable[[Role], bool]:
    """Which roles of the account the names mean; an unknown name is a policy error."""
    problems: list[Problem] = []
    standard = []
    for ref in refs:
        std = None if ref.glob else ctx.catalog.standard_role(ref.text)
        if std is not None:
            standard.append(std)
            continue
        if ref.glob or any(ref.matches(*subject_names(r)) for r in ctx.snapshot.roles):
            continue
        loc = ref.location
        names = {r.name for r in ctx.snapshot.roles} | {s.name for s in ctx.catalog.standard_roles}
        problems.append(
            Problem(
                loc.path if loc else "",
                f"unknown role {ref.text!r} in rule {rule_id!r}{did_you_mean(ref.text, names)}",
                loc.line if loc else None,
                loc.column if loc else None,
            )
        )
    if problems:
        raise PolicyError("", problems=problems)

    def matches(role: Role) -> bool:
        for std in standard:
            if (
                (std.id is not None and role.id == std.id)
                or (role.scriptid is not None and role.scriptid.upper() == std.scriptid.upper())
                or role.name.casefold() == std.name.casefold()
            ):
                return True
        return any(ref.matches(*subject_names(role)) for ref in refs)

    seen: ByIdentity[Role, bool] = ByIdentity()  # thousands of tokens share a few roles
    return lambda role: seen.get(role, matches)


class ForbidPermissions(msgspec.Struct, frozen=True):
    """``forbid.permissions``."""

    selectors: tuple[PermSelector, ...]
    uses_table: ClassVar[bool] = True

    def describe(self) -> str:
        return "forbids permissions: " + "; ".join(s.describe() for s in self.selectors)

    def bind(self, ctx: Context, rule_id: str) -> Check:
        if knows_subsidiaries(ctx):
            # OneWorld data: a finding says how far the role reaches
            return lambda em, table: self.check(em, table, reach=True)
        return self.check

    def check(self, em: Emitter, table: Table, reach: bool = False) -> None:
        if table.everything is not None:
            if em.role_forbidden:
                return
            note = subsidiary_note(em) if reach else ""
            # One finding per rule: "every permission" is one fact, however many selectors.
            em.emit(
                f"{em.describe()} holds every permission through "
                f"{table.everything.via[-1].name!r}, including "
                + "; ".join(s.describe() for s in self.selectors)
                + note,
                grant=table.everything,
                chain_tail=(EVERY_PERMISSION,),
                qualifier="everything",
            )
            return
        ctx = em.ctx
        found = ctx.matches(table, self.selectors)
        if not found:
            return
        note = subsidiary_note(em) if reach else ""  # once per subject, not per finding
        # A token-capable admin-like role holds hundreds of forbidden permissions: what
        # the loop needs is looked up once, not once per finding.
        subject, perm_link = em.describe(), ctx.perm_link
        shared = em.one_grant(table)
        if shared is not None:
            # One grant for every permission, and no file line per permission (a snapshot's
            # rows): the findings differ only in permkey, link and message, made here
            # without a call per finding (what Emitter.emit_held makes).
            kind, subject_id, label, scriptid, chain, place, rows, links = shared
            grant = table.grant
            append, rule_id, severity = em.out.append, em.rule_id, em.severity
            for permkey, level, selector in found:
                link = links[level].get(permkey)
                if link is None:
                    link = links[level][permkey] = perm_link(permkey, level, grant)
                append(
                    Finding(
                        rule_id,
                        severity,
                        f"{subject} holds {link.name} at {link.detail}; "
                        f"forbidden: {selector.described}{note}",
                        kind,
                        subject_id,
                        label,
                        scriptid,
                        permkey,
                        "",
                        chain + (link,),  # noqa: RUF005 (a third cheaper than unpacking)
                        rows.get(permkey, place),
                    )
                )
            return
        grant_of, emit = table.grant_of, em.emit_held
        for permkey, level, selector in found:
            grant = grant_of(permkey)
            link = perm_link(permkey, level, grant)  # its name and detail: shown, level
            emit(
                f"{subject} holds {link.name} at {link.detail}; "
                f"forbidden: {selector.described}{note}",
                permkey,
                grant,
                link,
            )


def forbids_roles(assertions: Iterable[Assertion]) -> bool:
    """Whether any of ``assertions`` forbids roles (``forbid.roles``)."""
    return any(isinstance(a, ForbidRoles) for a in assertions)


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    found: list[Assertion] = []
    if not raw:
        return found
    if "roles" in raw:
        found.append(ForbidRoles(c.names(raw["roles"], (*at, "roles"))))
    if "permissions" in raw:
        selectors = tuple(
            c.selector(s, (*at, "permissions", i)) for i, s in enumerate(raw["permissions"])
        )
        found.append(ForbidPermissions(selectors))
    return found


KIND = Kind("forbid", compile, __doc__ or "")
