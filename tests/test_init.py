"""``suitelint init``: starter files that pass on a fresh SDF project, never overwriting."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT
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
    # a web-services-only role: an integration role, judged by the built-in pack
    assert "error integration-role-no-permission-management" in check.stdout


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


def test_init_writes_a_policy_test_that_passes(run_cli, sdf_project: Path) -> None:
    run_cli("init")
    result = run_cli("test")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("OK: 1 cases, 1 passed")


def test_init_in_a_folder_without_an_sdf_project_says_so(run_cli, tmp_path: Path) -> None:
    result = run_cli("init", tmp_path)
    assert result.exit_code == 2
    assert "no SDF project" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_on_a_project_without_objects_yet_says_so_rather_than_write_a_failing_config(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "src" / "Objects").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    result = run_cli("init")
    assert result.exit_code == 2
    assert "holds no SDF objects yet" in result.stderr
    assert not Path(".suitelint.yaml").exists()


NUMBERED = """\
<role scriptid="customrole1001">
  <centertype>BASIC</centertype>
  <name>Billing clerk</name>
  <permissions>
    <permission>
      <permkey>TRAN_CUSTINVC</permkey>
      <permlevel>EDIT</permlevel>
    </permission>
  </permissions>
</role>
"""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _hook_args() -> list[str]:
    """The arguments the shipped pre-commit hook gives `suitelint check`."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "suitelint"]
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["suitelint", "check"]
    return entry[2:]


def test_init_and_the_pre_commit_hook_block_a_commit_granting_manage_roles_only(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    project = tmp_path / "project"
    objects = project / "src" / "Objects"
    objects.mkdir(parents=True)
    role = objects / "customrole1001.xml"
    role.write_text(NUMBERED)
    monkeypatch.chdir(project)
    assert run_cli("init").exit_code == 0
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "project")
    args = _hook_args()

    # a clean change (the role's name) passes, silently
    role.write_text(NUMBERED.replace("Billing clerk", "Billing"))
    _git(project, "add", ".")
    clean = run_cli("check", *args)
    assert clean.exit_code == 0, clean
    assert clean.stdout == "" and clean.stderr == ""
    _git(project, "commit", "-q", "-m", "rename")

    # a change granting Bulk Manage Roles is blocked, on its own line only
    role.write_text(
        NUMBERED.replace(
            "  </permissions>",
            "    <permission>\n      <permkey>ADMI_MANAGEROLES</permkey>\n"
            "      <permlevel>FULL</permlevel>\n    </permission>\n  </permissions>",
        )
    )
    _git(project, "add", ".")
    blocked = run_cli("check", *args)
    assert blocked.exit_code == 1, blocked
    errors = [line for line in blocked.stdout.splitlines() if ": error " in line]
    assert len(errors) == 1 and "role-escalation-manage-roles" in errors[0]
    assert errors[0].startswith("src/Objects/customrole1001.xml:")
