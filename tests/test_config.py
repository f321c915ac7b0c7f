"""Config files: found from the working folder up, validated with located errors, overridden
by the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from suitelint import config
from suitelint.config import find_config, parse_config, resolve_config
from suitelint.errors import ConfigError

ACCOUNT = FIXTURES / "ci" / "account.json"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "data").mkdir()
    shutil.copy(ACCOUNT, tmp_path / "data" / "account.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_without_arguments_uses_the_config(run_cli, project: Path) -> None:
    (project / ".suitelint.yaml").write_text(
        "sources: [data/account.json]\nfail-on: note\nformats: [json=out/report.json, text]\n",
        "utf-8",
    )
    (project / "out").mkdir()
    result = run_cli("check", "--as-of", "2026-11-25")
    assert result.exit_code == 1
    assert "failing at note or above" in result.stdout
    assert (project / "out" / "report.json").is_file()


def test_paths_are_relative_to_the_config_file_from_any_subfolder(
    run_cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".suitelint.yaml").write_text("sources: [data/account.json]\n", "utf-8")
    (project / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(project / "sub" / "deeper")
    result = run_cli("check", "--as-of", "2026-11-25")
    assert result.exit_code == 1
    assert result.stdout.startswith("../../data/account.json:")


def test_command_line_flags_override_the_config(run_cli, project: Path) -> None:
    (project / ".suitelint.yaml").write_text(
        "sources: [does-not-exist.json]\nfail-on: note\n", "utf-8"
    )
    result = run_cli("check", "data/account.json", "--fail-on", "error", "--as-of", "2026-11-25")
    assert result.exit_code == 1
    assert "failing at error or above" in result.stdout


def test_no_config_ignores_the_file(run_cli, project: Path) -> None:
    (project / ".suitelint.yaml").write_text("fail-on: [oops\n", "utf-8")
    assert (
        run_cli("check", "data/account.json", "--no-config", "--as-of", "2026-11-25").exit_code == 1
    )


def test_pyproject_tool_table_is_a_config(run_cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.suitelint]\nsources = ["data/account.json"]\n'
        'fail-on = "warning"\n',
        "utf-8",
    )
    result = run_cli("check", "--as-of", "2026-11-25")
    assert result.exit_code == 1
    assert "failing at warning or above" in result.stdout


def test_a_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    (project / ".suitelint.yaml").write_text("fail-on: note\n", "utf-8")
    (project / "inner").mkdir()
    (project / "inner" / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert find_config(project / "inner") == (project / ".suitelint.yaml").resolve()


def test_an_explicit_config_must_exist(project: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        resolve_config("missing.yaml")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "sources: [a]\nfail_on: error\n",
            ":2:1",
            "unknown key 'fail_on'; did you mean 'fail-on'?",
        ),
        (
            "fail-on: fatal\n",
            ":1:10",
            "'fatal' is not allowed; expected one of 'error', 'warning', 'note'",
        ),
        ("formats:\n  - sarif\n  - pdf=x.pdf\n", ":3:5", "unknown format 'pdf'"),
        ("policies: builtin:baseline\n", ":1:11", "is not of type 'array'"),
        ("sources: [a\n", ":2:1", "invalid YAML"),
        (
            "sources: [a]\ndate-format: D-M-Y\n",
            ":2:14",
            "date-format 'D-M-Y': expected a NetSuite date format such as M/D/YYYY",
        ),
    ],
)
def test_yaml_errors_name_file_line_and_column(text: str, where: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, ".suitelint.yaml")
    assert f".suitelint.yaml{where}: " in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            '[tool.suitelint]\nsources = ["a"]\nfail-on = "fatal"\n',
            ":3:1",
            "'fatal' is not allowed",
        ),
        ("[tool.suitelint]\nsources = [\n", ":3:1", "invalid TOML"),
        ("[tool.suitelint]\n  baseline = 3\n", ":2:3", "3 is not of type 'string'"),
    ],
)
def test_toml_errors_name_file_line_and_column(text: str, where: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "pyproject.toml", toml=True)
    assert f"pyproject.toml{where}: " in str(caught.value)
    assert message in str(caught.value)


def test_a_config_error_is_exit_2_with_the_location(run_cli, project: Path) -> None:
    (project / ".suitelint.yaml").write_text(
        "sources: [data/account.json]\nbaselin: b.json\n", "utf-8"
    )
    result = run_cli("check", "--as-of", "2026-11-25")
    assert result.exit_code == 2
    assert result.stderr.startswith(".suitelint.yaml:2:1: config error: unknown key 'baselin'")


def test_the_config_baseline_applies(run_cli, project: Path) -> None:
    (project / ".suitelint.yaml").write_text(
        "sources: [data/account.json]\nbaseline: accepted.json\n", "utf-8"
    )
    assert (
        run_cli("check", "--as-of", "2026-11-25", "--write-baseline", "accepted.json").exit_code
        == 0
    )
    assert run_cli("check", "--as-of", "2026-11-25").exit_code == 0


def test_no_source_anywhere_is_a_usage_error(run_cli, project: Path) -> None:
    result = run_cli("check", "--no-config")
    assert result.exit_code == 2
    assert "no source given" in result.stderr


def test_the_config_date_format_reads_csv_exports_and_the_flag_overrides_it(
    run_cli, project: Path
) -> None:
    seed = FIXTURES / "csv" / "seed-dmy"
    for name in ("roles.csv", "employees.csv", "integrations.csv", "access-tokens.csv"):
        shutil.copy(seed / name, project / "data" / name)
    (project / ".suitelint.yaml").write_text(
        "sources: [data/roles.csv, data/employees.csv, data/integrations.csv, "
        "data/access-tokens.csv]\ndate-format: D/M/YYYY\n",
        "utf-8",
    )
    shown = run_cli("check", "--show-config")
    assert '"date-format": "D/M/YYYY"' in shown.stdout
    day_first = run_cli("check", "--as-of", "2026-11-25")
    assert "could be day/month" not in day_first.stderr
    assert "'Invoice Sync (production)' was created 2025-03-01" in day_first.stdout
    month_first = run_cli("check", "--as-of", "2026-11-25", "--date-format", "M/D/YYYY")
    assert "'Invoice Sync (production)' was created 2025-01-03" in month_first.stdout


def test_the_tool_table_header_as_toml_writes_it() -> None:
    assert config.opens_tool_table('[project]\nname = "x"\n\n[tool.suitelint]\npolicies = []\n')
    assert config.opens_tool_table("  [ tool . suitelint ]  # ours\n")
    assert config.opens_tool_table("[\ntool\n.\nsuitelint\n]")
    assert not config.opens_tool_table('[project]\nname = "suitelint"\n[tool.ruff]\n')
    assert not config.opens_tool_table('x = "[tool.suitelint]"\n')
