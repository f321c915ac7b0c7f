"""The audit as a deliverable: for every integration and every token, the three questions.

The consultant's audit asks, for every integration: does it still need to exist? what role
is it using? what does it actually do? and says: if you don't know what a token does,
disable it. :func:`audit` answers those from the same engine as blast-radius (one model,
several views): it takes the :class:`~suitelint.blast.BlastReport` (capabilities, risk
score and its parts, least-privilege proposals) and adds, per token and integration:

* **still needed?** state, last use, the user's state and the token's age;
* **who and which role**;
* **what it does** in plain words: the records it views, creates, edits and deletes, and
  the setup permissions it holds ("views Invoice, creates Customer Payment; deletes nothing");
* **restrictions** that apply to its role (subsidiaries, departments, classes, locations);
* **can it log in?** with the token's own auth flow (:mod:`suitelint.login`);
* a **recommended action** (disable, fix log-in, move to the proposed role, rotate, keep)
  and the reason.

Pure: no I/O, no clock (``today`` is given); output sorted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from suitelint.blast import BlastReport, Exposure, Proposal, blast_radius
from suitelint.catalog import Catalog
from suitelint.effective import Effective, Table
from suitelint.login import check_login
from suitelint.model import Index, Integration, Level, Role, Snapshot, Token
from suitelint.policy.compiler import Policy
from suitelint.restrictions import is_unknown, restricts, shown

#: a token not used for this many days is idle: nobody may need it any more
DEFAULT_IDLE_DAYS = 90
#: a token older than this is due for rotation (the baseline's token-rotation rule)
ROTATE_DAYS = 365

ActionName = Literal["disable", "fix-login", "move", "rotate", "keep"]
#: most urgent first; an integration takes the most urgent action of its tokens
ACTION_ORDER: tuple[ActionName, ...] = ("disable", "fix-login", "move", "rotate", "keep")
ACTION_TITLES: dict[str, str] = {
    "disable": "disable",
    "fix-login": "fix log-in",
    "move": "move to the proposed role",
    "rotate": "rotate",
    "keep": "keep",
}

_VERBS = {Level.VIEW: "views", Level.CREATE: "creates", Level.EDIT: "edits", Level.FULL: "deletes"}


@dataclass(frozen=True, slots=True)
class Doing:
    """What a permission table lets its holder do, in plain words.

    Levels are cumulative, so a record under ``deletes`` can also be viewed, created and
    edited; each record is listed once, under the most it can do."""

    everything: bool
    views: tuple[str, ...] = ()
    creates: tuple[str, ...] = ()
    edits: tuple[str, ...] = ()
    deletes: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()

    def sentence(self, limit: int | None = 6) -> str:
        """``views Invoice, creates Customer Payment; deletes nothing; setup: ...``."""
        if self.everything:
            return (
                "does everything: every record at FULL (view, create, edit, delete) and every "
                "setup permission"
            )
        parts = []
        for verb, names in (
            ("views", self.views),
            ("creates", self.creates),
            ("edits", self.edits),
            ("deletes", self.deletes),
        ):
            if names:
                parts.append(f"{verb} {_listing(names, limit)}")
        if not self.deletes:
            parts.append("deletes nothing")
        text = "; ".join(parts) if parts else "holds no record permission"
        if self.setup:
            text += f"; setup: {_listing(self.setup, limit)}"
        return text


def _listing(names: Sequence[str], limit: int | None) -> str:
    if limit is None or len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


@dataclass(frozen=True, slots=True)
class Need:
    """Does it still need to exist?"""

    state: str
    last_used: dt.date | None
    #: days since the last use, or since creation when never used; None when unknown
    idle_days: int | None
    #: None: the sources know the user by name only (a token list), not its state
    user_active: bool | None
    created: dt.date | None
    age_days: int | None
    #: the sources record token use at all (a token list alone does not)
    usage_known: bool = True

    @property
    def verdict(self) -> str:
        if self.state != "active" and self.state != "enabled":
            return self.state
        if self.last_used is not None:
            return f"last used {self.last_used.isoformat()} ({self.idle_days} days ago)"
        if not self.usage_known:
            return "no use recorded in the sources (add the Login Audit Trail export)"
        if self.idle_days is not None:
            return f"never used (created {self.idle_days} days ago)"
        return "no use recorded"


@dataclass(frozen=True, slots=True)
class Action:
    action: ActionName
    reason: str
    #: the proposed role's scriptid, for ``move``
    target: str | None = None

    @property
    def title(self) -> str:
        return ACTION_TITLES[self.action]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One token or integration, with the answers to the audit's questions."""

    kind: Literal["token", "integration"]
    id: str
    name: str
    integration: str | None
    users: tuple[str, ...]
    roles: tuple[str, ...]
    need: Need
    doing: Doing
    restrictions: tuple[str, ...]
    can_log_in: bool
    #: how it logs in when it can (the auth flow), why not when it cannot
    login: str
    exposure: Exposure | None
    action: Action
    #: token ids of an integration
    tokens: tuple[str, ...] = ()

    @property
    def score(self) -> int:
        return self.exposure.score if self.exposure is not None else 0


