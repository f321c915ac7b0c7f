"""Which subjects of an account a rule's ``where`` picks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from suitelint.effective import Effective, subject_roles
from suitelint.model import Integration, Role, Subject, Token, User, subject_label, subject_names
from suitelint.policy.compiler import CompiledRule
from suitelint.policy.selectors import NameRef


def _is_active(subject: Subject) -> bool:
    if isinstance(subject, Integration):
        return subject.state == "enabled"
    return not subject.inactive


def _any(refs: tuple[NameRef, ...], candidates: Iterable[tuple[str | None, ...]]) -> bool:
    pool = list(candidates)
    return any(ref.matches(*values) for ref in refs for values in pool)


def select(account: Effective, rule: CompiledRule) -> list[Subject]:
    """Subjects of the rule's kind that its ``where`` picks, in snapshot order."""
    where = rule.where
    pool: Sequence[Subject] = getattr(account.snapshot, rule.applies_to)
    chosen: list[Subject] = []
    for subject in pool:
        if where.active is not None and _is_active(subject) != where.active:
            continue
        if where.name and not _any(where.name, [(subject_label(subject),)]):
            continue
        if where.id and not _any(where.id, [(subject.id,)]):
            continue
        if where.scriptid and not _any(where.scriptid, [(getattr(subject, "scriptid", None),)]):
            continue
        if where.type and (not isinstance(subject, Token) or subject.type != where.type):
            continue
        if where.used_by_tokens is not None:
            used = isinstance(subject, Role) and any(
                not t.inactive for t in account.index.tokens_by_role.get(subject.id, ())
            )
            if used != where.used_by_tokens:
                continue
        if where.user_token_role is not None and (
            not isinstance(subject, Role)
            or account.user_token_role(subject) != where.user_token_role
        ):
            continue
        if where.role and not _any(
            where.role, [subject_names(r) for _, r in subject_roles(account, subject)]
        ):
            continue
        if where.user:
            users: list[User] = []
            if isinstance(subject, Token):
                users = [account.token_parts(subject)[1]]
            elif isinstance(subject, Integration):
                users = [account.token_parts(t)[1] for t in account.active_tokens(subject)]
            if not _any(where.user, [subject_names(u) for u in users]):
                continue
        if where.integration:
            integration = account.token_parts(subject)[2] if isinstance(subject, Token) else None
            if integration is None or not _any(where.integration, [subject_names(integration)]):
                continue
        chosen.append(subject)
    return chosen
