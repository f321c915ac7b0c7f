"""The engine: what each assertion reports, on which subjects, with which chain.

Each test states a policy and a tiny account, and reads like the rule it documents.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import TODAY, make_policy, make_snapshot, run_rules
from suitelint.catalog import load_catalog
from suitelint.engine import Context, evaluate
from suitelint.errors import PolicyError
from suitelint.findings import Severity
from suitelint.model import Level


def account(
    perms: dict[str, str] | None = None,
    *,
    role: str = "1001",
    token: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One integration, one token, one user, one custom role holding ``perms``."""
    held = perms if perms is not None else {"TRAN_CUSTINVC": "VIEW", "TRAN_CUSTPYMT": "CREATE"}
    data: dict[str, Any] = {
        "account": {"id": "1234567", "environment": "production"},
        "roles": [
            {
                "id": "1001",
                "scriptid": "customrole_invoice_sync",
                "name": "Invoice Sync Role",
                "web_services_only": True,
                "permissions": [{"permkey": k, "level": v} for k, v in held.items()],
            }
        ],
        "users": [{"id": "7", "name": "Sync User", "roles": [role]}],
        "integrations": [{"id": "101", "name": "Invoice Sync", "auth_flows": ["tba"]}],
        "tokens": [
            {
                "id": "T1",
                "name": "Invoice Sync token",
                "integration": "101",
                "user": "7",
                "role": role,
                "created": "2026-01-01",
                **(token or {}),
            }
        ],
    }
    for key, value in extra.items():
        data[key] = value
    return data


def rules_of(findings: Any) -> list[str]:
    return [f.rule_id for f in findings if f.suppression is None]


POLICY_HEAD = "suitelint: 1\nrules:\n"


def policy(body: str) -> str:
    return POLICY_HEAD + body


# -- forbid: roles ---------------------------------------------------------------------
FORBID_ADMIN = policy(
    """
  - id: no-admin-tokens
    applies_to: tokens
    forbid: {roles: [Administrator, Full Access]}
"""
)


def test_a_token_under_administrator_is_reported_with_its_whole_chain():
    (finding,) = run_rules(FORBID_ADMIN, account(role="3"))
    assert finding.rule_id == "no-admin-tokens"
    assert finding.severity is Severity.ERROR
    assert [str(link) for link in finding.chain] == [
        "integration 'Invoice Sync' [101]",
        "token 'Invoice Sync token' [T1] (TBA token)",
        "user 'Sync User' [7]",
        "role 'Administrator' [ADMINISTRATOR]",
        "permission every permission = FULL",
    ]


def test_a_token_under_a_custom_role_passes_forbid_roles():
    assert run_rules(FORBID_ADMIN, account()) == ()


def test_administrator_is_recognised_by_internal_id_scriptid_or_name():
    for ref in ("3", "ADMINISTRATOR"):
        assert rules_of(run_rules(FORBID_ADMIN, account(role=ref))) == ["no-admin-tokens"]


def test_an_unknown_role_name_in_a_policy_is_an_error_with_a_suggestion():
    text = policy(
        """
  - id: no-admin-tokens
    applies_to: tokens
    forbid: {roles: [Adminstrator]}
"""
    )
    with pytest.raises(PolicyError) as caught:
        run_rules(text, account())
    problem = caught.value.problems[0]
    assert (problem.path, problem.line, problem.column) == ("policy.yaml", 6, 22)
    assert "unknown role 'Adminstrator'" in problem.message
    assert "did you mean 'Administrator'?" in problem.message


# -- forbid: permissions, at or above a level -------------------------------------------
@pytest.mark.parametrize(
    ("held", "reported"),
    [("VIEW", False), ("CREATE", True), ("EDIT", True), ("FULL", True)],
)
def test_forbid_reports_levels_at_or_above_the_one_named(held: str, reported: bool):
    text = policy(
        """
  - id: no-payments
    applies_to: roles
    forbid:
      permissions: [{permission: Customer Payment, level: create}]
"""
    )
    findings = run_rules(text, account({"TRAN_CUSTPYMT": held}))
    assert bool(findings) is reported
    if reported:
        assert findings[0].permkey == "TRAN_CUSTPYMT"
        assert str(findings[0].chain[-1]) == f"permission Customer Payment (TRAN_CUSTPYMT) = {held}"


def test_forbid_without_a_level_means_any_level_above_none():
    text = policy(
        """
  - id: no-invoices
    applies_to: roles
    forbid: {permissions: [Invoice]}
"""
    )
    assert rules_of(run_rules(text, account({"TRAN_CUSTINVC": "VIEW"}))) == ["no-invoices"]
    assert run_rules(text, account({"TRAN_CUSTINVC": "NONE"})) == ()


@pytest.mark.parametrize("rows", [("VIEW", "EDIT"), ("EDIT", "VIEW"), ("EDIT", "NONE")])
def test_a_permkey_listed_twice_in_a_role_holds_its_highest_level(rows):
    text = policy("  - {id: cap, applies_to: roles, max_level: {Invoice: view}}\n")
    data = account()
    data["roles"][0]["permissions"] = [{"permkey": "TRAN_CUSTINVC", "level": lv} for lv in rows]
    (finding,) = run_rules(text, data)
    assert "Invoice (TRAN_CUSTINVC) at EDIT" in finding.message


