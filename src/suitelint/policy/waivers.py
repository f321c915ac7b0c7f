"""Waivers applied to the findings of a run, and the findings about the waivers themselves.

A waiver (``waivers:`` in a policy) suppresses the findings of one rule on one subject, and
optionally one permission, until it expires. After the engine's loop, :func:`apply_waivers`
marks each finding a live waiver matches as suppressed, then reports every waiver that has
expired (``suitelint/expired-waiver``) or matched nothing (``suitelint/unused-waiver``):
dead policy never passes silently. Pure: same findings and date, same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from suitelint.findings import Finding, Severity, Suppression
from suitelint.policy.compiler import Policy

__all__ = ["WAIVER_RULES", "apply_waivers"]

#: the engine findings about waivers: (severity, title, why), as in ``engine.ENGINE_RULES``
WAIVER_RULES = {
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


def apply_waivers(
    policy: Policy, findings: Iterable[Finding], today: dt.date, engine_rules: Iterable[str]
) -> list[Finding]:
    """``findings`` with the ones a live waiver matches suppressed (by the first matching
    waiver, in policy order), then a finding per expired or unused waiver. A waiver names
    a rule by its id or an alias, or an engine rule (``engine_rules``) like any rule."""
    result: list[Finding] = []
    used: set[int] = set()
    canonical = policy.canonical_ids(engine_rules)
    active = [(i, w) for i, w in enumerate(policy.waivers) if w.expires >= today]
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
        if waiver.expires < today:
            rule_id = "suitelint/expired-waiver"
            message = (
                f"waiver for rule {waiver.rule!r} on {waiver.subject!r} expired on "
                f"{waiver.expires.isoformat()} and no longer applies ({waiver.reason})"
            )
        elif i not in used:
            rule_id = "suitelint/unused-waiver"
            message = f"waiver for rule {waiver.rule!r} on {waiver.subject!r} matches no finding"
        else:
            continue
        result.append(
            Finding(
                rule_id=rule_id,
                severity=WAIVER_RULES[rule_id][0],
                message=message,
                subject_kind="waiver",
                subject_id=f"{waiver.rule}:{waiver.subject}",
                subject_name=waiver.subject,
                qualifier=waiver.permission or "",
                location=waiver.location,
            )
        )
    return result
