"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``, within GitHub's limits.

A verdict heading, counts by severity (and how many findings are suppressed, by waiver,
baseline or ``--base``), counts per rule and severity, a table of the active (new) findings,
most severe first, whose chains fold away in ``<details>``, a table of suppressed findings
with their reasons, and the catalog version the run was judged against.

GitHub rejects a comment over 65,536 characters (ci-facts §2), so the whole text stays
within :data:`MAX_CHARS` at any account size: the summary and the per-rule counts come
first, then as many rows as fit (at most :data:`MAX_ROWS` a table), then "… and N more in
the SARIF/JSON report". A cell is cut at :data:`MAX_CELL` characters.

Account data is attacker-controllable: every character that Markdown or HTML would
interpret (including ``@`` mentions, bare URLs and ``|`` cell breaks) is made inert by
:func:`suitelint.sanitize.markdown`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from suitelint import sanitize
from suitelint.findings import Finding, Report, Severity
from suitelint.report.locations import relative_path

_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.NOTE: "🔵"}
#: past this many rows a table says "and N more"
MAX_ROWS = 200
#: GitHub's comment limit (65,536 characters) with room for a bot's own header or footer
MAX_CHARS = 64_000
#: account text in one cell is cut here (before escaping), so one row cannot take it all
MAX_CELL = 300


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _code(text: str) -> str:
    return f"<code>{sanitize.markdown(_clip(text))}</code>"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _subject(finding: Finding) -> str:
    text = f"{finding.subject_kind} {sanitize.markdown(_clip(finding.subject_name))}"
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
    message = sanitize.markdown(_clip(finding.message))
    if not finding.chain:
        return message
    steps = "<br>→ ".join(sanitize.markdown(_clip(str(link))) for link in finding.chain)
    return f"<details><summary>{message}</summary>{steps}</details>"


def _more(left: int) -> str:
    return f"… and {left} more in the SARIF/JSON report (`--format json=FILE` lists every finding)."


class _Page:
    """Lines that stay within a character budget, with room kept for what must follow."""

    def __init__(self, limit: int) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.limit = limit

    def fits(self, line: str, reserve: int = 0) -> bool:
        return self.size + len(line) + 1 + reserve <= self.limit

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(line)
            self.size += len(line) + 1

    def rows(self, header: Sequence[str], rows: Iterable[str], total: int, reserve: int) -> None:
        """A table: as many rows as fit (and at most MAX_ROWS), then how many more."""
        self.add(*header)
        shown = 0
        tail = len(_more(total)) + 2 + reserve
        for row in rows:
            if shown == MAX_ROWS or not self.fits(row, tail):
                break
            self.add(row)
            shown += 1
        if shown < total:
            self.add("", _more(total - shown))


def _by_rule(report: Report) -> list[str]:
    counts: dict[str, list[int]] = {}
    for finding in report.findings:
        row = counts.setdefault(finding.rule_id, [0, 0, 0, 0])
        if finding.suppression is not None:
            row[3] += 1
        else:
            row[3 - int(finding.severity)] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], -kv[1][2], kv[0]))
    return [
        f"| {_code(rule)} | {e or ''} | {w or ''} | {n or ''} | {s or ''} |"
        for rule, (e, w, n, s) in ordered
    ]


def _changes(page: _Page, report: Report, reserve: int) -> None:
    """``check --base``: the table ``suitelint diff`` prints, what rose and what fell, so
    one comment tells the whole story (or a pointer to it, when it does not fit)."""
    from suitelint.report.diff import render_markdown

    table = render_markdown(report.changes).rstrip("\n").split("\n")
    table[0] = "### What rose, what fell" + table[0].split("suitelint diff", 1)[-1]
    if page.fits("\n".join(table), reserve + 200):
        page.add("", *table)
    else:
        page.add("", "What rose and what fell is too long for this comment: run `suitelint diff`.")


def render(report: Report, *, color: bool = False) -> str:
    counts = report.counts()
    verdict = "❌ failed" if report.failing else "✅ passed"
    page = _Page(MAX_CHARS)
    page.add(f"## suitelint {verdict}", "")
    changes = report.changes
    if not report.failing and changes is not None and changes.escalated:
        # the policy passes, but the change widens access: a reviewer must not read
        # "passed" as "nothing rose"
        rose = sum(subject.escalated for subject in changes.subjects)
        page.add(
            f"⚠️ **The change widens access**: {_plural(rose, 'subject')} of "
            f"{len(changes.subjects)} changed {'gains' if rose == 1 else 'gain'} access, "
            "and no rule fails on it "
            "(see *What rose, what fell* below).",
            "",
        )
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
    page.add(" · ".join(parts), "")
    checked = ", ".join(f"{n} {kind}" for kind, n in report.subjects_checked.items())
    facts = [f"failing at **{report.fail_on.label}** or above"]
    if checked:
        facts.append(f"checked {sanitize.markdown(checked)}")
    facts.append(f"catalog {_code(report.catalog_version)}")
    if report.policies:
        facts.append("policies " + ", ".join(_code(p) for p in report.policies[:20]))
    page.add("; ".join(facts))
    active = sorted(report.active, key=lambda f: -int(f.severity))  # stable: place order kept
    reserve = 2000 if suppressed else 0  # the suppressed section's heading and "N more"
    by_rule = _by_rule(report)
    if by_rule:
        page.add("")
        page.rows(
            [
                "| Rule | 🔴 errors | 🟠 warnings | 🔵 notes | suppressed |",
                "| --- | ---: | ---: | ---: | ---: |",
            ],
            by_rule,
            len(by_rule),
            reserve + 4000,
        )
    if active:
        page.add("")
        page.rows(
            [
                "| Severity | Rule | Subject | Where | Finding |",
                "| --- | --- | --- | --- | --- |",
            ],
            (
                f"| {_ICON[f.severity]} {f.severity.label} | {_code(f.rule_id)} "
                f"| {_subject(f)} | {_where(f)} | {_message(f)} |"
                for f in active
            ),
            len(active),
            reserve,
        )
    if report.changes is not None and report.changes.subjects:
        _changes(page, report, reserve)
    if suppressed:
        page.add(
            "",
            f"<details><summary>{_plural(len(suppressed), 'suppressed finding')}</summary>",
            "",
        )
        page.rows(
            [
                "| Rule | Subject | Where | Suppressed by | Reason |",
                "| --- | --- | --- | --- | --- |",
            ],
            (_suppressed_row(f) for f in suppressed),
            len(suppressed),
            len("</details>") + 2,
        )
        page.add("", "</details>")
    return "\n".join(page.lines) + "\n"


def _suppressed_row(finding: Finding) -> str:
    assert finding.suppression is not None
    by = finding.suppression.kind
    if finding.suppression.expires:
        by += f" until {finding.suppression.expires}"
    return (
        f"| {_code(finding.rule_id)} | {_subject(finding)} | {_where(finding)} "
        f"| {sanitize.markdown(by)} | {sanitize.markdown(_clip(finding.suppression.reason))} |"
    )
