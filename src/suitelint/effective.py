"""Effective permissions: what each role, token, user and integration of an account holds.

DESIGN.md §2:

- a role's own permissions (a role with Core Administration Permissions also holds
  ADMI_KERNEL; Administrator and Full Access hold every permission);
- a token's: its role's plus its user's global permissions;
- a user's: the union over its roles plus its global permissions;
- an integration's: the union over its active tokens.

Highest level wins. Each level remembers the :class:`Grant` it comes from, so every finding
and every report can show the chain that produced it.

This module knows the account and the catalog, nothing of policies, rules or dates: the
engine, ``blast-radius`` and ``diff`` all read the same tables from it. Level tables are
built once per role and shared by every token that uses the role.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from itertools import compress, repeat
from operator import setitem
from typing import Any, Generic, Protocol, TypeVar, cast

import msgspec

from suitelint.catalog import Catalog
from suitelint.findings import Link, Location
from suitelint.login import is_user_token_role
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
    role_permission_values,
)
from suitelint.sdfref import custom_kind, reference_or_none

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

#: how an unresolved custom permkey is described, by the category the catalog gives it
_CUSTOM_KIND = {
    "custom_record": "custom record",
    "transactions": "custom transaction type",
    "lists": "custom segment",
}


#: a permkey not looked up yet (``None`` is a threshold: "never matches")
_UNSEEN: Any = object()


def _new_thresholds(selector: object) -> dict[str, Level | None]:
    """The threshold cache of a selector not seen yet (:meth:`Effective.threshold`)."""
    return {}


class ByIdentity(Generic[K, V]):
    """Values worked out once per key *object* (by identity), for one evaluation.

    Compiled selectors, tables and subjects are frozen values whose equality is costly to
    work out and never needed: the same object asks again. Each entry holds its key, so an
    id cannot be reused by another object while the cache lives."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[int, tuple[K, V]] = {}

    def get(self, key: K, compute: Callable[[K], V]) -> V:
        entry = self._entries.get(id(key))
        if entry is None:
            entry = self._entries[id(key)] = (key, compute(key))
        return entry[1]


class Selector(Protocol):
    """What a compiled permission selector answers (``policy.selectors.PermSelector``)."""

    def threshold(self, permkey: str, catalog: Catalog) -> Level | None:
        """The lowest level at which holding ``permkey`` matches, or None."""
        ...


S = TypeVar("S", bound=Selector)


class Grant(msgspec.Struct, frozen=True):
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
            line = self.role.core_admin_line
            if (
                permkey == "ADMI_KERNEL"
                and line is not None
                and (perm is None or perm.lvl < Level.FULL)
            ):
                return Location(self.role.path, line)  # what <coreadminpermission>T grants
            if perm is not None and perm.line is not None:
                return Location(perm.path or self.role.path, perm.line)
        return Location(self.role.path, self.role.line)

    @property
    def is_global(self) -> bool:
        return self.role is None


class Table(msgspec.Struct):
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


EMPTY_GRANT = Grant(())
#: each level's name, by its value (``Level.name`` is a property: slower, per finding)
LEVEL_NAMES: tuple[str, ...] = tuple(level.name for level in sorted(Level))
#: the chain's last link for Administrator and Full Access: they hold every permission
EVERY_PERMISSION = Link("permission", "*", "every permission", "FULL")

#: one permission selected by a selector: (permkey, level held, the selector)
Match = tuple[str, Level, T]


#: per level (NONE to FULL): a ``bytes.translate`` table turning a byte holding a level
#: into 1 where that level is at or above it, else 0
_AT_LEAST: tuple[bytes, ...] = tuple(
    bytes(1 if value >= level else 0 for value in range(256)) for level in range(len(LEVEL_NAMES))
)


