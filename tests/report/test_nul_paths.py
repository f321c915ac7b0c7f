"""A NUL byte in a path (it can only come from a file's text: a config's "\\0", a snapshot
field) never crashes a writer: SARIF percent-encodes it in the URI as RFC 3986 and the SARIF
spec (§3.10.2) ask, every other format escapes or replaces it, and a path a file is to be
read from or written to that holds one is a located error before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from suitelint.findings import Finding, Location, Report, RuleDoc, Severity
from suitelint.report import FORMATS, renderer

EVIL = "Objects/custom\x00role.xml"


def report_with_nul_path() -> Report:
    finding = Finding(
        rule_id="role-admin",
        severity=Severity.ERROR,
        message="role grants Administrator",
        subject_kind="role",
        subject_id="customrole_x",
        subject_name="X",
        location=Location(EVIL, 3),
    )
    return Report(
        findings=(finding,),
        rules={"role-admin": RuleDoc("role-admin", "No admin", Severity.ERROR)},
        sources=("snap\x00shot.json",),
        places={("role", "customrole_x"): Location(EVIL, 2)},
    )


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_a_path_with_a_nul_byte_without_writing_one(name: str) -> None:
    text = renderer(name)(report_with_nul_path())
    assert text and "\x00" not in text


def test_sarif_percent_encodes_the_nul_byte_in_the_artifact_uri() -> None:
    sarif = json.loads(renderer("sarif")(report_with_nul_path()))
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for location in result["locations"]
    }
    assert uris == {"Objects/custom%00role.xml"}


def test_a_configured_output_path_with_a_nul_byte_is_a_usage_error_and_nothing_is_written(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import FIXTURES

    monkeypatch.chdir(tmp_path)
    Path("nul-account.json").write_bytes((FIXTURES / "ci" / "account.json").read_bytes())
    Path(".suitelint.yaml").write_text(
        'sources: [nul-account.json]\nformats: ["json=ok.json", "sarif=bad\\0.sarif"]\n',
        encoding="utf-8",
    )
    result = run_cli("check", "--as-of", "2026-11-25")
    assert result.exit_code == 2
    assert "cannot hold a NUL byte" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".suitelint.yaml", "nul-account.json"]


@pytest.mark.parametrize("key", ["policies: ['pol\\0.yaml']", "baseline: 'b\\0.json'"])
def test_a_configured_input_path_with_a_nul_byte_is_a_located_source_error(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    from conftest import FIXTURES

    monkeypatch.chdir(tmp_path)
    Path("nul-account.json").write_bytes((FIXTURES / "ci" / "account.json").read_bytes())
    Path(".suitelint.yaml").write_text(
        f"sources: [nul-account.json]\n{key.replace(chr(39), chr(34))}\n", encoding="utf-8"
    )
    result = run_cli("check", "--as-of", "2026-11-25")
    assert result.exit_code == 2
    assert "source error" in result.stderr and "cannot hold a NUL byte" in result.stderr
    assert "internal error" not in result.stderr
