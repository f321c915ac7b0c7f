"""Inline suppressions applied to the findings of a run, and the findings about them.

A ``suitelint-disable`` comment in an SDF object file (read by
:mod:`suitelint.sources.inline`) is a waiver that lives beside what it waives. Its rule
ids and globs must name rules of the run (an unknown one is an error: fail closed, as
for waivers); a live one marks the findings it covers as suppressed (kind ``inline``,
with its reason and expiry); an expired one suppresses nothing and is reported
(``suitelint/expired-suppression``), as is one that covers no finding
(``suitelint/unused-suppression``). ``check --base`` reports each suppression the change
adds or changes (``suitelint/new-suppression``): anyone who can edit a pull request can
add a comment, so a reviewer must see it. Pure: same findings and date, same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from fnmatch import fnmatchcase

import msgspec

from suitelint.errors import Problem, Problems, SourceError, did_you_mean
from suitelint.findings import Finding, Severity, Suppression, sort_findings
from suitelint.policy.compiler import Policy
from suitelint.sources.inline import InlineSuppression

__all__ = [
    "INLINE_RULES",
    "InlineRun",
    "apply_inline",
    "check_inline",
    "new_suppressions",
    "rule_names",
]

#: the engine findings about inline suppressions: (severity, title, why)
INLINE_RULES = {
    "suitelint/expired-suppression": (
        Severity.WARNING,
        "Inline suppression has expired",
        "An expired suitelint-disable comment no longer suppresses anything; renew its "
        "expires= date or fix the finding.",
    ),
    "suitelint/unused-suppression": (
        Severity.NOTE,
        "Inline suppression matches no finding",
        "A suitelint-disable comment that suppresses nothing is dead: remove it, or fix its "
        "rule ids or move it to the permission it is meant for.",
    ),
    "suitelint/new-suppression": (
        Severity.WARNING,
        "Inline suppression added by the change",
        "check --base: the change adds a suitelint-disable comment (or changes the reason or "
        "expiry of one). Anyone who can edit the pull request can add one, so a reviewer "
        "should accept it as they would a waiver; --ignore-inline disregards them all.",
    ),
}


def rule_names(policy: Policy, engine_rules: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Every rule id of a run and the names a suppression may give it (id and former ids)."""
    names = {rule.id: (rule.id, *rule.aliases) for rule in policy.rules}
    names.update({rule_id: (rule_id,) for rule_id in engine_rules})
    return names


def check_inline(
    suppressions: Sequence[InlineSuppression], names: Mapping[str, tuple[str, ...]]
) -> None:
    """Each rule id or glob of each suppression names some rule; else one
    :class:`SourceError` with every unknown one, each at its comment."""
    everything = [name for ids in names.values() for name in ids]
    problems = Problems()
    for suppression in suppressions:
        for pattern in suppression.rules:
            if not any(fnmatchcase(name, pattern) for name in everything):
                hint = did_you_mean(pattern, names)
                problems.add(
                    Problem(
                        suppression.location.path,
                        f"inline suppression names unknown rule {pattern!r}{hint} "
                        "(see 'suitelint rules')",
                        suppression.location.line,
                    ),
                    SourceError,
                )
    problems.raise_if_any(SourceError)


def _covers(
    suppression: InlineSuppression, finding: Finding, names: Mapping[str, tuple[str, ...]]
) -> bool:
    if suppression.permkey is not None and suppression.permkey != finding.permkey:
        return False
    ids = names.get(finding.rule_id, (finding.rule_id,))
    return any(fnmatchcase(name, p) for p in suppression.rules for name in ids)


