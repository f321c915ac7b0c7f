"""Evaluate compiled rules over a snapshot: pure functions, sorted output.

Effective permissions (DESIGN.md §2):
- a role's own permissions (a role with Core Administration Permissions also holds
  ADMI_KERNEL; Administrator and Full Access hold every permission);
- a token's: its role's plus its user's global permissions;
- a user's: the union over its roles plus its global permissions;
- an integration's: the union over its active tokens.
Highest level wins. Every finding carries the chain that produced it.

Level tables are built once per role and shared by every token that uses the role,
and rule results on a shared table are computed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from suitelint.catalog import Catalog
from suitelint.errors import PolicyError, Problem
from suitelint.findings import Finding, Link, Location, Severity, Suppression, sort_findings
from suitelint.model import (
    LEVEL_BY_NAME,
    Index,
    Integration,
    Level,
    Permission,
    Role,
    Snapshot,
    Subject,
    Token,
    User,
    build_index,
    find_integration,
    find_role,
)
from suitelint.policy.compiler import (
    AllowOnly,
    Assertion,
    CompiledRule,
    ForbidPermissions,
    ForbidRoles,
    ForbidTogether,
    LevelEntry,
    MaxAgeDays,
    MaxIdleDays,
    MaxLevel,
    NameRef,
    PermSelector,
    Policy,
    Require,
)
from suitelint.sdfref import reference_or_none

T = TypeVar("T")

ENGINE_RULES = {
    "suitelint/undocumented-level": (
        Severity.WARNING,
        "Permission level outside the documented set",
        "NetSuite documents which levels each permission takes; a level outside that set "
        "comes from an export or an edit that the UI would not offer, and may not mean what it says.",
    ),
    "suitelint/unmatched-reference": (
        Severity.WARNING,
        "Policy names a subject that is not in the account",
        "A rule whose 'where' names an integration, role or user that does not exist checks "
        "nothing: a renamed integration silently escapes its least-privilege rule.",
    ),
    "suitelint/no-token-data": (
        Severity.NOTE,
        "Rule about tokens checked nothing: the sources hold no tokens",
        "A rule for tokens, or for roles used by tokens, selects nothing when the sources hold "
        "no tokens (an SDF project alone has none): it passed without checking anything. "
        "Combine the project with a snapshot of the account to check it.",
    ),
    "suitelint/rule-selected-nothing": (
        Severity.WARNING,
        "Rule selected no subject",
        "A rule whose 'where' matches no role, token, user or integration of the account checks "
        "nothing and would pass whatever the account holds; a glob that no longer matches after a "
        "rename is the usual cause.",
    ),
    "suitelint/expired-waiver": (
        Severity.WARNING,
        "Waiver has expired",
        "An expired waiver no longer suppresses anything; renew it with a new date or fix the finding.",
    ),
    "suitelint/unused-waiver": (
        Severity.NOTE,
        "Waiver matches no finding",
        "A waiver that waives nothing is dead policy: remove it, or fix its rule or subject.",
    ),
}


#: how an unresolved custom permkey is described, by the category the catalog gives it
_CUSTOM_KIND = {
    "custom_record": "custom record",
    "transactions": "custom transaction type",
    "lists": "custom segment",
}


# -- effective permissions -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Grant:
    """Where held permissions come from: a role, or a user's global permissions."""

    via: tuple[Link, ...]
    role: Role | None = None
    user: User | None = None

    def permission(self, permkey: str) -> Permission | None:
        perms = (
            self.role.permissions
            if self.role
            else self.user.global_permissions
            if self.user
            else ()
        )
        best: Permission | None = None
        for perm in perms:
            if perm.permkey == permkey and (best is None or perm.lvl > best.lvl):
                best = perm
        return best

    def location(self, permkey: str | None = None) -> Location | None:
        if self.role is None or self.role.path is None:
            return None
        if permkey is not None:
            perm = self.permission(permkey)
            if perm is not None and perm.line is not None:
                return Location(self.role.path, perm.line)
        return Location(self.role.path, self.role.line)

    @property
    def is_global(self) -> bool:
        return self.role is None


@dataclass(slots=True)
class Table:
    """Effective permission levels of a subject, with where each comes from."""

    #: held permissions only: no permkey is listed at NONE
    levels: dict[str, Level]
    grant: Grant
    grants: dict[str, Grant] | None = None
    everything: Grant | None = None

    def grant_of(self, permkey: str) -> Grant:
        if self.grants is not None:
            return self.grants.get(permkey, self.grant)
        return self.grant

    def level(self, permkey: str) -> Level:
        if self.everything is not None:
            return Level.FULL
        return self.levels.get(permkey, Level.NONE)


def _levels(permissions: Sequence[Permission]) -> dict[str, Level]:
    """Level per permkey; where a permkey is listed twice, the highest level holds."""
    # A comprehension builds the common case (each permkey once, none at NONE) at a third
    # of the cost of comparing as it goes; a role of an account has hundreds of rows.
    levels = {perm.permkey: lv for perm in permissions if (lv := LEVEL_BY_NAME[perm.level])}
    if len(levels) != len(permissions):
        levels = {}
        for perm in permissions:
            level = LEVEL_BY_NAME[perm.level]
            if level > levels.get(perm.permkey, Level.NONE):
                levels[perm.permkey] = level
    return levels


def role_link(role: Role) -> Link:
    return Link("role", role.scriptid or role.id, role.name, "(inactive)" if role.inactive else "")


