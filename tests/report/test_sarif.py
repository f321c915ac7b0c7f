"""SARIF 2.1.0: valid against the official schema, stable, and what code scanning needs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest

from reports import assert_golden, sample_report
from suitelint.findings import Finding, Location, Report, RuleDoc, Severity, Suppression
from suitelint.report import sarif


def validate(shared: Path, text: str) -> dict[str, Any]:
    schema = json.loads((shared / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    document: dict[str, Any] = json.loads(text)
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    return document


def test_matches_golden_file_and_the_official_schema(shared: Path) -> None:
    text = sarif.render(sample_report())
    validate(shared, text)
    assert_golden("sarif.json", text)


def test_is_byte_identical_on_repeated_runs() -> None:
    assert sarif.render(sample_report()) == sarif.render(sample_report())


def test_rules_carry_title_rationale_fix_and_default_level() -> None:
    run = json.loads(sarif.render(sample_report()))["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    rule = rules["token-not-administrator"]
    assert rule["shortDescription"]["text"] == "Title of token-not-administrator"
    assert rule["fullDescription"]["text"] == "Why token-not-administrator."
    assert rule["help"]["text"] == (
        "Why token-not-administrator.\n\nHow to fix: Fix token-not-administrator."
    )
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rules["token-has-purpose"]["defaultConfiguration"]["level"] == "note"
    for result in run["results"]:  # ruleIndex points at the rule's descriptor
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_are_relative_to_srcroot_on_the_right_line() -> None:
    run = json.loads(sarif.render(sample_report()))["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "token-not-administrator")
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "tests/fixtures/ci/account.json",
        "uriBaseId": "%SRCROOT%",
    }
    assert physical["region"] == {"startLine": 26, "startColumn": 6}
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "token/T-101"


def test_a_finding_without_a_location_is_placed_on_the_first_source() -> None:
    report = sample_report()
    finding = msgspec.structs.replace(report.findings[0], location=None)
    run = sarif.report_to_sarif(dataclasses.replace(report, findings=(finding,)))["runs"][0]
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "tests/fixtures/ci/account.json"
    assert "region" not in physical


def test_absolute_paths_under_the_working_folder_become_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "src" / "Objects" / "customrole_a b.xml")
    assert sarif.artifact_location(absolute) == {
        "uri": "src/Objects/customrole_a%20b.xml",
        "uriBaseId": "%SRCROOT%",
    }
    assert sarif.artifact_location("/elsewhere/x.json") == {"uri": "file:///elsewhere/x.json"}


def test_fingerprints_follow_identity_not_lines_or_names() -> None:
    report = sample_report()
    moved = tuple(
        msgspec.structs.replace(f, location=Location("other.json", 99, 1), subject_name="Renamed")
        for f in report.findings
    )

    def prints(r: Report) -> list[str]:
        results = sarif.report_to_sarif(r)["runs"][0]["results"]
        return sorted(res["partialFingerprints"][sarif.FINGERPRINT_KEY] for res in results)

    assert prints(report) == prints(dataclasses.replace(report, findings=moved))
    assert len(set(prints(report))) == len(report.findings)


def test_waived_findings_are_suppressions_with_the_reason(shared: Path) -> None:
    run = validate(shared, sarif.render(sample_report()))["runs"][0]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["token-rotation"]
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "rotated with the ERP cut-over, ticket OPS-7: 100% planned",
            "properties": {"suitelint-kind": "waiver", "expires": "2027-01-31"},
        }
    ]


def test_baselined_findings_are_suppressions_too(shared: Path) -> None:
    report = sample_report()
    findings = tuple(
        f.suppress(Suppression("baseline", "in baseline b.json")) for f in report.findings
    )
    run = validate(shared, sarif.render(dataclasses.replace(report, findings=findings)))["runs"][0]
    assert all(r["suppressions"][0]["justification"] for r in run["results"])


def test_an_empty_report_is_valid(shared: Path) -> None:
    validate(shared, sarif.render(Report(findings=())))


def test_a_finding_of_an_undocumented_rule_still_gets_a_descriptor(shared: Path) -> None:
    finding = Finding("x/y", Severity.WARNING, "m\u0000", "role", "1", "R")
    report = Report(findings=(finding,), rules={"a": RuleDoc("a", "A", Severity.NOTE)})
    run = validate(shared, sarif.render(report))["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["a", "x/y"]
    assert "physicalLocation" not in run["results"][0]["locations"][0]


def test_a_finding_located_in_a_builtin_pack_goes_on_the_first_source(shared: Path) -> None:
    finding = Finding(
        "suitelint/no-token-data",
        Severity.NOTE,
        "m",
        "rule",
        "r",
        "r",
        location=Location("builtin:baseline", 16, 5),
    )
    report = Report(findings=(finding,), sources=("src",))
    run = validate(shared, sarif.render(report))["runs"][0]
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "src", "uriBaseId": "%SRCROOT%"}}


def test_the_fallback_prefers_a_snapshot_file_over_a_project_folder() -> None:
    report = dataclasses.replace(sample_report(), sources=("src", "exports/account.json"))
    finding = msgspec.structs.replace(report.findings[0], location=None)
    run = sarif.report_to_sarif(dataclasses.replace(report, findings=(finding,)))["runs"][0]
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "exports/account.json"