def test_a_row_at_none_grants_nothing():
    text = policy("  - {id: only, applies_to: roles, allow_only: {Customer Payment: create}}\n")
    data = account({"TRAN_CUSTINVC": "NONE", "TRAN_CUSTPYMT": "CREATE"})
    assert run_rules(text, data) == ()


def test_level_tables_list_only_held_permissions():
    """Table.levels never lists a permkey at NONE: diff and blast-radius read it as is."""
    data = account({"TRAN_CUSTINVC": "NONE", "TRAN_CUSTPYMT": "CREATE"})
    data["roles"][0]["permissions"].append({"permkey": "LIST_VENDOR", "level": "NONE"})
    data["roles"][0]["permissions"].append({"permkey": "TRAN_CUSTPYMT", "level": "NONE"})
    snapshot = make_snapshot(data)
    ctx = Context(snapshot, load_catalog(), TODAY)
    assert ctx.role_table(snapshot.roles[0]).levels == {"TRAN_CUSTPYMT": Level.CREATE}


def test_forbid_by_glob_category_and_capability():
    text = policy(
        """
  - id: no-transaction-delete
    applies_to: roles
    forbid: {permissions: [{permission: "TRAN_*", level: full}]}
  - id: no-setup
    applies_to: roles
    forbid: {permissions: [{category: setup}]}
  - id: no-scripts
    applies_to: roles
    forbid: {permissions: [{capability: modify-scripts}]}
"""
    )
    findings = run_rules(
        text,
        account({"TRAN_CUSTINVC": "FULL", "TRAN_CUSTPYMT": "EDIT", "ADMI_CUSTOMSCRIPT": "EDIT"}),
    )
    assert sorted((f.rule_id, f.permkey) for f in findings) == [
        ("no-scripts", "ADMI_CUSTOMSCRIPT"),
        ("no-setup", "ADMI_CUSTOMSCRIPT"),
        ("no-transaction-delete", "TRAN_CUSTINVC"),
    ]


def test_except_removes_permissions_from_a_category():
    text = policy(
        """
  - id: no-setup
    applies_to: roles
    forbid:
      permissions:
        - {category: setup, except: [REST Web Services, {capability: modify-scripts}]}
"""
    )
    findings = run_rules(
        text,
        account(
            {"ADMI_RESTWEBSERVICES": "FULL", "ADMI_CUSTOMSCRIPT": "FULL", "ADMI_ACCTSETUP": "FULL"}
        ),
    )
    assert [f.permkey for f in findings] == ["ADMI_ACCTSETUP"]


# -- allow_only and max_level -----------------------------------------------------------
ALLOW_ONLY = policy(
    """
  - id: invoice-sync-least-privilege
    applies_to: integrations
    where: {name: Invoice Sync}
    allow_only:
      Invoice: view
      Customer Payment: create
"""
)


def test_allow_only_passes_exactly_what_is_declared():
    assert run_rules(ALLOW_ONLY, account()) == ()


def test_allow_only_passes_less_than_declared():
    assert run_rules(ALLOW_ONLY, account({"TRAN_CUSTINVC": "VIEW"})) == ()


def test_allow_only_reports_a_level_above_the_declared_one():
    (finding,) = run_rules(
        ALLOW_ONLY, account({"TRAN_CUSTINVC": "EDIT", "TRAN_CUSTPYMT": "CREATE"})
    )
    assert finding.permkey == "TRAN_CUSTINVC"
    assert "at most VIEW is allowed" in finding.message


def test_allow_only_reports_every_permission_not_declared():
    findings = run_rules(ALLOW_ONLY, account({"TRAN_CUSTINVC": "VIEW", "LIST_VENDOR": "VIEW"}))
    assert [(f.permkey, "not in its allow-list" in f.message) for f in findings] == [
        ("LIST_VENDOR", True)
    ]


def test_allow_only_on_administrator_is_one_finding_not_hundreds():
    (finding,) = run_rules(ALLOW_ONLY, account(role="3"))
    assert "holds every permission through 'Administrator'" in finding.message
    assert [link.kind for link in finding.chain] == [
        "integration",
        "token",
        "user",
        "role",
        "permission",
    ]


def test_max_level_caps_one_permission_or_all():
    capped = policy(
        """
  - id: view-invoices-only
    applies_to: roles
    max_level: {Invoice: view}
  - id: nothing-above-edit
    applies_to: roles
    max_level: edit
"""
    )
    findings = run_rules(capped, account({"TRAN_CUSTINVC": "CREATE", "LIST_VENDOR": "FULL"}))
    assert sorted((f.rule_id, f.permkey) for f in findings) == [
        ("nothing-above-edit", "LIST_VENDOR"),
        ("view-invoices-only", "TRAN_CUSTINVC"),
    ]


