"""What ships besides the package: the GitHub Action, workflows, pre-commit hooks, schemas.

``action.yml`` and the workflows are validated against the schemas check-jsonschema
vendors from SchemaStore (``vendor.github-actions``, ``vendor.github-workflows``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = [ROOT / ".github" / "workflows" / "ci.yml", ROOT / "examples" / "github-workflow.yml"]


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_action_is_valid_against_the_github_actions_schema() -> None:
    result = check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_are_valid_against_the_github_workflows_schema(path: Path) -> None:
    result = check_jsonschema("vendor.github-workflows", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_is_not_vacuous(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\ndescription: y\nruns:\n  using: composite\n  stepz: []\n", "utf-8")
    assert check_jsonschema("vendor.github-actions", broken).returncode == 1


def _on(workflow: dict[object, object]) -> object:
    return workflow.get("on", workflow.get(True))  # PyYAML reads a bare `on` as true


def test_ci_runs_the_readme_test_command_on_push_and_pull_request() -> None:
    workflow = yaml.safe_load(WORKFLOWS[0].read_text("utf-8"))
    assert {"push", "pull_request"} <= set(_on(workflow))  # type: ignore[arg-type]
    runs = [step.get("run", "") for step in workflow["jobs"]["test"]["steps"]]
    assert "python3 -m pip install -c constraints/ci.txt '.[test]'" in runs
    # ../shared and Debian's chromium are absent on GitHub's runners: deselected by name,
    # never skipped silently (under CI=true a missing one fails).
    assert 'python3 -m pytest -m "not shared and not browser"' in runs
    assert "python3 -m mypy --strict src" in runs


def test_ci_also_checks_the_newest_releases_the_ranges_allow() -> None:
    workflow = yaml.safe_load(WORKFLOWS[0].read_text("utf-8"))
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["newest"]["steps"])
    assert "--upgrade --upgrade-strategy eager '.[test]'" in runs
    assert "constraints" not in runs
    assert "schedule" in _on(workflow)  # type: ignore[operator]


def readme_commands() -> list[str]:
    """The commands of the README's first code block: the two set-up commands."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_the_readme_leads_with_two_commands_that_make_their_own_venv() -> None:
    install_and_run, install_and_test = readme_commands()
    for command in (install_and_run, install_and_test):
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install ")
    assert install_and_run.endswith(".venv/bin/suitelint check examples/account.json")
    assert "-c constraints/ci.txt '.[test]'" in install_and_test
    assert install_and_test.endswith(".venv/bin/python -m pytest")


def test_ci_run_runs_the_readme_test_command_then_mypy() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert any(line.strip() == readme_commands()[1] for line in script.splitlines())
    assert "mypy --strict src" in script


def test_the_ci_constraints_pin_every_declared_dependency_within_its_range() -> None:
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = {}
    for line in (ROOT / "constraints" / "ci.txt").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    for text in declared:
        requirement = Requirement(text)
        pin = pins.get(re.sub(r"[-_.]+", "-", requirement.name).lower())
        assert pin is not None, f"{requirement.name} is not pinned in constraints/ci.txt"
        assert requirement.specifier.contains(pin), f"{requirement.name}=={pin} is outside {text}"


def test_the_action_installs_from_its_own_path_uploads_sarif_and_writes_the_summary() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    steps = action["runs"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert '"$GITHUB_ACTION_PATH"' in scripts
    assert "$GITHUB_STEP_SUMMARY" in scripts
    assert "sarif=$SUITELINT_SARIF" in scripts
    # inputs reach scripts through env, never pasted in (script injection)
    assert "${{" not in scripts


def test_the_example_workflow_gates_with_the_action_and_may_upload_sarif() -> None:
    workflow = yaml.safe_load(WORKFLOWS[1].read_text("utf-8"))
    assert "pull_request" in _on(workflow)  # type: ignore[operator]
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["suitelint"]["steps"]
    action = next(step for step in steps if "suitelint" in step.get("uses", ""))
    assert action["with"]["upload-sarif"] == "true"


def test_pre_commit_hooks_run_on_sdf_role_xml_and_policy_files() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hook = next(h for h in hooks if h["id"] == "suitelint")
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["entry"] == "suitelint check --base HEAD --quiet"  # only what a commit changes
    files = re.compile(hook["files"])
    for path in [
        "src/Objects/customrole_invoice_sync.xml",
        ".suitelint.yaml",
        "suitelint-policy.yaml",
        "policies/finance.yaml",
    ]:
        assert files.search(path), path
    for path in ["README.md", "src/FileCabinet/SuiteScripts/x.js"]:
        assert not files.search(path), path


@pytest.mark.parametrize("name", ["policy", "snapshot", "config", "policy-test"])
def test_published_schemas_are_up_to_date(run_cli, name: str) -> None:
    result = run_cli("schema", name)
    assert result.exit_code == 0
    published = ROOT / "schemas" / f"{name}.schema.json"
    assert published.read_text("utf-8") == result.stdout, (
        f"schemas/{name}.schema.json is stale: run "
        f"`suitelint schema {name} > schemas/{name}.schema.json`"
    )
    json.loads(result.stdout)
