"""Every assertion kind's behaviour as data: ``tests/policy/assertions/<key>.test.yaml``,
in the ``suitelint test`` format (inline policy and account, findings by line and column)."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitelint.policy.assertions import KEYS
from suitelint.policytest import load_test_file, run_case

CASES = Path(__file__).parent / "assertions"


def test_every_registered_kind_has_a_case_file_and_every_case_file_a_kind() -> None:
    files = {p.name.removesuffix(".test.yaml") for p in CASES.glob("*.test.yaml")}
    assert files == set(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_the_cases_of_each_kind_pass(key: str) -> None:
    outcomes = [run_case(case) for case in load_test_file(CASES / f"{key}.test.yaml")]
    assert outcomes, f"{key}.test.yaml has no case"
    failed = [f"{o.case.where}: {o.case.name}\n{o.diff()}" for o in outcomes if not o.passed]
    assert not failed, "\n".join(failed)
