"""Evaluate compiled rules over an account: the loop, and the findings about the run itself.

For each rule: the subjects its ``where`` selects, and on each of them the check of each of
its assertions (:mod:`suitelint.policy.assertions`, one module per kind), over the subject's
effective permissions (:mod:`suitelint.effective`). Around that loop, the findings the
engine itself makes (:data:`ENGINE_RULES`): levels NetSuite does not document, rules that
name what the account lacks or select nothing, token rules without token data. Waivers
are applied last (:mod:`suitelint.policy.waivers`, which also reports the expired and unused
ones). Pure functions, sorted output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from suitelint.catalog import Catalog
from suitelint.effective import EMPTY_GRANT, Table, role_link, user_link
from suitelint.findings import Finding, Link, LinkKind, Location, Severity, sort_findings
from suitelint.model import (
    PLURAL,
    SINGULAR,
    Index,
    Permission,
    Role,
    Snapshot,
    Subject,
    Token,
    User,
    role_permission_values,
    subject_kind,
    subject_names,
)
from suitelint.policy.assertions import (
    Check,
    Context,
    Emitter,
    RoleRows,
    allow_lists,
    forbids_roles,
    reads_last_use,
    reads_user_state,
)
from suitelint.policy.compiler import CompiledRule, Policy
from suitelint.policy.inline import INLINE_RULES
from suitelint.policy.select import names_subjects, select
from suitelint.policy.waivers import WAIVER_RULES, apply_waivers

__all__ = ["ENGINE_RULES", "Context", "data_findings", "evaluate", "subject_counts"]

ENGINE_RULES = {
    "suitelint/unknown-permission": (
        Severity.ERROR,
        "Permission unknown to suitelint",
        "The role holds a permission the catalog does not list (a permission key, or a name "
        "a CSV export gives): a permission NetSuite added after this release of suitelint, "
        "one the catalog lacks, or a misspelt one. What it lets the role do "
        "cannot be judged, so no rule about capabilities can pass it on trust: upgrade "
        "suitelint, or correct the key, or waive the finding once you know what it grants.",
    ),
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
        "Rules about tokens checked nothing: the sources hold no tokens",
        "A rule for tokens, or for roles used by tokens, selects nothing when the sources hold "
        "no tokens (an SDF project alone has none): it passed without checking anything. "
        "Reported once per run, naming the rules. Roles are still judged by what they can do "
        "(where: {token_capable: true}). Combine the project with a snapshot of the account "
        "to check its tokens.",
    ),
    "suitelint/no-login-data": (
        Severity.WARNING,
        "Idle-token rule could not judge: no login audit in the sources",
        "A token's last use comes from the login audit trail. Without it a token's last use "
        "is unknown, which is not the same as never used: the rule judged only tokens whose "
        "last use a source gives. Add the Login Audit Trail export (or a snapshot from "
        "'suitelint export') to judge the rest.",
    ),
    "suitelint/no-user-data": (
        Severity.WARNING,
        "Token-user rule could not judge: the sources hold only the users' names",
        "A token list names its users but does not say whether they are active. Without an "
        "Employees export (or a snapshot with users), whether a token's user has left is "
        "unknown: the rule judged only tokens whose user a source describes.",
    ),
    "suitelint/rule-selected-nothing": (
        Severity.WARNING,
        "Rule selected no subject",
        "A rule whose 'where' matches no role, token, user or integration of the account checks "
        "nothing and would pass whatever the account holds; a glob that no longer matches after a "
        "rename is the usual cause.",
    ),
    **WAIVER_RULES,
    **INLINE_RULES,
}


def _unmatched_references(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    where = rule.where
    pools: dict[str, Sequence[Subject]] = {
        "role": ctx.snapshot.roles,
        "user": ctx.snapshot.users,
        "integration": ctx.snapshot.integrations,
        "token": ctx.snapshot.tokens,
    }
    own = SINGULAR[rule.applies_to]
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
                universes[kind] = [subject_names(s) for s in pools[kind]]
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
def _about_tokens(rule: CompiledRule) -> bool:
    """A rule that can only select something when the sources hold tokens."""
    return rule.applies_to == "tokens" or rule.where.used_by_tokens is True


def _no_token_data(ctx: Context, rules: Sequence[CompiledRule]) -> Iterator[Finding]:
    """Token rules on sources without tokens check nothing: say so, once per run."""
    if ctx.snapshot.tokens:
        return
    idle = [rule.id for rule in rules if _about_tokens(rule)]
    if not idle:
        return
    shown = ", ".join(idle[:5]) + (f" and {len(idle) - 5} more" if len(idle) > 5 else "")
    yield Finding(
        rule_id="suitelint/no-token-data",
        severity=ENGINE_RULES["suitelint/no-token-data"][0],
        message=f"the sources hold no tokens, so {len(idle)} rule"
        f"{'s' if len(idle) != 1 else ''} about tokens checked nothing ({shown}); roles "
        "are still judged by what they can do (token_capable). Add a snapshot of the "
        "account to check its tokens",
        subject_kind="run",
        subject_id="run",
        subject_name="run",
    )


def _no_login_data(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    """An idle-token rule on sources without the login audit cannot tell an unused token
    from one whose use was not given: say so once, rather than once per token."""
    if ctx.snapshot.has_login_audit or not ctx.snapshot.tokens:
        return
    if not reads_last_use(rule.assertions):
        return
    unknown = sum(1 for t in ctx.snapshot.tokens if t.last_used is None)
    if not unknown:
        return
    yield Finding(
        rule_id="suitelint/no-login-data",
        severity=ENGINE_RULES["suitelint/no-login-data"][0],
        message=f"rule {rule.id!r}: last use unknown: no login audit in the sources, so "
        f"{unknown} token(s) could not be judged (add the Login Audit Trail export, or a "
        "snapshot from 'suitelint export')",
        subject_kind="rule",
        subject_id=rule.id,
        subject_name=rule.id,
        location=rule.location,
    )


def _no_user_data(ctx: Context, rule: CompiledRule) -> Iterator[Finding]:
    """A user_active rule whose tokens' users are known only by name cannot tell an active
    user from a departed one: say so once, rather than pass."""
    if not reads_user_state(rule.assertions):
        return
    users = {u.id: u for u in ctx.snapshot.users}
    unknown = {
        t.user for t in ctx.snapshot.tokens if (u := users.get(t.user)) is not None and u.named_only
    }
    if not unknown:
        return
    yield Finding(
        rule_id="suitelint/no-user-data",
        severity=ENGINE_RULES["suitelint/no-user-data"][0],
        message=f"rule {rule.id!r}: whether {len(unknown)} token user(s) are active is unknown: "
        "the sources give only their names (add the Employees list, Show Inactives checked)",
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
    """Whether an ``allow_only`` rule describes a subject (a token: also its role, user or
    integration)."""
    covered: dict[str, set[str]] = {plural: set() for plural in PLURAL.values()}
    for rule in rules:
        if allow_lists(rule.assertions):
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
        return subject.id in covered[PLURAL[subject_kind(subject)]]

    return is_covered


#: a permkey whose accepted levels are not looked up yet (None: any level)
_UNJUDGED: Any = object()


def _unknown_permissions(ctx: Context) -> Iterator[Finding]:
    """One ``suitelint/unknown-permission`` finding per role row, and per user's global
    permission, of a permkey the catalog does not list (:meth:`Catalog.unlisted`)."""
    unlisted = ctx.unlisted_permkeys
    if not unlisted:
        return
    catalog = ctx.catalog
    severity, _, _ = ENGINE_RULES["suitelint/unknown-permission"]
    version = catalog.version.partition("+")[0]

    hints: dict[str, str] = {}  # a new permkey is held by many roles: suggested once

    def message(holder: str, perm: Permission) -> str:
        info = catalog.unlisted(perm.permkey)
        name = info.name if info is not None else None
        hint = hints.get(perm.permkey)
        if hint is None:
            import difflib  # only when a key is unknown

            # a misspelling (TRAN_CUSTINV, Vendorz) is a letter away; a new permission is
            # not, and the catalog's nearest keys would only mislead
            close = []
            for shown in catalog.suggest(name or perm.permkey, n=1):
                key, _, rest = shown.partition(" (")
                versus = rest.removesuffix(")") if name else key
                if difflib.SequenceMatcher(None, name or perm.permkey, versus).ratio() >= 0.85:
                    close.append(shown)
            hint = hints[perm.permkey] = f" (did you mean {close[0]}?)" if close else ""
        held, what = (repr(name), "permission name") if name else (perm.permkey, "permission")
        return (
            f"{holder} holds {held} at {perm.level}, a {what} suitelint's catalog ({version}) "
            f"does not list{hint}: what it grants is not judged"
        )

    def finding(subject: Role | User, perm: Permission, first: Link, kind: LinkKind) -> Finding:
        role = subject if isinstance(subject, Role) else None
        holder = (
            f"role {subject.name!r}" if role else f"user {subject.name!r} (a global permission)"
        )
        path = (perm.path or role.path) if role else None
        return Finding(
            rule_id="suitelint/unknown-permission",
            severity=severity,
            message=message(holder, perm),
            subject_kind="role" if role else "user",
            subject_id=subject.id,
            subject_name=subject.name,
            subject_scriptid=role.scriptid if role else None,
            permkey=perm.permkey,
            chain=(first, Link(kind, perm.permkey, ctx.display(perm.permkey), perm.level)),
            location=Location(path, perm.line) if path else None,
        )

    values = role_permission_values(ctx.snapshot, ctx.index)
    rows = {perm for perm in values if perm.permkey in unlisted}
    if rows:
        for role in ctx.snapshot.roles:
            if not rows.isdisjoint(role.permissions):
                link = role_link(role)
                for perm in role.permissions:
                    if perm in rows:
                        yield finding(role, perm, link, "permission")
    for user in ctx.snapshot.users:
        for perm in user.global_permissions:
            if perm.permkey in unlisted:
                yield finding(user, perm, user_link(user), "global_permission")


def data_findings(ctx: Context) -> Iterator[Finding]:
    """Findings about the data itself, whatever the policy says."""
    severity, _, _ = ENGINE_RULES["suitelint/undocumented-level"]
    # A large account has 100,000s of rows and a few thousand distinct row values
    # (collected once, by validation): each value is judged once, and only a role holding
    # a value the catalog does not accept is walked row by row.
    # Rows differ by line: each permkey's accepted levels are looked up once (a 20-role
    # project holds 1,479 distinct rows of 616 permkeys; 16,000 custom record types, 32,000
    # rows of 16,000 permkeys that accept any level).
    levels_of = ctx.catalog.accepted_level_names
    accepted: dict[str, frozenset[str] | None] = {}
    rejected: set[Permission] = set()
    yield from _unknown_permissions(ctx)
    # a permkey the catalog does not list takes any level: reported by the above alone
    for perm in role_permission_values(ctx.snapshot, ctx.index):
        names = accepted.get(perm.permkey, _UNJUDGED)
        if names is _UNJUDGED:
            names = accepted[perm.permkey] = levels_of(perm.permkey)
        if names is not None and perm.level not in names:
            rejected.add(perm)
    if not rejected:
        return
    for role in ctx.snapshot.roles:
        if rejected.isdisjoint(role.permissions):
            continue
        for perm in role.permissions:
            if perm in rejected:
                info = ctx.catalog.get(perm.permkey)
                documented = ", ".join(lv.name for lv in info.levels) if info else ""
                path = perm.path or role.path
                location = Location(path, perm.line) if path else None
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


def _without_duplicate_blame(
    ctx: Context, policy: Policy, findings: list[Finding]
) -> list[Finding]:
    """A standard role that holds every permission (Administrator, Full Access) and is
    reached only through tokens that a forbid-roles rule already reports as running under
    it is not reported again by every role rule: the token finding names it, and "remove
    the permission from the role" cannot be done to a standard role."""
    forbidding = {rule.id for rule in policy.rules if forbids_roles(rule.assertions)}
    if not forbidding:
        return findings
    reported: set[tuple[str, str]] = set()  # (token id, role ref) a forbid-roles rule named
    for finding in findings:
        if finding.rule_id in forbidding and finding.subject_kind == "token":
            reported.add((finding.subject_id, finding.qualifier.removeprefix("role:")))
    if not reported:
        return findings
    covered: set[str] = set()
    for role in ctx.snapshot.roles:
        if not ctx.everything_role(role):
            continue
        tokens = [t for t in ctx.index.tokens_by_role.get(role.id, ()) if not t.inactive]
        ref = role.scriptid or role.id
        if tokens and all((t.id, ref) in reported for t in tokens):
            covered.add(role.id)
    if not covered:
        return findings
    return [
        f
        for f in findings
        if not (
            f.subject_kind == "role" and f.subject_id in covered and f.rule_id not in forbidding
        )
    ]