# -- forbid_together ----------------------------------------------------------------------
SOD = policy(
    """
  - id: sod-vendor-payments
    applies_to: roles
    forbid_together:
      - [{permission: Vendors, level: create}, {permission: Pay Bills, level: create}]
"""
)


def test_segregation_of_duties_needs_both_halves():
    assert run_rules(SOD, account({"LIST_VENDOR": "CREATE"})) == ()
    assert run_rules(SOD, account({"LIST_VENDOR": "VIEW", "TRAN_VENDPYMT": "FULL"})) == ()
    (finding,) = run_rules(SOD, account({"LIST_VENDOR": "CREATE", "TRAN_VENDPYMT": "CREATE"}))
    assert "combines Vendors (LIST_VENDOR) at CREATE and Pay Bills (TRAN_VENDPYMT) at CREATE" in (
        finding.message
    )
    assert [link.id for link in finding.chain] == [
        "customrole_invoice_sync",
        "LIST_VENDOR",
        "TRAN_VENDPYMT",
    ]


@pytest.mark.parametrize("first", ["TRAN_CUSTINVC", "TRAN_CUSTPYMT"])
def test_segregation_of_duties_names_the_same_permission_whatever_the_row_order(first):
    text = policy(
        """
  - id: sod-billing
    applies_to: roles
    forbid_together: [[{permission: "TRAN_CUST*"}, {permission: Vendors}]]
"""
    )
    rows = {first: "FULL", "TRAN_CUSTINVC": "FULL", "TRAN_CUSTPYMT": "FULL", "LIST_VENDOR": "VIEW"}
    (finding,) = run_rules(text, account(rows))
    assert "combines Invoice (TRAN_CUSTINVC) at FULL and Vendors" in finding.message


# -- require ------------------------------------------------------------------------------
def test_require_web_services_only_on_roles_used_by_tokens():
    text = policy(
        """
  - id: integration-role-hygiene
    applies_to: roles
    where: {used_by_tokens: true}
    require: {web_services_only: true}
"""
    )
    data = account()
    assert run_rules(text, data) == ()
    data["roles"][0]["web_services_only"] = False
    assert rules_of(run_rules(text, data)) == ["integration-role-hygiene"]
    data["tokens"][0]["inactive"] = True  # an inactive token does not make a role "used"
    assert rules_of(run_rules(text, data)) == ["suitelint/rule-selected-nothing"]


def test_require_permissions_reports_what_is_missing_for_the_integration_to_work():
    text = policy(
        """
  - id: cloudextend-can-log-in
    applies_to: roles
    where: {name: "Invoice*"}
    require:
      permissions: {User Access Tokens: full, Customer Payment: create}
"""
    )
    (finding,) = run_rules(text, account())
    assert finding.permkey == "ADMI_MANAGE_OWN_OAUTH_TOKENS"
    assert (
        "lacks User Access Tokens (ADMI_MANAGE_OWN_OAUTH_TOKENS) at FULL (holds NONE)"
        in finding.message
    )
    held = account({"ADMI_MANAGE_OWN_OAUTH_TOKENS": "FULL", "TRAN_CUSTPYMT": "FULL"})
    assert run_rules(text, held) == ()


def test_require_auth_flows_and_state_on_integrations():
    text = policy(
        """
  - id: m2m-only
    applies_to: integrations
    require: {auth_flows: [client_credentials], state: enabled}
"""
    )
    (finding,) = run_rules(text, account())
    assert "allows tba; only client_credentials is allowed" in finding.message
    data = account()
    data["integrations"][0]["auth_flows"] = ["client_credentials"]
    assert run_rules(text, data) == ()


def test_require_covered_by_allow_only_finds_tokens_nobody_explained():
    text = ALLOW_ONLY + (
        """
  - id: every-token-has-a-purpose
    severity: note
    applies_to: tokens
    require: {covered_by: allow_only}
"""
    )
    assert run_rules(text, account()) == ()
    data = account()
    data["integrations"][0]["name"] = "Something Else"
    findings = run_rules(text, data)
    assert "every-token-has-a-purpose" in rules_of(findings)


def test_require_user_active_reports_tokens_of_inactive_users():
    text = policy(
        """
  - id: token-user-active
    applies_to: tokens
    require: {user_active: true}
"""
    )
    data = account()
    assert run_rules(text, data) == ()
    data["users"][0]["inactive"] = True
    (finding,) = run_rules(text, data)
    assert "belongs to inactive user 'Sync User'" in finding.message


def test_rules_that_read_no_permissions_build_no_permission_table():
    """A token's table merges its role's and its user's global permissions: rules on a
    token's age, its user's state or its role (thousands of tokens) never need one."""
    from suitelint.effective import Effective

    text = policy(
        """
  - id: token-user-active
    applies_to: tokens
    require: {user_active: true}
  - id: token-rotation
    applies_to: tokens
    max_age_days: 30
  - id: no-admin-tokens
    applies_to: tokens
    forbid: {roles: [Administrator]}
"""
    )
    data = account()
    data["users"][0]["inactive"] = True
    with mock.patch.object(Effective, "token_table", side_effect=AssertionError("built")):
        found = rules_of(run_rules(text, data))
    assert sorted(found) == ["token-rotation", "token-user-active"]


