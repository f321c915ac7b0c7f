"""Special files and symlinks, as inputs and as outputs.

Every input goes through one opener (``fsutil.read_input``): regular files only unless
``--special-inputs`` says otherwise, the size limit checked before reading and enforced
while reading, FIFOs opened without blocking, and paths that do not come from the command
line (a config file's sources, policies and baseline) refused when a symlink leads them
outside the project. Outputs never replace a FIFO or a device: they are written through.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

ACCOUNT = EXAMPLES / "account.json"
SUITELINT = [sys.executable, "-m", "suitelint"]


def _one_line_error(result, path: Path | str, text: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: "), lines[0]
    assert text in lines[0], lines[0]
    assert "internal error" not in result.stderr


# -- inputs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["account.json", "roles.csv", "customrole_x.xml"])
def test_a_fifo_source_is_refused_at_once_not_waited_on(run_cli, tmp_path: Path, name: str):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    _one_line_error(run_cli("check", fifo), fifo, "must be a regular file, found a FIFO")


@pytest.mark.parametrize("name", ["account.json", "account.yaml", "roles.csv", "customrole_x.xml"])
def test_a_symlink_to_dev_zero_is_refused_before_reading(run_cli, tmp_path: Path, name: str):
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    _one_line_error(run_cli("check", link), link, "found a character device")


@pytest.mark.parametrize("option", ["--policy", "--baseline", "--config"])
def test_every_other_input_is_refused_the_same_way(run_cli, tmp_path: Path, option: str):
    link = tmp_path / ("x.yaml" if option != "--baseline" else "x.json")
    link.symlink_to("/dev/zero")
    result = run_cli("check", ACCOUNT, option, link)
    assert result.exit_code == 2
    assert "found a character device" in result.stderr, result.stderr
    assert "internal error" not in result.stderr


def test_special_inputs_reads_a_device_but_only_up_to_the_limit(run_cli):
    result = run_cli("--special-inputs", "check", ACCOUNT, "--policy", "/dev/zero")
    _one_line_error(result, "/dev/zero", "larger than the limit of")


def test_special_inputs_holds_for_its_own_run_only(run_cli):
    """The flag is the run's, not the process's: the next in-process run (a test, an
    editor plugin) reads regular files only again."""
    from suitelint import fsutil

    run_cli("--special-inputs", "check", ACCOUNT, "--policy", "/dev/zero")
    result = run_cli("check", ACCOUNT, "--policy", "/dev/zero")
    _one_line_error(result, "/dev/zero", "found a character device")
    assert fsutil.current_rules() == fsutil.InputRules()


def test_special_inputs_reads_a_pipe():
    """Process substitution (``--policy <(generate-policy)``) is a pipe: read when asked."""
    env = {**os.environ, "NO_COLOR": "1"}
    outcomes = []
    for flags in ([], ["--special-inputs"]):
        read, write = os.pipe()
        os.write(write, (EXAMPLES / "policies.yaml").read_bytes())
        os.close(write)
        try:
            outcomes.append(
                subprocess.run(
                    [*SUITELINT, *flags, "check", str(ACCOUNT), "--policy", f"/dev/fd/{read}"],
                    pass_fds=(read,),
                    capture_output=True,
                    text=True,
                    env=env,
                )
            )
        finally:
            os.close(read)
    refused, read_it = outcomes
    assert refused.returncode == 2 and "found a FIFO" in refused.stderr, refused.stderr
    assert read_it.returncode == 1, read_it.stderr  # the example account has findings
    assert "FAIL:" in read_it.stdout


def _project(tmp_path: Path, secret_line: bytes) -> tuple[Path, Path]:
    project = tmp_path / "project"
    project.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.csv"
    secret.write_bytes(secret_line + b"\n")
    (project / "roles.csv").symlink_to(secret)
    (project / ".suitelint.yaml").write_text("sources: [roles.csv]\n", encoding="utf-8")
    return project, secret


def test_a_configured_source_that_leaves_the_project_is_refused_without_its_content(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project, _ = _project(tmp_path, b"AWS_SECRET=hunter2")
    monkeypatch.chdir(project)
    result = run_cli("check")
    _one_line_error(result, "roles.csv", "symlink leading outside the project folder")
    assert "hunter2" not in result.stderr + result.stdout


def test_a_symlink_named_on_the_command_line_is_the_users_choice(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "elsewhere.json"
    target.write_bytes(ACCOUNT.read_bytes())
    project = tmp_path / "project"
    project.mkdir()
    (project / "account.json").symlink_to(target)
    monkeypatch.chdir(project)
    assert run_cli("check", "account.json").exit_code == 1  # read: findings, no error


def test_a_configured_sdf_project_that_is_a_symlink_out_is_refused(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = tmp_path / "project"
    project.mkdir()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "src" / "Objects").mkdir(parents=True)
    (project / "sdf").symlink_to(elsewhere)
    (project / ".suitelint.yaml").write_text("sources: [sdf]\n", encoding="utf-8")
    monkeypatch.chdir(project)
    _one_line_error(run_cli("check"), "sdf", "leading outside the project folder")


def test_a_configured_source_is_confined_for_its_run_only(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The config's confinement belongs to the run that read the config: the same path
    named on the command line of the next run in the process is the user's choice."""
    from suitelint import fsutil

    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "elsewhere.json").write_bytes(ACCOUNT.read_bytes())
    (project / "account.json").symlink_to(tmp_path / "elsewhere.json")
    (project / ".suitelint.yaml").write_text("sources: [account.json]\n", encoding="utf-8")
    monkeypatch.chdir(project)
    _one_line_error(run_cli("check"), "account.json", "symlink leading outside the project")
    assert run_cli("check", "account.json").exit_code == 1  # read: findings, no error
    assert fsutil.current_rules() == fsutil.InputRules()


