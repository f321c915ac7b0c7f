"""Engine rules (``suitelint/...``) are rules like any other: a waiver can waive them, the
config's ``rules:`` can turn them off or re-grade them, and ``--fail-on`` selects them by
severity (fixture: a role holding Set Up Accounting at VIEW, a level Oracle does not
document and no real export shows, so ``suitelint/undocumented-level`` warns)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES

PROJECT = FIXTURES / "sdf" / "undocumented"
RULE = "suitelint/undocumented-level"

POLICY = """\
suitelint: 1
rules:
  - id: no-deletes
    applies_to: roles
    forbid: {permissions: [{capability: delete-records}]}
"""


def check(run_cli, tmp_path: Path, *extra: str, policy: str = POLICY, config: str = ""):  # type: ignore[no-untyped-def]
    (tmp_path / "policy.yaml").write_text(policy)
    args = ["check", str(PROJECT), "-p", str(tmp_path / "policy.yaml"), "--as-of", "2026-11-25"]
    if config:
        (tmp_path / ".suitelint.yaml").write_text(config)
        args += ["--config", str(tmp_path / ".suitelint.yaml")]
    else:
        args.append("--no-config")
    return run_cli(*args, "-f", "json", *extra)


def rules_of(result) -> dict[str, tuple[str, bool]]:  # type: ignore[no-untyped-def]
    findings = json.loads(result.stdout)["findings"]
    return {f["rule"]: (f["severity"], f["suppressed"] is not None) for f in findings}


def test_the_engine_rule_warns_and_fails_a_warning_gate(run_cli, tmp_path):
    result = check(run_cli, tmp_path, "--fail-on", "warning")
    assert result.exit_code == 1, result
    assert rules_of(result) == {RULE: ("warning", False)}


def test_a_waiver_waives_an_engine_rule(run_cli, tmp_path):
    policy = POLICY + (
        "waivers:\n"
        f"  - rule: {RULE}\n"
        "    subject: customrole_setup\n"
        "    permission: ADMI_ACCTSETUP\n"
        "    reason: held at VIEW by design, ticket FIN-9\n"
        "    expires: 2027-01-31\n"
    )
    result = check(run_cli, tmp_path, "--fail-on", "warning", policy=policy)
    assert result.exit_code == 0, result
    assert rules_of(result) == {RULE: ("warning", True)}


def test_config_turns_an_engine_rule_off(run_cli, tmp_path):
    result = check(run_cli, tmp_path, "--fail-on", "warning", config=f"rules:\n  {RULE}: off\n")
    assert result.exit_code == 0, result
    assert rules_of(result) == {}


def test_config_regrades_an_engine_rule(run_cli, tmp_path):
    result = check(run_cli, tmp_path, "--fail-on", "warning", config=f"rules:\n  {RULE}: note\n")
    assert result.exit_code == 0, result
    assert rules_of(result) == {RULE: ("note", False)}


def test_config_naming_an_unknown_rule_is_an_error(run_cli, tmp_path):
    result = check(run_cli, tmp_path, config="rules:\n  suitelint/undocumented-levels: off\n")
    assert result.exit_code == 2
    assert "unknown rule 'suitelint/undocumented-levels'" in result.stderr
    assert f"did you mean '{RULE}'" in result.stderr
