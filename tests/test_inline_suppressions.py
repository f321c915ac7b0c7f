"""Inline suppressions: a ``suitelint-disable`` comment in an SDF object file waives
findings beside the grant it is about, with a reason and an expiry, and is reported like a
waiver (suppressed findings show it; expired and unused ones are findings themselves;
``check --base`` shows the ones a change adds). The case file is
``tests/fixtures/inline/`` (docs/sdf.md#inline-suppressions shows the same comments)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import FIXTURES
from suitelint.sources.inline import parse_directive

CASE = FIXTURES / "inline"
AS_OF = ["--as-of", "2026-11-25", "--no-config"]

ROLE = """\
<role scriptid="customrole_ap_clerk">
  <isinactive>F</isinactive>
  <iswebserviceonlyrole>F</iswebserviceonlyrole>
  <name>AP Clerk</name>
  <permissions>
    {before_users}<permission>
      <permkey>ADMI_MANAGEUSERS</permkey>
      <permlevel>FULL</permlevel>
    </permission>
    <permission>
      {inside_setup}<permkey>ADMI_SETUPCOMPANY</permkey>
      <permlevel>FULL</permlevel>
    </permission>
    <permission>
      <permkey>LIST_VENDOR</permkey>
      <permlevel>EDIT</permlevel>
    </permission>
    <permission>
      <permkey>TRAN_VENDPYMT</permkey>
      <permlevel>FULL</permlevel>
    </permission>
  </permissions>
