"""``suitelint test``: policy unit tests pass on the repo's packs; a wrong one shows a diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from suitelint.errors import PolicyError
from suitelint.findings import Finding, Severity, Suppression
from suitelint.policytest import Expected, compare, find_test_files, parse_test_file

POLICIES = ROOT / "policies"
RISKY = POLICIES / "fixtures" / "baseline-risky.json"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


WRONG = """\
suitelint_test: 1
policies: [builtin:baseline]
as_of: 2026-11-25
cases:
  - name: expects the token of the wrong user
    sources: [risky.json]
    rules: [token-user-active, token-rotation]
    expect:
      - {rule: token-user-active, subject: T-402}
      - {rule: token-rotation, subject: T-403}
"""


def test_the_repos_own_policy_tests_pass(run_cli) -> None:
    result = run_cli("test", POLICIES, "--verbose")
    assert result.exit_code == 0, result.stdout
    assert "FAIL" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("OK: 16 cases, 16 passed, 0 failed")


def test_every_baseline_rule_has_a_case_that_fails_on_purpose() -> None:
    import yaml

    pack = yaml.safe_load((POLICIES / "baseline.yaml").read_text("utf-8"))
    cases = parse_test_file((POLICIES / "baseline.test.yaml").read_text("utf-8"), "t.yaml")
    expected_rules = {e.rule for case in cases for e in case.expect}
    assert {rule["id"] for rule in pack["rules"]} <= expected_rules


def test_a_wrong_expectation_fails_with_a_readable_diff(run_cli, tmp_path: Path) -> None:
    write(tmp_path, "wrong.test.yaml", WRONG)
    (tmp_path / "risky.json").write_bytes(RISKY.read_bytes())  # its fixture, in its project
    result = run_cli("test", tmp_path)
    assert result.exit_code == 1
    assert result.stdout == (
        f"FAIL {tmp_path}/wrong.test.yaml:5: expects the token of the wrong user\n"
        "    --- expected\n"
        "    +++ actual\n"
        "      token-rotation  T-403\n"
        "    - token-user-active  T-402\n"
        "    + token-user-active  T-403\n"
        "FAIL: 1 cases, 0 passed, 1 failed\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("suitelint_test: 1\npolicies: [p]\ncases: []\n", "t.test.yaml:3:8: "),
        (
            "suitelint_test: 1\npolicies: [p]\ncases:\n  - {name: a, sources: [s], expect: []}\n",
            "no as_of date for this case",
        ),
        (
            "suitelint_test: 1\npolicies: [p]\nas_of: 2026-02-30\ncases:\n"
            "  - {name: a, sources: [s], expect: []}\n",
            "t.test.yaml:3:8: policy error: '2026-02-30' is not a date",
        ),
        (
            "suitelint_test: 1\npolicies: [p]\nas_of: 2026-01-01\ncases:\n"
            "  - {name: a, sources: [s], expect: [{rule: r, subjet: x}]}\n",
            "unknown key 'subjet'; did you mean 'subject'?",
        ),
    ],
)
def test_a_bad_test_file_is_exit_2_with_its_location(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "t.test.yaml", text)
    result = run_cli("test", "t.test.yaml")
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_missing_fixture_is_exit_2(run_cli, tmp_path: Path) -> None:
    write(
        tmp_path,
        "t.test.yaml",
        "suitelint_test: 1\npolicies: [builtin:baseline]\nas_of: 2026-01-01\ncases:\n"
        "  - {name: a, sources: [missing.json], expect: []}\n",
    )
    result = run_cli("test", tmp_path / "t.test.yaml")
    assert result.exit_code == 2
    assert "missing.json" in result.stderr


def test_no_test_files_is_not_a_pass(run_cli, tmp_path: Path) -> None:
    result = run_cli("test", tmp_path)
    assert result.exit_code == 2
    assert "no policy test files" in result.stderr


def test_hidden_folders_are_not_searched(tmp_path: Path) -> None:
    (tmp_path / ".venv").mkdir()
    write(tmp_path / ".venv", "x.test.yaml", "")
    write(tmp_path, "y.test.yaml", "")
    assert find_test_files([str(tmp_path)]) == (tmp_path / "y.test.yaml",)


def _finding(rule: str, subject: str, permkey: str | None = None, waived: bool = False) -> Finding:
    suppression = Suppression("waiver", "ok") if waived else None
    return Finding(
        rule, Severity.ERROR, "m", "role", "9", "Name", subject, permkey, suppression=suppression
    )


def test_an_expectation_without_permkey_matches_any_permkey_but_only_once() -> None:
    lines = compare(
        [Expected("r", "customrole_a")],
        [_finding("r", "customrole_a", "P1"), _finding("r", "customrole_a", "P2")],
    )
    assert [marker for marker, _ in lines] == [" ", "+"]


def test_a_subject_is_matched_by_scriptid_or_id_never_by_name() -> None:
    assert Expected("r", "customrole_a").matches(_finding("r", "customrole_a"))
    assert Expected("r", "9").matches(_finding("r", "customrole_a"))
    assert not Expected("r", "Name").matches(_finding("r", "customrole_a"))


def test_waived_must_be_expected_as_waived() -> None:
    assert not Expected("r", "s").matches(_finding("r", "s", waived=True))
    assert Expected("r", "s", waived=True).matches(_finding("r", "s", waived=True))


def test_parse_errors_are_policy_errors() -> None:
    with pytest.raises(PolicyError):
        parse_test_file("[1, 2]", "t.test.yaml")


INLINE = """\
suitelint_test: 1
as_of: 2026-11-25
policy:
  suitelint: 1
  rules:
    - {id: no-journals, applies_to: roles, forbid: {permissions: [TRAN_JOURNAL]}}
