"""SARIF Multitool (Microsoft's SARIF validator) with GitHub's rules finds nothing to warn of.

The tool is the npm package ``@microsoft/sarif-multitool`` (``.ci/run`` installs it and sets
``SARIF_MULTITOOL`` to its binary). ``validate --rule-kind "Gh;Sarif"`` runs the GitHub
ingestion rules (GH1001...) and the SARIF authoring rules (SARIF1001..., SARIF2001...).
Without the tool the test skips, except under ``CI=true`` where npm is available: there
it must run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import msgspec
import pytest

from reports import sample_report
from suitelint import jsonout
from suitelint.findings import Finding, Link, Location, Report, Severity, Suppression
from suitelint.report import sarif

#: where ``.ci/run`` installs the npm package
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "suitelint-ci"


def multitool() -> str:
    found = os.environ.get("SARIF_MULTITOOL")
    if found and Path(found).is_file():
        return found
    node = shutil.which("node")
    for folder in (CACHE / "sarif-multitool", Path.cwd()):
        if not node or not (folder / "node_modules" / "@microsoft").is_dir():
            continue
        done = subprocess.run(
            [node, "-p", "require('@microsoft/sarif-multitool')"],
            capture_output=True,
            text=True,
            check=False,
            cwd=folder,
        )
        path = done.stdout.strip()
        if done.returncode == 0 and Path(path).is_file():
            return path
    if os.environ.get("CI") == "true" and shutil.which("npm"):
        pytest.fail("SARIF Multitool is not installed; CI=true with npm requires this test to run")
    pytest.skip("SARIF Multitool not installed (npm install @microsoft/sarif-multitool)")


def warnings_of(tool: str, document: dict[str, object], tmp_path: Path) -> list[str]:
    source = tmp_path / "in.sarif"
    source.write_text(jsonout.dumps(document), encoding="utf-8")
    out = tmp_path / "out.sarif"
    done = subprocess.run(
        [tool, "validate", "--rule-kind", "Gh;Sarif", "-o", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert out.is_file(), done.stdout + done.stderr
    results = json.loads(out.read_text("utf-8"))["runs"][0]["results"]
    return [f"{r['ruleId']}: {r['message']}" for r in results]


def _mixed_report() -> Report:
    """Grouped role findings, a waived part, an unplaceable pack note, an account-level one."""
    role = tuple(
        Finding(
            "integration-role-no-setup",
            Severity.ERROR,
            f"role 'Sync' holds P{i} at FULL",
            "role",
            "9",
            "Sync",
            "customrole_sync",
            permkey=f"P{i}",
            chain=(
                Link("role", "customrole_sync", "Sync"),
                Link("permission", f"P{i}", "P", "FULL"),
            ),
            location=Location("tests/fixtures/ci/account.json", 10 + i, 5),
        )
        for i in range(4)
    )
    role = (*role[:3], role[3].suppress(Suppression("waiver", "ticket 9", "2027-01-01")))
    pack = Finding(
        "suitelint/no-token-data",
        Severity.NOTE,
        "m",
        "rule",
        "r",
        "r",
        location=Location("builtin:baseline", 3, 1),
    )
    account = Finding("token-rotation", Severity.WARNING, "old", "token", "T1", "T1")
    base = sample_report()
    return msgspec.structs.replace(base, findings=(*base.findings, *role, pack, account))


def test_sample_report_has_no_warnings(tmp_path: Path) -> None:
    tool = multitool()
    assert warnings_of(tool, sarif.report_to_sarif(sample_report()), tmp_path) == []


def test_grouped_suppressed_notified_and_truncated_output_has_no_warnings(tmp_path: Path) -> None:
    tool = multitool()
    document = sarif.report_to_sarif(_mixed_report(), max_results=4)
    assert warnings_of(tool, document, tmp_path) == []


def test_a_report_without_findings_has_no_warnings(tmp_path: Path) -> None:
    tool = multitool()
    assert warnings_of(tool, sarif.report_to_sarif(Report(findings=())), tmp_path) == []