# The fail-closed branches of require: what cannot be checked is reported, never passed.
@pytest.mark.parametrize("key", ["state", "auth_flows"])
def test_require_on_a_token_without_an_integration_record_fails_closed(key: str):
    value = "enabled" if key == "state" else "[tba]"
    text = policy(f"  - {{id: r, applies_to: tokens, require: {{{key}: {value}}}}}\n")
    data = account()
    assert run_rules(text, data) == ()
    del data["tokens"][0]["integration"]
    (finding,) = run_rules(text, data)
    label = key.replace("_", " ")
    assert finding.message == (
        f"token 'Invoice Sync token' has no integration record, so its {label} cannot be checked"
    )
    assert finding.qualifier == key


def test_require_auth_flows_on_an_integration_without_recorded_flows_fails_closed():
    text = policy("  - {id: r, applies_to: integrations, require: {auth_flows: [tba]}}\n")
    data = account()
    assert run_rules(text, data) == ()
    data["integrations"][0]["auth_flows"] = []
    (finding,) = run_rules(text, data)
    assert finding.message == (
        "integration 'Invoice Sync' has no recorded auth flows; required: only tba"
    )


def test_require_permissions_is_met_by_a_role_that_holds_every_permission():
    """Administrator lacks nothing: no 'lacks ... (holds FULL)' finding on it."""
    text = policy("  - {id: r, applies_to: tokens, require: {permissions: {Invoice: full}}}\n")
    data = account(role="3")
    data["roles"].append({"id": "3", "scriptid": "ADMINISTRATOR", "name": "Administrator"})
    assert run_rules(text, data) == ()


# -- token age and idleness ---------------------------------------------------------------
@pytest.mark.parametrize(("age", "reported"), [(364, False), (365, False), (366, True)])
def test_max_age_days_is_exceeded_only_after_the_limit(age: int, reported: bool):
    text = policy("  - {id: token-rotation, applies_to: tokens, max_age_days: 365}\n")
    created = (TODAY - dt.timedelta(days=age)).isoformat()
    findings = run_rules(text, account(token={"created": created}))
    assert bool(findings) is reported


def test_a_token_without_a_creation_date_cannot_pass_an_age_rule():
    text = policy("  - {id: token-rotation, applies_to: tokens, max_age_days: 365}\n")
    data = account()
    del data["tokens"][0]["created"]
    (finding,) = run_rules(text, data)
    assert "has no creation date" in finding.message


def test_max_idle_days_uses_the_last_use_or_else_the_creation_date():
    text = policy("  - {id: token-idle, applies_to: tokens, max_idle_days: 90}\n")
    assert run_rules(text, account(token={"last_used": "2026-11-01"})) == ()
    assert rules_of(run_rules(text, account(token={"last_used": "2026-01-02"}))) == ["token-idle"]
    # the login audit was read and never saw it; created 328 days ago: idle since creation
    (finding,) = run_rules(text, account(login_audit=True))
    assert "no recorded use" in finding.message
    assert run_rules(text, account(token={"created": "2026-11-01"}, login_audit=True)) == ()


def test_without_the_login_audit_last_use_is_unknown_said_once_per_rule_not_per_token():
    text = policy(
        "  - {id: token-idle, applies_to: tokens, max_idle_days: 90}\n"
        "  - {id: token-idle-long, applies_to: tokens, max_idle_days: 900}\n"
    )
    data = account()
    data["tokens"].append({**data["tokens"][0], "id": "T2", "name": "second"})
    findings = run_rules(text, data)
    assert rules_of(findings) == ["suitelint/no-login-data", "suitelint/no-login-data"]
    assert all("last use unknown: no login audit in the sources" in f.message for f in findings)
    assert not any("no recorded use" in f.message for f in findings)


# -- selectors ----------------------------------------------------------------------------
def test_inactive_subjects_are_skipped_unless_asked_for():
    forbid_any = "forbid: {permissions: [Invoice]}"
    active_only = policy(f"  - {{id: r, applies_to: roles, {forbid_any}}}\n")
    any_state = policy(f"  - {{id: r, applies_to: roles, where: {{active: any}}, {forbid_any}}}\n")
    data = account()
    data["roles"][0]["inactive"] = True
    assert rules_of(run_rules(active_only, data)) == ["suitelint/rule-selected-nothing"]
    assert rules_of(run_rules(any_state, data)) == ["r"]


def test_where_name_matches_exactly_or_by_glob_case_insensitively():
    for name, hits in (("invoice sync role", 1), ("Invoice*", 1), ("Invoice", 0), ("*Sync*", 1)):
        text = policy(
            f"  - {{id: r, applies_to: roles, where: {{name: '{name}'}}, forbid: {{permissions: [Invoice]}}}}\n"
        )
        findings = [f for f in run_rules(text, account()) if f.rule_id == "r"]
        assert len(findings) == hits, name