def user_link(user: User) -> Link:
    return Link("user", user.id, user.name, "(inactive)" if user.inactive else "")


def token_link(token: Token) -> Link:
    kind = "OAuth 2.0 client credentials" if token.type == "client_credentials" else "TBA token"
    detail = f"({kind}{', inactive' if token.inactive else ''})"
    return Link("token", token.id, token.label, detail)


def integration_link(integration: Integration) -> Link:
    return Link(
        "integration",
        integration.scriptid or integration.id,
        integration.name,
        "(blocked)" if integration.state == "blocked" else "",
    )


def _merge(tables: Sequence[Table], prefixes: Sequence[tuple[Link, ...]] = ()) -> Table:
    """Union of tables, highest level wins; ties keep the first table's grant."""
    if len(tables) == 1 and not prefixes:
        return tables[0]
    levels: dict[str, Level] = {}
    grants: dict[str, Grant] = {}
    everything: Grant | None = None
    first: Grant | None = None
    for i, table in enumerate(tables):
        prefix = prefixes[i] if prefixes else ()

        def prefixed(grant: Grant, prefix: tuple[Link, ...] = prefix) -> Grant:
            return Grant(prefix + grant.via, grant.role, grant.user) if prefix else grant

        if first is None:
            first = prefixed(table.grant)
        if table.everything is not None and everything is None:
            everything = prefixed(table.everything)
        shared = prefixed(table.grant)
        for key, level in table.levels.items():
            held = levels.get(key)
            if held is None or level > held:
                levels[key] = level
                grant = table.grants.get(key, table.grant) if table.grants else table.grant
                grants[key] = shared if grant is table.grant else prefixed(grant)
    return Table(levels, first or Grant(()), grants, everything)


_EMPTY_GRANT = Grant(())
#: the chain's last link for Administrator and Full Access: they hold every permission
EVERY_PERMISSION = Link("permission", "*", "every permission", "FULL")


