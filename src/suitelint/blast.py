"""Blast radius: what every active token and integration can really do, ranked by risk.

For each active token (and each integration, as the union of its active tokens) this
module computes, from the engine's effective permission tables:

* the chain integration → token → user → role;
* the capability summary: every capability tag of the catalog the subject holds, with the
  permissions that confer it;
* a risk score that is the plain sum of named parts (see :data:`RISK_FORMULA`), so every
  score can be checked by hand from the report;
* for subjects an ``allow_only`` rule declares, the excess (what is held beyond the
  declaration) and a proposed custom role holding exactly what the declaration allows.

Everything here is pure: no I/O, no clock (``today`` is given), sorted output.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal, TypeVar

import msgspec

from suitelint.catalog import Catalog
from suitelint.effective import (
    EVERY_PERMISSION,
    Effective,
    Grant,
    Table,
    integration_link,
    role_link,
    token_link,
    user_link,
)
from suitelint.findings import Link
from suitelint.model import Index, Integration, Level, Role, Snapshot, Subject, Token, User
from suitelint.policy.assertions import allow_lists
from suitelint.policy.compiler import CompiledRule, Policy
from suitelint.policy.select import select
from suitelint.restrictions import describe, reaches_all_subsidiaries
from suitelint.sdfrole import ProposedPermission, render_customrole

# -- the risk model ----------------------------------------------------------------------
#: Weight of each capability tag: how bad it is that a leaked credential can do this.
#: 5 = takes over the account or keeps access after the leak is found (new roles, new
#: tokens, code that runs as anyone); 4 = changes the account or money for everyone;
#: 3 = mass destruction or disclosure of data; 2 = reads financials; 1 = can log in.
#: The order is the order capability summaries are listed in: the seed's five first
#: ("delete records, modify scripts, change permissions, create new tokens, alter system
#: configuration"), then the rest.
CAPABILITY_WEIGHTS: Mapping[str, int] = {
    "delete-records": 4,
    "modify-scripts": 5,
    "manage-roles-and-permissions": 5,
    "create-tokens": 5,
    "configure-system": 4,
    "full-access": 5,
    "manage-users": 4,
    "manage-integrations": 4,
    "move-money": 4,
    "customization": 3,
    "bulk-data": 3,
    "read-pii": 3,
    "read-financials": 2,
    "web-services-access": 1,
}
#: weight of a tag the catalog knows but this table does not (a newer catalog)
DEFAULT_WEIGHT = 3
EVERYTHING_POINTS = 50
NOT_WEB_SERVICES_ONLY_POINTS = 10
AGE_POINTS_PER_YEAR = 5
AGE_MAX_YEARS = 3
INACTIVE_USER_POINTS = 10
UNEXPLAINED_POINTS = 20

RISK_FORMULA = f"""\
Risk score (suitelint blast-radius)

  score = capabilities + administrator + web-services-only + token age
          + inactive user + unexplained + environment

Every part is a whole number of points, shown in the report; the score is their sum.

capabilities   for each capability tag held: weight × level held, where the level is the
               highest level (VIEW 1, CREATE 2, EDIT 3, FULL 4) of the permissions that
               confer the tag. Weights:
{{weights}}
               A tag not in this table weighs {DEFAULT_WEIGHT}.
administrator  +{EVERYTHING_POINTS} when the role is Administrator or Full Access: it holds every
               permission, including those no capability tag describes, and no
               restriction applies to it.
web-services-only
               +{NOT_WEB_SERVICES_ONLY_POINTS} when the role is not web-services-only: whoever holds
               the user's password can also use the role in the browser.
token age      +{AGE_POINTS_PER_YEAR} per full year since the token was created, at most {AGE_MAX_YEARS} years
               (+{AGE_POINTS_PER_YEAR * AGE_MAX_YEARS}); no creation date counts as the maximum. Old
               credentials have been copied to more places.
inactive user  +{INACTIVE_USER_POINTS} when the token acts as an inactive user: nobody owns it.
unexplained    +{UNEXPLAINED_POINTS} when no allow_only rule declares what the token needs
               ("unexplained token"): nobody can say whether its access is too much.
environment    production (or unknown): +0; sandbox: minus half the sum above (rounded so
               the score is the sum halved, rounded down).

An integration is scored the same way on the union of its active tokens: its capabilities
are what any of them can do; administrator, not web-services-only and inactive user count
when any token has them; age is its oldest token's; it is explained when an allow_only
rule covers the integration or each of its tokens.

