"""Policy errors: every one names file:line:col and what was expected, with a suggestion."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_policy
from suitelint.errors import PolicyError, SuitelintError
from suitelint.policy.loader import load_policy, parse_policy


def problems_of(text: str) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(PolicyError) as caught:
        make_policy(text)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def test_an_unknown_permission_name_is_located_and_gets_a_suggestion():
    (problem,) = problems_of(
        """suitelint: 1
rules:
  - id: sync
    applies_to: integrations
    allow_only:
      Custmer Payment: create
"""
    )
    line, column, message = problem
    assert (line, column) == (6, 7)
    assert message.startswith("unknown permission 'Custmer Payment'; did you mean")
    assert "'TRAN_CUSTPYMT (Customer Payment)'" in message


def test_an_unknown_permkey_in_a_selector_is_located_at_the_value():
    ((line, column, message),) = problems_of(
        """suitelint: 1
rules:
  - id: r
    applies_to: roles
    forbid:
      permissions:
        - {permission: TRAN_CUSTPYMNT, level: full}
"""
    )
    assert (line, column) == (7, 24)
    assert "unknown permission 'TRAN_CUSTPYMNT'" in message


def test_a_permission_name_that_means_two_permissions_is_ambiguous():
    from suitelint.catalog import Catalog
    from suitelint.policy.compiler import compile_policies

    # The shipped catalog has no shared names today; a later edition may.
    catalog = Catalog(
        {
            "version": "test",
            "capabilities": {},
            "permissions": {
                "LIST_A": {"name": "Widgets", "category": "lists"},
                "LIST_B": {"name": "Gadgets", "category": "lists", "aliases": ["Widgets"]},
            },
        }
    )
    text = (
        "suitelint: 1\nrules:\n  - {id: r, applies_to: roles, forbid: {permissions: [Widgets]}}\n"
    )
    with pytest.raises(PolicyError) as caught:
        compile_policies([parse_policy(text, "p.yaml")], catalog)
    message = caught.value.problems[0].message
    assert (
        "'Widgets' is ambiguous: it names Widgets (LIST_A), Gadgets (LIST_B); use the permkey"
        in message
    )


def test_a_glob_matching_no_permission_is_an_error():
    ((_, _, message),) = problems_of(
        "suitelint: 1\nrules:\n  - {id: r, applies_to: roles, forbid: {permissions: ['TARN_*']}}\n"
    )
    assert "matches no permission" in message


def test_an_unknown_capability_lists_the_known_ones():
    ((line, _column, message),) = problems_of(
        "suitelint: 1\nrules:\n  - {id: r, applies_to: roles, forbid: {permissions: [{capability: delete-record}]}}\n"
    )
    assert line == 3
    assert "did you mean 'delete-records'?" in message


def test_a_misspelt_key_gets_did_you_mean_and_the_allowed_keys():
    problems = problems_of(
        "suitelint: 1\nrules:\n  - id: r\n    applies_to: roles\n    forbd: {roles: [Administrator]}\n"
    )
    line, column, message = next(p for p in problems if "forbd" in p[2])
    assert (line, column) == (5, 5)
    assert "unknown key 'forbd'; did you mean 'forbid'?" in message


def test_an_unknown_level_names_the_levels():
    ((line, _, message),) = problems_of(
        "suitelint: 1\nrules:\n  - id: r\n    applies_to: roles\n    max_level: ful\n"
    )
    assert line == 5
    assert "'ful' is not allowed" in message and "'full'" in message


def test_a_rule_without_an_assertion_says_which_are_possible():
    ((_, _, message),) = problems_of("suitelint: 1\nrules:\n  - {id: r, applies_to: roles}\n")
    assert "at least one assertion" in message and "allow_only" in message


def test_a_where_key_that_does_not_apply_to_the_subject_is_an_error():
    ((_, _, message),) = problems_of(
        "suitelint: 1\nrules:\n  - {id: r, applies_to: users, where: {used_by_tokens: true}, max_level: view}\n"
    )
    assert "'where: used_by_tokens' does not apply to users" in message


def test_token_age_on_roles_is_an_error():
    ((_, _, message),) = problems_of(
        "suitelint: 1\nrules:\n  - {id: r, applies_to: roles, max_age_days: 30}\n"
    )
    assert "max_age_days applies to tokens, not roles" in message


def test_a_waiver_date_must_be_an_iso_date():
    problems = problems_of(
        """suitelint: 1
rules:
  - {id: r, applies_to: tokens, max_age_days: 30}
waivers:
  - {rule: r, subject: x, reason: y, expires: 31/12/2026}
"""
    )
    assert problems[0][0] == 5
    assert "not an ISO date; expected YYYY-MM-DD" in problems[0][2]
    assert (
        problems_of(
            "suitelint: 1\nrules:\n  - {id: r, applies_to: tokens, max_age_days: 30}\n"
            "waivers:\n  - {rule: r, subject: x, reason: y, expires: 2026-02-30}\n"
        )[0][2]
        == "'2026-02-30' is not a valid date; expected YYYY-MM-DD"
    )


def test_a_rule_id_defined_twice_is_an_error():
    problems = problems_of(
        "suitelint: 1\nrules:\n  - {id: r, applies_to: tokens, max_age_days: 30}\n"
        "  - {id: r, applies_to: tokens, max_age_days: 60}\n"
    )
    assert problems[0][0] == 4 and "already defined at policy.yaml:3" in problems[0][2]


def test_every_problem_of_a_file_is_reported_at_once():
    problems = problems_of(
        """suitelint: 1
rules:
  - {id: a, applies_to: roles, forbid: {permissions: [Nope One]}}
  - {id: b, applies_to: roles, forbid: {permissions: [Nope Two]}}
"""
    )
    assert [p[0] for p in problems] == [3, 4]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty policy file"),
        ("- a\n- b\n", "expected a mapping"),
        ("suitelint: 1\nrules: [\n", "invalid YAML"),
        ("suitelint: 1\nsuitelint: 1\n", "duplicate key 'suitelint'"),
        ("suitelint: 2\n", "suitelint"),
        ("suitelint: 1\nrules:\n\t- x\n", "invalid YAML"),
        ("a: &a [1]\nb: !!python/object:os.system [ls]\n", "unsupported YAML tag"),
    ],
)
def test_broken_policy_files_are_policy_errors_with_a_line(text: str, expected: str):
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "p.yaml")
    assert expected in str(caught.value)
    assert caught.value.line is not None


def test_an_unknown_builtin_pack_lists_the_available_ones():
    with pytest.raises(PolicyError, match="available: builtin:baseline"):
        load_policy("builtin:nope")


def test_a_missing_policy_file_is_an_input_error(tmp_path):
    with pytest.raises(SuitelintError, match="cannot read policy file"):
        load_policy(str(tmp_path / "missing.yaml"))


@given(st.text(max_size=200))
def test_the_policy_loader_raises_nothing_but_its_own_errors(text: str):
    with contextlib.suppress(SuitelintError):
        make_policy(text)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=12),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_any_yaml_shaped_data_is_accepted_or_rejected_cleanly(data: object):
    import yaml

    text = yaml.safe_dump({"suitelint": 1, "rules": [data]})
    with contextlib.suppress(SuitelintError):
        make_policy(text)
