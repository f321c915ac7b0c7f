"""What a token's role needs to log in, by auth flow, from the catalog's sourced data."""

from __future__ import annotations

import pytest

from suitelint.catalog import load_catalog
from suitelint.login import check_login, is_user_token_role, refusal_for
from suitelint.model import Level, Role

CATALOG = load_catalog()


def _holding(*keys: str, level: Level = Level.FULL):
    held = dict.fromkeys(keys, level)
    return lambda k: held.get(k, Level.NONE)


def _role(name: str = "Sync", *, wso: bool = True, scriptid: str | None = None) -> Role:
    return Role(id="9", name=name, web_services_only=wso, scriptid=scriptid)


@pytest.mark.parametrize(
    ("keys", "ok"),
    [
        (("ADMI_LOGIN_OAUTH", "ADMI_WEBSERVICES"), True),
        (("ADMI_LOGIN_OAUTH", "ADMI_RESTWEBSERVICES"), True),
        # Oracle: User Access Tokens does not also need Log in using Access Tokens
        (("ADMI_MANAGE_OWN_OAUTH_TOKENS", "ADMI_WEBSERVICES"), True),
        # Access Token Management does not let its holder log in
        (("ADMI_MANAGE_OAUTH_TOKENS", "ADMI_WEBSERVICES"), False),
        (("ADMI_LOGIN_OAUTH",), False),
        (("ADMI_WEBSERVICES",), False),
        (("ADMI_LOGIN_OAUTH2", "ADMI_RESTWEBSERVICES"), False),
    ],
)
def test_tba_needs_a_token_login_permission_and_a_web_services_permission(keys, ok) -> None:
    verdict = check_login(CATALOG, _role(), _holding(*keys), False, "tba")
    assert verdict.ok is ok
    assert verdict.summary.startswith("yes" if ok else "no")


def test_soap_web_services_below_full_cannot_log_in() -> None:
    def level_of(k: str) -> Level:
        return {"ADMI_LOGIN_OAUTH": Level.FULL, "ADMI_WEBSERVICES": Level.EDIT}.get(k, Level.NONE)

    verdict = check_login(CATALOG, _role(), level_of, False, "tba")
    assert not verdict.ok
    assert verdict.missing == ("SOAP Web Services at FULL or REST Web Services at FULL",)


@pytest.mark.parametrize(
    ("keys", "missing"),
    [
        (("ADMI_LOGIN_OAUTH2", "ADMI_RESTWEBSERVICES"), ()),
        (("ADMI_LOGIN_OAUTH2", "ADMI_WEBSERVICES"), ("REST Web Services at FULL",)),
        (("ADMI_LOGIN_OAUTH", "ADMI_RESTWEBSERVICES"), ("Log In using OAuth 2.0 Access Tokens",)),
    ],
)
def test_client_credentials_need_oauth2_login_and_rest(keys, missing) -> None:
    verdict = check_login(CATALOG, _role(), _holding(*keys), False, "client_credentials")
    assert verdict.missing == missing
    assert verdict.flow is not None and verdict.flow.name == "client_credentials"


def test_a_role_holding_every_permission_can_log_in() -> None:
    assert check_login(CATALOG, _role("Administrator"), _holding(), True, "tba").ok


def test_a_specialized_crm_role_is_named_as_one_that_refuses_the_permissions() -> None:
    role = _role("Custom specialized user: CRM", wso=False)
    verdict = check_login(CATALOG, role, _holding(), False, "tba")
    assert not verdict.ok and verdict.refusal is not None
    assert "specialized CRM" in verdict.summary
    assert refusal_for(CATALOG, _role("Other", scriptid="SPECIALIZED_USER_CRM")) is not None
    assert refusal_for(CATALOG, _role("Sales Rep")) is None


def test_a_cloudextend_style_role_is_a_user_token_role_and_others_are_not() -> None:
    documented = _holding("ADMI_MANAGE_OWN_OAUTH_TOKENS", "ADMI_WEBSERVICES")
    assert is_user_token_role(CATALOG, _role(wso=False), documented, False)
    assert not is_user_token_role(CATALOG, _role(wso=True), documented, False)
    assert not is_user_token_role(
        CATALOG, _role(wso=False), _holding("ADMI_MANAGE_OWN_OAUTH_TOKENS"), False
    )
    assert not is_user_token_role(CATALOG, _role("Administrator", wso=False), documented, True)


