"""SARIF 2.1.0: valid against the official schema, stable, and what code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest

from conftest import FIXTURES
from reports import assert_golden, sample_report
from suitelint import jsonout
from suitelint.findings import Finding, Link, Location, Report, RuleDoc, Severity, Suppression
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
    assert rule["help"]["text"].startswith(
        "Why token-not-administrator.\n\nHow to fix: Fix token-not-administrator.\n\nReferences:"
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
    assert physical["region"] == {"startLine": 27, "startColumn": 6}
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "token/T-101"


def _role_findings(n: int, rule: str = "integration-role-no-setup") -> tuple[Finding, ...]:
    return tuple(
        Finding(
            rule,
            Severity.ERROR,
            f"role 'Sync' holds P{i} at FULL",
            "role",
            "9",
            "Sync",
            "customrole_sync",
            permkey=f"P{i:03}",
            chain=(
                Link("role", "customrole_sync", "Sync"),
                Link("permission", f"P{i:03}", f"P{i}", "FULL"),
            ),
            location=Location("src/Objects/customrole_sync.xml", 10 + i, 5),
        )
        for i in range(n)
    )


def test_the_findings_of_one_rule_on_one_role_are_one_result_with_related_locations(
    shared: Path,
) -> None:
    findings = _role_findings(3)
    report = Report(
        findings=findings,
        places={("role", "9"): Location("src/Objects/customrole_sync.xml", 2)},
    )
    run = validate(shared, sarif.render(report))["runs"][0]
    [result] = run["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert result["message"]["text"].splitlines() == [
        "role 'Sync': 3 findings of this rule",
        "- role 'Sync' holds P0 at FULL",
        "- role 'Sync' holds P1 at FULL",
        "- role 'Sync' holds P2 at FULL",
        "Chain: role 'Sync' [customrole_sync]",
    ]
    assert [r["physicalLocation"]["region"]["startLine"] for r in result["relatedLocations"]] == [
        10,
        11,
        12,
    ]
    assert [r["message"]["text"] for r in result["relatedLocations"]] == ["P000", "P001", "P002"]
    assert result["properties"]["permkeys"] == ["P000", "P001", "P002"]
    assert result["properties"]["fingerprints"] == [f.fingerprint for f in findings]


def test_a_long_group_lists_a_hundred_findings_and_says_how_many_more() -> None:
    run = sarif.report_to_sarif(Report(findings=_role_findings(130)))["runs"][0]
    [result] = run["results"]
    lines = result["message"]["text"].splitlines()
    assert lines[101] == "- … and 30 more (the JSON report lists every finding)"
    assert len(result["relatedLocations"]) == 100
    # without a place of its own, the role's alert sits on its first finding
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 10


def test_code_scanning_tracks_alerts_by_a_line_hash_suitelint_pins_to_the_identity() -> None:
    report = sample_report()
    moved = tuple(
        msgspec.structs.replace(f, location=Location("other.json", 99, 1), subject_name="Renamed")
        for f in report.findings
    )

    def prints(r: Report) -> list[str]:
        results = sarif.report_to_sarif(r)["runs"][0]["results"]
        return sorted(res["partialFingerprints"][sarif.LINE_HASH_KEY] for res in results)

    assert prints(report) == prints(msgspec.structs.replace(report, findings=moved, places={}))
    assert len(set(prints(report))) == len(prints(report))
    first = sarif.report_to_sarif(report)["runs"][0]["results"][0]["partialFingerprints"]
    assert first[sarif.LINE_HASH_KEY] == first[sarif.FINGERPRINT_KEY] + ":1"


def test_waiving_part_of_a_role_keeps_the_alert_and_splits_off_the_waived_part() -> None:
    findings = _role_findings(3)
    before = sarif.report_to_sarif(Report(findings=findings))["runs"][0]["results"]
    waived = (findings[0], findings[1].suppress(Suppression("waiver", "ticket 1")), findings[2])
    after = sarif.report_to_sarif(Report(findings=waived))["runs"][0]["results"]
    assert len(after) == 2
    active = next(r for r in after if "suppressions" not in r)
    split = next(r for r in after if "suppressions" in r)
    key = sarif.LINE_HASH_KEY
    assert active["partialFingerprints"][key] == before[0]["partialFingerprints"][key]
    assert split["partialFingerprints"][key] != active["partialFingerprints"][key]
    everything = tuple(f.suppress(Suppression("waiver", "ticket 1")) for f in findings)
    [whole] = sarif.report_to_sarif(Report(findings=everything))["runs"][0]["results"]
    assert whole["partialFingerprints"][key] == before[0]["partialFingerprints"][key]


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
    baselined = msgspec.structs.replace(report, findings=findings)
    run = validate(shared, sarif.render(baselined))["runs"][0]
    assert all(r["suppressions"][0]["justification"] for r in run["results"])


def test_an_empty_report_is_valid(shared: Path) -> None:
    validate(shared, sarif.render(Report(findings=())))


def test_a_finding_of_an_undocumented_rule_still_gets_a_descriptor(shared: Path) -> None:
    finding = Finding("x/y", Severity.WARNING, "m\u0000", "role", "1", "R")
    report = Report(
        findings=(finding,), rules={"a": RuleDoc("a", "A", Severity.NOTE)}, sources=("a.json",)
    )
    run = validate(shared, sarif.render(report))["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["a", "x/y"]
    assert run["results"][0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a.json", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }


def test_a_finding_about_a_builtin_pack_is_a_run_notification_not_a_result(shared: Path) -> None:
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
    assert run["results"] == []
    [note] = run["invocations"][0]["toolConfigurationNotifications"]
    assert note["associatedRule"] == {"id": "suitelint/no-token-data", "index": 0}
    assert note["level"] == "note"
    assert note["message"]["text"].startswith("m\n")


def test_a_finding_without_a_file_goes_on_the_first_snapshot_file_never_a_folder() -> None:
    report = msgspec.structs.replace(sample_report(), sources=("src", "exports/account.json"))
    finding = msgspec.structs.replace(report.findings[0], location=None)
    run = sarif.report_to_sarif(msgspec.structs.replace(report, findings=(finding,), places={}))
    physical = run["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "exports/account.json"
    folder_only = msgspec.structs.replace(report, findings=(finding,), sources=("src",), places={})
    run = sarif.report_to_sarif(folder_only)["runs"][0]
    assert run["results"] == []
    assert len(run["invocations"][0]["toolConfigurationNotifications"]) == 1


def test_uris_are_relative_to_the_repository_root_whatever_folder_suitelint_ran_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project" / "src").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")
    assert sarif.artifact_location("src/x.xml", str(tmp_path)) == {
        "uri": "project/src/x.xml",
        "uriBaseId": "%SRCROOT%",
    }
    absolute = str(tmp_path / "project" / "src" / "customrole_a b.xml")
    assert sarif.artifact_location(absolute, str(tmp_path))["uri"] == (  # type: ignore[index]
        "project/src/customrole_a%20b.xml"
    )
    # never "": the root itself, and anything outside it, is no place for an alert
    assert sarif.artifact_location(".", str(tmp_path / "project")) is None
    assert sarif.artifact_location("/elsewhere/x.json", str(tmp_path)) is None


def test_the_cli_finds_the_repository_root_from_git(tmp_path: Path, monkeypatch, run_cli) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    project = tmp_path / "sub"
    project.mkdir()
    (project / "account.json").write_bytes((FIXTURES / "ci" / "account.json").read_bytes())
    monkeypatch.chdir(project)
    result = run_cli("check", "account.json", "--as-of", "2026-11-25", "-f", "sarif")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(result.stdout)["runs"][0]["results"]
    }
    assert uris == {"sub/account.json"}
    result = run_cli(
        "check", "account.json", "--as-of", "2026-11-25", "-f", "sarif", "--sarif-root", "."
    )
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(result.stdout)["runs"][0]["results"]
    }
    assert uris == {"account.json"}


def test_over_the_limit_the_most_severe_are_kept_and_one_result_says_what_was_left_out(
    shared: Path,
) -> None:
    notes = tuple(
        Finding(
            "token-has-purpose",
            Severity.NOTE,
            "n",
            "token",
            f"T{i}",
            f"T{i}",
            location=Location("a.json", 100 + i, 1),
        )
        for i in range(6)
    )
    errors = tuple(
        Finding(
            "token-not-administrator",
            Severity.ERROR,
            "e",
            "token",
            f"T{i}",
            f"T{i}",
            location=Location("a.json", 200 + i, 1),
        )
        for i in range(3)
    )
    report = Report(findings=notes + errors, sources=("a.json",))
    document = sarif.report_to_sarif(report, max_results=5)
    validate(shared, jsonout.dumps(document))
    run = document["runs"][0]
    assert len(run["results"]) == 5
    assert [r["ruleId"] for r in run["results"]] == [
        "token-has-purpose",
        "token-not-administrator",
        "token-not-administrator",
        "token-not-administrator",
        sarif.LEFT_OUT_RULE,
    ]
    left = run["results"][-1]
    assert left["message"]["text"].startswith("5 more results (5 findings) are left out")
    assert "JSON report" in left["message"]["text"]
    assert left["properties"]["left_out"] == {"token-has-purpose": 5}
    assert sarif.LEFT_OUT_RULE in [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert run["invocations"][0]["toolConfigurationNotifications"][0]["level"] == "warning"


def test_rules_have_distinct_friendly_names_and_help_pages() -> None:
    run = sarif.report_to_sarif(sample_report())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    names = [rule["name"] for rule in rules]
    assert len(set(names)) == len(names)
    assert all(rule["name"] != rule["id"] for rule in rules)
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["token-not-administrator"]["name"] == "TokenNotAdministrator"
    assert by_id["token-not-administrator"]["helpUri"] == (
        "https://github.com/suitelint/suitelint/blob/main/docs/rules/token-not-administrator.md"
    )
    assert sarif._names(["a-b", "a/b", "AB"]) == {"a-b": "AB", "a/b": "AB2", "AB": "AB3"}


def test_security_severity_is_the_rules_own_risk_and_only_security_rules_say_security() -> None:
    report = sample_report()
    rules = {
        r["id"]: r for r in sarif.report_to_sarif(report)["runs"][0]["tool"]["driver"]["rules"]
    }
    admin = rules["token-not-administrator"]["properties"]
    assert float(admin["security-severity"]) > 9.0  # critical
    assert "security" in admin["tags"]
    purpose = rules["token-has-purpose"]["properties"]
    assert "security-severity" not in purpose and "security" not in purpose["tags"]
    engine = RuleDoc("suitelint/undocumented-level", "T", Severity.WARNING, pack="suitelint")
    descriptor = sarif._rule_descriptor(engine, "SuitelintUndocumentedLevel")
    assert "security" not in descriptor["properties"]["tags"]
    assert "security-severity" not in descriptor["properties"]


def test_rule_references_are_kept_in_the_help_and_properties() -> None:
    doc = RuleDoc("r", "T", Severity.ERROR, "why", references=("https://example.com/a",))
    descriptor = sarif._rule_descriptor(doc, "R")
    assert descriptor["properties"]["references"] == ["https://example.com/a"]
    assert "- <https://example.com/a>" in descriptor["help"]["markdown"]
    assert descriptor["helpUri"] == "https://example.com/a"  # a user rule: its own reference


def test_a_finding_about_the_run_is_a_run_level_notification_not_a_result(shared: Path) -> None:
    finding = Finding("suitelint/no-token-data", Severity.NOTE, "no tokens", "run", "run", "run")
    report = Report(
        findings=(finding,),
        sources=("src/account.json",),  # even with a file to fall back on
        rules={"suitelint/no-token-data": RuleDoc("suitelint/no-token-data", "T", Severity.NOTE)},
    )
    run = validate(shared, sarif.render(report))["runs"][0]
    assert run["results"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (notice,) = invocation["toolConfigurationNotifications"]
    assert notice["associatedRule"]["id"] == "suitelint/no-token-data"
    assert notice["level"] == "note"
    assert notice["message"]["text"].startswith("no tokens")


def test_over_the_byte_budget_the_most_severe_are_kept_too() -> None:
    findings = tuple(
        Finding(
            "r",
            Severity(1 + i % 3),
            "m" * 500,
            "token",
            f"T{i}",
            f"T{i}",
            location=Location("a.json", i + 1),
        )
        for i in range(30)
    )
    run = sarif.report_to_sarif(Report(findings=findings, sources=("a.json",)), max_bytes=20_000)[
        "runs"
    ][0]
    assert run["results"][-1]["ruleId"] == sarif.LEFT_OUT_RULE
    kept = [r["level"] for r in run["results"][:-1]]
    assert kept and set(kept) == {"error"}


def _many_results(n: int, prefix: str = "rule") -> Report:
    """``n`` results: one finding of each of ``n`` rules on one role."""
    findings = tuple(
        finding for i in range(n) for finding in _role_findings(1, rule=f"{prefix}-{i:04}")
    )
    return Report(findings=findings, sources=("a.json",))


def test_sarif_is_written_as_a_stream_a_batch_of_results_at_a_time() -> None:
    report = _many_results(600)
    pieces = list(sarif.stream(report))
    with_results = [p for p in pieces if '"ruleId": "rule-' in p]
    assert len(with_results) == 3  # 600 results in batches of 256: never one whole document
    assert all(p.count('"ruleId": "rule-') <= jsonout.BATCH for p in pieces)
    text = "".join(pieces)
    assert text == sarif.render(report)
    assert json.loads(text) == sarif.report_to_sarif(report)


def test_results_past_a_certain_cut_are_never_built(monkeypatch) -> None:
    built = []
    real = sarif._Builder.result

    def counting(self, group, placed):
        built.append(group)
        return real(self, group, placed)

    monkeypatch.setattr(sarif._Builder, "result", counting)
    run = sarif.report_to_sarif(_many_results(40), max_results=10)["runs"][0]
    assert len(run["results"]) == 10  # nine kept, one says what was left out
    assert len(built) == 10  # nine kept and the one that showed the cut: not all forty


@pytest.mark.parametrize("max_results", [5, 100])
def test_every_result_points_at_its_rule_whether_or_not_some_are_left_out(max_results) -> None:
    # "token-..." sorts after "suitelint/results-left-out": the cut moves every index by one
    run = sarif.report_to_sarif(_many_results(30, "token"), max_results=max_results)["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert (sarif.LEFT_OUT_RULE in rules) == (max_results < 30)
    assert [rules[r["ruleIndex"]] for r in run["results"]] == [r["ruleId"] for r in run["results"]]