def test_a_configured_source_is_not_confined_when_the_command_line_names_others(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Only the config's paths a run uses are confined: sources on the command line
    replace the config's, so the config's are not checked (nor read)."""
    project, _ = _project(tmp_path, b"AWS_SECRET=hunter2")
    monkeypatch.chdir(project)
    assert run_cli("check", ACCOUNT).exit_code == 1


# -- policy tests: their fixture files stay inside the project ---------------------------------
POLICY_TEST = """\
suitelint_test: 1
policies: [POLICY]
as_of: 2026-11-25
cases:
  - name: the example account has findings
    sources: [SOURCE]
    rules: [token-not-administrator]
    expect: []
"""


def _policy_test(folder: Path, source: str, policy: str = "builtin:baseline") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "p.test.yaml"
    path.write_text(POLICY_TEST.replace("SOURCE", source).replace("POLICY", policy), "utf-8")
    return path


def test_a_policy_test_reads_its_fixture_inside_the_project(run_cli, tmp_path: Path):
    project = tmp_path / "project"
    _policy_test(project, "account.json")
    (project / "account.json").write_bytes(ACCOUNT.read_bytes())
    result = run_cli("test", project)
    assert result.exit_code in (0, 1), result  # ran: no input error
    assert "cases" in result.stdout


def test_a_policy_test_fixture_symlinked_out_of_the_project_is_refused(run_cli, tmp_path: Path):
    """A test file from a pull request must not make the runner read (and echo) its files:
    a fixture that a symlink leads out of the project is refused, and nothing of it shown."""
    project, _ = _project(tmp_path, b"AWS_SECRET=hunter2")
    _policy_test(project, "roles.csv")
    result = run_cli("test", project)
    _one_line_error(result, project / "roles.csv", "symlink leading outside the project folder")
    assert "must stay inside its project" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


@pytest.mark.parametrize("where", ["dotdot", "absolute"])
def test_a_policy_test_fixture_path_outside_the_project_is_refused(
    run_cli, tmp_path: Path, where: str
):
    outside = tmp_path / "outside.json"
    outside.write_bytes(ACCOUNT.read_bytes())
    project = tmp_path / "project"
    _policy_test(project, "../outside.json" if where == "dotdot" else str(outside))
    result = run_cli("test", project)
    assert result.exit_code == 2, result
    assert "is outside the project folder" in result.stderr, result.stderr
    assert "outside.json: " in result.stderr


def test_a_policy_test_policy_outside_the_project_is_refused(run_cli, tmp_path: Path):
    (tmp_path / "policy.yaml").write_bytes((EXAMPLES / "policies.yaml").read_bytes())
    project = tmp_path / "project"
    _policy_test(project, "account.json", policy="../policy.yaml")
    (project / "account.json").write_bytes(ACCOUNT.read_bytes())
    result = run_cli("test", project)
    assert result.exit_code == 2, result
    assert "is outside the project folder" in result.stderr, result.stderr


def test_a_policy_test_found_under_a_named_folder_may_use_that_whole_folder(
    run_cli, tmp_path: Path
):
    """The project is the folder named on the command line (default: the working folder):
    tests/ may name ../account.json when the repository root is what was named."""
    (tmp_path / "account.json").write_bytes(ACCOUNT.read_bytes())
    _policy_test(tmp_path / "tests", "../account.json")
    assert run_cli("test", tmp_path).exit_code in (0, 1)
    refused = run_cli("test", tmp_path / "tests")
    assert refused.exit_code == 2 and "is outside the project folder" in refused.stderr


# -- outputs ---------------------------------------------------------------------------------


def test_dev_null_as_a_report_target_discards_and_stays_a_device(run_cli):
    before = Path("/dev/null").stat()
    result = run_cli("check", ACCOUNT, "-f", "json=/dev/null", "-f", "text")
    assert result.exit_code == 1
    after = Path("/dev/null").stat()
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    assert not [p for p in Path("/dev").iterdir() if p.name.startswith(".null.")]  # no temp


def test_dev_stdout_as_a_report_target_writes_to_stdout(tmp_path: Path):
    out = tmp_path / "stdout.txt"
    with out.open("wb") as handle:  # stdout redirected to a file: still not replaced
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "suitelint",
                "check",
                str(ACCOUNT),
                "-f",
                "sarif=/dev/stdout",
                "-f",
                f"text={tmp_path / 'report.txt'}",
            ],
            stdout=handle,
            stderr=subprocess.PIPE,
            env={**os.environ, "NO_COLOR": "1"},
        )
    assert done.returncode == 1, done.stderr
    assert out.read_text(encoding="utf-8").startswith("{")
    assert not [p for p in Path("/dev").iterdir() if p.name.startswith(".stdout.")]


def test_a_fifo_as_a_report_target_is_written_through(run_cli, tmp_path: Path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there first
    try:
        result = run_cli("check", ACCOUNT, "-f", f"text={fifo}", "-f", "json")
        assert result.exit_code == 1, result
        received = b""
        while chunk := os.read(reader, 65536):
            received += chunk
    finally:
        os.close(reader)
    assert b"FAIL:" in received  # the text report's summary line
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the FIFO
    assert [p.name for p in tmp_path.iterdir()] == ["report.fifo"]


def test_a_fifo_nobody_reads_is_a_clear_error_not_a_hang(run_cli, tmp_path: Path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    result = run_cli("check", ACCOUNT, "-f", f"json={fifo}")
    _one_line_error(result, fifo, "no process is reading this FIFO")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
