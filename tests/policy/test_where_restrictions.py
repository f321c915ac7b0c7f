"""``where: {restrictions: ...}`` picks subjects by the restrictions of the roles they act
in. Behaviour cases: ``where/restrictions.test.yaml`` (the ``suitelint test`` format);
here, what a policy may write there and what it may not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from suitelint.policytest import load_test_file, run_case

CASES = Path(__file__).parent / "where" / "restrictions.test.yaml"
PROJECT = FIXTURES / "sdf" / "restrictions"


def test_the_where_restrictions_cases_pass() -> None:
    outcomes = [run_case(case) for case in load_test_file(CASES)]
    assert len(outcomes) >= 6
    failed = [f"{o.case.where}: {o.case.name}\n{o.diff()}" for o in outcomes if not o.passed]
    assert not failed, "\n".join(failed)


def _check(run_cli, tmp_path: Path, where: str):  # type: ignore[no-untyped-def]
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "suitelint: 1\nrules:\n  - id: wide\n    applies_to: roles\n"
        f"    where: {where}\n    forbid: {{permissions: ['TRAN_*']}}\n"
    )
    return run_cli("check", PROJECT, "-p", policy, "--as-of", "2026-11-25", "-f", "json")


def test_an_sdf_project_selects_its_roles_that_reach_every_subsidiary(run_cli, tmp_path):
    result = _check(run_cli, tmp_path, "{restrictions: {subsidiaries: unrestricted}}")
    picked = {f["subject"]["scriptid"] for f in json.loads(result.stdout)["findings"]}
    assert picked == {"customrole_everywhere"}, result


@pytest.mark.parametrize(
    ("where", "column"),
    [
        ("{restrictions: {subsidiaries: [OWN_SUBSIDIARY]}}", 43),
        ("{restrictions: {employees: [NONE, everyone]}}", 46),
    ],
)
def test_a_value_in_no_form_netsuite_writes_is_a_located_policy_error(
    run_cli, tmp_path, where, column
):
    result = _check(run_cli, tmp_path, where)
    assert result.exit_code == 2
    assert f"policy.yaml:5:{column}" in result.stderr, result.stderr
    assert "expected one of" in result.stderr


def test_a_restriction_nobody_has_is_a_schema_error_at_its_key(run_cli, tmp_path):
    result = _check(run_cli, tmp_path, "{restrictions: {projects: restricted}}")
    assert result.exit_code == 2
    assert "policy.yaml:5" in result.stderr, result.stderr


def test_the_role_page_labels_are_the_sdf_values(run_cli, tmp_path):
    """All / Active / User Subsidiary / Selected (Oracle's role page) = ALL / ALLACTIVE /
    OWN / SELECTED: the scoped fixture role is SELECTED."""
    result = _check(run_cli, tmp_path, "{restrictions: {subsidiaries: [selected]}}")
    picked = {f["subject"]["scriptid"] for f in json.loads(result.stdout)["findings"]}
    assert picked == {"customrole_scoped"}, result
