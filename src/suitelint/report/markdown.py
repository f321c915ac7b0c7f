"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A verdict heading, counts by severity (and how many findings are suppressed, by waiver or
baseline), a table of active findings whose chains fold away in ``<details>``, a table of
suppressed findings with their reasons, and the catalog version the run was judged
against. Account data is attacker-controllable: every character that Markdown or HTML
would interpret (including ``@`` mentions, bare URLs and ``|`` cell breaks) is made inert
by :func:`suitelint.sanitize.markdown`.
"""

from __future__ import annotations

import msgspec

from suitelint import sanitize
from suitelint.findings import Finding, Report, Severity
from suitelint.report.locations import relative_path

_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.NOTE: "🔵"}
#: GitHub cuts comments at 65,536 characters; past this many rows a table says "and N more".
MAX_ROWS = 200


def _code(text: str) -> str:
    return f"<code>{sanitize.markdown(text)}</code>"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _subject(finding: Finding) -> str:
    text = f"{finding.subject_kind} {sanitize.markdown(finding.subject_name)}"
    if finding.subject_ref != finding.subject_name:
        text += f" {_code(finding.subject_ref)}"
    if finding.permkey:
        text += f" {_code(finding.permkey)}"
    return text


def _where(finding: Finding) -> str:
    location = finding.location
    if location is None:
        return "account"
    return _code(str(msgspec.structs.replace(location, path=relative_path(location.path))))


def _message(finding: Finding) -> str:
    message = sanitize.markdown(finding.message)
    if not finding.chain:
        return message
    steps = "<br>→ ".join(sanitize.markdown(str(link)) for link in finding.chain)
    return f"<details><summary>{message}</summary>{steps}</details>"


def _more(total: int) -> list[str]:
    return ["", f"… and {total - MAX_ROWS} more (see the SARIF or JSON report)."]


def render(report: Report, *, color: bool = False) -> str:
    counts = report.counts()
    verdict = "❌ failed" if report.failing else "✅ passed"
    lines = [f"## suitelint {verdict}", ""]
    parts = [
        f"{_ICON[s]} **{_plural(counts[s.label], s.label)}**"
        for s in sorted(Severity, reverse=True)
    ]
    suppressed = report.suppressed
    kinds: dict[str, int] = {}
    for finding in suppressed:
        assert finding.suppression is not None
        kinds[finding.suppression.kind] = kinds.get(finding.suppression.kind, 0) + 1
    detail = ", ".join(f"{n} by {k}" for k, n in sorted(kinds.items()))
    parts.append(f"{len(suppressed)} suppressed" + (f" ({detail})" if detail else ""))
    lines.append(" · ".join(parts))
    lines.append("")
    checked = ", ".join(f"{n} {kind}" for kind, n in report.subjects_checked.items())
    facts = [f"failing at **{report.fail_on.label}** or above"]
    if checked:
        facts.append(f"checked {sanitize.markdown(checked)}")
    facts.append(f"catalog {_code(report.catalog_version)}")
    if report.policies:
        facts.append("policies " + ", ".join(_code(p) for p in report.policies))
    lines.append("; ".join(facts))
    active = report.active
    if active:
        lines += [
            "",
            "| Severity | Rule | Subject | Where | Finding |",
            "| --- | --- | --- | --- | --- |",
        ]
        for finding in active[:MAX_ROWS]:
            lines.append(
                f"| {_ICON[finding.severity]} {finding.severity.label} | {_code(finding.rule_id)} "
                f"| {_subject(finding)} | {_where(finding)} | {_message(finding)} |"
            )
        if len(active) > MAX_ROWS:
            lines += _more(len(active))
    if suppressed:
        lines += [
            "",
            f"<details><summary>{_plural(len(suppressed), 'suppressed finding')}</summary>",
            "",
            "| Rule | Subject | Where | Suppressed by | Reason |",
            "| --- | --- | --- | --- | --- |",
        ]
        for finding in suppressed[:MAX_ROWS]:
            assert finding.suppression is not None
            by = finding.suppression.kind
            if finding.suppression.expires:
                by += f" until {finding.suppression.expires}"
            lines.append(
                f"| {_code(finding.rule_id)} | {_subject(finding)} | {_where(finding)} "
                f"| {sanitize.markdown(by)} | {sanitize.markdown(finding.suppression.reason)} |"
            )
        if len(suppressed) > MAX_ROWS:
            lines += _more(len(suppressed))
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
