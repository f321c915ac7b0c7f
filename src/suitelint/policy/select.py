"""Which subjects of an account a rule's ``where`` picks."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import filterfalse

from suitelint.effective import Effective, subject_roles
from suitelint.model import (
    Integration,
    Level,
    Role,
    Subject,
    Token,
    User,
    subject_label,
    subject_names,
)
from suitelint.policy.compiler import CompiledRule
from suitelint.policy.selectors import NameRef, Where
from suitelint.restrictions import restricts, value_of


def _is_active(subject: Subject) -> bool:
    if isinstance(subject, Integration):
        return subject.state == "enabled"
    return not subject.inactive


def _any(refs: tuple[NameRef, ...], candidates: Iterable[tuple[str | None, ...]]) -> bool:
    pool = list(candidates)
    return any(ref.matches(*values) for ref in refs for values in pool)


#: log-in permissions for integrations: a role holding one can be used by a token
#: (TBA: Log In Using Access Tokens; OAuth 2.0; SOAP and REST Web Services; MCP Server
#: Connection, the AI Connector Service's, which acts in the role over OAuth 2.0)
TOKEN_LOGIN_PERMKEYS = frozenset(
    {
        "ADMI_LOGIN_OAUTH",
        "ADMI_LOGIN_OAUTH2",
        "ADMI_WEBSERVICES",
        "ADMI_RESTWEBSERVICES",
        "ADMI_MCP_SERVER",
    }
)


def used_by_tokens(account: Effective, role: Role) -> bool:
    return any(not t.inactive for t in account.index.tokens_by_role.get(role.id, ()))


def token_capable(account: Effective, role: Role) -> bool:
    """A role some active token uses, or one a token could use: it holds a log-in
    permission for integrations or is web-services-only. Judged on the permissions the
    role lists, so an SDF project alone knows which of its roles are integration roles.
    Once per role and evaluation (a pack has many rules on token-capable roles)."""
    known = account.token_capable
    capable = known.get(role.id)
    if capable is None:
        capable = known[role.id] = _token_capable(account, role)
    return capable


def _token_capable(account: Effective, role: Role) -> bool:
    if used_by_tokens(account, role):
        return True
    if account.everything_role(role):
        # Administrator and Full Access cannot be edited: they are judged through the
        # tokens that use them (token-not-administrator), not by what they could do.
        return False
    if role.web_services_only:
        return True
    levels = account.role_table(role).levels
    return any(levels.get(key, Level.NONE) > Level.NONE for key in TOKEN_LOGIN_PERMKEYS)


def is_custom_role(account: Effective, role: Role) -> bool:
    """Not a standard role of the catalog (custom roles' script ids start customrole)."""
    if role.scriptid:
        if role.scriptid.lower().startswith("customrole"):
            return True
        return account.catalog.standard_role(role.scriptid) is None
    return account.catalog.standard_role(role.id) is None and not account.everything_role(role)


def role_matches_restrictions(
    account: Effective,
    role: Role,
    states: tuple[tuple[str, str | tuple[str, ...]], ...],
) -> bool:
    """Does the role meet every ``where: {restrictions: ...}`` state? Administrator and
    Full Access reach every record: unrestricted in every aspect. A value suitelint does not
    know is unrestricted (a rule picking unrestricted roles picks it: fail closed)."""
    everything = account.everything_role(role)
    for aspect, state in states:
        value = None if everything else value_of(role, aspect)
        restricted = not everything and restricts(aspect, value)
        if state == "restricted":
            ok = restricted
        elif state == "unrestricted":
            ok = not restricted
        else:
            ok = not everything and value in state
        if not ok:
            return False
    return True


def names_subjects(rule: CompiledRule) -> bool:
    """Does the rule's ``where`` name subjects (a name, id, glob...), rather than select
    them by what they are (token-capable, custom, holding a permission)? Only a rule that
    names subjects and selects none is suspicious: a renamed subject escaped it."""
    w = rule.where
    intent = (
        w.token_capable is not None
        or w.custom is not None
        or w.user_token_role is not None
        or w.holds
        or w.global_permissions
        or w.restrictions
    )
    named = w.name or w.id or w.scriptid or w.integration or w.role or w.user or w.type
    return bool(named) or not intent


def select(account: Effective, rule: CompiledRule) -> list[Subject]:
    """Subjects of the rule's kind that its ``where`` picks, in snapshot order."""
    where = rule.where
    pool: Sequence[Subject] = getattr(account.snapshot, rule.applies_to)
    chosen: Iterable[Subject] = pool
    # Each condition the rule sets is a filter over what the ones before it kept, in the
    # order below: a pack's rules set two or three of the fifteen, and a large account
    # has tens of thousands of subjects (the usual first one, active, in C).
    if where.active is not None:
        if rule.applies_to == "integrations":
            active = where.active
            chosen = (s for s in chosen if _is_active(s) == active)
        else:  # a role, user or token is active when not inactive
            chosen = (filterfalse if where.active else filter)(_INACTIVE, chosen)
    for test in _tests(account, where):
        chosen = filter(test, chosen)
    return list(chosen)


_INACTIVE = operator.attrgetter("inactive")


def _tests(account: Effective, where: Where) -> Iterator[Callable[[Subject], bool]]:
    """What each condition of ``where`` but ``active`` asks of a subject, in order."""
    if where.name:
        yield lambda subject: _any(where.name, [(subject_label(subject),)])
    if where.id:
        yield lambda subject: _any(where.id, [(subject.id,)])
    if where.scriptid:
        yield lambda subject: _any(where.scriptid, [(getattr(subject, "scriptid", None),)])
    if where.type:
        yield lambda subject: isinstance(subject, Token) and subject.type == where.type
    if where.used_by_tokens is not None:
        yield (
            lambda subject: (
                (isinstance(subject, Role) and used_by_tokens(account, subject))
                == where.used_by_tokens
            )
        )
    if where.user_token_role is not None:
        yield (
            lambda subject: (
                isinstance(subject, Role)
                and account.user_token_role(subject) == where.user_token_role
            )
        )
    if where.token_capable is not None:
        yield (
            lambda subject: (
                (isinstance(subject, Role) and token_capable(account, subject))
                == where.token_capable
            )
        )
    if where.custom is not None:
        yield (
            lambda subject: (
                where.custom == (isinstance(subject, Role) and is_custom_role(account, subject))
            )
        )
    if where.holds:
        yield (
            lambda subject: (
                isinstance(subject, Role)
                and bool(account.matches(account.role_table(subject), where.holds))
            )
        )
    if where.global_permissions:
        yield lambda subject: isinstance(subject, User) and bool(subject.global_permissions)
    if where.restrictions:
        yield lambda subject: any(
            role_matches_restrictions(account, r, where.restrictions)
            for _, r in subject_roles(account, subject)
        )
    if where.role:
        yield lambda subject: _any(
            where.role, [subject_names(r) for _, r in subject_roles(account, subject)]
        )
    if where.user:
        yield lambda subject: _any(where.user, [subject_names(u) for u in _users(account, subject)])
    if where.integration:
        yield lambda subject: _integration_named(account, where, subject)


def _users(account: Effective, subject: Subject) -> list[User]:
    if isinstance(subject, Token):
        return [account.token_parts(subject)[1]]
    if isinstance(subject, Integration):
        return [account.token_parts(t)[1] for t in account.active_tokens(subject)]
    return []


def _integration_named(account: Effective, where: Where, subject: Subject) -> bool:
    integration = account.token_parts(subject)[2] if isinstance(subject, Token) else None
    return integration is not None and _any(where.integration, [subject_names(integration)])