@dataclass(frozen=True, slots=True)
class AuditReport:
    blast: BlastReport
    idle_days: int
    tokens: tuple[AuditEntry, ...]
    integrations: tuple[AuditEntry, ...]
    #: revoked or inactive tokens, left out of the table
    inactive_tokens: int

    def counts(self, entries: Sequence[AuditEntry]) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(ACTION_ORDER, 0)
        for entry in entries:
            counts[entry.action.action] += 1
        return counts


# -- the parts ---------------------------------------------------------------------------
def doing(ctx: Effective, table: Table) -> Doing:
    """What ``table`` lets its holder do (computed once per table)."""
    return ctx.memo("audit-doing", table, lambda: _doing(ctx, table))


def _doing(ctx: Effective, table: Table) -> Doing:
    if table.everything is not None:
        return Doing(everything=True)
    by_verb: dict[str, list[str]] = {verb: [] for verb in _VERBS.values()}
    setup: list[str] = []
    for permkey, level in table.levels.items():
        if level == Level.NONE:
            continue
        name = _short_name(ctx, permkey)
        if ctx.catalog.category(permkey) == "setup":
            setup.append(name)
        else:
            by_verb[_VERBS[level]].append(name)
    key = str.casefold
    return Doing(
        everything=False,
        views=tuple(sorted(by_verb["views"], key=key)),
        creates=tuple(sorted(by_verb["creates"], key=key)),
        edits=tuple(sorted(by_verb["edits"], key=key)),
        deletes=tuple(sorted(by_verb["deletes"], key=key)),
        setup=tuple(sorted(setup, key=key)),
    )


def _short_name(ctx: Effective, permkey: str) -> str:
    info = ctx.catalog.get(permkey)
    if info is not None and info.name:
        return info.name
    return ctx.display(permkey)


def restrictions(ctx: Effective, role: Role) -> tuple[str, ...]:
    """The restrictions on what ``role`` sees, in words; () when none apply."""
    if ctx.role_table(role).everything is not None:
        return ()
    found = []
    if role.subsidiaries:
        found.append("subsidiaries: " + ", ".join(role.subsidiaries))
    elif restricts("subsidiaries", role.subsidiary_option):
        found.append(f"subsidiaries: {(role.subsidiary_option or '').lower()}")
    elif is_unknown("subsidiaries", role.subsidiary_option):
        found.append(
            f"subsidiaries: unrestricted ({shown('subsidiaries', role.subsidiary_option)})"
        )
    if restricts("employees", role.employee_restriction):
        found.append(f"employees: {(role.employee_restriction or '').lower()}")
    for r in role.restrictions:
        text = f"{r.segment.lower()}: {r.restriction.lower().replace('_', ' ')}"
        if r.viewing_allowed:
            text += " (viewing allowed)"
        found.append(text)
    restricted = sorted(
        {
            f"{_short_name(ctx, p.permkey)}: {p.restriction.lower()}"
            for p in role.permissions
            if p.restriction and p.restriction.strip().lower() not in ("", "none", "-none-")
        }
    )
    found.extend(restricted)
    return tuple(found)


def _restriction_text(role_restrictions: Sequence[str], everything: bool) -> tuple[str, ...]:
    if everything:
        return ("none: a role that holds every permission is never restricted",)
    return tuple(role_restrictions) or ("none recorded: it sees every subsidiary and segment",)


def _days(today: dt.date, then: dt.date | None) -> int | None:
    return None if then is None else max(0, (today - then).days)