</role>
"""


def project(tmp_path: Path, before_users: str = "", inside_setup: str = "", head: str = "") -> Path:
    objects = tmp_path / "proj" / "src" / "Objects"
    objects.mkdir(parents=True, exist_ok=True)
    text = head + ROLE.format(before_users=before_users, inside_setup=inside_setup)
    (objects / "customrole_ap_clerk.xml").write_text(text, encoding="utf-8")
    return tmp_path / "proj"


def disable(
    rules: str, reason: str = "FIN-123: approved by the CISO", expires: str = "2027-03-31"
) -> str:
    return f'<!-- suitelint-disable {rules} reason="{reason}" expires={expires} -->\n    '


def findings(run_cli, *args: str | Path) -> tuple[int, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    result = run_cli("check", *args, *AS_OF, "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)["findings"]


def by_rule(found: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(f["rule"]): f for f in found}


def test_a_comment_before_a_permission_suppresses_that_permissions_findings_only(
    run_cli, tmp_path: Path
) -> None:
    code, found = findings(run_cli, project(tmp_path, disable("role-escalation-*")))
    rules = by_rule(found)
    assert rules["role-escalation-manage-users"]["suppressed"] == {
        "kind": "inline",
        "reason": "FIN-123: approved by the CISO",
        "expires": "2027-03-31",
    }
    # the same glob matches the company-setup rule, but on another permission
    assert rules["role-escalation-company-setup"]["suppressed"] is None
    assert code == 0  # the one error is suppressed; the warnings do not fail at error


def test_a_comment_inside_a_permission_covers_that_permission(run_cli, tmp_path: Path) -> None:
    _, found = findings(
        run_cli, project(tmp_path, inside_setup=disable("role-escalation-company-setup"))
    )
    rules = by_rule(found)
    assert rules["role-escalation-company-setup"]["suppressed"]["kind"] == "inline"  # type: ignore[index]
    assert rules["role-escalation-manage-users"]["suppressed"] is None


def test_a_comment_before_the_role_covers_every_finding_of_the_object(
    run_cli, tmp_path: Path
) -> None:
    head = disable("segregation-of-duties, role-escalation-manage-users").strip() + "\n"
    _, found = findings(run_cli, project(tmp_path, head=head))
    rules = by_rule(found)
    assert rules["segregation-of-duties"]["suppressed"]["kind"] == "inline"  # type: ignore[index]
    assert rules["role-escalation-manage-users"]["suppressed"]["kind"] == "inline"  # type: ignore[index]
    assert rules["role-escalation-company-setup"]["suppressed"] is None


def test_an_expired_suppression_suppresses_nothing_and_is_reported_at_its_comment(
    run_cli, tmp_path: Path
) -> None:
    code, found = findings(
        run_cli, project(tmp_path, disable("role-escalation-manage-users", expires="2026-11-24"))
    )
    rules = by_rule(found)
    assert rules["role-escalation-manage-users"]["suppressed"] is None and code == 1
    expired = rules["suitelint/expired-suppression"]
    assert expired["severity"] == "warning"
    assert expired["location"]["line"] == 6  # type: ignore[index]
    assert "2026-11-24" in str(expired["message"])


def test_a_suppression_that_matches_nothing_is_reported_as_unused(run_cli, tmp_path: Path) -> None:
    _, found = findings(run_cli, project(tmp_path, disable("role-escalation-company-setup")))
    unused = by_rule(found)["suitelint/unused-suppression"]
    assert unused["severity"] == "note" and unused["location"]["line"] == 6  # type: ignore[index]


def test_a_suppression_of_a_deselected_rule_is_not_reported_as_unused(
    run_cli, tmp_path: Path
) -> None:
    proj = project(tmp_path, disable("role-escalation-company-setup"))
    _, found = findings(run_cli, proj, "--ignore", "role-escalation-company-setup")
    assert "suitelint/unused-suppression" not in by_rule(found)


def test_every_malformed_comment_of_a_project_is_a_located_error_at_once(
    run_cli, tmp_path: Path
) -> None:
    proj = project(
        tmp_path,
        before_users="<!-- suitelint-disable role-escalation-manage-users expires=2027-01-01 -->\n    ",
        inside_setup=disable("role-escalation-company-setup", expires="2027-13-01"),
        head="<!-- suitelint:disable segregation-of-duties -->\n",
    )
    result = run_cli("check", proj, *AS_OF)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "inline suppression" in line]
    assert len(lines) == 3, result.stderr
    assert "customrole_ap_clerk.xml:1:" in lines[0] and "unknown suitelint directive" in lines[0]
    assert "customrole_ap_clerk.xml:7:" in lines[1] and "needs a reason" in lines[1]
    assert "customrole_ap_clerk.xml:13:" in lines[2] and "not a valid date" in lines[2]


def test_a_comment_after_the_last_permission_is_an_error_not_a_role_wide_waiver(
    run_cli, tmp_path: Path
) -> None:
    proj = project(tmp_path)
    role = proj / "src" / "Objects" / "customrole_ap_clerk.xml"
    text = role.read_text(encoding="utf-8").replace(
        "  </permissions>", "    " + disable("segregation-of-duties").strip() + "\n  </permissions>"
    )
    role.write_text(text, encoding="utf-8")
    result = run_cli("check", proj, *AS_OF)
    assert result.exit_code == 2
    assert "customrole_ap_clerk.xml:22:" in result.stderr
    assert "must stand right before a <permission>" in result.stderr


def test_an_unknown_rule_id_is_an_error_with_a_suggestion(run_cli, tmp_path: Path) -> None:
    result = run_cli("check", project(tmp_path, disable("role-escalation-manage-user")), *AS_OF)
    assert result.exit_code == 2
    assert "customrole_ap_clerk.xml:6:" in result.stderr
    assert "unknown rule 'role-escalation-manage-user'" in result.stderr
    assert "did you mean 'role-escalation-manage-users'" in result.stderr


def test_ignore_inline_disregards_every_suppression(run_cli, tmp_path: Path) -> None:
    proj = project(
        tmp_path,
        disable("role-escalation-manage-users"),
        disable("role-escalation-manage-users", expires="2020-01-01"),
    )
    code, found = findings(run_cli, proj, "--ignore-inline")
    assert code == 1
    assert all(f["suppressed"] is None for f in found)
    assert not {"suitelint/unused-suppression", "suitelint/expired-suppression"} & set(
        by_rule(found)
    )


def test_the_config_can_disregard_inline_suppressions(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proj = project(tmp_path, disable("role-escalation-manage-users"))
    monkeypatch.chdir(tmp_path)
    Path(".suitelint.yaml").write_text(
        f"sources: [{proj}]\nignore-inline: true\n", encoding="utf-8"
    )
    result = run_cli("check", "--as-of", "2026-11-25", "-f", "json")
    assert result.exit_code == 1, result.stderr
    assert all(f["suppressed"] is None for f in json.loads(result.stdout)["findings"])


def test_sarif_marks_inline_suppressions_in_source_with_the_reason(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proj = project(tmp_path, disable("role-escalation-manage-users"))
    monkeypatch.chdir(tmp_path)  # SARIF places results under the working folder
    result = run_cli("check", proj, *AS_OF, "-f", "sarif")
    results = json.loads(result.stdout)["runs"][0]["results"]
    (suppressed,) = [r for r in results if r.get("suppressions")]
    assert suppressed["ruleId"] == "role-escalation-manage-users"
    (entry,) = suppressed["suppressions"]
    assert entry["kind"] == "inSource"
    assert entry["justification"] == "FIN-123: approved by the CISO"
    assert entry["properties"]["expires"] == "2027-03-31"


def test_text_and_markdown_show_the_suppression_and_keep_its_reason_inert(
    run_cli, tmp_path: Path
) -> None:
    reason = "ok <img src=x onerror=alert(1)> [link](http://evil)"
    proj = project(tmp_path, disable("role-escalation-manage-users", reason=reason))
    text = run_cli("check", proj, *AS_OF).stdout
    assert "suppressed" in text and "(inline: ok <img" in text
    markdown = run_cli("check", proj, *AS_OF, "-f", "markdown").stdout
    assert "inline until 2027-03-31" in markdown
    assert "<img" not in markdown


def test_junit_lists_the_inline_suppression_as_output_not_a_failure(
    run_cli, tmp_path: Path
) -> None:
    import xml.etree.ElementTree as ET

    proj = project(tmp_path, disable("role-escalation-manage-users"))
    junit = run_cli("check", proj, *AS_OF, "-f", "junit").stdout
    assert "suppressed by inline: FIN-123: approved by the CISO (until 2027-03-31)" in junit
    cases = {c.get("name"): c for c in ET.fromstring(junit).iter("testcase")}
    (case,) = [c for name, c in cases.items() if name and "role-escalation-manage-users" in name]
    assert case.find("failure") is None


def test_a_reason_cannot_inject_ci_log_commands(run_cli, tmp_path: Path) -> None:
    reason = "x ##vso[task.setvariable variable=gate]open ::error file=a::fake"
    proj = project(tmp_path, disable("role-escalation-manage-users", reason=reason))
    for name in ("azure", "github", "text"):
        out = run_cli("check", proj, *AS_OF, "-f", name).stdout
        assert "variable=gate" in out, name  # shown...
        assert "##vso[task.setvariable" not in out and "::error file=a" not in out, name


def test_a_new_baseline_leaves_inline_suppressed_findings_out_as_it_does_waived_ones(
    run_cli, tmp_path: Path
) -> None:
    proj = project(tmp_path, disable("role-escalation-manage-users"))
    baseline = tmp_path / "baseline.json"
    run_cli("check", proj, *AS_OF, "--write-baseline", baseline)
    recorded = baseline.read_text(encoding="utf-8")
    assert "role-escalation-company-setup" in recorded  # sanity: the baseline was written
    assert "role-escalation-manage-users" not in recorded  # it expires on its own


def test_the_case_file_project_passes_with_its_documented_suppressions(run_cli) -> None:
    code, found = findings(run_cli, CASE)
    assert code == 0
    kinds = {str(f["rule"]): (f["suppressed"] or {}).get("kind") for f in found}  # type: ignore[attr-defined]
    assert kinds["role-escalation-manage-users"] == "inline"
    assert kinds["segregation-of-duties"] == "inline"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_check_base_reports_each_suppression_the_change_adds(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    proj = project(tmp_path, inside_setup=disable("role-escalation-company-setup"))
    git(proj, "init", "-q", "-b", "main")
    git(proj, "add", ".")
    git(proj, "commit", "-q", "-m", "base")
    project(
        tmp_path,
        disable("role-escalation-manage-users", reason="trust me"),
        disable("role-escalation-company-setup"),
    )
    monkeypatch.chdir(proj)
    code, found = findings(run_cli, ".", "--base", "main")
    assert code == 0  # what was there is base, the new grant is suppressed: only a warning
    new = [f for f in found if f["rule"] == "suitelint/new-suppression"]
    assert len(new) == 1, [f["message"] for f in new]  # the unchanged one is not new
    assert new[0]["severity"] == "warning" and "trust me" in str(new[0]["message"])
    assert new[0]["location"]["line"] == 6  # type: ignore[index]


@pytest.mark.parametrize(
    ("comment", "error"),
    [
        ('suitelint-disable reason="x" expires=2027-01-01', "names no rule"),
        ("suitelint-disable r expires=2027-01-01", "needs a reason"),
        ('suitelint-disable r reason="  " expires=2027-01-01', "needs a reason"),
        ("suitelint-disable r reason=unquoted expires=2027-01-01", "must be quoted"),
        ('suitelint-disable r reason="x"', "needs an expiry"),
        ('suitelint-disable r reason="x" expires=31/03/2027', "not a valid date"),
        ('suitelint-disable r reason="x" expires=2027-02-30', "not a valid date"),
        ('suitelint-disable r reason="x" reason="y" expires=2027-01-01', "given twice"),
        ('suitelint-disable r reason="x" until=2027-01-01', "unknown field 'until='"),
        ('suitelint-disable r reason="x" expires=2027-01-01 s', "after reason="),
        ('suitelint-disable-next-line r reason="x" expires=2027-01-01', "unknown suitelint"),
        ('SuiteLint disable r reason="x" expires=2027-01-01', "unknown suitelint"),
    ],
)
def test_a_malformed_directive_says_what_is_wrong(comment: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_directive(comment)


def test_a_well_formed_directive_and_comments_not_meant_for_suitelint() -> None:
    assert parse_directive(
        ' suitelint-disable a, b/*  expires=2027-03-31 reason="why  it\n is ok" '
    ) == (("a", "b/*"), "why it is ok", dt.date(2027, 3, 31))
    assert parse_directive(" reviewed by suitelint-disable fans ") is None
    assert parse_directive("suitelint checks this role") is None


@given(
    st.text(alphabet=st.sampled_from('suitelint-disable reason=expires"20-1, *\n\tx'), max_size=60)
)
@example('suitelint-disable x reason="y" expires=2020-10-12')
def test_any_comment_text_is_a_directive_none_or_a_value_error(text: str) -> None:
    """Comment text is hostile input: it is read, ignored or refused with a message, never
    anything else (no other exception, no directive without a rule, reason and expiry)."""
    try:
        parsed = parse_directive(text)
    except ValueError as exc:
        assert str(exc)
        return
    if parsed is not None:
        rules, reason, expires = parsed
        assert rules and reason.strip() and isinstance(expires, dt.date)