def test_a_where_naming_nothing_in_the_account_is_reported_not_silently_passed():
    text = policy(
        "  - {id: r, applies_to: integrations, where: {name: Invoice Sink}, allow_only: {Invoice: view}}\n"
    )
    (finding,) = run_rules(text, account())
    assert finding.rule_id == "suitelint/unmatched-reference"
    assert finding.severity is Severity.WARNING
    assert finding.location is not None and finding.location.line == 3


def test_tokens_selected_by_role_user_and_integration():
    for where in ("{role: Invoice Sync Role}", "{user: Sync User}", "{integration: Invoice Sync}"):
        text = policy(
            f"  - {{id: r, applies_to: tokens, where: {where}, forbid: {{permissions: [Invoice]}}}}\n"
        )
        assert rules_of(run_rules(text, account())) == ["r"], where


# -- effective permissions -----------------------------------------------------------------
def test_a_users_global_permissions_apply_in_every_role_and_show_in_the_chain():
    text = policy(
        "  - {id: no-journals, applies_to: tokens, forbid: {permissions: [Make Journal Entry]}}\n"
    )
    data = account()
    data["users"][0]["global_permissions"] = [{"permkey": "TRAN_JOURNAL", "level": "EDIT"}]
    (finding,) = run_rules(text, data)
    assert str(finding.chain[-1]) == "global permission Make Journal Entry (TRAN_JOURNAL) = EDIT"
    assert [link.kind for link in finding.chain] == [
        "integration",
        "token",
        "user",
        "global_permission",
    ]


def test_a_user_holds_the_highest_level_over_all_its_roles():
    text = policy("  - {id: cap, applies_to: users, max_level: {Invoice: view}}\n")
    data = account()
    data["roles"].append(
        {
            "id": "1002",
            "name": "Billing",
            "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "EDIT"}],
        }
    )
    data["users"][0]["roles"] = ["1001", "1002"]
    (finding,) = run_rules(text, data)
    assert "Invoice (TRAN_CUSTINVC) at EDIT" in finding.message
    assert finding.chain[1].name == "Billing"


def test_an_integration_holds_the_union_of_its_active_tokens():
    text = ALLOW_ONLY
    data = account()
    data["roles"].append(
        {
            "id": "1002",
            "name": "Vendors",
            "permissions": [{"permkey": "LIST_VENDOR", "level": "VIEW"}],
        }
    )
    data["tokens"].append({"id": "T2", "integration": "101", "user": "7", "role": "1002"})
    (finding,) = run_rules(text, data)
    assert finding.permkey == "LIST_VENDOR"
    assert [link.id for link in finding.chain][:3] == ["101", "T2", "7"]
    data["tokens"][1]["inactive"] = True
    assert run_rules(text, data) == ()


def test_core_administration_permissions_flag_counts_as_holding_admi_kernel():
    text = policy(
        "  - {id: no-core-admin, applies_to: roles, forbid: {permissions: [{capability: full-access}]}}\n"
    )
    data = account()
    data["roles"][0]["core_admin"] = True
    assert [f.permkey for f in run_rules(text, data)] == ["ADMI_KERNEL"]


# -- severity ------------------------------------------------------------------------------
def test_severity_can_depend_on_the_environment():
    text = policy(
        """
  - id: no-admin-tokens
    severity: {production: error, sandbox: warning}
    applies_to: tokens
    forbid: {roles: [Administrator]}
"""
    )
    assert run_rules(text, account(role="3"))[0].severity is Severity.ERROR
    data = account(role="3")
    data["account"]["environment"] = "sandbox"
    assert run_rules(text, data)[0].severity is Severity.WARNING


# -- waivers -------------------------------------------------------------------------------
WAIVED = FORBID_ADMIN + (
    """
waivers:
  - rule: no-admin-tokens
    subject: Invoice Sync token
    reason: moving to a scoped role, ticket FIN-123
    expires: EXPIRES
"""
)


def test_an_active_waiver_suppresses_with_its_reason():
    (finding,) = run_rules(WAIVED.replace("EXPIRES", "2026-12-31"), account(role="3"))
    assert finding.suppression is not None
    assert finding.suppression.kind == "waiver"
    assert finding.suppression.reason == "moving to a scoped role, ticket FIN-123"


def test_a_waiver_may_name_a_rule_by_its_former_id():
    """A rule renamed keeps its old id in ``aliases``: waivers written before the rename
    still waive it (and are not reported unused)."""
    text = WAIVED.replace("EXPIRES", "2026-12-31").replace(
        "  - id: no-admin-tokens\n", "  - id: token-not-admin\n    aliases: [no-admin-tokens]\n"
    )
    (finding,) = run_rules(text, account(role="3"))
    assert finding.rule_id == "token-not-admin"
    assert finding.suppressed


def test_a_waiver_is_active_on_its_expiry_date():
    (finding,) = run_rules(WAIVED.replace("EXPIRES", TODAY.isoformat()), account(role="3"))
    assert finding.suppressed


def test_an_expired_waiver_stops_waiving_and_is_itself_reported():
    findings = run_rules(WAIVED.replace("EXPIRES", "2026-11-24"), account(role="3"))
    assert sorted(rules_of(findings)) == ["no-admin-tokens", "suitelint/expired-waiver"]
    expired = next(f for f in findings if f.rule_id == "suitelint/expired-waiver")
    assert expired.location is not None and expired.location.line == 9


