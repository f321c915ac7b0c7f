"""The check command read without typer (suitelint.checkcmd): typer stays the one
definition of the command line. The option table is held equal to the typer command's;
every argv the fast reader accepts is read by typer into the very same parameters; every
other argv (help, errors, other commands) is left to typer; and a check gives the same
bytes and exit code either way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

from conftest import run_probe
from suitelint import checkcmd
from suitelint.cli import app

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "tests" / "fixtures" / "sdf" / "project"


def _check_command() -> Any:
    """typer's click command for ``check`` (typer vendors click: read by its attributes)."""
    return get_command(app).commands["check"]  # type: ignore[attr-defined]


def test_the_option_table_is_the_typer_commands() -> None:
    command = _check_command()
    options = {o.dest: o for o in checkcmd.OPTIONS}
    seen = set()
    for param in command.params:
        assert param.envvar is None, param.name  # no option of check reads the environment
        if param.param_type_name == "argument":
            assert param.name == "sources" and param.nargs == -1 and not param.required
            continue
        assert param.param_type_name == "option"
        option = options[param.name]  # every typer option is known to the fast reader
        seen.add(param.name)
        assert set(option.names) == set(param.opts), param.name
        assert param.secondary_opts == [], param.name  # no --x/--no-x pair
        assert param.nargs == 1, param.name
        assert checkcmd.DEFAULTS[param.name] == param.default, param.name
        assert param.callback is None and not param.is_eager, param.name
        if option.takes == checkcmd.FLAG:
            assert param.is_flag and not param.multiple and param.default is False
        elif option.takes == checkcmd.MANY:
            assert param.multiple and not param.is_flag
        else:
            assert not param.multiple and not param.is_flag
        if option.choices is not None:
            assert param.type.name == "choice"
            assert list(param.type.choices) == [c.value for c in option.choices]
            assert param.type.case_sensitive
        else:
            expected = "boolean" if option.takes == checkcmd.FLAG else "str"
            assert param.type.name == expected, param.name  # a flag, or a string as given
    assert seen == set(options)  # and nothing more
    # what typer would read from the environment or a default map: nothing
    assert command.context_settings.get("auto_envvar_prefix") is None
    assert get_command(app).context_settings.get("auto_envvar_prefix") is None
    assert command.allow_interspersed_args and not command.ignore_unknown_options
    assert "default_map" not in command.context_settings


