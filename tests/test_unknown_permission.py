"""A permission key the catalog does not list, written as NetSuite writes a standard one
(``ADMI_AGENTICAI``), is valid NetSuite data: a permission of a release newer than the
catalog, or a misspelt key. It is not an input error; it is ``suitelint/unknown-permission``,
an error-level finding at the permission's line (what it grants cannot be judged, so the
gate does not pass it on trust), that a waiver can waive once someone knows what it grants.
A key of no permkey form (``Sales Order``) cannot be NetSuite's: still an input error."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES

PROJECT = FIXTURES / "sdf" / "newer-permission"
ROLE_FILE = PROJECT / "src" / "Objects" / "customrole_sync.xml"
RULE = "suitelint/unknown-permission"

ALLOW_ONLY = """\
suitelint: 1
rules:
  - id: sync-least-privilege
    applies_to: roles
    allow_only:
      TRAN_CUSTINVC: view
"""


def check(run_cli, tmp_path: Path, *sources: Path, policy: str = ALLOW_ONLY, fmt: str = "json"):  # type: ignore[no-untyped-def]
    (tmp_path / "policy.yaml").write_text(policy)
    args = ["check", *map(str, sources or (PROJECT,)), "-p", str(tmp_path / "policy.yaml")]
    return run_cli(*args, "--no-config", "--as-of", "2026-11-25", "-f", fmt)


def project_holding(tmp_path: Path, permkey: str) -> Path:
    """The fixture project with its new permission's key replaced by ``permkey``."""
    project = tmp_path / "project"
    objects = project / "src" / "Objects"
    objects.mkdir(parents=True)
    text = ROLE_FILE.read_text().replace("ADMI_AGENTICAI", permkey)
    (objects / "customrole_sync.xml").write_text(text)
    return project


def role(role_id: str, name: str, **levels: str) -> dict[str, object]:
    permissions = [{"permkey": key, "level": level} for key, level in levels.items()]
    return {"id": role_id, "name": name, "permissions": permissions}


def account_file(tmp_path: Path, roles: list, users: list, tokens: list = ()) -> Path:  # type: ignore[type-arg,assignment]
    path = tmp_path / "account.json"
    path.write_text(json.dumps({"roles": roles, "users": users, "tokens": list(tokens)}, indent=2))
    return path


def findings_of(result) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return list(json.loads(result.stdout)["findings"])


def test_a_newer_permission_is_an_error_finding_at_its_line_not_an_input_error(run_cli, tmp_path):
    result = check(run_cli, tmp_path, fmt="text")
    assert result.exit_code == 1, result
    (line,) = [ln for ln in result.stdout.splitlines() if RULE in ln]
    assert line.startswith(f"{ROLE_FILE}:10: error {RULE} role 'Invoice Sync' holds ADMI_AGENTICAI")
    assert "does not list" in line and "what it grants is not judged" in line
    assert "did you mean" not in line  # a new permission is no misspelling of a listed one


def test_an_allow_only_rule_still_reports_the_newer_permission_as_not_allowed(run_cli, tmp_path):
    found = findings_of(check(run_cli, tmp_path))
    by_rule = {(f["rule"], f["permkey"]) for f in found}
    assert (RULE, "ADMI_AGENTICAI") in by_rule
    assert ("sync-least-privilege", "ADMI_AGENTICAI") in by_rule
    assert ("sync-least-privilege", "TRAN_CUSTINVC") not in by_rule


def test_a_misspelt_key_gets_a_suggestion(run_cli, tmp_path):
    project = project_holding(tmp_path, "TRAN_CUSTINV")
    (found,) = [f for f in findings_of(check(run_cli, tmp_path, project)) if f["rule"] == RULE]
    assert "did you mean TRAN_CUSTINVC (Invoice)" in found["message"]


def test_a_waiver_waives_it_once_someone_knows_what_it_grants(run_cli, tmp_path):
    # a policy cannot name a key the catalog does not list (below), so the waiver names the
    # finding: rule, subject and permission
    policy = ALLOW_ONLY + (
        "waivers:\n"
        f"  - rule: {RULE}\n"
        "    subject: customrole_sync\n"
        "    permission: ADMI_AGENTICAI\n"
        "    reason: NetSuite 2027.1 permission, reviewed in SEC-12\n"
        "    expires: 2027-01-31\n"
        "  - rule: sync-least-privilege\n"
        "    subject: customrole_sync\n"
        "    permission: ADMI_AGENTICAI\n"
        "    reason: NetSuite 2027.1 permission, reviewed in SEC-12\n"
        "    expires: 2027-01-31\n"
    )
    result = check(run_cli, tmp_path, policy=policy)
    assert result.exit_code == 0, result
    assert {(f["rule"], f["suppressed"] is not None) for f in findings_of(result)} == {
        (RULE, True),
        ("sync-least-privilege", True),
    }