def token_need(
    token: Token, user_active: bool | None, today: dt.date, usage_known: bool = True
) -> Need:
    last = token.last_used
    if last is not None:
        idle = _days(today, last)
    else:
        idle = _days(today, token.created) if usage_known else None
    return Need(
        usage_known=usage_known,
        state="revoked" if token.inactive else "active",
        last_used=last,
        idle_days=idle,
        user_active=user_active,
        created=token.created,
        age_days=_days(today, token.created),
    )


def recommend(
    need: Need,
    can_log_in: bool,
    login: str,
    exposure: Exposure | None,
    proposal: Proposal | None,
    idle_days: int,
    user_name: str,
) -> Action:
    """The recommended action for a token, most urgent reason first."""
    if need.user_active is False:
        return Action(
            "disable", f"it acts as inactive user {user_name!r}: nobody owns it; revoke it"
        )
    if need.last_used is None and need.idle_days is not None and need.idle_days >= idle_days:
        return Action(
            "disable",
            f"never used in {need.idle_days} days: disable it; if something breaks, you "
            "found a hidden dependency",
        )
    if need.last_used is not None and need.idle_days is not None and need.idle_days >= idle_days:
        return Action(
            "disable",
            f"not used for {need.idle_days} days (limit {idle_days}): disable it; if "
            "something breaks, you found a hidden dependency",
        )
    if not can_log_in:
        return Action(
            "fix-login",
            f"it cannot log in: {login}; add the missing permission, or disable it if "
            "nothing uses it",
        )
    if proposal is not None and exposure is not None:
        return Action(
            "move",
            f"it holds more than its declaration ({', '.join(exposure.declared_by)}) allows: "
            f"issue a token for role {proposal.scriptid} and revoke this one"
            + _would_lose(exposure, proposal),
            target=proposal.scriptid,
        )
    if exposure is not None and not exposure.explained:
        return Action(
            "disable",
            "nobody has declared what it needs (no allow_only rule): if you don't know what "
            "a token does, disable it; if something breaks, declare what broke and re-issue it",
        )
    if need.age_days is None or need.age_days > ROTATE_DAYS:
        age = "no creation date" if need.age_days is None else f"{need.age_days} days old"
        return Action("rotate", f"{age} (limit {ROTATE_DAYS}): issue a new token, revoke this one")
    return Action("keep", "in use, declared, within its declaration, can log in")


def _would_lose(exposure: Exposure, proposal: Proposal) -> str:
    lost = [tag for tag in exposure.tags if tag not in proposal.capabilities]
    return f"; it would lose {_listing(lost, 6)}" if lost else ""


# -- the whole account -------------------------------------------------------------------
def audit(
    snapshot: Snapshot,
    policy: Policy,
    catalog: Catalog,
    today: dt.date,
    *,
    idle_days: int = DEFAULT_IDLE_DAYS,
    tool_version: str = "",
    sources: Sequence[str] = (),
    index: Index | None = None,
) -> AuditReport:
    """Every active token and every integration, with the audit's answers (``index``: the
    snapshot's index if loading built it)."""
    ctx = Effective(snapshot, catalog, index)
    blast = blast_radius(
        snapshot, policy, catalog, today, tool_version=tool_version, sources=sources, ctx=ctx
    )
    token_exposures = {e.id: e for e in blast.tokens}
    integration_exposures = {e.id: e for e in blast.integrations}

    # "never used" only when the sources record use at all: a CSV token list has no
    # last-used column, and its tokens are not idle for that
    usage_known = snapshot.has_login_audit
    entries: dict[str, AuditEntry] = {}
    for token in snapshot.tokens:
        if token.inactive:
            continue
        entries[token.id] = _token_entry(
            ctx, blast, token, token_exposures.get(token.id), today, idle_days, usage_known
        )
    tokens = tuple(sorted(entries.values(), key=_order))
    integrations = tuple(
        sorted(
            (
                _integration_entry(
                    ctx, blast, i, integration_exposures.get(i.id), entries, today, usage_known
                )
                for i in snapshot.integrations
            ),
            key=_order,
        )
    )
    return AuditReport(
        blast=blast,
        idle_days=idle_days,
        tokens=tokens,
        integrations=integrations,
        inactive_tokens=sum(1 for t in snapshot.tokens if t.inactive),
    )