Ranking: score, highest first; ties by name, then id. Capability summaries list tags in
the order of the weights table above.
"""


def explain_risk() -> str:
    """The risk formula with the weights table, as ``suitelint explain risk`` prints it."""
    rows = "\n".join(
        f"                 {tag:<30} {weight}" for tag, weight in CAPABILITY_WEIGHTS.items()
    )
    return RISK_FORMULA.replace("{weights}", rows)


# -- results ---------------------------------------------------------------------------
# The records of which a large report holds hundreds of thousands (a conferral per held
# permission and capability of every subject) are msgspec Structs: built in a tenth of a
# frozen dataclass's time, and never part of a cycle (gc=False).
class Conferral(msgspec.Struct, frozen=True, gc=False):
    """A held permission that confers a capability, and where it comes from."""

    permkey: str
    name: str
    level: Level
    via: str


class CapabilityHeld:
    """A capability tag held, at the highest level of the permissions conferring it.

    A value (compared and hashed by its fields). ``conferred_by`` may be given as a
    function that works it out when first read: an integration's conferrals unite about
    ten tokens' tables, and the text and Markdown reports never show them."""

    __slots__ = ("_conferred_by", "_work", "level", "tag", "title", "weight")

    def __init__(
        self,
        tag: str,
        title: str,
        level: Level,
        weight: int,
        conferred_by: tuple[Conferral, ...] | Callable[[], tuple[Conferral, ...]],
    ) -> None:
        self.tag = tag
        self.title = title
        self.level = level
        self.weight = weight
        if callable(conferred_by):
            self._work: Callable[[], tuple[Conferral, ...]] | None = conferred_by
            self._conferred_by: tuple[Conferral, ...] = ()
        else:
            self._work = None
            self._conferred_by = conferred_by

    @property
    def conferred_by(self) -> tuple[Conferral, ...]:
        """The held permissions that confer the tag, highest level first, then by permkey."""
        if self._work is not None:
            self._conferred_by = self._work()
            self._work = None
        return self._conferred_by

    @property
    def points(self) -> int:
        return self.weight * int(self.level)

    def _fields(self) -> tuple[object, ...]:
        return (self.tag, self.title, self.level, self.weight, self.conferred_by)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CapabilityHeld):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"CapabilityHeld(tag={self.tag!r}, title={self.title!r}, level={self.level!r}, "
            f"weight={self.weight!r}, conferred_by={self.conferred_by!r})"
        )


class ScorePart(msgspec.Struct, frozen=True, gc=False):
    """One named term of a score: ``points`` and why."""

    name: str
    points: int
    reason: str


class Excess(msgspec.Struct, frozen=True, gc=False):
    """A permission held above what the declaration allows (thousands on an account of
    many custom records: a struct costs a fraction of a frozen dataclass to make)."""

    permkey: str
    name: str
    held: Level
    allowed: Level
    via: str
    #: granted on the employee record (a global permission), not by a role
    global_permission: bool = False


@dataclass(frozen=True, slots=True)
class Proposal:
    """A custom role holding exactly what a set of allow_only rules allows."""

    scriptid: str
    name: str
    rules: tuple[str, ...]
    subjects: tuple[str, ...]
    permissions: tuple[ProposedPermission, ...]
    capabilities: tuple[str, ...]
    notes: tuple[str, ...]
    xml: str

    @property
    def filename(self) -> str:
        return f"{self.scriptid}.xml"


ExposureKind = Literal["token", "integration"]


