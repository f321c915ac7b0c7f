"""GitHub workflow commands: annotations on the right line, escaped so data stays data."""

from __future__ import annotations

from reports import assert_golden, sample_report
from suitelint.findings import Finding, Link, Location, Report, Severity
from suitelint.report import github


def test_matches_golden_file() -> None:
    assert_golden("github.txt", github.render(sample_report()))


def test_is_byte_identical_on_repeated_runs() -> None:
    assert github.render(sample_report()) == github.render(sample_report())


def test_an_error_is_an_annotation_on_its_file_line_and_column() -> None:
    lines = github.render(sample_report()).splitlines()
    line = next(line for line in lines if "token-not-administrator" in line)
    assert line.startswith(
        "::error file=tests/fixtures/ci/account.json,line=27,col=6,"
        "title=token-not-administrator (error)::token 'Invoice Sync token' runs under role"
    )


def test_severities_map_to_error_warning_and_notice() -> None:
    commands = {line.split(" ", 1)[0] for line in github.render(sample_report()).splitlines()}
    assert {"::error", "::warning", "::notice"} <= commands


def test_suppressed_findings_are_listed_and_counted_not_annotated() -> None:
    lines = github.render(sample_report()).splitlines()
    assert not any(line.startswith("::") and "token-rotation" in line for line in lines)
    assert any(
        line.startswith("suppressed: tests/fixtures/ci/account.json:28:6: token-rotation")
        for line in lines
    )
    assert "1 suppressed (1 by waiver)" in lines[-1]


def test_escaping_follows_the_actions_toolkit() -> None:
    assert github.escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_hostile_names_cannot_start_a_command_of_their_own() -> None:
    finding = Finding(
        "rule,x:y",
        Severity.WARNING,
        "role 'x\n::error::pwned' is bad",
        "role",
        "1",
        "x\n::error::pwned",
        chain=(Link("role", "1", "x"),),
        location=Location("dir,name:1.json", 3, 4),
    )
    text = github.render(Report(findings=(finding,)))
    lines = text.splitlines()
    assert lines[0] == (
        "::warning file=dir%2Cname%3A1.json,line=3,col=4,title=rule%2Cx%3Ay (warning)"
        "::role 'x\N{REPLACEMENT CHARACTER}:\N{FULLWIDTH COLON}error:\N{FULLWIDTH COLON}pwned'"
        " is bad%0Arole 'x' [1]"
    )
    assert [line for line in lines if line.startswith("::")] == [lines[0]]


def test_a_finding_in_a_builtin_pack_is_an_annotation_without_a_file() -> None:
    finding = Finding(
        "suitelint/no-token-data",
        Severity.NOTE,
        "m",
        "rule",
        "r",
        "r",
        location=Location("builtin:baseline", 16, 5),
    )
    assert github.format_finding(finding) == "::notice title=suitelint/no-token-data (note)::m"
