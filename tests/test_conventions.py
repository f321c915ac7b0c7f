"""Linter conventions: choosing rules, filtering what is reported, --show-config,
--add-format, shell completion, and the mode of written files."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from conftest import FIXTURES

ACCOUNT = FIXTURES / "ci" / "account.json"
BASE = ["check", ACCOUNT, "--as-of", "2026-11-25", "--no-config"]


def rules_of(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_select_runs_only_the_rules_it_names_by_id_or_glob(run_cli) -> None:
    result = run_cli(*BASE, "-f", "json", "--select", "token-*")
    assert rules_of(result) and all(r.startswith("token-") for r in rules_of(result))
    result = run_cli(*BASE, "-f", "json", "--select", "token-not-administrator")
    assert rules_of(result) == {"token-not-administrator"}
    assert result.exit_code == 1


def test_ignore_removes_rules_and_their_findings(run_cli) -> None:
    everything = rules_of(run_cli(*BASE, "-f", "json"))
    result = run_cli(*BASE, "-f", "json", "--ignore", "integration-role-*")
    assert rules_of(result) == {r for r in everything if not r.startswith("integration-role-")}


def test_a_deselected_rules_waiver_is_not_reported_as_unused(run_cli) -> None:
    waivers = FIXTURES / "ci" / "waivers.yaml"
    result = run_cli(
        *BASE, "-p", "builtin:baseline", "-p", waivers, "-f", "json", "--ignore", "token-rotation"
    )
    assert "suitelint/unused-waiver" not in rules_of(result)


def test_a_pattern_that_names_no_rule_is_a_usage_error(run_cli) -> None:
    result = run_cli(*BASE, "--select", "tokn-not-administrator")
    assert result.exit_code == 2
    assert "did you mean 'token-not-administrator'" in result.stderr


def test_min_severity_filters_what_is_reported(run_cli) -> None:
    result = run_cli(*BASE, "-f", "json", "--min-severity", "warning")
    severities = {f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert severities <= {"error", "warning"} and "note" not in severities


def test_select_ignore_and_min_severity_come_from_the_config_too(
    run_cli, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("conventions-account.json").write_bytes(
        ACCOUNT.read_bytes()
    )  # config sources stay in the project
    Path(".suitelint.yaml").write_text(
        "sources: [conventions-account.json]\nselect: ['token-*']\nignore: [token-has-purpose]\nmin-severity: warning\n",
        encoding="utf-8",
    )
    result = run_cli("check", "--as-of", "2026-11-25", "-f", "json")
    assert rules_of(result) and all(r.startswith("token-") for r in rules_of(result))
    assert "token-has-purpose" not in rules_of(result)
    shown = json.loads(run_cli("check", "--show-config", "--ignore", "token-rotation").stdout)
    assert shown["config"] == ".suitelint.yaml"
    assert shown["select"] == ["token-*"]
    assert shown["ignore"] == ["token-rotation"]  # the flag overrides the config
    assert shown["min-severity"] == "warning"


def test_show_config_prints_the_settings_and_runs_nothing(run_cli) -> None:
    result = run_cli(
        "check", "no-such-source.json", "--no-config", "--show-config", "-f", "sarif=x.sarif"
    )
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["sources"] == ["no-such-source.json"]
    assert shown["formats"] == ["sarif=x.sarif"]
    assert shown["fail-on"] == "error"


def test_add_format_keeps_the_configured_formats(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("conventions-account.json").write_bytes(ACCOUNT.read_bytes())
    Path(".suitelint.yaml").write_text(
        "sources: [conventions-account.json]\nformats: [json=mine.json]\n", encoding="utf-8"
    )
    run_cli("check", "--as-of", "2026-11-25", "--add-format", "sarif=action.sarif")
    assert Path("mine.json").is_file() and Path("action.sarif").is_file()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_scripts_are_printed_for_each_shell(run_cli, shell: str) -> None:
    result = run_cli("completion", shell)
    assert result.exit_code == 0
    assert "_SUITELINT_COMPLETE" in result.stdout


def test_completion_completes_commands_and_options() -> None:
    import subprocess
    import sys

    env = {
        **os.environ,
        "_SUITELINT_COMPLETE": "complete_bash",
        "COMP_WORDS": "suitelint check --min",
        "COMP_CWORD": "2",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "suitelint")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "--min-severity" in done.stdout.split()


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_the_printed_bash_script_completes_through_the_installed_command(tmp_path: Path) -> None:
    """What a user installs (the script `completion bash` prints) and what answers it (the
    command reading _SUITELINT_COMPLETE) must agree: a typer upgrade that changes one side
    breaks this test, not the user's shell."""
    import subprocess
    import sys

    bindir = str(Path(sys.executable).parent)
    script = (
        "source <(suitelint completion bash)\n"
        "COMP_WORDS=(suitelint check --min); COMP_CWORD=2\n"
        "_suitelint_completion suitelint\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.stdout.split() == ["--min-severity"], done.stderr


def test_completion_uses_no_private_typer_module() -> None:
    """typer's underscore modules may change in any release of the allowed range; the
    completion command and the completer use only public ones (typer.completion)."""
    import ast

    import suitelint

    private = []
    for path in Path(suitelint.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            private += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in ("typer", "click")
                and any(part.startswith("_") for part in n.split("."))
            ]
    assert private == []


def test_new_files_get_the_umasks_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    from suitelint.fsutil import atomic_write_text

    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
        assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
        os.umask(0o077)
        atomic_write_text(tmp_path / "private.txt", "x")
        assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600
        (tmp_path / "new.txt").chmod(0o604)
        atomic_write_text(tmp_path / "new.txt", "y")
        assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o604
    finally:
        os.umask(old)