def apply_inline(
    findings: Iterable[Finding],
    suppressions: Sequence[InlineSuppression],
    today: dt.date,
    names: Mapping[str, tuple[str, ...]],
    chosen: Callable[[str], bool] = lambda rule_id: True,
) -> list[Finding]:
    """``findings`` with the ones a live suppression covers suppressed (by the first, in
    file and line order; a finding a waiver suppressed already keeps its waiver, and the
    comment counts as used), then a finding per expired or unused suppression. One whose
    rules are all left out of the run (``chosen``: ``--select``/``--ignore``) is not
    reported as unused."""
    by_object: dict[tuple[str, str], list[tuple[int, InlineSuppression]]] = {}
    for i, suppression in enumerate(suppressions):
        if suppression.expires >= today:
            key = (suppression.object_kind, suppression.scriptid.casefold())
            by_object.setdefault(key, []).append((i, suppression))
    used: set[int] = set()
    result: list[Finding] = []
    for finding in findings:
        candidates: list[tuple[int, InlineSuppression]] = []
        for ref in {finding.subject_id, finding.subject_scriptid or finding.subject_id}:
            candidates += by_object.get((finding.subject_kind, ref.casefold()), [])
        for i, suppression in sorted(candidates, key=lambda c: c[0]):
            if not _covers(suppression, finding, names):
                continue
            used.add(i)
            if finding.suppression is None:
                finding = finding.suppress(
                    Suppression("inline", suppression.reason, suppression.expires.isoformat())
                )
            break
        result.append(finding)
    for i, suppression in enumerate(suppressions):
        if suppression.expires < today:
            rule_id = "suitelint/expired-suppression"
            message = (
                f"inline suppression of {_what(suppression)} expired on "
                f"{suppression.expires.isoformat()} and no longer applies ({suppression.reason})"
            )
        elif i not in used and any(
            chosen(rule_id)
            for rule_id, ids in names.items()
            if any(fnmatchcase(n, p) for p in suppression.rules for n in ids)
        ):
            rule_id = "suitelint/unused-suppression"
            message = f"inline suppression of {_what(suppression)} matches no finding"
        else:
            continue
        result.append(_about(rule_id, suppression, message))
    return result


def new_suppressions(
    current: Sequence[InlineSuppression], before: Iterable[InlineSuppression], ref: str
) -> list[Finding]:
    """A finding per suppression of ``current`` that ``before`` (the sources at git
    ``ref``) does not hold with the same rules, place, reason and expiry."""
    known = {suppression.key for suppression in before}
    return [
        _about(
            "suitelint/new-suppression",
            suppression,
            f"inline suppression of {_what(suppression)} added since {ref}, until "
            f"{suppression.expires.isoformat()}: {suppression.reason}",
        )
        for suppression in current
        if suppression.key not in known
    ]


def _what(suppression: InlineSuppression) -> str:
    rules = ", ".join(suppression.rules)
    where = f"{suppression.object_kind} {suppression.scriptid!r}"
    if suppression.permkey is not None:
        where += f" permission {suppression.permkey}"
    return f"{rules} on {where}"


def _about(rule_id: str, suppression: InlineSuppression, message: str) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=INLINE_RULES[rule_id][0],
        message=message,
        subject_kind="suppression",
        subject_id=f"{suppression.object_kind}:{suppression.scriptid}",
        subject_name=suppression.scriptid,
        permkey=suppression.permkey,
        qualifier=",".join(suppression.rules),
        location=suppression.location,
    )


class InlineRun(msgspec.Struct, frozen=True):
    """How one ``check`` treats inline suppressions: the rules it knows, the ones it runs,
    its date, and whether it disregards them (``--ignore-inline``)."""

    today: dt.date
    names: Mapping[str, tuple[str, ...]]
    chosen: Callable[[str], bool] = lambda rule_id: True
    ignore: bool = False

    def apply(
        self, findings: Sequence[Finding], suppressions: Sequence[InlineSuppression]
    ) -> Sequence[Finding]:
        """:func:`apply_inline`, sorted; ``findings`` as they are when there is nothing to
        apply (a run without comments costs nothing)."""
        if self.ignore or not suppressions:
            return findings
        return sort_findings(
            apply_inline(findings, suppressions, self.today, self.names, self.chosen)
        )