cases:
  - name: a journal row
    account:
      roles:
        - id: "1"
          name: Books
          permissions:
            - {permkey: TRAN_CUSTINVC, level: VIEW}
            - {permkey: TRAN_JOURNAL, level: VIEW}
    expect:
      - {rule: no-journals, subject: "1", permkey: TRAN_JOURNAL, line: LINE, column: 15}
"""


def test_an_inline_account_and_policy_place_findings_in_the_test_file(
    run_cli, tmp_path: Path
) -> None:
    path = write(tmp_path, "inline.test.yaml", INLINE.replace("LINE", "15"))
    result = run_cli("test", path)
    assert result.exit_code == 0, result.stdout


def test_a_finding_on_another_line_than_expected_fails_and_shows_its_line(
    run_cli, tmp_path: Path
) -> None:
    path = write(tmp_path, "inline.test.yaml", INLINE.replace("LINE", "16"))
    result = run_cli("test", path)
    assert result.exit_code == 1
    assert "- no-journals  1  TRAN_JOURNAL  at 16:15" in result.stdout
    assert "+ no-journals  1  TRAN_JOURNAL  at 15:15" in result.stdout


def test_errors_in_an_inline_policy_or_account_point_into_the_test_file(tmp_path: Path) -> None:
    bad_policy = INLINE.replace("TRAN_JOURNAL]", "Jornal]").replace("LINE", "15")
    with pytest.raises(PolicyError) as caught:
        from suitelint.policytest import run_case

        for case in parse_test_file(bad_policy, "t.test.yaml"):
            run_case(case)
    assert [(p.path, p.line, p.column) for p in caught.value.problems] == [("t.test.yaml", 6, 67)]
    bad_account = INLINE.replace("level: VIEW}\n    expect", "level: view}\n    expect")
    from suitelint.errors import SuitelintError

    with pytest.raises(SuitelintError) as error:
        parse_test_file(bad_account.replace("LINE", "15"), "t.test.yaml")
    assert (error.value.path, error.value.line) == ("t.test.yaml", 15)
    assert "expected one of NONE, VIEW" in str(error.value)
