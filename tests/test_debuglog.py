"""``--debug``: what it logs is made safe like every other line (``suitelint.debuglog``).

Log records quote paths, names and header text from the inputs; a hostile one must not
reach a terminal or a CI log as a command, an escape or a bidi trick, on any line.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from suitelint import debuglog

CP1252 = ROOT / "tests" / "fixtures" / "csv" / "role-permissions-semicolon-cp1252.csv"

#: what must never survive into stderr: GitHub's two command syntaxes, Azure's, a
#: window-title escape (OSC), a colour escape (CSI), a bell, bidi overrides and isolates
HOSTILE = (
    "::error::forged ##[warning]x ##vso[task.setvariable]y \x1b]0;pwned\x07 \x1b[31m \u202e\u2066"
)
RAW = ("::error", "##[", "##vso[", "\x1b", "\x07", "\u202e", "\u2066")


def _safe(text: str) -> None:
    for raw in RAW:
        assert raw not in text, (raw, text)


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(
        "suitelint.sources.csv", logging.INFO, __file__, 1, message, args, None
    )


def test_a_record_quoting_a_hostile_name_is_one_safe_line() -> None:
    formatter = debuglog.SanitizingFormatter(debuglog.FORMAT)
    text = formatter.format(_record("%s is not UTF-8", f"roles\n{HOSTILE}.csv"))
    _safe(text)
    assert "\n" not in text  # a newline in a name cannot start a forged line
    assert text.startswith("suitelint: suitelint.sources.csv: roles")


def test_a_logged_traceback_keeps_its_lines_and_loses_its_commands() -> None:
    formatter = debuglog.SanitizingFormatter(debuglog.FORMAT)
    try:
        raise ValueError(f"header {HOSTILE}")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), __import__("sys").exc_info()
        )
    text = formatter.format(record)
    _safe(text)
    assert "Traceback (most recent call last):" in text.splitlines()[1]


def test_a_bugs_traceback_under_debug_is_sanitised() -> None:
    text = debuglog.traceback_text(RuntimeError(f"bad input {HOSTILE}"))
    _safe(text)
    assert "RuntimeError: bad input" in text


def test_debug_logs_a_hostile_file_name_safely_and_only_for_its_run(
    run_cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV export read as Windows-1252 is logged (at info) with its path; the path is an
    attacker's file name. After the run, logging is as it was: the next run logs nothing."""
    hostile = tmp_path / f"roles {HOSTILE.replace('/', '_')}.csv"
    shutil.copy(CP1252, hostile)
    root = logging.getLogger()
    before = (root.handlers[:], root.level)
    result = run_cli("--debug", "check", hostile, "--allow-empty")
    assert "is not UTF-8" in result.stderr, result.stderr
    _safe(result.stderr)
    assert (root.handlers, root.level) == before
    quiet = run_cli("check", hostile, "--allow-empty")
    assert "is not UTF-8" not in quiet.stderr


def test_debug_is_not_left_on_for_the_next_run_in_the_same_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--debug`` is said to the last-resort handler through SUITELINT_DEBUG; once the
    command line has run the variable is as it was (unset, or the caller's own value), so
    an embedding program's next run, and the programs it starts, are not in debug mode."""
    from suitelint import cli

    example = str(ROOT / "examples" / "account.json")
    for before in (None, "caller's"):
        if before is None:
            monkeypatch.delenv("SUITELINT_DEBUG", raising=False)
        else:
            monkeypatch.setenv("SUITELINT_DEBUG", before)
        monkeypatch.setattr("sys.argv", ["suitelint", "--debug", "check", example])
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert done.value.code == 1  # the example's findings: the run itself went as usual
        assert os.environ.get("SUITELINT_DEBUG") == before
    capsys.readouterr()
