"""JUnit XML: valid against the Ant schema; one suite per rule; waived findings skipped."""

from __future__ import annotations

import dataclasses
from pathlib import Path

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


def test_one_suite_per_rule_with_failures_and_skips(shared: Path) -> None:
    root = validate(shared, junit.render(sample_report()))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    admin = suites["token-not-administrator"]
    assert (admin.get("tests"), admin.get("failures"), admin.get("skipped")) == ("1", "1", "0")
    failure = admin.find("testcase/failure")
    assert failure is not None and failure.get("type") == "error"
    assert "token 'Invoice Sync token' [T-101]" in (failure.text or "")
    rotation = suites["token-rotation"]
    skipped = rotation.find("testcase/skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "waiver: rotated with the ERP cut-over, ticket OPS-7: 100% planned (until 2027-01-31)"
    )
    # a rule that found nothing is a passing test, so the dashboard shows it was checked
    quiet = suites["token-user-active"]
    assert quiet.get("failures") == "0"
    assert quiet.find("testcase").get("name") == "no findings"  # type: ignore[union-attr]


def test_timestamp_is_the_as_of_date_never_the_clock() -> None:
    root = etree.fromstring(junit.render(sample_report()).encode())
    assert {s.get("timestamp") for s in root.findall("testsuite")} == {"2026-11-25T00:00:00"}


def test_control_characters_from_account_data_stay_valid_xml(shared: Path) -> None:
    finding = Finding("r", Severity.ERROR, "bad\x00\x1b[31m", "role", "1", "Role\x07")
    report = dataclasses.replace(Report(findings=(finding,)))
    root = validate(shared, junit.render(report))
    assert "\N{REPLACEMENT CHARACTER}" in root.find("testsuite/testcase").get("name")  # type: ignore[union-attr,operator]


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
