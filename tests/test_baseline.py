"""Baselines: accept today's findings by identity; anything new still fails the gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES
from suitelint.baseline import apply_baseline, load_baseline, parse_baseline, render_baseline
from suitelint.errors import SourceError
from suitelint.findings import Finding, Location, Report, Severity, Suppression

AS_OF = ("--as-of", "2026-11-25", "--no-config")


@pytest.fixture
def account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "ci" / "account.json", tmp_path / "account.json")
    return tmp_path / "account.json"


def grant(account: Path, role: str, permkey: str, level: str) -> None:
    data = json.loads(account.read_text("utf-8"))
    target = next(r for r in data["roles"] if r["id"] == role)
    target["permissions"].append({"permkey": permkey, "level": level})
    account.write_text(json.dumps(data, indent=2), "utf-8")


def active_rules(result_json: str) -> list[tuple[str, str, str | None]]:
    report = json.loads(result_json)
    return [
        (f["rule"], f["subject"]["scriptid"] or f["subject"]["id"], f["permkey"])
        for f in report["findings"]
        if f["suppressed"] is None
    ]


def test_write_baseline_then_baseline_passes(run_cli, account: Path) -> None:
    assert run_cli("check", account, *AS_OF).exit_code == 1
    written = run_cli("check", account, *AS_OF, "--write-baseline", "baseline.json")
    assert written.exit_code == 0
    assert "suppressed (1 by waiver" not in written.stdout  # no waiver in this run
    result = run_cli("check", account, *AS_OF, "--baseline", "baseline.json")
    assert result.exit_code == 0, result
    assert "7 suppressed (7 by baseline)" in result.stdout


def test_adding_one_permission_gives_exactly_one_new_finding(run_cli, account: Path) -> None:
    run_cli("check", account, *AS_OF, "--write-baseline", "baseline.json")
    grant(account, "1010", "ADMI_MANAGE_OWN_OAUTH_TOKENS", "FULL")
    result = run_cli("check", account, *AS_OF, "--baseline", "baseline.json", "-f", "json")
    assert result.exit_code == 1
    assert active_rules(result.stdout) == [
        ("integration-role-no-token-management", "customrole_sync", "ADMI_MANAGE_OWN_OAUTH_TOKENS")
    ]


def test_an_entry_never_absorbs_the_same_rule_on_another_permission(run_cli, account: Path) -> None:
    run_cli("check", account, *AS_OF, "--write-baseline", "baseline.json")
    # the baseline already holds no-transaction-delete for this role on TRAN_JOURNAL
    grant(account, "1010", "TRAN_SALESORD", "FULL")
    result = run_cli("check", account, *AS_OF, "--baseline", "baseline.json", "-f", "json")
    assert active_rules(result.stdout) == [
        ("integration-role-no-transaction-delete", "customrole_sync", "TRAN_SALESORD")
    ]


def test_moving_or_renaming_a_subject_keeps_it_baselined(run_cli, account: Path) -> None:
    run_cli("check", account, *AS_OF, "--write-baseline", "baseline.json")
    data = json.loads(account.read_text("utf-8"))
    data["roles"].reverse()
    data["roles"][0]["name"] = "Sync (renamed)"
    account.write_text(json.dumps(data, indent=4), "utf-8")
    result = run_cli("check", account, *AS_OF, "--baseline", "baseline.json")
    assert result.exit_code == 0, result


def test_the_file_is_sorted_readable_and_byte_identical(run_cli, account: Path) -> None:
    run_cli("check", account, *AS_OF, "--write-baseline", "one.json")
    run_cli("check", account, *AS_OF, "--write-baseline", "two.json")
    first = Path("one.json").read_bytes()
    assert first == Path("two.json").read_bytes()
    entries = json.loads(first)["findings"]
    keys = [
        (e["rule"], e["kind"], e["subject"], e.get("permkey", ""), e.get("qualifier", ""))
        for e in entries
    ]
    assert keys == sorted(keys)
    assert {
        "rule": "integration-role-no-transaction-delete",
        "kind": "role",
        "subject": "customrole_sync",
        "permkey": "TRAN_JOURNAL",
        "name": "Sync | <b>@team</b>",
    }.items() <= next(e for e in entries if e.get("permkey") == "TRAN_JOURNAL").items()


def test_waived_findings_are_not_written_to_the_baseline(run_cli, account: Path) -> None:
    waivers = FIXTURES / "ci" / "waivers.yaml"
    run_cli(
        "check",
        account,
        *AS_OF,
        "-p",
        "builtin:baseline",
        "-p",
        waivers,
        "--write-baseline",
        "b.json",
    )
    rules = {e["rule"] for e in json.loads(Path("b.json").read_text("utf-8"))["findings"]}
    assert "token-rotation" not in rules


def test_baselined_findings_show_as_suppressed_in_every_format(run_cli, account: Path) -> None:
    run_cli("check", account, *AS_OF, "--write-baseline", "b.json")
    args = ["check", account, *AS_OF, "--baseline", "b.json"]
    result = run_cli(
        *args,
        "-f",
        "sarif=out.sarif",
        "-f",
        "junit=out.xml",
        "-f",
        "markdown=out.md",
        "-f",
        "github=gh.txt",
        "-f",
        "json",
    )
    assert result.exit_code == 0
    assert all(f["suppressed"]["kind"] == "baseline" for f in json.loads(result.stdout)["findings"])
    results = json.loads(Path("out.sarif").read_text("utf-8"))["runs"][0]["results"]
    assert all(
        r["suppressions"][0]["justification"] == "accepted in baseline b.json" for r in results
    )
    junit = Path("out.xml").read_text("utf-8")
    assert "suppressed by baseline: accepted in baseline b.json" in junit
    assert "<failure" not in junit
    assert "7 suppressed (7 by baseline)" in Path("out.md").read_text("utf-8")
    assert "7 suppressed (7 by baseline)" in Path("gh.txt").read_text("utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "invalid JSON"),
        ('{"findings": []}', "'suitelint_baseline' is a required property"),
        ('{"suitelint_baseline": 1, "findings": [{"rule": "r"}]}', "at findings/0"),
    ],
)
def test_a_broken_baseline_is_an_input_error(
    run_cli, account: Path, content: str, message: str
) -> None:
    Path("bad.json").write_text(content, "utf-8")
    result = run_cli("check", account, *AS_OF, "--baseline", "bad.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("bad.json")
    assert message in result.stderr


def test_a_missing_baseline_is_an_input_error(account: Path) -> None:
    with pytest.raises(SourceError, match="cannot read baseline file"):
        load_baseline("nope.json")


def _finding(rule: str, kind: str, subject: str, permkey: str, qualifier: str) -> Finding:
    return Finding(
        rule,
        Severity.ERROR,
        "m",
        kind,
        subject,
        subject,
        permkey=permkey or None,
        qualifier=qualifier,
    )


_part = st.sampled_from(["a", "b"])


@given(
    old=st.tuples(_part, _part, _part, _part, _part),
    new=st.tuples(_part, _part, _part, _part, _part),
)
def test_an_entry_absorbs_only_its_own_identity(
    old: tuple[str, str, str, str, str], new: tuple[str, str, str, str, str]
) -> None:
    baseline = parse_baseline(render_baseline([_finding(*old)]), "b.json")
    moved = msgspec.structs.replace(
        _finding(*new), location=Location("x.json", 7, 1), subject_name="N"
    )
    (result,) = apply_baseline(Report(findings=(moved,)), baseline).findings
    assert result.suppressed == (new == old)


def test_a_waiver_wins_over_the_baseline() -> None:
    waived = _finding("r", "role", "1", "", "").suppress(Suppression("waiver", "ok"))
    baseline = parse_baseline(render_baseline([_finding("r", "role", "1", "", "")]), "b.json")
    (result,) = apply_baseline(Report(findings=(waived,)), baseline).findings
    assert result.suppression == Suppression("waiver", "ok")