def evaluate(
    policy: Policy,
    snapshot: Snapshot,
    catalog: Catalog,
    today: dt.date,
    *,
    place: Callable[[list[Finding]], list[Finding]] | None = None,
    index: Index | None = None,
    role_rows: RoleRows | None = None,
) -> tuple[Finding, ...]:
    """Every finding of every rule on every selected subject, waivers applied, sorted.

    ``place`` gives findings their place in the input files before they are sorted (by
    place): sorting tens of thousands of findings once, not before and after placing.
    ``index``: the snapshot's index, if loading built it (``Loaded.index``).
    ``role_rows``: where the rows of a snapshot role are (``Loaded.role_rows``): the
    findings on them are made placed (``place`` then places the others)."""
    ctx = Context(snapshot, catalog, today, index)
    ctx.role_rows = role_rows
    findings: list[Finding] = list(data_findings(ctx))
    # Bound before anything runs: a policy naming a role the account lacks is an error.
    checks: list[list[Check]] = [
        [a.bind(ctx, rule.id) for a in rule.assertions] for rule in policy.rules
    ]
    ctx.covered = _coverage(ctx, policy.rules)
    findings.extend(_no_token_data(ctx, policy.rules))
    for rule, bound in zip(policy.rules, checks, strict=True):
        explained = [
            *_unmatched_references(ctx, rule),
            *_no_login_data(ctx, rule),
            *_no_user_data(ctx, rule),
        ]
        findings.extend(explained)
        subjects = select(ctx, rule)
        quiet = explained or (not ctx.snapshot.tokens and _about_tokens(rule))
        if not subjects and not quiet and names_subjects(rule):
            findings.append(_selected_nothing(rule))
        uses_table = any(a.uses_table for a in rule.assertions)
        severity = rule.severity_for(ctx.environment)
        for subject in subjects:
            em = Emitter(ctx, rule.id, severity, subject, findings)
            if not uses_table:
                table = Table({}, EMPTY_GRANT)
            elif rule.where.global_permissions and isinstance(subject, User):
                table = ctx.global_table(subject) or Table({}, EMPTY_GRANT)
            else:
                table = ctx.table(subject)
            for check in bound:
                check(em, table)
    findings = _without_duplicate_blame(ctx, policy, findings)
    findings = apply_waivers(policy, findings, today, ENGINE_RULES)
    return sort_findings(place(findings) if place is not None else findings)


def subject_counts(snapshot: Snapshot) -> dict[str, int]:
    return {
        "roles": len(snapshot.roles),
        "users": sum(1 for u in snapshot.users if not u.named_only),
        "integrations": len(snapshot.integrations),
        "tokens": len(snapshot.tokens),
    }
