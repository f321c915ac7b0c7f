"""JUnit XML: valid against the Ant schema; one test case per rule, failed only at --fail-on."""

from __future__ import annotations

from pathlib import Path

import msgspec
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from reports import assert_golden, sample_report
from suitelint.findings import Finding, Report, Severity
from suitelint.report import junit


def validate(shared: Path, text: str) -> etree._Element:
    schema = etree.XMLSchema(etree.parse(str(shared / "schemas" / "JUnit.xsd")))
    document = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(document), schema.error_log
    return document


def test_matches_golden_file_and_the_junit_schema(shared: Path) -> None:
    text = junit.render(sample_report())
    validate(shared, text)
    assert_golden("junit.xml", text)


def test_is_byte_identical_on_repeated_runs() -> None:
    assert junit.render(sample_report()) == junit.render(sample_report())


def test_one_test_case_per_rule_failed_by_findings_at_or_above_fail_on(shared: Path) -> None:
    root = validate(shared, junit.render(sample_report()))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert all(len(suite.findall("testcase")) == 1 for suite in suites.values())
    admin = suites["token-not-administrator"]
    assert (admin.get("tests"), admin.get("failures"), admin.get("skipped")) == ("1", "1", "0")
    case = admin.find("testcase")
    assert case is not None and case.get("name") == "token-not-administrator"
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert failure.get("message", "").startswith("1 finding at or above error")
    assert "token Invoice Sync token [T-101]" in (failure.text or "")
    # a warning below --fail-on error, and a waived finding: output text, not failures
    web = suites["segregation-of-duties"]
    assert web.get("failures") == "0" and web.find("testcase/failure") is None
    assert "1 finding below --fail-on error" in (web.findtext("system-out") or "")
    rotation = suites["token-rotation"]
    assert rotation.get("failures") == "0"
    out = rotation.findtext("system-out") or ""
    assert "suppressed by waiver: rotated with the ERP cut-over" in out
    # a rule that found nothing is a passing test, so the dashboard shows it was checked
    quiet = suites["token-user-active"]
    assert quiet.get("failures") == "0" and quiet.find("testcase/failure") is None


def test_a_run_that_exits_zero_has_no_failed_test(shared: Path) -> None:
    report = msgspec.structs.replace(sample_report(), fail_on=Severity.ERROR)
    clean = msgspec.structs.replace(
        report, findings=tuple(f for f in report.findings if f.severity < Severity.ERROR)
    )
    assert not clean.failing and clean.findings
    root = validate(shared, junit.render(clean))
    assert root.findall(".//failure") == []
    assert {s.get("failures") for s in root.findall("testsuite")} == {"0"}


def test_fail_on_warning_makes_warnings_failures() -> None:
    report = msgspec.structs.replace(sample_report(), fail_on=Severity.WARNING)
    root = etree.fromstring(junit.render(report).encode())
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert suites["segregation-of-duties"].get("failures") == "1"
    assert suites["token-rotation"].get("failures") == "0"  # waived
    assert suites["token-has-purpose"].get("failures") == "0"  # a note


def test_a_rule_with_many_findings_lists_a_thousand_and_says_how_many_more() -> None:
    findings = tuple(
        Finding("r", Severity.ERROR, "m", "token", f"T{i:05}", f"T{i}") for i in range(1005)
    )
    root = etree.fromstring(junit.render(Report(findings=findings)).encode())
    text = root.findtext("testsuite/testcase/failure") or ""
    assert text.rstrip().endswith("… and 5 more (the JSON report lists every finding)")


def test_timestamp_is_the_as_of_date_never_the_clock() -> None:
    root = etree.fromstring(junit.render(sample_report()).encode())
    assert {s.get("timestamp") for s in root.findall("testsuite")} == {"2026-11-25T00:00:00"}


def test_control_characters_from_account_data_stay_valid_xml(shared: Path) -> None:
    finding = Finding("r", Severity.ERROR, "bad\x00\x1b[31m", "role", "1", "Role\x07")
    report = msgspec.structs.replace(Report(findings=(finding,)))
    root = validate(shared, junit.render(report))
    assert "\N{REPLACEMENT CHARACTER}" in (root.findtext("testsuite/testcase/failure") or "")


def test_an_empty_report_is_valid(shared: Path) -> None:
    validate(shared, junit.render(Report(findings=())))


def _xml_char(ch: str) -> bool:
    """XML 1.0's Char production."""
    return (
        ch in "\t\n\r"
        or " " <= ch <= "\ud7ff"
        or "\ue000" <= ch <= "\ufffd"
        or "\U00010000" <= ch <= "\U0010ffff"
    )


@given(st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF)))
def test_text_for_xml_keeps_every_xml_character_and_replaces_the_rest(text: str) -> None:
    cleaned = junit._xml_text(text)
    assert len(cleaned) == len(text)
    for before, after in zip(text, cleaned, strict=True):
        assert after == (before if _xml_char(before) else "\N{REPLACEMENT CHARACTER}")
    etree.Element("case", name=cleaned)  # lxml refuses what XML cannot carry