def test_every_login_claim_names_its_sources() -> None:
    login = CATALOG.login
    assert set(login.flows) == {"tba", "client_credentials"}
    for flow in login.flows.values():
        assert flow.sources and all(s.url.startswith("https://") for s in flow.sources)
        for key in (*flow.login_any, *(k for k, _ in flow.api_any)):
            assert CATALOG.get(key) is not None
    assert login.user_token_sources
    assert all(r.sources for r in login.refusals)


def test_a_cloudextend_role_set_up_as_cloudextend_documents_passes_the_default_policy(
    run_cli, tmp_path
) -> None:
    import json

    account = {
        "suitelint_snapshot": 1,
        "account": {"id": "1", "environment": "production"},
        "roles": [
            {
                "id": "1011",
                "scriptid": "customrole_cloudextend_user",
                "name": "CloudExtend Excel User",
                "permissions": [
                    {"permkey": "ADMI_MANAGE_OWN_OAUTH_TOKENS", "level": "FULL"},
                    {"permkey": "ADMI_WEBSERVICES", "level": "FULL"},
                    {"permkey": "LIST_CUSTJOB", "level": "EDIT"},
                    {"permkey": "TRAN_SALESORD", "level": "EDIT"},
                ],
            }
        ],
        "users": [{"id": "11", "name": "Casey Sales", "roles": ["1011"]}],
        "integrations": [{"id": "104", "name": "CloudExtend Excel", "auth_flows": ["tba"]}],
        "tokens": [
            {
                "id": "T-104",
                "name": "CloudExtend (Casey)",
                "type": "tba",
                "integration": "104",
                "user": "11",
                "role": "1011",
                "created": "2026-01-10",
                "last_used": "2026-11-18",
            }
        ],
    }
    path = tmp_path / "account.json"
    path.write_text(json.dumps(account), "utf-8")
    result = run_cli("check", path, "--as-of", "2026-11-25", "--fail-on", "warning")
    # only the note that nobody declared the token's purpose
    assert result.exit_code == 0, result.stdout
    assert "token-has-purpose" in result.stdout
    assert "integration-role-no-token-management" not in result.stdout
    assert "integration-role-web-services-only" not in result.stdout
    # without User Access Tokens the same role cannot log in
    account["roles"][0]["permissions"] = account["roles"][0]["permissions"][1:]
    path.write_text(json.dumps(account), "utf-8")
    result = run_cli("check", path, "--as-of", "2026-11-25")
    assert result.exit_code == 1 and "token-can-log-in" in result.stdout


def test_tokens_sharing_a_role_are_judged_once_each_with_its_own_finding() -> None:
    """``require: {can_log_in: true}``: the verdict is worked out once per role table and
    token type (thousands of tokens share a role), and each token still gets its finding;
    a token whose user adds global permissions is judged on its own table."""
    from unittest import mock

    from conftest import run_rules
    from suitelint import login
    from suitelint.policy.assertions import require

    data = {
        "account": {"id": "1", "environment": "production"},
        "roles": [
            {
                "id": "9",
                "name": "Sync",
                "permissions": [{"permkey": "LIST_EMPLOYEE", "level": "VIEW"}],
            }
        ],
        "users": [
            {"id": "7", "name": "A", "roles": ["9"]},
            {
                "id": "8",
                "name": "B",
                "roles": ["9"],
                "global_permissions": [{"permkey": "ADMI_LOGIN_OAUTH", "level": "FULL"}],
            },
        ],
        "tokens": [
            {"id": f"T{k}", "name": f"t{k}", "user": "7" if k < 3 else "8", "role": "9"}
            for k in range(4)
        ],
    }
    policy = """suitelint: 1
rules:
  - id: tokens-log-in
    applies_to: tokens
    require: {can_log_in: true}
"""
    with mock.patch.object(require, "check_login", wraps=login.check_login) as judged:
        findings = run_rules(policy, data)
    assert judged.call_count == 2  # the role's table, and token T3's own
    assert sorted(f.subject_id for f in findings) == ["T0", "T1", "T2", "T3"]
    assert all("cannot log in" in f.message for f in findings)