def test_a_waiver_that_matches_nothing_is_reported_as_unused():
    findings = run_rules(WAIVED.replace("EXPIRES", "2026-12-31"), account())
    assert rules_of(findings) == ["suitelint/unused-waiver"]


def test_a_waiver_for_an_unknown_rule_is_a_policy_error():
    text = FORBID_ADMIN + (
        "waivers:\n  - {rule: no-admn-tokens, subject: x, reason: y, expires: 2026-12-31}\n"
    )
    with pytest.raises(PolicyError, match="did you mean 'no-admin-tokens'"):
        make_policy(text)


# -- data findings -------------------------------------------------------------------------
def test_a_level_neither_documented_nor_observed_is_a_warning_not_a_crash():
    findings = run_rules(FORBID_ADMIN, account({"ADMI_ACCTSETUP": "VIEW"}))
    (finding,) = findings
    assert finding.rule_id == "suitelint/undocumented-level"
    assert finding.severity is Severity.WARNING


def test_every_row_holding_an_undocumented_level_is_a_warning_in_every_role_holding_it():
    """Rows are judged as values, once each: the same row in two roles, and a row that
    differs only by its restriction, are each still reported where they stand."""
    data = account({"ADMI_ACCTSETUP": "VIEW", "TRAN_CUSTINVC": "VIEW"})
    second = {
        "id": "1002",
        "name": "Second Role",
        "permissions": [
            {"permkey": "TRAN_CUSTINVC", "level": "VIEW"},
            {"permkey": "ADMI_ACCTSETUP", "level": "VIEW", "restriction": "own"},
            {"permkey": "ADMI_ACCTSETUP", "level": "VIEW"},
        ],
    }
    data["roles"].append(second)
    findings = run_rules(FORBID_ADMIN, data)
    assert [(f.rule_id, f.subject_id) for f in findings] == [
        ("suitelint/undocumented-level", "1001"),
        ("suitelint/undocumented-level", "1002"),
        ("suitelint/undocumented-level", "1002"),
    ]


def test_a_level_real_exports_hold_is_no_warning():
    # Report Customization: Oracle documents VIEW; 59 real roles of the corpus hold FULL
    assert run_rules(FORBID_ADMIN, account({"REPO_CUSTOMIZATION": "FULL"})) == ()


def test_a_level_real_projects_beyond_the_corpus_hold_is_no_warning():
    # Reconcile Reporting: Oracle documents VIEW; 9 roles of public SuiteCloud projects
    # hold EDIT (scripts/observed-levels.yaml)
    assert run_rules(FORBID_ADMIN, account({"REPO_RECONCILE": "EDIT"})) == ()
    # and a level no one has seen is still reported
    (finding,) = run_rules(FORBID_ADMIN, account({"REPO_RECONCILE": "CREATE"}))
    assert finding.rule_id == "suitelint/undocumented-level"


# -- properties ----------------------------------------------------------------------------
KEYS = (
    "TRAN_CUSTINVC",
    "TRAN_CUSTPYMT",
    "LIST_VENDOR",
    "TRAN_VENDPYMT",
    "ADMI_CUSTOMSCRIPT",
    "ADMI_KERNEL",
)
LEVELS = ("NONE", "VIEW", "CREATE", "EDIT", "FULL")
held_permissions = st.dictionaries(
    st.sampled_from(KEYS), st.sampled_from(LEVELS), max_size=len(KEYS)
)
FORBID_MIX = policy(
    """
  - id: f-glob
    applies_to: roles
    forbid: {permissions: [{permission: "TRAN_*", level: edit}]}
  - id: f-cap
    applies_to: tokens
    forbid: {permissions: [{capability: modify-scripts}, {category: setup, level: full}]}
  - id: f-sod
    applies_to: users
    forbid_together: [[{permission: Vendors, level: create}, {permission: Pay Bills, level: view}]]
"""
)
ALLOW_MIX = ALLOW_ONLY + "    max_level: {Vendors: view}\n"


def _identities(findings: Any) -> set[tuple[str, ...]]:
    """Identities of the policy's findings (data findings such as undocumented levels aside)."""
    return {f.identity for f in findings if not f.rule_id.startswith("suitelint/")}


def _raise_one(perms: dict[str, str], key: str) -> dict[str, str]:
    raised = dict(perms)
    current = LEVELS.index(perms.get(key, "NONE"))
    raised[key] = LEVELS[min(current + 1, len(LEVELS) - 1)]
    return raised


@given(held_permissions, st.sampled_from(KEYS))
def test_raising_a_permission_never_removes_a_forbid_finding(perms: dict[str, str], key: str):
    before = _identities(run_rules(FORBID_MIX, account(perms)))
    after = _identities(run_rules(FORBID_MIX, account(_raise_one(perms, key))))
    assert before <= after


