"""``suitelint init``: starter files that pass on a fresh SDF project, never overwriting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from suitelint.config import load_config
from suitelint.policy.loader import load_policy


@pytest.fixture
def sdf_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "ci" / "sdf-fresh", project)
    monkeypatch.chdir(project)
    return project


def test_init_writes_a_config_and_policy_that_pass_on_a_fresh_sdf_project(
    run_cli, sdf_project: Path
) -> None:
    result = run_cli("init")
    assert result.exit_code == 0
    assert "wrote .suitelint.yaml" in result.stdout
    load_config(Path(".suitelint.yaml"))  # valid against the config schema
    load_policy("suitelint-policy.yaml")  # valid against the policy schema
    check = run_cli("check", "--as-of", "2026-11-25")
    assert check.exit_code == 0, check
    assert "checked 1 role, 0 users" in check.stdout


def test_the_starter_policy_catches_a_role_that_can_manage_roles(
    run_cli, sdf_project: Path
) -> None:
    run_cli("init")
    role = sdf_project / "src" / "Objects" / "customrole_invoice_sync.xml"
    role.write_text(
        role.read_text("utf-8").replace(
            "TRAN_CUSTINVC</permkey>\n      <permlevel>VIEW",
            "ADMI_MANAGEROLES</permkey>\n      <permlevel>FULL",
        ),
        "utf-8",
    )
    check = run_cli("check", "--as-of", "2026-11-25")
    assert check.exit_code == 1
    assert "project-roles-no-role-management" in check.stdout


def test_init_refuses_to_overwrite(run_cli, sdf_project: Path) -> None:
    Path(".suitelint.yaml").write_text("# mine\n", "utf-8")
    result = run_cli("init")
    assert result.exit_code == 2
    assert "already exist" in result.stderr
    assert Path(".suitelint.yaml").read_text("utf-8") == "# mine\n"
    assert not Path("suitelint-policy.yaml").exists()


def test_init_into_a_missing_folder_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    result = run_cli("init", tmp_path / "nope")
    assert result.exit_code == 2
