"""GitLab Code Quality and Azure DevOps logging commands: what those CI systems read."""

from __future__ import annotations

import json

from reports import sample_report
from suitelint.findings import Finding, Location, Report, Severity
from suitelint.report import azure, gitlab


def test_gitlab_issues_have_every_required_field_and_unique_fingerprints() -> None:
    issues = json.loads(gitlab.render(sample_report()))
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert not issue["location"]["path"].startswith("/")
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    admin = next(i for i in issues if i["check_name"] == "token-not-administrator")
    assert admin["severity"] == "critical"
    finding = next(f for f in sample_report().findings if f.rule_id == "token-not-administrator")
    assert finding.location is not None
    assert admin["location"] == {
        "path": "tests/fixtures/ci/account.json",
        "lines": {"begin": finding.location.line},
    }


def test_gitlab_leaves_out_suppressed_findings_and_starts_without_a_bom() -> None:
    text = gitlab.render(sample_report())
    assert not text.startswith("\ufeff")
    assert "token-rotation" not in {i["check_name"] for i in json.loads(text)}  # waived


def test_azure_writes_one_logissue_per_active_finding() -> None:
    report = sample_report()
    lines = azure.render(report).splitlines()
    issues = [line for line in lines if line.startswith("##vso[task.logissue ")]
    assert len(issues) == len(report.active)
    admin = next(line for line in issues if "code=token-not-administrator;" in line)
    assert admin.startswith("##vso[task.logissue type=error;sourcepath=/")
    finding = next(f for f in report.findings if f.rule_id == "token-not-administrator")
    assert finding.location is not None
    where = f"linenumber={finding.location.line};columnnumber={finding.location.column};"
    assert f"tests/fixtures/ci/account.json;{where}" in admin
    assert any(
        line.startswith("##vso[task.logissue type=warning;") and "]note: " in line
        for line in issues
    )
    assert lines[-1].startswith("FAIL:")
    assert not any("task.complete" in line for line in lines)


def test_azure_escapes_account_text_so_it_cannot_end_or_start_a_command() -> None:
    hostile = "x];##vso[task.setvariable variable=a]b\n##vso[task.complete result=Succeeded]%"
    finding = Finding(
        "r", Severity.ERROR, hostile, "role", "1", hostile, location=Location("a.json", 3)
    )
    text = azure.render(Report(findings=(finding,)))
    first = text.splitlines()[0]
    assert first.count("##vso[") == 1 and first.count("]") == 1
    assert "%AZP25" in first and "%5D" in first and "%3B" in first
    assert sum(line.count("##vso[") for line in text.splitlines()) == 1