@given(held_permissions, st.sampled_from(KEYS))
def test_raising_a_permission_never_turns_an_allow_only_failure_into_a_pass(
    perms: dict[str, str], key: str
):
    before = _identities(run_rules(ALLOW_MIX, account(perms)))
    after = _identities(run_rules(ALLOW_MIX, account(_raise_one(perms, key))))
    assert before <= after


@given(st.randoms(use_true_random=False))
def test_findings_do_not_depend_on_the_order_of_the_account_data(random: Any):
    data = _example_account_data()
    shuffled = copy.deepcopy(data)
    for section in ("roles", "users", "integrations", "tokens"):
        random.shuffle(shuffled[section])
    policy_obj = make_policy((EXAMPLE_POLICY_PATH).read_text(), str(EXAMPLE_POLICY_PATH))
    catalog = load_catalog()
    first = evaluate(policy_obj, make_snapshot(data), catalog, TODAY)
    second = evaluate(policy_obj, make_snapshot(shuffled), catalog, TODAY)
    assert first == second


def _example_account_data() -> dict[str, Any]:
    import json

    from conftest import EXAMPLES

    data: dict[str, Any] = json.loads((EXAMPLES / "account.json").read_text())
    return data


def _example_policy_path():  # type: ignore[no-untyped-def]
    from conftest import EXAMPLES

    return EXAMPLES / "policies.yaml"


EXAMPLE_POLICY_PATH = _example_policy_path()


# -- failing closed --------------------------------------------------------------------------
def test_a_rule_that_selects_nothing_is_reported_not_silently_passed():
    text = policy(
        "  - {id: r, applies_to: roles, where: {name: 'Billing*'}, forbid: {permissions: [Invoice]}}\n"
    )
    (finding,) = run_rules(text, account())
    assert finding.rule_id == "suitelint/rule-selected-nothing"
    assert finding.severity is Severity.WARNING
    assert finding.location is not None and (finding.location.line, finding.location.column) == (
        3,
        5,
    )


def test_token_rules_on_sources_without_tokens_say_they_checked_nothing():
    data = account()
    data["tokens"] = []
    findings = run_rules(FORBID_ADMIN, data)
    assert [f.rule_id for f in findings] == ["suitelint/no-token-data"]


def test_a_policy_set_without_rules_is_an_error(tmp_path):
    from suitelint.runner import load_policy_set

    path = tmp_path / "empty-rules.yaml"
    path.write_text("suitelint: 1\nrules: []\n")
    with pytest.raises(PolicyError, match="hold no rules"):
        load_policy_set([str(path)], load_catalog())


def test_a_custom_record_permission_is_shown_by_the_name_its_definition_gives():
    customs = [
        {"scriptid": "customrecord_unnamed"},
        {"scriptid": "customrecord_invoices", "name": "Invoice Archive"},
        {"scriptid": "CUSTOMRECORD_INVOICES", "name": "A Later Duplicate"},
    ]
    held = {
        "customrecord_invoices": "VIEW",
        "customrecord_unnamed": "VIEW",
        "customrecord_elsewhere": "VIEW",
    }
    findings = run_rules(ALLOW_ONLY, account(held, custom_objects=customs))
    shown = sorted(f.message.split(" holds ")[1].split(" at ")[0] for f in findings)
    assert shown == [
        "Invoice Archive (customrecord_invoices)",
        "customrecord_elsewhere (custom record not in the sources)",
        "customrecord_unnamed (custom record not in the sources)",
    ]


# -- role intent: token_capable, custom, holds, global_permissions ------------------------
def _roles_only(
    *roles: dict[str, Any], users: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "account": {"id": "1234567", "environment": "production"},
        "roles": list(roles),
        "users": users or [],
    }


def _role(rid: str, perms: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "scriptid": f"customrole{rid}",
        "name": f"Role {rid}",
        "permissions": [{"permkey": k, "level": v} for k, v in perms.items()],
        **extra,
    }


TOKEN_CAPABLE = policy(
    "  - {id: r, applies_to: roles, where: {token_capable: true}, forbid: {permissions: [SuiteScript]}}\n"
)


@pytest.mark.parametrize(
    "login",
    [
        "ADMI_LOGIN_OAUTH",
        "ADMI_LOGIN_OAUTH2",
        "ADMI_WEBSERVICES",
        "ADMI_RESTWEBSERVICES",
        "ADMI_MCP_SERVER",
    ],
)
def test_a_role_holding_a_log_in_permission_is_token_capable_without_any_token(login):
    data = _roles_only(
        _role("1001", {login: "FULL", "ADMI_CUSTOMSCRIPT": "VIEW"}),
        _role("1002", {"ADMI_CUSTOMSCRIPT": "VIEW"}),
    )
    findings = [f for f in run_rules(TOKEN_CAPABLE, data) if f.rule_id == "r"]
    assert [(f.subject_id, f.permkey) for f in findings] == [("1001", "ADMI_CUSTOMSCRIPT")]


def test_a_web_services_only_role_is_token_capable():
    data = _roles_only(_role("1001", {"ADMI_CUSTOMSCRIPT": "FULL"}, web_services_only=True))
    assert rules_of(run_rules(TOKEN_CAPABLE, data)) == ["r"]