class Exposure(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """What one active token or one integration can do, and its risk score.

    A Struct, built in C: a large account has 10,000 of them, and a frozen dataclass of
    this many fields took 8 µs each to build (an ``object.__setattr__`` per field)."""

    kind: ExposureKind
    id: str
    name: str
    #: one chain for a token; one per active token for an integration
    chains: tuple[tuple[Link, ...], ...]
    everything: bool
    capabilities: tuple[CapabilityHeld, ...]
    parts: tuple[ScorePart, ...]
    #: the sum of the parts (given by whoever builds the exposure, once: ranking and
    #: every report read it)
    score: int
    #: allow_only rules that declare what this subject needs
    declared_by: tuple[str, ...]
    #: declared, for an integration also when each of its tokens is
    explained: bool
    excess: tuple[Excess, ...]
    #: the role holds every permission, so everything beyond the declaration is excess
    excess_everything: bool
    proposal: str | None
    flags: tuple[str, ...]
    rank: int = 0
    #: per role the subject acts in (by name): what records it reaches
    #: (suitelint.restrictions.describe), sorted by role name
    restrictions: tuple[tuple[str, str], ...] = ()

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(cap.tag for cap in self.capabilities)


@dataclass(frozen=True, slots=True)
class BlastReport:
    account_id: str
    environment: str
    as_of: str
    catalog_version: str
    tool_version: str
    sources: tuple[str, ...]
    policies: tuple[str, ...]
    tokens: tuple[Exposure, ...]
    integrations: tuple[Exposure, ...]
    proposals: tuple[Proposal, ...]

    def proposal(self, scriptid: str | None) -> Proposal | None:
        return next((p for p in self.proposals if p.scriptid == scriptid), None)


# -- computing ---------------------------------------------------------------------------
def weight_of(tag: str) -> int:
    return CAPABILITY_WEIGHTS.get(tag, DEFAULT_WEIGHT)


def _tag_order(catalog: Catalog) -> list[str]:
    known = [tag for tag in CAPABILITY_WEIGHTS if tag in catalog.capabilities]
    return known + sorted(tag for tag in catalog.capabilities if tag not in CAPABILITY_WEIGHTS)


class _Tags:
    """The catalog's capability tags in report order, and per permkey the positions (in
    that order) of the tags each level confers: worked out once per permkey and account,
    not once per table row (a large account's tables hold 400,000 rows of 858 permkeys)."""

    __slots__ = ("_positions", "catalog", "index", "order", "titles", "weights")

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.order = tuple(_tag_order(catalog))
        self.index = {tag: i for i, tag in enumerate(self.order)}
        self.titles = tuple(catalog.capabilities[tag].title for tag in self.order)
        self.weights = tuple(weight_of(tag) for tag in self.order)
        self._positions: dict[str, tuple[tuple[int, ...], ...]] = {}

    def positions(self, permkey: str) -> tuple[tuple[int, ...], ...]:
        """Indexed by level: the positions of the tags holding ``permkey`` at that level
        confers."""
        found = self._positions.get(permkey)
        if found is None:
            # once per twin: a custom record confers what every one of its subtab does
            twin = self.catalog.capability_twin(permkey)
            found = self._positions.get(twin)
            if found is None:
                found = self._positions[twin] = tuple(
                    tuple(
                        sorted(self.index[tag] for tag in self.catalog.capabilities_of(twin, level))
                    )
                    for level in sorted(Level)
                )
            self._positions[permkey] = found
        return found


def _via(grant: Grant) -> str:
    links = [str(link) for link in grant.via if link.kind in ("token", "role")]
    if grant.user is not None and grant.role is None:
        links.append(f"global permission of user {grant.user.name!r}")
    return " → ".join(links)


def capabilities(ctx: Effective, table: Table) -> tuple[CapabilityHeld, ...]:
    """Capability tags a permission table confers, in :data:`CAPABILITY_WEIGHTS` order."""
    return _shared(ctx).capabilities(table)


#: the rows of a table that confer a tag: per level (the index), per grant, the permkeys
_Tagged = tuple[tuple[tuple[Grant, frozenset[str]], ...], ...]
_S = TypeVar("_S", Integration, User, Role)
#: a table and the chain above its grants (a token's and its user's link, in an integration)
_Source = tuple[Table, tuple[Link, ...]]

#: each level by its value
_LEVELS = tuple(sorted(Level))
_HIGHEST_FIRST = tuple(sorted((level for level in Level if level > Level.NONE), reverse=True))


def _shared(ctx: Effective) -> _Shared:
    return ctx.memo("blast-radius", ctx, lambda: _Shared(ctx))


class _Shared:
    """What many exposures of one account share, worked out once: a role's table is
    shared by all its tokens (a large account: 875 tables for 8,998 tokens), and so are
    its capabilities, their score parts, its restrictions and its chain's last link.
    Keyed by object identity; each entry keeps its key alive."""

    __slots__ = (
        "_caps",
        "_chains",
        "_described",
        "_flags",
        "_held",
        "_links",
        "_parts",
        "_restrictions",
        "_tagged",
        "_terms",
        "ctx",
        "part_cache",
        "tags",
    )

    def __init__(self, ctx: Effective) -> None:
        self.ctx = ctx
        self.tags = _Tags(ctx.catalog)
        self._caps: dict[int, tuple[Table, tuple[CapabilityHeld, ...]]] = {}
        self._tagged: dict[int, tuple[Table, _Tagged]] = {}
        self._parts: dict[int, tuple[tuple[CapabilityHeld, ...], tuple[ScorePart, ...], int]] = {}
        self._flags: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._held: dict[int, tuple[Table, tuple[int, ...]]] = {}
        self._terms: dict[tuple[str, int, Level], ScorePart] = {}
        #: the score parts other than capabilities made so far (see :func:`_scored`)
        self.part_cache: _PartCache = {}
        self._chains: dict[int, tuple[Token, tuple[Link, ...]]] = {}
        self._links: dict[int, tuple[object, Link]] = {}
        self._described: dict[int, tuple[Role, str]] = {}
        self._restrictions: dict[int, tuple[Role, tuple[tuple[str, str], ...]]] = {}

    def capabilities(self, table: Table) -> tuple[CapabilityHeld, ...]:
        found = self._caps.get(id(table))
        if found is None:
            found = self._caps[id(table)] = (table, self._united([(table, ())]))
        return found[1]

    def capability_parts(
        self, caps: tuple[CapabilityHeld, ...]
    ) -> tuple[tuple[ScorePart, ...], int]:
        """The capabilities' score parts and their sum, once per capabilities tuple."""
        found = self._parts.get(id(caps))
        if found is None:
            parts = self.score_terms(caps)
            found = self._parts[id(caps)] = (caps, parts, sum(p.points for p in parts))
        return found[1], found[2]

    def flags(self, facts: _Facts, kind: str) -> tuple[str, ...]:
        """:func:`_flags`, one tuple per distinct answer (reports write each once)."""
        flags = _flags(facts, kind)
        return self._flags.setdefault(flags, flags)

    def chain(self, token: Token) -> tuple[Link, ...]:
        """integration → token → user → role (as ``subject_prefix`` and ``role_link``
        make it), once per token: its exposure and its integration's show the same
        chain, and the links of a user, role or integration are one object each."""
        found = self._chains.get(id(token))
        if found is None:
            role, user, integration = self.ctx.token_parts(token)
            head = () if integration is None else (self._link(integration, integration_link),)
            chain = (
                *head,
                token_link(token),
                self._link(user, user_link),
                self._link(role, role_link),
            )
            found = self._chains[id(token)] = (token, chain)
        return found[1]

    def _link(self, subject: _S, make: Callable[[_S], Link]) -> Link:
        found = self._links.get(id(subject))
        if found is None:
            found = self._links[id(subject)] = (subject, make(subject))
        return found[1]

    def role_restrictions(self, role: Role) -> tuple[tuple[str, str], ...]:
        """A token's restrictions: its role's, one tuple per role."""
        found = self._restrictions.get(id(role))
        if found is None:
            found = self._restrictions[id(role)] = (role, _restrictions(self, [role]))
        return found[1]

    def described(self, role: Role) -> str:
        """What records the role reaches (suitelint.restrictions.describe)."""
        found = self._described.get(id(role))
        if found is None:
            text = describe(role, self.ctx.everything_role(role))
            found = self._described[id(role)] = (role, text)
        return found[1]

    def integration_capabilities(
        self, tokens: Sequence[Token]
    ) -> tuple[tuple[CapabilityHeld, ...], bool]:
        """``capabilities(ctx, ctx.integration_table(integration))`` for the integration's
        active tokens (in that table's order), and whether it holds every permission,
        from its tokens' tables without uniting them. A permkey's level in the union is
        its highest in any token, and tags are monotone in the level, so each tag's level
        is its highest in any token's capabilities; the conferrals are worked out when
        first read."""
        ctx = self.ctx
        tables = [ctx.token_table(token) for token in tokens]
        if not tables:
            return (), False
        if any(table.everything is not None for table in tables):
            return self._united(self._sources(tokens, tables)), True
        vectors = [self._levels_held(table) for table in tables]
        best = vectors[0] if len(vectors) == 1 else tuple(map(max, *vectors))
        conferrals: list[list[tuple[Conferral, ...]]] = []

        def conferred_by(i: int) -> tuple[Conferral, ...]:
            if not conferrals:
                conferrals.append(self._conferrals(self._sources(tokens, tables)))
            return conferrals[0][i]

        tags = self.tags
        return tuple(
            CapabilityHeld(
                tags.order[i],
                tags.titles[i],
                _LEVELS[level],
                tags.weights[i],
                partial(conferred_by, i),
            )
            for i, level in enumerate(best)
            if level
        ), False

    def _sources(self, tokens: Sequence[Token], tables: Sequence[Table]) -> list[_Source]:
        """The tokens' tables, each with the chain above its grants in an integration."""
        parts = self.ctx.token_parts
        return [
            (table, (token_link(token), user_link(parts(token)[1])))
            for token, table in zip(tokens, tables, strict=True)
        ]

    def _levels_held(self, table: Table) -> tuple[int, ...]:
        """Per tag (by position), the level the table's capabilities hold it at (0: not
        held); once per table."""
        found = self._held.get(id(table))
        if found is None:
            levels = [0] * len(self.tags.order)
            index = self.tags.index
            for cap in self.capabilities(table):
                levels[index[cap.tag]] = int(cap.level)
            found = self._held[id(table)] = (table, tuple(levels))
        return found[1]

    def score_terms(self, caps: Sequence[CapabilityHeld]) -> tuple[ScorePart, ...]:
        """:func:`_capability_parts`, each term made once per tag, weight and level."""
        made = self._terms
        parts = []
        for cap in caps:
            key = (cap.tag, cap.weight, cap.level)
            part = made.get(key)
            if part is None:
                part = made[key] = _capability_parts((cap,))[0]
            parts.append(part)
        return tuple(parts)

    def _tagged_rows(self, table: Table) -> _Tagged:
        """The table's rows that confer a tag, by level and grant; once per table."""
        found = self._tagged.get(id(table))
        if found is not None:
            return found[1]
        tags = self.tags
        positions = tags._positions
        grants = table.grants
        by_level: list[dict[int, tuple[Grant, list[str]]]] = [{} for _ in Level]
        for permkey, level in table.levels.items():
            held = positions.get(permkey)
            if held is None:
                held = tags.positions(permkey)
            if held[level]:
                grant = table.grant if grants is None else grants.get(permkey, table.grant)
                group = by_level[level].get(id(grant))
                if group is None:
                    group = by_level[level][id(grant)] = (grant, [])
                group[1].append(permkey)
        rows = tuple(
            tuple((grant, frozenset(keys)) for grant, keys in groups.values())
            for groups in by_level
        )
        self._tagged[id(table)] = (table, rows)
        return rows

    def _united(self, sources: Sequence[_Source]) -> tuple[CapabilityHeld, ...]:
        """The capabilities of the union of ``sources``, as :mod:`suitelint.effective`
        unites tables: highest level wins, a tie goes to the first table."""
        if not sources:
            return ()
        tags = self.tags
        first = next((t.everything for t, _ in sources if t.everything is not None), None)
        if first is not None:
            prefix = next(p for t, p in sources if t.everything is first)
            every = (
                Conferral(
                    EVERY_PERMISSION.id,
                    EVERY_PERMISSION.name,
                    Level.FULL,
                    _via(Grant(prefix + first.via, first.role, first.user)),
                ),
            )
            return tuple(
                CapabilityHeld(tag, title, Level.FULL, weight, every)
                for tag, title, weight in zip(tags.order, tags.titles, tags.weights, strict=True)
            )
        return tuple(
            CapabilityHeld(tags.order[i], tags.titles[i], found[0].level, tags.weights[i], found)
            for i, found in enumerate(self._conferrals(sources))
            if found
        )

    def _conferrals(self, sources: Sequence[_Source]) -> list[tuple[Conferral, ...]]:
        """Per tag (by position), the conferrals of the union of ``sources``, sorted by
        (-level, permkey). Tags are monotone in the level, so a permkey's highest level
        among the rows that confer a tag is its highest level of all: the other rows never
        matter. Levels are taken highest first; within one, the first table to hold a
        permkey gives its grant."""
        tagged = [(self._tagged_rows(table), prefix) for table, prefix in sources]
        many = len(tagged) > 1
        taken: set[str] = set()
        vias: dict[tuple[int, int], str] = {}
        positions = self.tags._positions
        display = self.ctx.display
        conferred: list[list[Conferral]] = [[] for _ in self.tags.order]
        for level in _HIGHEST_FIRST:
            rows: list[tuple[str, str]] = []
            for n, (rows_of, prefix) in enumerate(tagged):
                for grant, keys in rows_of[level]:
                    new = keys
                    if many:
                        new = keys - taken
                        if not new:
                            continue
                        taken |= new
                    via = vias.get((n, id(grant)))
                    if via is None:
                        shown = (
                            Grant(prefix + grant.via, grant.role, grant.user) if prefix else grant
                        )
                        via = vias[n, id(grant)] = _via(shown)
                    rows += [(permkey, via) for permkey in new]
            rows.sort()
            for permkey, via in rows:
                conferral = Conferral(permkey, display(permkey), level, via)
                for i in positions[permkey][level]:
                    conferred[i].append(conferral)
        return [tuple(found) for found in conferred]


class _Facts(msgspec.Struct, frozen=True, gc=False):
    """The non-permission inputs of a score (one per exposure: a Struct, built fast)."""

    everything_role: str | None
    not_wso_roles: tuple[str, ...]
    created: dt.date | None
    created_known: bool
    inactive_users: tuple[str, ...]
    explained: bool
    #: roles that reach every subsidiary (a flag, not scored)
    all_subsidiary_roles: tuple[str, ...] = ()
    #: holds a permission the catalog does not list (a flag: its grant is not scored)
    unknown_permission: bool = False


def score_parts(
    caps: Sequence[CapabilityHeld], facts: _Facts, environment: str, today: dt.date
) -> tuple[ScorePart, ...]:
    """The terms of the risk formula; their sum is the score."""
    return _score_parts(_capability_parts(caps), facts, environment, today)


def _capability_parts(caps: Sequence[CapabilityHeld]) -> tuple[ScorePart, ...]:
    return tuple(
        ScorePart(
            f"capability {cap.tag}",
            cap.points,
            f"weight {cap.weight} × {cap.level.name} ({int(cap.level)})",
        )
        for cap in caps
    )


def _score_parts(
    capability_parts: tuple[ScorePart, ...],
    facts: _Facts,
    environment: str,
    today: dt.date,
    cache: _PartCache | None = None,
) -> tuple[ScorePart, ...]:
    return _scored(
        capability_parts,
        sum(p.points for p in capability_parts),
        facts,
        environment,
        today,
        {} if cache is None else cache,
    )[0]


#: one run's score parts other than capabilities, by kind and what they depend on: most
#: repeat (a role's, a user's, a creation date's), so an exposure's are looked up
_PartCache = dict[tuple[object, object], "ScorePart | None"]
_MakePart = Callable[[Any, dt.date], "ScorePart | None"]


def _administrator_part(role: str, today: dt.date) -> ScorePart | None:
    return ScorePart("administrator", EVERYTHING_POINTS, f"role {role!r} holds every permission")


def _browser_part(roles: tuple[str, ...], today: dt.date) -> ScorePart | None:
    names = ", ".join(repr(n) for n in roles)
    return ScorePart(
        "not web-services-only",
        NOT_WEB_SERVICES_ONLY_POINTS,
        f"role {names} can also be used in the browser",
    )


def _age_part(created: dt.date | None, today: dt.date) -> ScorePart | None:
    if created is None:  # no creation date (of a token, or of any token of an integration)
        return ScorePart(
            "token age",
            AGE_POINTS_PER_YEAR * AGE_MAX_YEARS,
            "no creation date: counted as the maximum",
        )
    days = max(0, (today - created).days)
    years = min(AGE_MAX_YEARS, days // 365)
    if not years:
        return None
    return ScorePart(
        "token age",
        AGE_POINTS_PER_YEAR * years,
        f"created {created.isoformat()}, {days} days ago: "
        f"{years} full year{'s' if years > 1 else ''} × {AGE_POINTS_PER_YEAR}",
    )


def _inactive_part(users: tuple[str, ...], today: dt.date) -> ScorePart | None:
    names = ", ".join(repr(n) for n in users)
    return ScorePart(
        "inactive user", INACTIVE_USER_POINTS, f"acts as inactive user {names}: nobody owns it"
    )


def _unexplained_part(_: None, today: dt.date) -> ScorePart | None:
    return ScorePart("unexplained", UNEXPLAINED_POINTS, "no allow_only rule declares what it needs")


_MISSING = ScorePart("", 0, "")


def _part(
    cache: _PartCache,
    make: _MakePart,
    value: object,
    today: dt.date,
) -> ScorePart | None:
    key = (make, value)
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = cache[key] = make(value, today)
    return found


def _scored(
    capability_parts: tuple[ScorePart, ...],
    capability_points: int,
    facts: _Facts,
    environment: str,
    today: dt.date,
    cache: _PartCache,
) -> tuple[tuple[ScorePart, ...], int]:
    """The terms of the risk formula and their sum, the score (``capability_points``: the
    sum of ``capability_parts``)."""
    wanted: list[tuple[_MakePart, object]] = []
    if facts.everything_role is not None:
        wanted.append((_administrator_part, facts.everything_role))
    if facts.not_wso_roles:
        wanted.append((_browser_part, facts.not_wso_roles))
    wanted.append((_age_part, facts.created if facts.created_known else None))
    if facts.inactive_users:
        wanted.append((_inactive_part, facts.inactive_users))
    if not facts.explained:
        wanted.append((_unexplained_part, None))
    extra: list[ScorePart] = []
    for make, value in wanted:
        part = _part(cache, make, value, today)
        if part is not None:
            extra.append(part)
    total = capability_points
    for part in extra:
        total += part.points
    if environment == "sandbox":
        half = -(total - total // 2)
        extra.append(ScorePart("environment", half, "sandbox: half the sum above"))
        total += half
    return (*capability_parts, *extra), total


# -- declarations and least privilege --------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Declarations:
    """allow_only rules by the subjects they select."""

    by_subject: Mapping[tuple[str, str], tuple[CompiledRule, ...]]

    def of(self, kind: str, subject_id: str) -> tuple[CompiledRule, ...]:
        return self.by_subject.get((kind, subject_id), ())


def _declarations(ctx: Effective, rules: Sequence[CompiledRule]) -> _Declarations:
    found: dict[tuple[str, str], list[CompiledRule]] = {}
    for rule in rules:
        if allow_lists(rule.assertions):
            for subject in select(ctx, rule):
                found.setdefault((rule.applies_to, subject.id), []).append(rule)
    return _Declarations({k: tuple(v) for k, v in found.items()})


def _token_rules(ctx: Effective, decl: _Declarations, token: Token) -> tuple[CompiledRule, ...]:
    if not decl.by_subject:  # no allow_only rule (the built-in packs declare nothing)
        return ()
    role, user, integration = ctx.token_parts(token)
    rules = [
        *decl.of("tokens", token.id),
        *(decl.of("integrations", integration.id) if integration is not None else ()),
        *decl.of("roles", role.id),
        *decl.of("users", user.id),
    ]
    return _unique(rules)


def _unique(rules: Iterable[CompiledRule]) -> tuple[CompiledRule, ...]:
    seen: dict[str, CompiledRule] = {}
    for rule in rules:
        seen.setdefault(rule.id, rule)
    return tuple(seen.values())


def allowed_level(ctx: Effective, rules: Sequence[CompiledRule], permkey: str) -> Level:
    """The highest level of ``permkey`` every allow_only of ``rules`` allows (the first
    matching entry of each, as the engine reads it; NONE when an allow-list omits it)."""
    allowed = Level.FULL
    for rule in rules:
        for entries in allow_lists(rule.assertions):
            level = Level.NONE
            for entry in entries:
                if ctx.threshold(entry.selector, permkey) is not None:
                    level = entry.level
                    break
            allowed = min(allowed, level)
    return allowed


def excess_of(
    ctx: Effective, table: Table, rules: Sequence[CompiledRule]
) -> tuple[tuple[Excess, ...], bool]:
    """Permissions held above the declaration, and whether the role holds everything:
    once per table and set of rules (a role's tokens share its table)."""
    if table.everything is not None:
        return (), True
    ids = tuple(rule.id for rule in rules)  # a rule's id names it in its policy
    per_table: dict[tuple[str, ...], tuple[Excess, ...]] = ctx.memo("blast-excess", table, dict)
    found = per_table.get(ids)
    if found is None:
        found = per_table[ids] = _excess(ctx, table, rules, ids)
    return found, False


def _excess(
    ctx: Effective, table: Table, rules: Sequence[CompiledRule], ids: tuple[str, ...]
) -> tuple[Excess, ...]:
    # Each permkey's allowed level once per set of rules (a permkey is held by many
    # roles), each grant's path once (a role's table has one grant for every row).
    by_rules: dict[tuple[str, ...], dict[str, Level]] = ctx.memo("blast-allowed", ctx, dict)
    allowed_of = by_rules.get(ids)
    if allowed_of is None:
        allowed_of = by_rules[ids] = {}
    display = ctx.display
    vias: dict[int, str] = {}
    found = []
    for permkey, level in sorted(table.levels.items()):
        allowed = allowed_of.get(permkey)
        if allowed is None:
            allowed = allowed_of[permkey] = allowed_level(ctx, rules, permkey)
        if level > allowed:
            grant = table.grant_of(permkey)
            via = vias.get(id(grant))
            if via is None:
                via = vias[id(grant)] = _via(grant)
            found.append(Excess(permkey, display(permkey), level, allowed, via, grant.is_global))
    return tuple(found)


def _documented_at_most(ctx: Effective, permkey: str, level: Level) -> Level:
    """The highest documented level of ``permkey`` not above ``level`` (NONE if none)."""
    info = ctx.catalog.get(permkey)
    if info is None or not info.levels:
        return level
    fitting = [lv for lv in info.levels if lv <= level]
    return max(fitting, default=Level.NONE)


def proposed_permissions(
    ctx: Effective, table: Table, rules: Sequence[CompiledRule]
) -> tuple[tuple[ProposedPermission, ...], tuple[str, ...]]:
    """Exactly what the declaration allows, as role permissions, and notes on what could
    not be made concrete.

    An entry naming permissions (``Invoice: view``) gives those permissions at the declared
    level. An entry that is a glob, category or capability cannot be listed from the
    declaration alone: it gives the permissions the subject holds now that match it,
    capped at the declared level (none when the role holds every permission, with a note).
    Levels are lowered to the highest level NetSuite documents for the permission, so
    the role deploys; every rule of the declaration must allow the result.
    """
    candidates: dict[str, Level] = {}
    notes: list[str] = []
    for rule in rules:
        for entries in allow_lists(rule.assertions):
            for entry in entries:
                selector = entry.selector
                if selector.keys:
                    for key in sorted(selector.keys):
                        candidates.setdefault(key, entry.level)
                elif table.everything is not None:
                    notes.append(
                        f"rule {rule.id!r}: {selector.text!r} is a pattern, category or "
                        "capability and the role holds every permission, so it was not "
                        "expanded; name the permissions it needs"
                    )
                else:
                    for key, held in sorted(table.levels.items()):
                        if ctx.threshold(selector, key) is not None:
                            candidates.setdefault(key, min(held, entry.level))
    result = []
    for key in sorted(candidates):
        wanted = min(candidates[key], allowed_level(ctx, rules, key))
        level = _documented_at_most(ctx, key, wanted)
        if level == Level.NONE:
            if wanted > Level.NONE:
                notes.append(
                    f"{ctx.display(key)} is allowed at {wanted.name}, but NetSuite offers it "
                    "only at higher levels; left out"
                )
            continue
        if level < wanted:
            notes.append(
                f"{ctx.display(key)}: {wanted.name} is not a documented level; proposed at {level.name}"
            )
        result.append(ProposedPermission(key, ctx.display(key), level))
    return tuple(result), tuple(notes)


_LOGIN_NOTE = (
    "The declaration lists no log-in permission. A TBA token also needs Log in using Access "
    "Tokens (ADMI_LOGIN_OAUTH), an OAuth 2.0 client needs Log In using OAuth 2.0 Access "
    "Tokens (ADMI_LOGIN_OAUTH2), and each needs SOAP or REST Web Services; add the ones it "
    "uses to the allow_only rule, then regenerate."
)
_LOGIN_KEYS = frozenset(
    {"ADMI_LOGIN_OAUTH", "ADMI_LOGIN_OAUTH2", "ADMI_WEBSERVICES", "ADMI_RESTWEBSERVICES"}
)
_SCRIPTID_MAX = 40  # Oracle: role scriptids are at most 40 characters (sdf-customrole.md §1)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def _scriptid(name: str, fallback: str, taken: set[str]) -> str:
    slug = _slug(name) or _slug(fallback) or "integration"
    base = ("customrole_" + slug)[:_SCRIPTID_MAX].rstrip("_")
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate = base[: _SCRIPTID_MAX - len(suffix)].rstrip("_") + suffix
        n += 1
    taken.add(candidate)
    return candidate


# -- the whole account ---------------------------------------------------------------------
#: makes (or reuses) the proposed role for a subject and its declaration; returns its scriptid
_Propose = Callable[[Subject, Table, tuple[CompiledRule, ...]], str]


def _holds_unlisted(ctx: Effective, table: Table) -> bool:
    """Whether ``table`` holds a permkey the catalog does not list (suitelint/unknown-
    permission): what it grants is not scored, so the exposure is flagged."""
    unlisted = ctx.unlisted_permkeys
    return bool(unlisted) and not unlisted.isdisjoint(table.levels)


def _token_facts(ctx: Effective, token: Token, explained: bool) -> _Facts:
    role, user, _ = ctx.token_parts(token)
    everything = role.name if ctx.role_table(role).everything is not None else None
    return _Facts(
        unknown_permission=_holds_unlisted(ctx, ctx.token_table(token)),
        everything_role=everything,
        not_wso_roles=() if role.web_services_only else (role.name,),
        all_subsidiary_roles=(role.name,) if _all_subsidiaries(role) else (),
        created=token.created,
        created_known=token.created is not None,
        inactive_users=(user.name,) if user.inactive else (),
        explained=explained,
    )


def _integration_facts(ctx: Effective, tokens: Sequence[Token], explained: bool) -> _Facts:
    roles: dict[str, Role] = {}
    users: dict[str, User] = {}
    for token in tokens:
        role, user, _ = ctx.token_parts(token)
        roles.setdefault(role.id, role)
        users.setdefault(user.id, user)
    everything = sorted(r.name for r in roles.values() if ctx.role_table(r).everything is not None)
    dates = [t.created for t in tokens if t.created is not None]
    return _Facts(
        unknown_permission=any(_holds_unlisted(ctx, ctx.token_table(t)) for t in tokens),
        everything_role=everything[0] if everything else None,
        not_wso_roles=tuple(sorted(r.name for r in roles.values() if not r.web_services_only)),
        all_subsidiary_roles=tuple(sorted(r.name for r in roles.values() if _all_subsidiaries(r))),
        created=min(dates) if dates else None,
        created_known=bool(tokens) and len(dates) == len(tokens),
        inactive_users=tuple(sorted(u.name for u in users.values() if u.inactive)),
        explained=explained,
    )


def _rank(exposures: Iterable[Exposure]) -> tuple[Exposure, ...]:
    """The exposures, highest score first, each given its rank (a copy made in C)."""
    ordered = sorted(exposures, key=lambda e: (-e.score, e.name.casefold(), e.name, e.id))
    with_rank = msgspec.structs.replace
    return tuple(with_rank(e, rank=i) for i, e in enumerate(ordered, 1))


def blast_radius(
    snapshot: Snapshot,
    policy: Policy,
    catalog: Catalog,
    today: dt.date,
    *,
    tool_version: str = "",
    sources: Sequence[str] = (),
    ctx: Effective | None = None,
    index: Index | None = None,
) -> BlastReport:
    """Every active token and every integration: chain, capabilities, score, and the
    least-privilege proposal where an allow_only rule declares what it needs. ``ctx``
    shares the effective tables with another view of the same snapshot (the audit);
    ``index`` is the snapshot's index if loading built it."""
    if ctx is None:
        ctx = Effective(snapshot, catalog, index)
    decl = _declarations(ctx, policy.rules)
    environment = snapshot.account.environment
    taken = {r.scriptid.lower() for r in snapshot.roles if r.scriptid}
    proposals: dict[tuple[str, ...], Proposal] = {}

    def propose(subject: Subject, table: Table, rules: tuple[CompiledRule, ...]) -> str:
        key = tuple(sorted(r.id for r in rules))
        label = subject.label if isinstance(subject, Token) else subject.name
        found = proposals.get(key)
        if found is not None:
            proposals[key] = _with_subject(found, label)
            return found.scriptid
        permissions, notes = proposed_permissions(ctx, table, rules)
        if not any(p.permkey in _LOGIN_KEYS for p in permissions):
            notes = (*notes, _LOGIN_NOTE)
        if not table.everything and any(
            e.global_permission for e in excess_of(ctx, table, rules)[0]
        ):
            notes = (
                *notes,
                "Some excess comes from global permissions on the employee record; a role "
                "cannot remove those: remove them from the employee.",
            )
        name = f"{label} (least privilege)"
        scriptid = _scriptid(label, subject.id, taken)
        tags: set[str] = set()
        for perm in permissions:
            tags |= catalog.capabilities_of(perm.permkey, perm.level)
        caps = tuple(t for t in _tag_order(catalog) if t in tags)
        rule_ids = tuple(r.id for r in rules)
        xml = render_customrole(
            scriptid,
            name,
            permissions,
            comment=f"Proposed by suitelint blast-radius from allow_only rule(s) {', '.join(rule_ids)}.",
        )
        proposals[key] = Proposal(scriptid, name, rule_ids, (label,), permissions, caps, notes, xml)
        return scriptid

    # Sorted, so that which subject names a shared proposal does not depend on input order.
    shared = _shared(ctx)
    integrations = [
        _integration_exposure(shared, decl, integration, environment, propose, today)
        for integration in sorted(snapshot.integrations, key=lambda i: (i.name, i.id))
    ]
    tokens = [
        _token_exposure(shared, decl, token, environment, propose, today)
        for token in sorted(snapshot.tokens, key=lambda t: (t.label, t.id))
        if not token.inactive
    ]

    return BlastReport(
        account_id=snapshot.account.id,
        environment=environment,
        as_of=today.isoformat(),
        catalog_version=catalog.version,
        tool_version=tool_version,
        sources=tuple(sources),
        policies=policy.sources,
        tokens=_rank(tokens),
        integrations=_rank(integrations),
        proposals=tuple(sorted(proposals.values(), key=lambda p: p.scriptid)),
    )


def _with_subject(proposal: Proposal, label: str) -> Proposal:
    if label in proposal.subjects:
        return proposal
    return replace(proposal, subjects=(*proposal.subjects, label))


def _token_exposure(
    shared: _Shared,
    decl: _Declarations,
    token: Token,
    environment: str,
    propose: _Propose,
    today: dt.date,
) -> Exposure:
    ctx = shared.ctx
    role, _, _ = ctx.token_parts(token)
    table = ctx.token_table(token)
    rules = _token_rules(ctx, decl, token)
    caps = shared.capabilities(table)
    facts = _token_facts(ctx, token, bool(rules))
    excess, everything_excess = excess_of(ctx, table, rules) if rules else ((), False)
    # a role is proposed only where it would take something away
    proposal = propose(token, table, rules) if excess or everything_excess else None
    capability_parts, capability_points = shared.capability_parts(caps)
    parts, score = _scored(
        capability_parts, capability_points, facts, environment, today, shared.part_cache
    )
    return Exposure(
        kind="token",
        id=token.id,
        name=token.label,
        chains=(shared.chain(token),),
        everything=table.everything is not None,
        capabilities=caps,
        parts=parts,
        score=score,
        declared_by=tuple(r.id for r in rules),
        explained=facts.explained,
        excess=excess,
        excess_everything=everything_excess,
        proposal=proposal,
        flags=shared.flags(facts, "token"),
        restrictions=shared.role_restrictions(role),
    )


def _integration_exposure(
    shared: _Shared,
    decl: _Declarations,
    integration: Integration,
    environment: str,
    propose: _Propose,
    today: dt.date,
) -> Exposure:
    ctx = shared.ctx
    tokens = ctx.active_tokens(integration)
    own = decl.of("integrations", integration.id)
    explained = bool(own) or (bool(tokens) and all(_token_rules(ctx, decl, t) for t in tokens))
    caps, everything = shared.integration_capabilities(tokens)
    facts = _integration_facts(ctx, tokens, explained)
    excess: tuple[Excess, ...] = ()
    everything_excess = False
    proposal = None
    if own:  # only a declaration needs the united table itself
        table = ctx.integration_table(integration)
        excess, everything_excess = excess_of(ctx, table, own)
        if excess or everything_excess:
            proposal = propose(integration, table, own)
    chains = [shared.chain(token) for token in sorted(tokens, key=lambda t: (t.label, t.id))]
    flags = shared.flags(facts, "integration") if tokens else ("no active tokens",)
    roles = [ctx.token_parts(t)[0] for t in tokens]
    parts: tuple[ScorePart, ...] = ()
    score = 0
    if tokens:
        capability_parts = shared.score_terms(caps)
        parts, score = _scored(
            capability_parts,
            sum(p.points for p in capability_parts),
            facts,
            environment,
            today,
            shared.part_cache,
        )
    return Exposure(
        kind="integration",
        id=integration.id,
        name=integration.name,
        chains=tuple(chains),
        everything=everything,
        capabilities=caps,
        parts=parts,
        score=score,
        declared_by=tuple(r.id for r in own),
        explained=facts.explained,
        excess=excess,
        excess_everything=everything_excess,
        proposal=proposal,
        flags=flags,
        restrictions=_restrictions(shared, roles),
    )


def _restrictions(shared: _Shared, roles: Iterable[Role]) -> tuple[tuple[str, str], ...]:
    unique = {(r.name, r.scriptid or r.id): r for r in roles}
    return tuple((name, shared.described(role)) for (name, _), role in sorted(unique.items()))


def _flags(facts: _Facts, kind: str) -> tuple[str, ...]:
    flags = []
    if facts.everything_role is not None:
        flags.append("administrator")
    if not facts.explained:
        flags.append(f"unexplained {kind}")
    if facts.inactive_users:
        flags.append("inactive user")
    if facts.not_wso_roles:
        flags.append("not web-services-only")
    if facts.all_subsidiary_roles:
        flags.append("all subsidiaries")
    if facts.unknown_permission:
        flags.append("permission unknown to suitelint")
    return tuple(flags)


def _all_subsidiaries(role: Role) -> bool:
    """The role reaches every subsidiary, as far as the data says: ALL or ALLACTIVE (or a
    value suitelint does not know: never a restriction), or an SDF role without
    ``subsidiaryoption`` (SDF's default is ALL; sdf-customrole.md §2). A snapshot that does
    not record the option says nothing, and is not flagged."""
    if role.subsidiary_option is not None:
        return reaches_all_subsidiaries(role)
    return role.path is not None