def _typer_reading(args: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """The parameters typer hands check_command for ``suitelint check ARGS``, or None when
    typer refuses the command line (a usage error, help)."""
    seen: list[dict[str, Any]] = []

    def record(enter: Any, **params: Any) -> int:
        seen.append(params)
        return 0

    monkeypatch.setattr("suitelint.cli.check_command", record)
    result = CliRunner().invoke(app, ["check", *args], catch_exceptions=False)
    if not seen:
        assert result.exit_code in (0, 2)  # help, or a usage error
        return None
    assert result.exit_code == 0
    return seen[0]


COMMON = [
    [str(PROJECT), "-p", "examples/policies.yaml", "--as-of", "2026-11-01"],
    ["src/", "account.json", "--fail-on", "warning", "-f", "text", "-f", "json=out.json"],
    ["src", "--base", "origin/main", "-f", "sarif=s.sarif", "-f", "markdown=summary.md"],
    ["--policy=builtin:baseline", "src", "-q", "--min-severity", "note", "--color", "never"],
    ["src", "--select", "token-*", "--ignore", "suitelint/*", "--no-config", "--show-config"],
    ["src", "--baseline", "b.json", "--write-baseline", "b.json", "--config", "c.yaml"],
    ["src", "--allow-empty", "--ignore-inline", "--sarif-root", ".", "--date-format", "M/D/YYYY"],
    ["src", "--add-format", "junit=j.xml", "--as-of="],
    [],
    ["-"],
]


@pytest.mark.parametrize("args", COMMON, ids=range(len(COMMON)))
def test_the_common_command_lines_are_read_without_typer_as_typer_reads_them(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = checkcmd.read_check_argv(args)
    assert fast is not None
    assert fast == _typer_reading(args, monkeypatch)


LEFT_TO_TYPER = [
    ["--help"],
    ["-h"],
    ["src", "--fail-on", "bogus"],
    ["src", "--fail-on", "ERROR"],  # typer's choices are case-sensitive: its error
    ["src", "--bogus"],
    ["src", "--quiet=yes"],
    ["src", "-pfile.yaml"],
    ["src", "-p=file.yaml"],
    ["src", "-qp", "file.yaml"],
    ["src", "--", "-odd-name"],
    ["src", "--as-of"],
    ["src", "--policy", "-x"],
    ["src", "--as-of", "2026-01-01", "--as-of", "2026-01-02"],
    ["src", "-q", "-q"],
    ["src", "--pol", "p.yaml"],
]


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=range(len(LEFT_TO_TYPER)))
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert checkcmd.read_check_argv(args) is None


TOKENS = st.sampled_from(
    [
        *(name for option in checkcmd.OPTIONS for name in option.names),
        "--policy=p.yaml",
        "--fail-on=note",
        "--quiet=1",
        "-pX",
        "--",
        "-",
        "-h",
        "--help",
        "--nope",
        "error",
        "warning",
        "bogus",
        "auto",
        "never",
        "always",
        "2026-11-01",
        "src",
        "a b",
        "x=y",
        "",
        "-x",
    ]
)


@given(st.lists(TOKENS, max_size=8))
def test_whatever_the_fast_reader_accepts_typer_reads_the_same(args: list[str]) -> None:
    fast = checkcmd.read_check_argv(args)
    if fast is None:
        return  # typer reads it: nothing to compare
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert fast == _typer_reading(args, monkeypatch)


def _run(args: list[str], *, through_typer: bool, cache: Path) -> tuple[int, str, str, bool]:
    """``suitelint ARGS`` as the console script runs it (entry.main), or straight through
    typer (cli.main); exit code, stdout, stderr, and whether typer was imported."""
    start = (
        "from suitelint.cli import main" if through_typer else "from suitelint.entry import main"
    )
    probe = (
        "import os, sys\n"
        "real_exit = os._exit\n"
        "def leave(code):\n"  # entry.main leaves with os._exit: say first what was imported
        "    sys.stdout.flush()\n"
        "    sys.stderr.write('\\nTYPER ' + str('typer' in sys.modules))\n"
        "    sys.stderr.flush()\n"
        "    real_exit(code)\n"
        "os._exit = leave\n"
        f"{start}\nsys.argv = ['suitelint', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    leave(done.code or 0)\n"
        "leave(0)\n"
    )
    env = {**os.environ, "NO_COLOR": "1", "SUITELINT_CACHE_DIR": str(cache)}
    env.pop("SUITELINT_DEBUG", None)
    code, stdout, stderr, typer = run_probe(probe, "TYPER", env)
    return code, stdout, stderr, typer == "True"


BAD_POLICY = "suitelint: 1\nrules:\n  - {id: x, applies_to: roles, forbid: {permissions: [Custmer Payment]}}\n"


@pytest.mark.parametrize(
    "args",
    [
        [str(PROJECT), "-p", "examples/policies.yaml", "--as-of", "2026-11-01"],
        [str(PROJECT), "-p", "examples/policies.yaml", "--as-of", "2026-11-01", "-f", "json"],
        [str(PROJECT), "-p", "examples/policies.yaml", "--as-of", "2026-11-01", "-f", "sarif"],
        [
            str(PROJECT),
            "-p",
            "examples/policies.yaml",
            "--fail-on",
            "note",
            "--as-of",
            "2026-11-01",
        ],
        ["examples/account.json", "--as-of", "2026-11-01", "-f", "github"],
        [str(PROJECT), "--show-config", "--as-of", "2026-11-01"],
        [str(PROJECT), "-p", "BAD", "--as-of", "2026-11-01"],  # a policy error: exit 2
        [str(PROJECT), "-p", "no/such/file.yaml"],
        [str(PROJECT), "--as-of", "yesterday"],  # a usage error the command raises
        [str(PROJECT), "--select", "nosuch"],
        ["tests/fixtures/nosuch"],
    ],
    ids=range(11),
)
def test_a_check_gives_the_same_bytes_and_exit_code_without_typer(
    args: list[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_POLICY)
    args = [str(bad) if a == "BAD" else a for a in args]
    typer_run = _run(["check", *args], through_typer=True, cache=tmp_path / "c1")
    fast_run = _run(["check", *args], through_typer=False, cache=tmp_path / "c2")
    assert typer_run[3] and not fast_run[3]  # the fast path did run, without typer
    assert fast_run[:3] == typer_run[:3]


@pytest.mark.parametrize(
    "args",
    [["check", "--help"], ["check", "src", "--fail-on", "bogus"], ["rules"], ["--debug", "check"]],
)
def test_what_the_fast_reader_leaves_goes_to_typer_unchanged(
    args: list[str], tmp_path: Path
) -> None:
    typer_run = _run(args, through_typer=True, cache=tmp_path)
    entry_run = _run(args, through_typer=False, cache=tmp_path)
    assert entry_run[3]  # typer read it
    assert entry_run[:3] == typer_run[:3]


def test_a_closed_stdout_is_exit_1_as_with_typer(tmp_path: Path) -> None:
    # the SARIF report (90 kB) is more than a pipe holds: its reader is gone before the end
    args = ["check", "examples/account.json", "--as-of", "2026-11-01", "-f", "sarif"]
    seen = []
    for start in ("suitelint.cli", "suitelint.entry"):
        code = (
            f"import sys\nfrom {start} import main\nsys.argv = ['suitelint', *{args!r}]\nmain()\n"
        )
        child = subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "SUITELINT_CACHE_DIR": str(tmp_path)},
        )
        assert child.stdout is not None and child.stderr is not None
        child.stdout.read(10)
        child.stdout.close()
        stderr = child.stderr.read()
        seen.append((child.wait(), stderr))
    assert seen[0] == seen[1]
    assert seen[0][0] == 1


def test_ctrl_c_during_a_check_is_exit_2_and_says_so() -> None:
    """``guarded`` sets its SIGINT handler through signal's C module (``signal`` itself is not
    imported by a check): Ctrl-C is still an error, never "findings"."""
    code = (
        "import os, sys\n"
        "from suitelint.checkcmd import guarded\n"
        "def run():\n"
        "    os.kill(os.getpid(), 2)\n"  # SIGINT
        "    for _ in range(10**7):\n        pass\n"
        "    sys.exit(0)\n"
        "imported = 'signal' in sys.modules\n"
        "try:\n    guarded(run)\nexcept SystemExit as done:\n"
        "    sys.stderr.write(f'\\nDONE {done.code} {imported}')\n"
    )
    _, _, stderr, done = run_probe(code, "DONE")
    assert done == "2 False", stderr
    assert stderr.endswith("suitelint: interrupted\n")
