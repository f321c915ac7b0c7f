"""Silent passes closed: what used to be skipped or accepted without a word.

A second role reusing a scriptid, a policy test whose ``rules:`` filter names a rule
that does not exist, and (the file-level cases are in ``fixtures/broken/``) duplicate
JSON keys, namespaced ``<role>`` elements and CSV files mixing encodings. And a bug
that does get through still names the file it was reading.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

RISKY = ROOT / "policies" / "fixtures" / "baseline-risky.json"


def test_a_second_role_reusing_a_scriptid_is_a_located_error(run_cli, tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "account.json").read_text(encoding="utf-8"))
    twin = dict(data["roles"][1], id="9999", name="Helper")
    twin["permissions"] = [{"permkey": "ADMI_KERNEL", "level": "FULL"}]
    data["roles"].append(twin)
    path = tmp_path / "account.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    for command in (("check", path), ("diff", EXAMPLES / "account.json", path)):
        result = run_cli(*command)
        assert result.exit_code == 2, result
        assert result.stderr.startswith(f"{path}:"), result.stderr
        assert f"reuses scriptid {twin['scriptid']!r}" in result.stderr


def test_a_policy_test_filtering_on_an_unknown_rule_is_an_error(run_cli, tmp_path: Path) -> None:
    (tmp_path / "risky.json").write_bytes(RISKY.read_bytes())  # its fixture, in its project
    (tmp_path / "typo.test.yaml").write_text(
        """\
suitelint_test: 1
policies: [builtin:baseline]
as_of: 2026-11-25
cases:
  - name: a misspelt rule id compares nothing
    sources: [risky.json]
    rules: [token-rotation, token-rotaton]
    expect: []
""",
        encoding="utf-8",
    )
    result = run_cli("test", tmp_path)
    assert result.exit_code == 2, result
    assert result.stderr.startswith(f"{tmp_path / 'typo.test.yaml'}:7: "), result.stderr
    assert "'token-rotaton'" in result.stderr


def test_an_engine_rule_may_be_filtered_on(run_cli, tmp_path: Path) -> None:
    (tmp_path / "risky.json").write_bytes(RISKY.read_bytes())
    (tmp_path / "engine.test.yaml").write_text(
        """\
suitelint_test: 1
policies: [builtin:baseline]
as_of: 2026-11-25
cases:
  - name: engine rules are rules too
    sources: [risky.json]
    rules: [suitelint/rule-selected-nothing]
    expect: []
""",
        encoding="utf-8",
    )
    assert run_cli("test", tmp_path).exit_code in (0, 1)


def test_a_bug_while_reading_names_the_file(monkeypatch, capsys, tmp_path: Path) -> None:
    from suitelint import cli
    from suitelint.sources import snapshot

    def explode(data: bytes, path: str) -> object:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(snapshot, "parse_snapshot", explode)
    path = tmp_path / "account.json"
    path.write_bytes((EXAMPLES / "account.json").read_bytes())
    monkeypatch.setattr(sys, "argv", ["suitelint", "check", str(path)])
    monkeypatch.delenv("SUITELINT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    assert capsys.readouterr().err == (
        f"{path}: internal error: ZeroDivisionError; this is a bug. "
        "Rerun with --debug for details.\n"
    )
