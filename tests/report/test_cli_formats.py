"""``--format NAME=PATH``: one run writes every format; same input, same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from conftest import FIXTURES
from suitelint.report import FORMATS

CI_FORMATS = ["text", "json", "sarif", "junit", "github", "markdown", "gitlab", "azure"]


def run_all(run_cli, out: Path) -> dict[str, bytes]:
    args = ["check", FIXTURES / "ci" / "account.json", "--as-of", "2026-11-25", "--no-config"]
    args += ["-p", "builtin:baseline", "-p", FIXTURES / "ci" / "waivers.yaml"]
    for name in CI_FORMATS:
        args += ["--format", f"{name}={out / name}"]
    result = run_cli(*args)
    assert result.exit_code == 1, result
    assert result.stdout == ""  # every format went to its file
    return {name: (out / name).read_bytes() for name in CI_FORMATS}


def test_every_ci_format_is_registered() -> None:
    assert set(CI_FORMATS) <= set(FORMATS)


def test_one_run_writes_every_format_byte_identical_on_rerun(run_cli, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = run_all(run_cli, tmp_path / "a")
    second = run_all(run_cli, tmp_path / "b")
    for name in CI_FORMATS:
        assert first[name] == second[name], name
        assert first[name], name
    assert not list(tmp_path.glob("*/.*.tmp"))  # atomic writes leave no temp files


def test_files_written_by_the_cli_are_valid(run_cli, tmp_path: Path, shared: Path) -> None:
    outputs = run_all(run_cli, tmp_path)
    schema = json.loads((shared / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(outputs["sarif"]))
    xsd = etree.XMLSchema(etree.parse(str(shared / "schemas" / "JUnit.xsd")))
    assert xsd.validate(etree.fromstring(outputs["junit"])), xsd.error_log


@pytest.mark.parametrize("name", ["sarif", "junit", "github", "markdown"])
def test_each_format_can_go_to_stdout(run_cli, name: str) -> None:
    result = run_cli(
        "check",
        FIXTURES / "ci" / "account.json",
        "--as-of",
        "2026-11-25",
        "--no-config",
        "-f",
        name,
    )
    assert result.exit_code == 1
    assert result.stdout
