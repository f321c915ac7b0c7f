"""Markdown for PR comments and step summaries: counts, a table, chains folded away."""

from __future__ import annotations

import msgspec

from reports import assert_golden, sample_report
from suitelint.findings import Finding, Report, Severity, Suppression
from suitelint.report import markdown


def test_matches_golden_file() -> None:
    assert_golden("markdown.md", markdown.render(sample_report()))


def test_is_byte_identical_on_repeated_runs() -> None:
    assert markdown.render(sample_report()) == markdown.render(sample_report())


def test_header_counts_by_severity_suppressed_and_names_the_catalog() -> None:
    text = markdown.render(sample_report())
    assert text.startswith("## suitelint ❌ failed\n")
    assert "**3 errors** · 🟠 **1 warning** · 🔵 **2 notes** · 1 suppressed (1 by waiver)" in text
    assert "catalog <code>2026&#46;11" not in text  # dots are not escaped
    assert "catalog <code>2026.11.25+test</code>" in text


def test_chains_fold_away_in_details() -> None:
    text = markdown.render(sample_report())
    row = next(
        line
        for line in text.splitlines()
        if line.startswith("| 🔴") and "token-not-administrator" in line
    )
    assert "<details><summary>token 'Invoice Sync token' runs under role" in row
    assert "<br>→ role 'Administrator' &#91;ADMINISTRATOR&#93;" in row


def test_suppressed_findings_are_listed_with_their_reason() -> None:
    text = markdown.render(sample_report())
    assert "<details><summary>1 suppressed finding</summary>" in text
    assert (
        "| waiver until 2027-01-31 | rotated with the ERP cut-over, ticket OPS-7: 100% planned |"
        in text
    )


def test_account_data_cannot_break_the_table_mention_people_or_inject_html() -> None:
    text = markdown.render(sample_report())
    assert "Sync &#124; &#60;b&#62;&#64;&#8288;team&#60;/b&#62;" in text
    assert "@team" not in text and "<b>" not in text


def test_a_clean_run_passes_and_says_so() -> None:
    finding = Finding(
        "r", Severity.ERROR, "m", "role", "1", "R", suppression=Suppression("baseline", "b")
    )
    text = markdown.render(Report(findings=(finding,)))
    assert text.startswith("## suitelint ✅ passed\n")
    assert "0 errors" in text and "1 suppressed (1 by baseline)" in text
    assert "| Severity |" not in text


def test_long_reports_are_cut_with_a_count() -> None:
    report = sample_report()
    many = tuple(
        msgspec.structs.replace(report.findings[0], subject_id=str(i))
        for i in range(markdown.MAX_ROWS + 5)
    )
    text = markdown.render(msgspec.structs.replace(report, findings=many))
    shown = sum(1 for line in text.splitlines() if line.startswith("| 🔴 error"))
    assert f"… and {len(many) - shown} more in the SARIF/JSON report" in text
    assert shown <= markdown.MAX_ROWS


def test_counts_per_rule_and_severity_come_before_the_findings() -> None:
    text = markdown.render(sample_report())
    counts = text.index("| Rule | 🔴 errors | 🟠 warnings | 🔵 notes | suppressed |")
    assert counts < text.index("| Severity | Rule |")
    assert "| <code>token-rotation</code> |  |  |  | 1 |" in text
    assert "| <code>token-has-purpose</code> |  |  | 2 |  |" in text


def test_a_huge_report_fits_a_github_comment_with_new_findings_first() -> None:
    hostile = "<b>@x</b>|" * 400  # escapes to several times its length
    new = tuple(
        Finding(f"rule-{i % 40}", Severity(1 + i % 3), f"{hostile} {i}", "role", str(i), hostile)
        for i in range(30_000)
    )
    old = tuple(
        msgspec.structs.replace(f, subject_id=f"old{i}", suppression=Suppression("base", "on main"))
        for i, f in enumerate(new[:5000])
    )
    text = markdown.render(Report(findings=old + new))
    assert len(text) <= 65_536
    table = text.index("| Severity | Rule |")
    first = text.splitlines()[text[:table].count("\n") + 2]
    assert first.startswith("| 🔴 error")  # the most severe new findings first
    assert "more in the SARIF/JSON report" in text
    assert text.rstrip().endswith("</details>")  # the suppressed section still closes