@dataclass
class Context:
    """One evaluation: the snapshot, its index, the catalog, today, and caches."""

    snapshot: Snapshot
    catalog: Catalog
    today: dt.date
    index: Index = field(init=False)
    environment: str = field(init=False)
    _roles: dict[str, Table] = field(default_factory=dict)
    _globals: dict[str, Table | None] = field(default_factory=dict)
    _tokens: dict[str, Table] = field(default_factory=dict)
    _thresholds: dict[int, dict[str, Level | None]] = field(default_factory=dict)
    #: per selector, the permkeys of its threshold cache that it selects, by threshold
    _relevant: dict[int, dict[Level, set[str]]] = field(default_factory=dict)
    _results: dict[tuple[int, int], Any] = field(default_factory=dict)
    #: what other modules work out once per object (see :meth:`memo`)
    _memo: dict[tuple[str, int], tuple[object, Any]] = field(default_factory=dict)
    _displays: dict[str, str] = field(default_factory=dict)
    #: custom object names by lower-cased scriptid (the first named one), built on first use
    _custom_names: dict[str, str] | None = None
    _described: dict[int, tuple[PermSelector, str]] = field(default_factory=dict)
    _alone: dict[int, tuple[PermSelector]] = field(default_factory=dict)
    _links: dict[tuple[str, str, Level], Link] = field(default_factory=dict)
    _prefixes: dict[int, tuple[Subject, tuple[Link, ...]]] = field(default_factory=dict)
    _parts: dict[int, tuple[Token, tuple[Role, User, Integration | None]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self.index = build_index(self.snapshot)
        self.environment = self.snapshot.account.environment

    # tables -------------------------------------------------------------------------
    def everything_role(self, role: Role) -> bool:
        """Administrator and Full Access hold every permission, whatever the data lists."""
        for ref in (role.scriptid, role.id):
            if ref:
                standard = self.catalog.standard_role(ref)
                if standard is not None and standard.everything:
                    return True
        return False

    def role_table(self, role: Role) -> Table:
        table = self._roles.get(role.id)
        if table is None:
            levels = _levels(role.permissions)
            if role.core_admin and levels.get("ADMI_KERNEL", Level.NONE) < Level.FULL:
                levels["ADMI_KERNEL"] = Level.FULL  # the SDF field coreadminpermission
            grant = Grant((role_link(role),), role)
            table = Table(levels, grant, everything=grant if self.everything_role(role) else None)
            self._roles[role.id] = table
        return table

    def global_table(self, user: User) -> Table | None:
        if user.id not in self._globals:
            table = None
            if user.global_permissions:
                table = Table(_levels(user.global_permissions), Grant((), None, user))
            self._globals[user.id] = table
        return self._globals[user.id]

    def token_parts(self, token: Token) -> tuple[Role, User, Integration | None]:
        entry = self._parts.get(id(token))
        if entry is not None:  # asked for by every rule and finding on the token
            return entry[1]
        role = find_role(self.index, token.role)
        user = self.index.users.get(token.user)
        assert role is not None and user is not None, "references are validated on load"
        integration = find_integration(self.index, token.integration) if token.integration else None
        self._parts[id(token)] = (token, (role, user, integration))
        return role, user, integration

    def token_table(self, token: Token) -> Table:
        table = self._tokens.get(token.id)
        if table is None:
            role, user, _ = self.token_parts(token)
            own = self.role_table(role)
            extra = self.global_table(user)
            table = own if extra is None else _merge([own, extra])
            self._tokens[token.id] = table
        return table

    def user_table(self, user: User) -> Table:
        tables = [self.role_table(r) for r in self.user_roles(user)]
        extra = self.global_table(user)
        if extra is not None:
            tables.append(extra)
        return _merge(tables) if tables else Table({}, _EMPTY_GRANT)

    def user_roles(self, user: User) -> list[Role]:
        roles = [find_role(self.index, ref) for ref in user.roles]
        return [r for r in roles if r is not None]

    def active_tokens(self, integration: Integration) -> tuple[Token, ...]:
        # Sorted by id: which token's grant a tie reports must not depend on input order.
        tokens = self.index.tokens_by_integration.get(integration.id, ())
        return tuple(sorted((t for t in tokens if not t.inactive), key=lambda t: t.id))

    def integration_table(self, integration: Integration) -> Table:
        tokens = self.active_tokens(integration)
        if not tokens:
            return Table({}, _EMPTY_GRANT)
        prefixes = []
        for token in tokens:
            _, user, _ = self.token_parts(token)
            prefixes.append((token_link(token), user_link(user)))
        return _merge([self.token_table(t) for t in tokens], prefixes)

    def table(self, subject: Subject) -> Table:
        if isinstance(subject, Role):
            return self.role_table(subject)
        if isinstance(subject, Token):
            return self.token_table(subject)
        if isinstance(subject, User):
            return self.user_table(subject)
        return self.integration_table(subject)

    def threshold(self, selector: PermSelector, permkey: str) -> Level | None:
        # Selectors belong to the compiled policy, which outlives this context: ids are stable.
        cache = self._thresholds.setdefault(id(selector), {})
        if permkey not in cache:
            found = cache[permkey] = selector.threshold(permkey, self.catalog)
            if found is not None:
                groups = self._relevant.setdefault(id(selector), {})
                groups.setdefault(found, set()).add(permkey)
        return cache[permkey]

    def display(self, permkey: str) -> str:
        shown = self._displays.get(permkey)
        if shown is None:  # a large account shows the same few hundred permkeys many times
            shown = self._displays[permkey] = self._display(permkey)
        return shown

    def _display(self, permkey: str) -> str:
        info = self.catalog.get(permkey)
        if info is not None and info.custom:
            names = self._custom_names
            if names is None:
                # Indexed once: scanning every custom object per displayed permkey made an
                # account with thousands of custom record types quadratic.
                names = self._custom_names = {}
                for obj in self.snapshot.custom_objects:
                    if obj.name:
                        names.setdefault(obj.scriptid.lower(), obj.name)
            reference = reference_or_none(permkey)
            name = names.get(reference.scriptid) if reference is not None else None
            if name is not None:
                return f"{name} ({permkey})"
            # A reference to a custom object the sources do not define (it lives in another
            # project or only in the account): shown as such, never guessed.
            kind = _CUSTOM_KIND.get(info.category, "custom object")
            return f"{permkey} ({kind} not in the sources)"
        return info.display if info is not None else permkey

    def describe(self, selector: PermSelector) -> str:
        """``selector.describe()``, once per selector."""
        entry = self._described.get(id(selector))
        if entry is None:  # the entry holds the selector, so its id stays its own
            entry = self._described[id(selector)] = (selector, selector.describe())
        return entry[1]

    def alone(self, selector: PermSelector) -> tuple[PermSelector]:
        """``(selector,)``, the same tuple every time: :func:`_matches` caches on its id."""
        single = self._alone.get(id(selector))
        if single is None:
            single = self._alone[id(selector)] = (selector,)
        return single

    def memo(self, name: str, key: object, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``name`` and ``key`` object (by identity) in this
        evaluation: tables are shared by every token of a role."""
        entry = self._memo.get((name, id(key)))
        if entry is None:  # the entry holds the key, so its id stays its own
            entry = self._memo[(name, id(key))] = (key, compute())
        result: T = entry[1]
        return result

    def prefix(self, subject: Subject) -> tuple[Link, ...]:
        """:func:`subject_prefix`, built once per subject and shared by its findings."""
        entry = self._prefixes.get(id(subject))
        if entry is None:  # the entry holds the subject, so its id stays its own
            entry = self._prefixes[id(subject)] = (subject, subject_prefix(self, subject))
        return entry[1]


# -- subjects --------------------------------------------------------------------------
def subject_prefix(ctx: Context, subject: Subject) -> tuple[Link, ...]:
    """The chain above the permission source, from the subject down."""
    if isinstance(subject, Token):
        _, user, integration = ctx.token_parts(subject)
        head = (integration_link(integration),) if integration else ()
        return (*head, token_link(subject), user_link(user))
    if isinstance(subject, User):
        return (user_link(subject),)
    if isinstance(subject, Integration):
        return (integration_link(subject),)
    return ()


def subject_roles(ctx: Context, subject: Subject) -> list[tuple[tuple[Link, ...], Role]]:
    """Roles a subject acts in, each with the chain down to it."""
    if isinstance(subject, Role):
        return [((), subject)]
    if isinstance(subject, Token):
        role, _, _ = ctx.token_parts(subject)
        return [(ctx.prefix(subject), role)]
    if isinstance(subject, User):
        return [((user_link(subject),), r) for r in ctx.user_roles(subject)]
    result: list[tuple[tuple[Link, ...], Role]] = []
    for token in ctx.active_tokens(subject):
        role, user, _ = ctx.token_parts(token)
        result.append(((integration_link(subject), token_link(token), user_link(user)), role))
    return result


def _is_active(ctx: Context, subject: Subject) -> bool:
    if isinstance(subject, Integration):
        return subject.state == "enabled"
    return not subject.inactive


def _label(subject: Subject) -> str:
    return subject.label if isinstance(subject, Token) else subject.name


def _names(subject: Subject) -> tuple[str | None, ...]:
    if isinstance(subject, Token):
        return (subject.name, subject.id)
    if isinstance(subject, User):
        return (subject.name, subject.id, subject.email)
    return (subject.name, subject.id, subject.scriptid)


def _any(refs: tuple[NameRef, ...], candidates: Iterable[tuple[str | None, ...]]) -> bool:
    pool = list(candidates)
    return any(ref.matches(*values) for ref in refs for values in pool)


def select(ctx: Context, rule: CompiledRule) -> list[Subject]:
    """Subjects of the rule's kind that its ``where`` picks, in snapshot order."""
    where = rule.where
    pool: Sequence[Subject] = getattr(ctx.snapshot, rule.applies_to)
    chosen: list[Subject] = []
    for subject in pool:
        if where.active is not None and _is_active(ctx, subject) != where.active:
            continue
        if where.name and not _any(where.name, [(_label(subject),)]):
            continue
        if where.id and not _any(where.id, [(subject.id,)]):
            continue
        if where.scriptid and not _any(where.scriptid, [(getattr(subject, "scriptid", None),)]):
            continue
        if where.type and (not isinstance(subject, Token) or subject.type != where.type):
            continue
        if where.used_by_tokens is not None:
            used = isinstance(subject, Role) and any(
                not t.inactive for t in ctx.index.tokens_by_role.get(subject.id, ())
            )
            if used != where.used_by_tokens:
                continue
        if where.role and not _any(where.role, [_names(r) for _, r in subject_roles(ctx, subject)]):
            continue
        if where.user:
            users: list[User] = []
            if isinstance(subject, Token):
                users = [ctx.token_parts(subject)[1]]
            elif isinstance(subject, Integration):
                users = [ctx.token_parts(t)[1] for t in ctx.active_tokens(subject)]
            if not _any(where.user, [_names(u) for u in users]):
                continue
        if where.integration:
            integration = ctx.token_parts(subject)[2] if isinstance(subject, Token) else None
            if integration is None or not _any(where.integration, [_names(integration)]):
                continue
        chosen.append(subject)
    return chosen


# -- findings ----------------------------------------------------------------------------
_KIND: dict[type, str] = {Role: "role", Token: "token", User: "user", Integration: "integration"}


@dataclass(slots=True)
class Emitter:
    ctx: Context
    rule: CompiledRule
    subject: Subject
    out: list[Finding]
    #: a forbid-roles assertion of this rule already reported the subject's role; "holds
    #: every permission through that role" findings of the same rule would only repeat it
    role_forbidden: bool = False
    _described: str | None = None

    def emit(
        self,
        message: str,
        *,
        permkey: str | None = None,
        grant: Grant | None = None,
        chain_tail: tuple[Link, ...] = (),
        qualifier: str = "",
        location: Location | None = None,
    ) -> None:
        ctx, subject = self.ctx, self.subject
        chain = ctx.prefix(subject)
        if grant is not None:
            chain += grant.via
        chain += chain_tail
        if not chain and isinstance(subject, Role):
            chain = (role_link(subject),)  # every finding names at least its subject
        if location is None and grant is not None:
            location = grant.location(permkey)
        if location is None:
            location = _subject_location(subject)
        kind = _KIND[type(subject)]
        self.out.append(
            Finding(
                rule_id=self.rule.id,
                severity=self.rule.severity_for(ctx.environment),
                message=message,
                subject_kind=kind,
                subject_id=subject.id,
                subject_name=subject.name or subject.id
                if not isinstance(subject, Token)
                else subject.label,
                subject_scriptid=getattr(subject, "scriptid", None),
                permkey=permkey,
                qualifier=qualifier,
                chain=chain,
                location=location,
            )
        )

    def perm_link(self, permkey: str, level: Level, grant: Grant) -> Link:
        kind = "global_permission" if grant.is_global else "permission"
        links = self.ctx._links
        key = (kind, permkey, level)
        link = links.get(key)
        if link is None:  # links are values: one per (kind, permkey, level) is enough
            link = links[key] = Link(kind, permkey, self.ctx.display(permkey), level.name)
        return link

    def describe(self) -> str:
        if self._described is None:  # once per subject and rule, not per finding
            kind = _KIND[type(self.subject)]
            name = self.subject.label if isinstance(self.subject, Token) else self.subject.name
            self._described = f"{kind} {name!r}"
        return self._described


def _subject_location(subject: Subject) -> Location | None:
    path = getattr(subject, "path", None)
    return Location(path, getattr(subject, "line", None)) if path else None


def _matches(
    ctx: Context, table: Table, selectors: Sequence[PermSelector]
) -> list[tuple[str, Level, PermSelector]]:
    """Held permissions matching any selector (the first that matches wins), cached per
    table. In no particular order: findings are sorted in the end, and callers that pick
    one match pick by permkey."""
    key = (id(selectors), id(table))
    entry = ctx._results.get(key)
    if entry is None:
        # This runs for every table and rule, and a role can hold hundreds of permissions:
        # the work per permission is done in C, with set operations. Thresholds of
        # permkeys not seen before are worked out first (as ctx.threshold does); then,
        # per threshold, the held permkeys a selector selects at that threshold are an
        # intersection, and only those held below a threshold higher than VIEW are
        # compared one by one.
        levels = table.levels
        held = levels.keys()
        found: list[tuple[str, Level, PermSelector]] = []
        taken: set[str] = set()
        for selector in selectors:
            cache = ctx._thresholds.setdefault(id(selector), {})
            groups = ctx._relevant.setdefault(id(selector), {})
            if not cache.keys() >= held:
                for permkey in held - cache.keys():
                    threshold = cache[permkey] = selector.threshold(permkey, ctx.catalog)
                    if threshold is not None:
                        groups.setdefault(threshold, set()).add(permkey)
            for threshold, selected in groups.items():
                hits = held & selected
                if taken:
                    hits -= taken
                if threshold > Level.VIEW:
                    hits = {k for k in hits if levels[k] >= threshold}
                if hits:
                    found += [(k, levels[k], selector) for k in hits]
                    taken |= hits
        # The entry holds the key objects themselves, so their ids cannot be reused by
        # other objects while the cache lives (user and integration tables are built per call).
        entry = (selectors, table, found)
        ctx._results[key] = entry
    result: list[tuple[str, Level, PermSelector]] = entry[2]
    return result


def _entry_for(ctx: Context, entries: Sequence[LevelEntry], permkey: str) -> LevelEntry | None:
    for entry in entries:
        if ctx.threshold(entry.selector, permkey) is not None:
            return entry
    return None


def check_forbid_roles(
    em: Emitter, assertion: ForbidRoles, bound: Mapping[int, Callable[[Role], bool]]
) -> None:
    matcher = bound[id(assertion)]
    for _, role in subject_roles(em.ctx, em.subject):
        if matcher(role):
            tail: tuple[Link, ...] = () if isinstance(em.subject, Role) else (role_link(role),)
            if em.ctx.role_table(role).everything is not None:
                tail += (EVERY_PERMISSION,)
            em.emit(
                f"{em.describe()} runs under role {role.name!r}, which this rule forbids",
                qualifier=f"role:{role.scriptid or role.id}",
                chain_tail=tail,
                location=em.ctx.role_table(role).grant.location()
                if isinstance(em.subject, Role)
                else None,
            )
            em.role_forbidden = True


def check_forbid_permissions(em: Emitter, assertion: ForbidPermissions, table: Table) -> None:
    if table.everything is not None:
        if em.role_forbidden:
            return
        for selector in assertion.selectors:
            em.emit(
                f"{em.describe()} holds every permission through {table.everything.via[-1].name!r}, "
                f"including {selector.describe()}",
                grant=table.everything,
                chain_tail=(EVERY_PERMISSION,),
                qualifier=f"everything:{selector.text}",
            )
        return
    for permkey, level, selector in _matches(em.ctx, table, assertion.selectors):
        grant = table.grant_of(permkey)
        em.emit(
            f"{em.describe()} holds {em.ctx.display(permkey)} at {level.name}; "
            f"forbidden: {em.ctx.describe(selector)}",
            permkey=permkey,
            grant=grant,
            chain_tail=(em.perm_link(permkey, level, grant),),
        )


def check_allow_only(em: Emitter, assertion: AllowOnly | MaxLevel, table: Table) -> None:
    ctx = em.ctx
    default = assertion.default if isinstance(assertion, MaxLevel) else Level.NONE
    if table.everything is not None:
        if not em.role_forbidden:
            em.emit(
                f"{em.describe()} holds every permission through {table.everything.via[-1].name!r}; "
                + (
                    "only the listed permissions are allowed"
                    if isinstance(assertion, AllowOnly)
                    else "levels are capped by this rule"
                ),
                grant=table.everything,
                chain_tail=(EVERY_PERMISSION,),
                qualifier="everything",
            )
        return
    for permkey, level in table.levels.items():
        if level == Level.NONE:
            continue
        entry = _entry_for(ctx, assertion.entries, permkey)
        allowed = entry.level if entry is not None else default
        if allowed is None or level <= allowed:
            continue
        grant = table.grant_of(permkey)
        if allowed == Level.NONE and isinstance(assertion, AllowOnly):
            message = f"{em.describe()} holds {ctx.display(permkey)} at {level.name}, which is not in its allow-list"
        else:
            message = f"{em.describe()} holds {ctx.display(permkey)} at {level.name}; at most {allowed.name} is allowed"
        em.emit(
            message, permkey=permkey, grant=grant, chain_tail=(em.perm_link(permkey, level, grant),)
        )


def check_forbid_together(em: Emitter, assertion: ForbidTogether, table: Table) -> None:
    for group in assertion.groups:
        qualifier = " + ".join(s.text for s in group)
        if table.everything is not None:
            if not em.role_forbidden:
                em.emit(
                    f"{em.describe()} holds every permission through {table.everything.via[-1].name!r}, "
                    f"so it combines {' and '.join(s.describe() for s in group)}",
                    grant=table.everything,
                    chain_tail=(EVERY_PERMISSION,),
                    qualifier=qualifier,
                )
            continue
        held: list[tuple[str, Level]] = []
        for selector in group:
            found = _matches(em.ctx, table, em.ctx.alone(selector))
            if not found:
                break
            held.append(min(found)[:2])  # the first by permkey: the same whatever the row order
        else:
            parts = " and ".join(f"{em.ctx.display(k)} at {lv.name}" for k, lv in held)
            tail = tuple(em.perm_link(k, lv, table.grant_of(k)) for k, lv in held)
            first = held[0][0]
            em.emit(
                f"{em.describe()} combines {parts} (segregation of duties)",
                permkey=None,
                grant=table.grant_of(first),
                chain_tail=tail,
                qualifier=qualifier,
                location=table.grant_of(first).location(first),
            )


def _days(ctx: Context, day: dt.date) -> int:
    return (ctx.today - day).days


def check_age(em: Emitter, assertion: MaxAgeDays) -> None:
    token = em.subject
    assert isinstance(token, Token)
    if token.created is None:
        em.emit(
            f"{em.describe()} has no creation date, so its age cannot be checked (limit {assertion.days} days)"
        )
    elif _days(em.ctx, token.created) > assertion.days:
        em.emit(
            f"{em.describe()} was created {token.created.isoformat()}, "
            f"{_days(em.ctx, token.created)} days ago (limit {assertion.days}); rotate it"
        )


def check_idle(em: Emitter, assertion: MaxIdleDays) -> None:
    token = em.subject
    assert isinstance(token, Token)
    ctx = em.ctx
    if token.last_used is not None:
        if _days(ctx, token.last_used) > assertion.days:
            em.emit(
                f"{em.describe()} was last used {token.last_used.isoformat()}, "
                f"{_days(ctx, token.last_used)} days ago (limit {assertion.days}); "
                "if nobody knows what it does, disable it"
            )
    elif token.created is None or _days(ctx, token.created) > assertion.days:
        since = f" since it was created {token.created.isoformat()}" if token.created else ""
        em.emit(
            f"{em.describe()} has no recorded use in the login audit trail{since} "
            f"(limit {assertion.days} days idle)"
        )


def _role_attribute_findings(em: Emitter, key: str, wanted: Any) -> None:
    labels = {
        "web_services_only": "web-services-only",
        "two_factor_required": "two-factor authentication required",
        "core_admin": "Core Administration Permissions",
    }
    for _, role in subject_roles(em.ctx, em.subject):
        actual = getattr(role, key)
        if actual != wanted:
            state = "is not" if wanted else "is"
            where = (
                ""
                if isinstance(em.subject, Role)
                else f"{em.describe()} uses role {role.name!r}, which "
            )
            text = (
                f"{where}{state} {labels[key]}"
                if where
                else f"{em.describe()} {state} {labels[key]}"
            )
            em.emit(
                text,
                qualifier=f"{key}:{role.scriptid or role.id}",
                chain_tail=(role_link(role),) if not isinstance(em.subject, Role) else (),
                location=em.ctx.role_table(role).grant.location(),
            )


def check_require(
    em: Emitter, assertion: Require, table: Table, covered: Callable[[Subject], bool]
) -> None:
    ctx = em.ctx
    for key, wanted in sorted(assertion.attributes.items()):
        if key in ("web_services_only", "two_factor_required", "core_admin"):
            _role_attribute_findings(em, key, wanted)
        elif key in ("state", "auth_flows"):
            subject = em.subject
            integrations: list[Integration] = []
            if isinstance(subject, Integration):
                integrations = [subject]
            elif isinstance(subject, Token):
                integration = ctx.token_parts(subject)[2]
                if integration is None:
                    em.emit(
                        f"{em.describe()} has no integration record, so its {key.replace('_', ' ')} cannot be checked",
                        qualifier=key,
                    )
                    continue
                integrations = [integration]
            for integration in integrations:
                if key == "state" and integration.state != wanted:
                    em.emit(
                        f"integration {integration.name!r} is {integration.state}; required: {wanted}",
                        qualifier=key,
                    )
                elif key == "auth_flows":
                    if not integration.auth_flows:
                        em.emit(
                            f"integration {integration.name!r} has no recorded auth flows; "
                            f"required: only {', '.join(wanted)}",
                            qualifier=key,
                        )
                    extra = [f for f in integration.auth_flows if f not in wanted]
                    if extra:
                        em.emit(
                            f"integration {integration.name!r} allows {', '.join(extra)}; "
                            f"only {', '.join(wanted)} is allowed",
                            qualifier=key,
                        )
        elif key == "user_active":
            subject = em.subject
            if isinstance(subject, Token):
                user = ctx.token_parts(subject)[1]
                if user.inactive == wanted:
                    em.emit(
                        f"{em.describe()} belongs to inactive user {user.name!r}; revoke it",
                        qualifier=key,
                    )
    if table.everything is None:
        for entry in assertion.permissions:
            held = [
                (k, lv)
                for k, lv in table.levels.items()
                if ctx.threshold(entry.selector, k) is not None and lv >= entry.level
            ]
            if not held:
                keys = sorted(entry.selector.keys)
                best = max((table.level(k) for k in keys), default=Level.NONE)
                em.emit(
                    f"{em.describe()} lacks {entry.selector.text} at {entry.level.name} "
                    f"(holds {best.name}); the integration will fail without it",
                    permkey=keys[0] if len(keys) == 1 else None,
                    qualifier=f"missing:{entry.selector.text}",
                )
    if assertion.covered_by_allow_only and not covered(em.subject):
        em.emit(
            f"{em.describe()} is described by no allow_only rule: nobody has declared what it needs "
            "(if you don't know what a token does, disable it)",
            qualifier="covered_by",
        )


# -- binding ---------------------------------------------------------------------------
def _bind_role_refs(
    ctx: Context, rule: CompiledRule, refs: tuple[NameRef, ...]
) -> Callable[[Role], bool]:
    problems: list[Problem] = []
    standard = []
    for ref in refs:
        std = None if ref.glob else ctx.catalog.standard_role(ref.text)
        if std is not None:
            standard.append(std)
            continue
        if ref.glob or any(ref.matches(*_names(r)) for r in ctx.snapshot.roles):
            continue
        loc = ref.location
        names = sorted(
            {r.name for r in ctx.snapshot.roles} | {s.name for s in ctx.catalog.standard_roles}
        )
        import difflib

        close = difflib.get_close_matches(ref.text, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(
            Problem(
                loc.path if loc else "",
                f"unknown role {ref.text!r} in rule {rule.id!r}{hint}",
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
        return any(ref.matches(*_names(role)) for ref in refs)

    seen: dict[int, tuple[Role, bool]] = {}

    def matcher(role: Role) -> bool:
        entry = seen.get(id(role))
        if entry is None:  # thousands of tokens share a few roles
            entry = seen[id(role)] = (role, matches(role))
        return entry[1]

    return matcher


def _unmatched_references(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    where = rule.where
    pools: dict[str, Sequence[Subject]] = {
        "role": ctx.snapshot.roles,
        "user": ctx.snapshot.users,
        "integration": ctx.snapshot.integrations,
        "token": ctx.snapshot.tokens,
    }
    own = {"roles": "role", "users": "user", "integrations": "integration", "tokens": "token"}[
        rule.applies_to
    ]
    # Names are listed only for the kinds the rule names (most rules name none).
    universes: dict[str, list[tuple[str | None, ...]]] = {}
    checks = [
        (where.name, own),
        (where.id, own),
        (where.scriptid, own),
        (where.role, "role"),
        (where.user, "user"),
        (where.integration, "integration"),
    ]
    for refs, kind in checks:
        for ref in refs:
            if ref.glob:
                continue
            if kind not in universes:
                universes[kind] = [_names(s) for s in pools[kind]]
            if any(ref.matches(*values) for values in universes[kind]):
                continue
            severity, _title, _ = ENGINE_RULES["suitelint/unmatched-reference"]
            yield Finding(
                rule_id="suitelint/unmatched-reference",
                severity=severity,
                message=f"rule {rule.id!r} names {kind} {ref.text!r}, which is not in the account; "
                "the rule checks nothing for it",
                subject_kind="rule",
                subject_id=rule.id,
                subject_name=rule.id,
                qualifier=f"{kind}:{ref.text}",
                location=ref.location,
            )


# -- evaluation --------------------------------------------------------------------------
def _no_token_data(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    """A token rule on sources without tokens checks nothing: say so rather than pass."""
    if ctx.snapshot.tokens or not (
        rule.applies_to == "tokens" or rule.where.used_by_tokens is True
    ):
        return
    subjects = "tokens" if rule.applies_to == "tokens" else "roles used by tokens"
    yield Finding(
        rule_id="suitelint/no-token-data",
        severity=ENGINE_RULES["suitelint/no-token-data"][0],
        message=f"rule {rule.id!r} applies to {subjects}, but the sources hold no tokens: "
        "it checked nothing (add a snapshot of the account to check it)",
        subject_kind="rule",
        subject_id=rule.id,
        subject_name=rule.id,
        location=rule.location,
    )


def _selected_nothing(rule: CompiledRule) -> Finding:
    """A rule that selects no subject passes without checking anything: fail closed, say so."""
    severity = ENGINE_RULES["suitelint/rule-selected-nothing"][0]
    return Finding(
        rule_id="suitelint/rule-selected-nothing",
        severity=severity,
        message=f"rule {rule.id!r} selected no {rule.applies_to} in the account: it checked nothing",
        subject_kind="rule",
        subject_id=rule.id,
        subject_name=rule.id,
        location=rule.location,
    )


def _coverage(ctx: Context, rules: Sequence[CompiledRule]) -> Callable[[Subject], bool]:
    covered: dict[str, set[str]] = {
        "roles": set(),
        "tokens": set(),
        "users": set(),
        "integrations": set(),
    }
    for rule in rules:
        if any(isinstance(a, AllowOnly) for a in rule.assertions):
            covered[rule.applies_to].update(s.id for s in select(ctx, rule))

    def is_covered(subject: Subject) -> bool:
        if isinstance(subject, Token):
            role, user, integration = ctx.token_parts(subject)
            return (
                subject.id in covered["tokens"]
                or role.id in covered["roles"]
                or user.id in covered["users"]
                or (integration is not None and integration.id in covered["integrations"])
            )
        kind = {Role: "roles", User: "users", Integration: "integrations"}[type(subject)]
        return subject.id in covered[kind]

    return is_covered


def data_findings(ctx: Context) -> Iterator[Finding]:
    """Findings about the data itself, whatever the policy says."""
    severity, _, _ = ENGINE_RULES["suitelint/undocumented-level"]
    # Per level, the permkeys already accepted at it: a large account has 100,000s of rows
    # and a few hundred distinct (permkey, level) pairs.
    accepted: dict[str, set[str]] = {name: set() for name in LEVEL_BY_NAME}
    for role in ctx.snapshot.roles:
        for perm in role.permissions:
            ok = accepted[perm.level]
            if perm.permkey in ok:
                continue
            if ctx.catalog.accepts(perm.permkey, perm.lvl):
                ok.add(perm.permkey)
            else:
                info = ctx.catalog.get(perm.permkey)
                documented = ", ".join(lv.name for lv in info.levels) if info else ""
                location = Location(role.path, perm.line) if role.path else None
                yield Finding(
                    rule_id="suitelint/undocumented-level",
                    severity=severity,
                    message=f"role {role.name!r} holds {ctx.display(perm.permkey)} at {perm.level}, "
                    f"but NetSuite documents only {documented or 'other levels'} for it",
                    subject_kind="role",
                    subject_id=role.id,
                    subject_name=role.name,
                    subject_scriptid=role.scriptid,
                    permkey=perm.permkey,
                    chain=(
                        role_link(role),
                        Link("permission", perm.permkey, ctx.display(perm.permkey), perm.level),
                    ),
                    location=location,
                )


def _apply_waivers(ctx: Context, policy: Policy, findings: list[Finding]) -> list[Finding]:
    result: list[Finding] = []
    used: set[int] = set()
    canonical = {alias: rule.id for rule in policy.rules for alias in (rule.id, *rule.aliases)}
    active = [(i, w) for i, w in enumerate(policy.waivers) if w.expires >= ctx.today]
    for finding in findings:
        for i, waiver in active:
            if canonical.get(waiver.rule) != finding.rule_id:
                continue
            subject = waiver.subject.casefold()
            if subject not in {
                v.casefold()
                for v in (finding.subject_name, finding.subject_id, finding.subject_scriptid)
                if v
            }:
                continue
            if waiver.permission is not None and waiver.permission != finding.permkey:
                continue
            finding = finding.suppress(
                Suppression("waiver", waiver.reason, waiver.expires.isoformat())
            )
            used.add(i)
            break
        result.append(finding)
    for i, waiver in enumerate(policy.waivers):
        if waiver.expires < ctx.today:
            rule_id, message = (
                "suitelint/expired-waiver",
                (
                    f"waiver for rule {waiver.rule!r} on {waiver.subject!r} expired on "
                    f"{waiver.expires.isoformat()} and no longer applies ({waiver.reason})"
                ),
            )
        elif i not in used:
            rule_id, message = (
                "suitelint/unused-waiver",
                (f"waiver for rule {waiver.rule!r} on {waiver.subject!r} matches no finding"),
            )
        else:
            continue
        result.append(
            Finding(
                rule_id=rule_id,
                severity=ENGINE_RULES[rule_id][0],
                message=message,
                subject_kind="waiver",
                subject_id=f"{waiver.rule}:{waiver.subject}",
                subject_name=waiver.subject,
                qualifier=waiver.permission or "",
                location=waiver.location,
            )
        )
    return result


def evaluate(
    policy: Policy,
    snapshot: Snapshot,
    catalog: Catalog,
    today: dt.date,
    *,
    place: Callable[[list[Finding]], list[Finding]] | None = None,
) -> tuple[Finding, ...]:
    """Every finding of every rule on every selected subject, waivers applied, sorted.

    ``place`` gives findings their place in the input files before they are sorted (by
    place): sorting tens of thousands of findings once, not before and after placing."""
    ctx = Context(snapshot, catalog, today)
    findings: list[Finding] = list(data_findings(ctx))
    bound: dict[int, Callable[[Role], bool]] = {}
    for rule in policy.rules:
        for assertion in rule.assertions:
            if isinstance(assertion, ForbidRoles):
                bound[id(assertion)] = _bind_role_refs(ctx, rule, assertion.roles)
    covered = _coverage(ctx, policy.rules)
    for rule in policy.rules:
        explained = [*_unmatched_references(ctx, rule), *_no_token_data(ctx, rule)]
        findings.extend(explained)
        subjects = select(ctx, rule)
        if not subjects and not explained:
            findings.append(_selected_nothing(rule))
        needs_table = any(
            isinstance(a, ForbidPermissions | AllowOnly | MaxLevel | ForbidTogether | Require)
            for a in rule.assertions
        )
        for subject in subjects:
            em = Emitter(ctx, rule, subject, findings)
            table = ctx.table(subject) if needs_table else Table({}, _EMPTY_GRANT)
            for assertion in rule.assertions:
                _check(em, assertion, table, bound, covered)
    findings = _apply_waivers(ctx, policy, findings)
    return sort_findings(place(findings) if place is not None else findings)


def _check(
    em: Emitter,
    assertion: Assertion,
    table: Table,
    bound: Mapping[int, Callable[[Role], bool]],
    covered: Callable[[Subject], bool],
) -> None:
    if isinstance(assertion, ForbidRoles):
        check_forbid_roles(em, assertion, bound)
    elif isinstance(assertion, ForbidPermissions):
        check_forbid_permissions(em, assertion, table)
    elif isinstance(assertion, AllowOnly | MaxLevel):
        check_allow_only(em, assertion, table)
    elif isinstance(assertion, ForbidTogether):
        check_forbid_together(em, assertion, table)
    elif isinstance(assertion, MaxAgeDays):
        check_age(em, assertion)
    elif isinstance(assertion, MaxIdleDays):
        check_idle(em, assertion)
    else:
        check_require(em, assertion, table, covered)


def subject_counts(snapshot: Snapshot) -> dict[str, int]:
    return {
        "roles": len(snapshot.roles),
        "users": len(snapshot.users),
        "integrations": len(snapshot.integrations),
        "tokens": len(snapshot.tokens),
    }