def test_a_rule_selecting_by_intent_that_selects_nothing_is_not_suspicious():
    data = _roles_only(_role("1002", {"ADMI_CUSTOMSCRIPT": "VIEW"}))
    assert rules_of(run_rules(TOKEN_CAPABLE, data)) == []


def test_custom_and_holds_select_roles_by_what_they_are():
    text = policy(
        "  - {id: c, applies_to: roles, where: {custom: true, holds: MCP Server Connection},"
        " forbid: {permissions: [{category: lists, level: create}]}}\n"
    )
    data = _roles_only(
        _role("1001", {"ADMI_MCP_SERVER": "FULL", "LIST_CUSTJOB": "EDIT"}),
        _role("1002", {"LIST_CUSTJOB": "EDIT"}),
        {"id": "3", "name": "Administrator", "scriptid": "ADMINISTRATOR"},
    )
    assert [(f.rule_id, f.subject_id) for f in run_rules(text, data)] == [("c", "1001")]


def test_global_permissions_judge_the_employee_record_not_the_roles():
    text = policy(
        "  - {id: g, applies_to: users, where: {global_permissions: true},"
        " forbid: {permissions: [{capability: manage-users}]}}\n"
    )
    data = _roles_only(
        _role("1001", {"ADMI_MANAGEUSERS": "FULL"}),
        users=[
            {"id": "7", "name": "Role holder", "roles": ["1001"]},
            {
                "id": "8",
                "name": "Global holder",
                "global_permissions": [{"permkey": "ADMI_MANAGEUSERS", "level": "FULL"}],
            },
        ],
    )
    assert [(f.rule_id, f.subject_id) for f in run_rules(text, data)] == [("g", "8")]


def test_no_token_data_is_one_note_per_run_naming_the_rules():
    text = policy(
        "  - {id: t1, applies_to: tokens, max_age_days: 30}\n"
        "  - {id: t2, applies_to: tokens, max_age_days: 60}\n"
        "  - {id: t3, applies_to: roles, where: {used_by_tokens: true}, max_level: view}\n"
    )
    data = _roles_only(_role("1001", {"TRAN_CUSTINVC": "VIEW"}))
    (finding,) = run_rules(text, data)
    assert finding.rule_id == "suitelint/no-token-data"
    assert finding.subject_kind == "run" and finding.location is None
    assert "3 rules about tokens" in finding.message and "t1, t2, t3" in finding.message


def test_an_administrator_role_reported_through_its_token_is_not_blamed_again():
    text = policy(
        "  - {id: admin, applies_to: tokens, forbid: {roles: [Administrator]}}\n"
        "  - {id: setup, applies_to: roles, where: {used_by_tokens: true},"
        " forbid: {permissions: [{category: setup}, {capability: create-tokens}]}}\n"
    )
    data = account(role="3")
    data["roles"].append({"id": "3", "name": "Administrator", "scriptid": "ADMINISTRATOR"})
    assert [(f.rule_id, f.subject_kind) for f in run_rules(text, data)] == [("admin", "token")]
    # without the token rule, the role is reported, once per rule, not once per selector
    alone = policy(
        "  - {id: setup, applies_to: roles, where: {used_by_tokens: true},"
        " forbid: {permissions: [{category: setup}, {capability: create-tokens}]}}\n"
    )
    assert [(f.rule_id, f.subject_id) for f in run_rules(alone, data)] == [("setup", "3")]


# -- the snapshot's index: built once by loading, handed on, never cached globally ----------
def test_loading_builds_the_index_once_and_hands_it_to_the_engine(tmp_path: Any) -> None:
    """Loading indexes the merged snapshot once; validation used that index, and the
    engine (``evaluate(..., index=loaded.index)``) reuses it instead of building another."""
    import json

    from suitelint.effective import Effective
    from suitelint.sources import load_sources

    path = tmp_path / "account.json"
    path.write_text(json.dumps(account()), encoding="utf-8")
    loaded = load_sources([str(path)], load_catalog())
    assert loaded.index.snapshot is loaded.snapshot
    assert Context(loaded.snapshot, load_catalog(), TODAY, loaded.index).index is loaded.index
    assert Effective(loaded.snapshot, load_catalog(), loaded.index).index is loaded.index


def test_an_index_of_another_snapshot_is_refused() -> None:
    """Handing the engine the index of a different snapshot would judge one account by
    another's lookups: it is a programming error, raised, never silently used."""
    from suitelint.model import build_index

    first, second = make_snapshot(account()), make_snapshot(account())
    with pytest.raises(ValueError, match="not the index of this snapshot"):
        evaluate(make_policy(FORBID_ADMIN), second, load_catalog(), TODAY, index=build_index(first))


def test_the_model_keeps_no_index_between_calls() -> None:
    """No module-level cache: two runs in one process (tests, an editor plugin) share
    nothing, so each index belongs to whoever built it."""
    import suitelint.model as model

    snapshot = make_snapshot(account())
    assert model.build_index(snapshot) is not model.build_index(snapshot)
    assert not [name for name in vars(model) if name.startswith("_last")]