def test_a_policy_naming_a_key_the_catalog_does_not_list_is_still_a_policy_error(run_cli, tmp_path):
    policy = ALLOW_ONLY.replace("TRAN_CUSTINVC", "ADMI_AGENTICAI")
    result = check(run_cli, tmp_path, policy=policy)
    assert result.exit_code == 2
    assert "unknown permission 'ADMI_AGENTICAI'" in result.stderr


def test_a_users_newer_global_permission_is_reported_on_the_user(run_cli, tmp_path):
    user = {
        "id": "7",
        "name": "Sync User",
        "roles": ["1001"],
        "global_permissions": [{"permkey": "LIST_AGENTS", "level": "EDIT"}],
    }
    path = account_file(tmp_path, [role("1001", "Sync", TRAN_CUSTINVC="VIEW")], [user])
    found = [f for f in findings_of(check(run_cli, tmp_path, path)) if f["rule"] == RULE]
    assert [(f["subject"]["kind"], f["permkey"]) for f in found] == [("user", "LIST_AGENTS")]


def test_a_key_of_no_permkey_form_is_still_an_input_error(run_cli, tmp_path):
    project = project_holding(tmp_path, "Agentic AI")
    result = check(run_cli, tmp_path, project)
    assert result.exit_code == 2
    assert f"{project / 'src' / 'Objects' / 'customrole_sync.xml'}:10:" in result.stderr
    assert "'Agentic AI' is no permkey" in result.stderr


def test_blast_radius_flags_a_token_holding_a_permission_it_cannot_score(run_cli, tmp_path):
    roles = [
        role("1001", "Sync", ADMI_AGENTICAI="FULL", ADMI_RESTWEBSERVICES="FULL"),
        role("1002", "Known", TRAN_CUSTINVC="VIEW"),
    ]
    users = [{"id": "7", "name": "Sync User", "roles": ["1001", "1002"]}]
    tokens = [
        {"id": "T1", "user": "7", "role": "1001", "name": "new-permission token"},
        {"id": "T2", "user": "7", "role": "1002", "name": "known token"},
    ]
    path = account_file(tmp_path, roles, users, tokens)
    result = run_cli("blast-radius", str(path), "--as-of", "2026-11-25", "-f", "json")
    assert result.exit_code == 0, result
    flags = {t["name"]: t["flags"] for t in json.loads(result.stdout)["tokens"]}
    assert "permission unknown to suitelint" in flags["new-permission token"]
    assert "permission unknown to suitelint" not in flags["known token"]
    text = run_cli("audit", str(path), "--as-of", "2026-11-25").stdout
    assert "ADMI_AGENTICAI (not in suitelint's catalog)" in text


def test_a_permission_a_csv_export_names_and_the_catalog_does_not_know_is_a_finding(
    run_cli, tmp_path
):
    # Oracle's own permission worksheet names permissions the catalog has no key for
    # ("Bad Debt"): a role search exporting one is valid data, reported at its row
    export = tmp_path / "roles.csv"
    export.write_text("Name,Permission,Level\nAP,Bills,View\nAP,Bad Debt,Full\n")
    policy = ALLOW_ONLY.replace("TRAN_CUSTINVC", "TRAN_VENDBILL") + (
        "waivers:\n"
        f"  - rule: {RULE}\n"
        "    subject: AP\n"
        "    permission: '[name=Bad Debt]'\n"
        "    reason: writes off receivables by design, FIN-3\n"
        "    expires: 2027-01-31\n"
    )
    result = check(run_cli, tmp_path, export, fmt="text")
    assert result.exit_code == 1, result
    (line,) = [ln for ln in result.stdout.splitlines() if RULE in ln]
    assert line.startswith(f"{export}:3: error {RULE} role 'AP' holds 'Bad Debt' at FULL")
    assert "a permission name suitelint's catalog" in line
    waived = check(run_cli, tmp_path, export, policy=policy)
    assert {(f["rule"], f["suppressed"] is not None) for f in findings_of(waived)} >= {(RULE, True)}


def test_an_employees_export_naming_an_unknown_global_permission_is_a_finding_on_the_user(
    run_cli, tmp_path
):
    # The Employees list's Global Permission column is read as the role export's
    # Permission column is: a name the catalog lacks is kept, and reported at its row
    roles = tmp_path / "roles.csv"
    roles.write_text("Name,Permission,Level\nAP,Bills,View\n")
    employees = tmp_path / "employees.csv"
    employees.write_text(
        "Name,Email,Login Access,Inactive,Role,Global Permission,Global Permission Level\n"
        "Pat,pat@example.com,Yes,No,AP,Make Journal Entry,Edit\n"
        "Pat,pat@example.com,Yes,No,AP,Bad Debt,Full\n"
    )
    policy = ALLOW_ONLY.replace("TRAN_CUSTINVC", "TRAN_VENDBILL")
    result = check(run_cli, tmp_path, roles, employees, policy=policy, fmt="text")
    assert result.exit_code == 1, result
    (line,) = [ln for ln in result.stdout.splitlines() if RULE in ln]
    assert line.startswith(
        f"{employees}:3: error {RULE} user 'Pat' (a global permission) holds 'Bad Debt' at FULL"
    )
