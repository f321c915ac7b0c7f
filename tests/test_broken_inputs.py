"""A corpus of broken inputs: every file ends in exit 2 with located one-line errors.

Snapshots (JSON, YAML), SDF object XML, CSV exports, policies and baselines.

suitelint is a security gate: bad input must never pass and never crash. Each file under
``fixtures/broken/`` is fed to the CLI; the run must exit 2, print nothing on stdout, and
every stderr line must name the file (with a line number where the file has lines) and say
what is wrong, without a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES

BROKEN = FIXTURES / "broken"
SNAPSHOTS = sorted((BROKEN / "snapshots").iterdir())
SDF_AND_CSV = sorted([*(BROKEN / "sdf").iterdir(), *(BROKEN / "csv").iterdir()])
POLICIES = sorted((BROKEN / "policies").iterdir())
BASELINES = sorted((BROKEN / "baselines").iterdir())


def assert_clean_input_error(result, path: Path) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "an input error must say something"
    for line in lines:
        assert line.startswith(str(path)), line
        assert " error: " in line, line
    has_lines = path.stat().st_size > 0 and path.read_bytes().strip(b"\xef\xbb\xbf \n") != b""
    if has_lines:
        assert lines[0][len(str(path))] == ":" and lines[0][len(str(path)) + 1].isdigit(), lines[0]


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.name)
def test_a_broken_snapshot_is_a_located_input_error(run_cli, path: Path):
    result = run_cli("check", path, "--as-of", "2026-11-25")
    if path.name == "no-account-data.json":  # a valid file holding nothing: empty account
        assert result.exit_code == 2 and "empty account" in result.stderr
        return
    assert_clean_input_error(result, path)


@pytest.mark.parametrize("path", SDF_AND_CSV, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_broken_sdf_object_or_csv_export_is_a_located_input_error(run_cli, path: Path):
    assert_clean_input_error(run_cli("check", path), path)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_a_broken_policy_is_a_located_policy_error(run_cli, path: Path):
    result = run_cli("check", EXAMPLES / "account.json", "-p", path, "--as-of", "2026-11-25")
    assert_clean_input_error(result, path)


@pytest.mark.parametrize("path", BASELINES, ids=lambda p: p.name)
def test_a_broken_baseline_is_a_located_input_error(run_cli, path: Path):
    result = run_cli("check", EXAMPLES / "account.json", "--baseline", path)
    assert_clean_input_error(result, path)


@pytest.mark.parametrize("option", ["source", "policy"])
def test_a_directory_where_a_file_is_expected(run_cli, tmp_path: Path, option: str):
    folder = tmp_path / "policy.yaml"
    folder.mkdir()
    args = (
        ("check", EXAMPLES / "account.json", "-p", folder)
        if option == "policy"
        else ("check", folder)
    )
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(str(folder))


def test_a_symlink_loop(run_cli, tmp_path: Path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    result = run_cli("check", loop)
    assert result.exit_code == 2
    assert result.stderr.startswith(str(loop)) and "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(run_cli, tmp_path: Path):
    path = tmp_path / "account.json"
    path.write_text((EXAMPLES / "account.json").read_text())
    path.chmod(0)
    result = run_cli("check", path)
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