class Effective:
    """The effective permissions of one account: its index, its tables, its chains."""

    def __init__(self, snapshot: Snapshot, catalog: Catalog, index: Index | None = None) -> None:
        """``index``: the snapshot's index if one was built already (loading builds one)."""
        if index is not None and index.snapshot is not snapshot:
            raise ValueError("the index given is not the index of this snapshot")
        self.snapshot = snapshot
        self.catalog = catalog
        self.index: Index = index if index is not None else build_index(snapshot)
        self.environment: str = snapshot.account.environment
        self._roles: dict[str, Table] = {}
        self._globals: dict[str, Table | None] = {}
        self._tokens: dict[str, Table] = {}
        self._displays: dict[str, str] = {}
        #: custom object names by lower-cased scriptid (the first named one), built on first use
        self._custom_names: dict[str, str] | None = None
        #: whether each role (by id) is token-capable (``policy.select.token_capable``)
        self.token_capable: dict[str, bool] = {}
        #: per kind (permission, global permission) and level: links by permkey
        self._level_links: tuple[tuple[dict[str, Link], ...], ...] = tuple(
            tuple({} for _ in LEVEL_NAMES) for _ in range(2)
        )
        #: per selector: its threshold per permkey
        self._thresholds: ByIdentity[object, dict[str, Level | None]] = ByIdentity()
        #: what :meth:`matches` found, by id of the selector sequence (the entry holds it)
        #: and by id of the table (the entry holds it, and the matches)
        self._matches: dict[int, tuple[object, dict[int, tuple[Table, list[Match[Any]]]]]] = {}
        self._memo: dict[str, ByIdentity[object, object]] = {}
        #: the position of each permkey seen in a table (:meth:`_find`: its byte in the
        #: masks), and the permkey at each position
        self._bits: dict[str, int] = {}
        self._keys: list[str] = []
        self._masks: ByIdentity[Table, tuple[int, ...]] = ByIdentity()
        #: per selector (by id; the entry holds it): its bits per threshold, and how many
        #: of the bits seen it has judged
        self._selected: dict[int, tuple[object, dict[Level, int], list[int]]] = {}
        self._prefixes: ByIdentity[Subject, tuple[Link, ...]] = ByIdentity()
        self._parts: ByIdentity[Token, tuple[Role, User, Integration | None]] = ByIdentity()

    @cached_property
    def unlisted_permkeys(self) -> frozenset[str]:
        """The permkeys the account's roles hold, or its users hold as global permissions,
        that the catalog does not list (:meth:`Catalog.unlisted`: validation let them
        through; ``suitelint/unknown-permission`` reports them). Each distinct permkey is
        asked once, the first time this is read."""
        held = {p.permkey for p in role_permission_values(self.snapshot, self.index)}
        held.update(p.permkey for u in self.snapshot.users for p in u.global_permissions)
        unlisted = self.catalog.unlisted
        return frozenset(key for key in held if unlisted(key) is not None)

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

    def user_token_role(self, role: Role) -> bool:
        """A CloudExtend-style user-token role (see :func:`suitelint.login.is_user_token_role`)."""
        table = self.role_table(role)
        return self.memo(
            "user_token_role",
            table,
            lambda: is_user_token_role(
                self.catalog, role, table.level, table.everything is not None
            ),
        )

    def global_table(self, user: User) -> Table | None:
        if user.id not in self._globals:
            table = None
            if user.global_permissions:
                table = Table(_levels(user.global_permissions), Grant((), None, user))
            self._globals[user.id] = table
        return self._globals[user.id]

    def token_parts(self, token: Token) -> tuple[Role, User, Integration | None]:
        """The role, user and integration of a token (asked for by every rule and finding)."""
        return self._parts.get(token, self._token_parts)

    def _token_parts(self, token: Token) -> tuple[Role, User, Integration | None]:
        role = find_role(self.index, token.role)
        user = self.index.users.get(token.user)
        assert role is not None and user is not None, "references are validated on load"
        integration = find_integration(self.index, token.integration) if token.integration else None
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
        return _merge(tables) if tables else Table({}, EMPTY_GRANT)

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
            return Table({}, EMPTY_GRANT)
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

    # selectors ----------------------------------------------------------------------
    def threshold(self, selector: Selector, permkey: str) -> Level | None:
        """``selector.threshold(permkey)``, once per selector and permkey."""
        # Selectors belong to the compiled policy, which outlives this object.
        cache = self._thresholds.get(selector, _new_thresholds)
        if permkey not in cache:
            cache[permkey] = selector.threshold(permkey, self.catalog)
        return cache[permkey]

    def matches(self, table: Table, selectors: Sequence[S]) -> list[Match[S]]:
        """Held permissions matching any selector (the first that matches wins), once per
        table and selector sequence (the same object each time). In no particular order:
        findings are sorted in the end, and callers that pick one match pick by permkey."""
        # ByIdentity's entries spelt out: this runs for every rule on every subject
        entry = self._matches.get(id(selectors))
        if entry is None:
            entry = self._matches[id(selectors)] = (selectors, {})
        per_table = entry[1]
        found = per_table.get(id(table))
        if found is None:
            found = per_table[id(table)] = (table, self._find(table, selectors))
        return cast("list[Match[S]]", found[1])

    def _find(self, table: Table, selectors: Sequence[S]) -> list[Match[S]]:
        # This runs for every table and rule, and a role can hold hundreds of permissions:
        # the work per permission is done by C-level passes over whole tables. Each
        # permkey seen gets a position; a table is, per level, an int with the byte of
        # each permkey it holds at that level or above set to 1 (worked out once per
        # table); a selector is, per threshold, the same kind of int for the permkeys it
        # selects at that threshold (extended as permkeys are seen). What a selector finds
        # in a table is then one AND per threshold, and the permkeys found are picked out
        # of the hits' bytes by ``compress``, in position order: only the bytes from the
        # lowest hit to the highest (a selector's permkeys mostly stand together: a
        # category's are seen in a row), not every permkey seen.
        levels = table.levels
        at_least = self._masks.get(table, self._table_masks)
        keys = self._keys
        found: list[Match[S]] = []
        taken = 0
        for selector in selectors:
            groups = self._selector_bits(selector)
            for threshold, selected in groups.items():
                hits = at_least[threshold] & selected
                if taken:
                    hits &= ~taken
                if hits:
                    taken |= hits
                    low = ((hits & -hits).bit_length() - 1) >> 3  # the lowest hit's byte
                    size = ((hits.bit_length() + 7) >> 3) - low  # to the highest's
                    window = (hits >> (low << 3)).to_bytes(size, "little")
                    hit = list(compress(keys[low : low + size], window))
                    found += zip(hit, map(levels.__getitem__, hit), repeat(selector))
        return found

    def _table_masks(self, table: Table) -> tuple[int, ...]:
        """Per level (NONE to FULL): the permkeys ``table`` holds at that level or above,
        as an int with each one's byte set to 1 (NONE and VIEW: every permkey it lists)."""
        bits = self._bits
        levels = table.levels
        if not bits.keys() >= levels.keys():
            keys = self._keys
            for permkey in levels:  # in the table's order: positions are deterministic
                if permkey not in bits:
                    bits[permkey] = len(keys)
                    keys.append(permkey)
        held = bytearray(len(self._keys))
        # operator.setitem, not the slot wrapper held.__setitem__: half the cost per row
        any(map(setitem, repeat(held), map(bits.__getitem__, levels), levels.values()))
        masks = [int.from_bytes(held.translate(at), "little") for at in _AT_LEAST[1:]]
        return (masks[0], *masks)

    def _selector_bits(self, selector: Selector) -> dict[Level, int]:
        """Per threshold: the permkeys seen so far that ``selector`` selects at that
        threshold, one byte each (as :meth:`_table_masks` sets them)."""
        entry = self._selected.get(id(selector))
        if entry is None:
            entry = self._selected[id(selector)] = (selector, {}, [0])
        _, groups, done = entry
        keys = self._keys
        if done[0] < len(keys):
            # self.threshold for each new permkey, its cache looked up once
            cache = self._thresholds.get(selector, _new_thresholds)
            catalog = self.catalog
            for bit in range(done[0], len(keys)):
                permkey = keys[bit]
                threshold = cache.get(permkey, _UNSEEN)
                if threshold is _UNSEEN:
                    threshold = cache[permkey] = selector.threshold(permkey, catalog)
                if threshold is not None:
                    groups[threshold] = groups.get(threshold, 0) | (1 << (8 * bit))
            done[0] = len(keys)
        return groups

    # names and chains ---------------------------------------------------------------
    def display(self, permkey: str) -> str:
        """How a permission is shown: its catalog name and permkey, or what it refers to."""
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
            if custom_kind(permkey) is not None:  # a bare scriptid: the project's own
                name = names.get(permkey.lower())
            else:
                reference = reference_or_none(permkey)
                # another app's or bundle's object is not the project's own of that scriptid
                own = (
                    reference is not None and reference.appid is None and reference.bundleid is None
                )
                name = names.get(reference.scriptid) if own and reference is not None else None
            if name is not None:
                return f"{name} ({permkey})"
            # A reference to a custom object the sources do not define (it lives in another
            # project or only in the account): shown as such, never guessed.
            kind = _CUSTOM_KIND.get(info.category, "custom object")
            return f"{permkey} ({kind} not in the sources)"
        if info is not None:
            return info.display
        unlisted = self.catalog.unlisted(permkey)
        if unlisted is not None:
            # a newer release's permission (suitelint/unknown-permission): said wherever shown
            return f"{unlisted.name or permkey} (not in suitelint's catalog)"
        return permkey

    def perm_link(self, permkey: str, level: Level, grant: Grant) -> Link:
        """The chain's last link: a permission (or global permission) at a level."""
        # links are values: one per (kind, permkey, level) is enough, kept where
        # level_links hands them out (no key tuple per finding)
        links = self._level_links[grant.is_global][level]
        link = links.get(permkey)
        if link is None:
            kind = "global_permission" if grant.is_global else "permission"
            link = links[permkey] = Link(kind, permkey, self.display(permkey), LEVEL_NAMES[level])
        return link

    def level_links(self, grant: Grant) -> tuple[dict[str, Link], ...]:
        """Per level, by permkey: the :meth:`perm_link` links for ``grant``'s kind made so
        far, for a caller to fill (a lookup without building a key per finding)."""
        return self._level_links[grant.is_global]

    def memo(self, name: str, key: object, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``name`` and ``key`` object (by identity) for this
        account: tables are shared by every token of a role."""
        cache = self._memo.setdefault(name, ByIdentity())
        result: T = cache.get(key, lambda _: compute())  # type: ignore[assignment]
        return result

    def prefix(self, subject: Subject) -> tuple[Link, ...]:
        """:func:`subject_prefix`, built once per subject and shared by its findings."""
        return self._prefixes.get(subject, lambda s: subject_prefix(self, s))


def subject_prefix(account: Effective, subject: Subject) -> tuple[Link, ...]:
    """The chain above the permission source, from the subject down."""
    if isinstance(subject, Token):
        _, user, integration = account.token_parts(subject)
        head = (integration_link(integration),) if integration else ()
        return (*head, token_link(subject), user_link(user))
    if isinstance(subject, User):
        return (user_link(subject),)
    if isinstance(subject, Integration):
        return (integration_link(subject),)
    return ()


def subject_roles(account: Effective, subject: Subject) -> list[tuple[tuple[Link, ...], Role]]:
    """Roles a subject acts in, each with the chain down to it."""
    if isinstance(subject, Role):
        return [((), subject)]
    if isinstance(subject, Token):
        role, _, _ = account.token_parts(subject)
        return [(account.prefix(subject), role)]
    if isinstance(subject, User):
        return [((user_link(subject),), r) for r in account.user_roles(subject)]
    result: list[tuple[tuple[Link, ...], Role]] = []
    for token in account.active_tokens(subject):
        role, user, _ = account.token_parts(token)
        result.append(((integration_link(subject), token_link(token), user_link(user)), role))
    return result