def _order(entry: AuditEntry) -> tuple[int, int, str, str]:
    return (ACTION_ORDER.index(entry.action.action), -entry.score, entry.name.casefold(), entry.id)


def _token_entry(
    ctx: Effective,
    blast: BlastReport,
    token: Token,
    exposure: Exposure | None,
    today: dt.date,
    idle_days: int,
    usage_known: bool,
) -> AuditEntry:
    role, user, integration = ctx.token_parts(token)
    table = ctx.token_table(token)
    everything = table.everything is not None
    verdict = check_login(ctx.catalog, role, table.level, everything, token.type)
    need = token_need(token, None if user.named_only else not user.inactive, today, usage_known)
    proposal = blast.proposal(exposure.proposal) if exposure is not None else None
    return AuditEntry(
        kind="token",
        id=token.id,
        name=token.label,
        integration=integration.name if integration is not None else None,
        users=(user.name,),
        roles=(role.name,),
        need=need,
        doing=doing(ctx, table),
        restrictions=_restriction_text(restrictions(ctx, role), everything),
        can_log_in=verdict.ok,
        login=(verdict.flow.title if verdict.flow else token.type)
        if verdict.ok
        else verdict.problem,
        exposure=exposure,
        action=recommend(
            need, verdict.ok, verdict.problem, exposure, proposal, idle_days, user.name
        ),
    )


def _integration_entry(
    ctx: Effective,
    blast: BlastReport,
    integration: Integration,
    exposure: Exposure | None,
    tokens: dict[str, AuditEntry],
    today: dt.date,
    usage_known: bool,
) -> AuditEntry:
    active = ctx.active_tokens(integration)
    mine = sorted((tokens[t.id] for t in active if t.id in tokens), key=_order)
    table = ctx.integration_table(integration)
    everything = table.everything is not None
    used = [t.last_used for t in active if t.last_used is not None]
    last = max(used) if used else None
    created = [t.created for t in active if t.created is not None]
    first = min(created) if created else None
    need = Need(
        usage_known=usage_known,
        state=integration.state,
        last_used=last,
        idle_days=_days(today, last)
        if last is not None
        else (_days(today, first) if usage_known else None),
        user_active=False
        if any(e.need.user_active is False for e in mine)
        else (None if any(e.need.user_active is None for e in mine) else True),
        created=first,
        age_days=_days(today, first),
    )
    roles: dict[str, Role] = {}
    for token in active:
        role = ctx.token_parts(token)[0]
        roles.setdefault(role.id, role)
    restriction_texts: list[str] = []
    for role in sorted(roles.values(), key=lambda r: (r.name, r.id)):
        for text in restrictions(ctx, role):
            restriction_texts.append(f"{role.name}: {text}" if len(roles) > 1 else text)
    proposal = blast.proposal(exposure.proposal) if exposure is not None else None
    if integration.state == "blocked":
        action = Action("keep", "already blocked: no token of it can log in")
    elif not mine:
        action = Action("disable", "no active token uses it: block the integration record")
    elif proposal is not None:
        action = Action(
            "move",
            f"it holds more than its declaration allows: move its tokens to role "
            f"{proposal.scriptid}" + (_would_lose(exposure, proposal) if exposure else ""),
            target=proposal.scriptid,
        )
    else:
        worst = mine[0]
        action = Action(worst.action.action, f"token {worst.name!r}: {worst.action.reason}")
    cannot = [e.name for e in mine if not e.can_log_in]
    if not mine:
        login = "no active tokens"
    elif cannot:
        names = _listing([repr(n) for n in cannot], 3)
        login = f"{len(cannot)} of {len(mine)} tokens cannot log in: {names}"
    else:
        login = "every active token can"
    return AuditEntry(
        kind="integration",
        id=integration.id,
        name=integration.name,
        integration=integration.name,
        users=tuple(sorted({u for e in mine for u in e.users})),
        roles=tuple(sorted(r.name for r in roles.values())),
        need=need,
        doing=doing(ctx, table),
        restrictions=_restriction_text(restriction_texts, everything) if mine else (),
        can_log_in=bool(mine) and not cannot,
        login=login,
        exposure=exposure,
        action=action,
        tokens=tuple(e.id for e in mine),
    )
