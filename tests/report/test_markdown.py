"""Markdown for PR comments and step summaries: counts, a table, chains folded away."""

from __future__ import annotations

import dataclasses

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
    assert "**8 errors** · 🟠 **1 warning** · 🔵 **2 notes** · 1 suppressed (1 by waiver)" in text
    assert "catalog <code>2026&#46;11" not in text  # dots are not escaped
    assert "catalog <code>2026.11.25+test</code>" in text


def test_chains_fold_away_in_details() -> None:
    text = markdown.render(sample_report())
    row = next(
        line
        for line in text.splitlines()
        if "token&#45;not" in line or "token-not-administrator" in line
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
    text = markdown.render(dataclasses.replace(report, findings=many))
    assert "… and 5 more" in text
