"""suitelint drift: the repo's roles against the live account. One hand-made change is
reported as exactly that change; the account's own custom roles are listed; standard roles
are not drift; a change that widens access exits 1."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES
from suitelint.catalog import load_catalog
from suitelint.drift import drift
from suitelint.model import Permission, Role, Snapshot

REPO = FIXTURES / "drift" / "repo"
ACCOUNT = FIXTURES / "drift" / "account.json"


def test_one_hand_made_change_is_reported_as_exactly_that_change(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "drift.json"
    result = run_cli("drift", REPO, ACCOUNT, "-f", "text", "-f", f"json={out}")
    assert result.exit_code == 1, result.stdout  # TRAN_CUSTINVC VIEW -> FULL widens access
    data = json.loads(out.read_text("utf-8"))
    assert data["managed"] == 2
    assert len(data["changed"]) == 1
    (changed,) = data["changed"]
    assert changed["role"]["ref"] == "customrole_invoice_sync"
    assert changed["attributes"] == []
    assert [
        (p["permkey"], p["repo"], p["account"], p["widens"]) for p in changed["permissions"]
    ] == [("TRAN_CUSTINVC", "VIEW", "FULL", True)]
    assert "Invoice (TRAN_CUSTINVC) raised in the account: VIEW → FULL" in result.stdout


def test_unmanaged_custom_roles_are_listed_and_standard_roles_are_not(run_cli) -> None:
    result = run_cli("drift", REPO, ACCOUNT, "-f", "json")
    data = json.loads(result.stdout)
    assert [r["scriptid"] for r in data["unmanaged"]] == ["customrole_quick_fix"]
    assert data["not_deployed"] == []
    assert "Administrator" not in result.stdout and "AP_CLERK" not in result.stdout


def _role(scriptid: str | None, name: str, *perms: tuple[str, str], **attrs: object) -> Role:
    return Role(
        id=scriptid or name,
        name=name,
        scriptid=scriptid,
        permissions=tuple(Permission(k, lv) for k, lv in perms),  # type: ignore[arg-type]
        **attrs,  # type: ignore[arg-type]
    )


def test_lowering_is_drift_that_does_not_widen_and_a_missing_role_is_not_deployed() -> None:
    repo = Snapshot(
        roles=(
            _role("customrole_a", "A", ("TRAN_CUSTINVC", "EDIT")),
            _role("customrole_b", "B", ("TRAN_CUSTINVC", "VIEW")),
        )
    )
    account = Snapshot(roles=(_role("CUSTOMROLE_A", "A", ("TRAN_CUSTINVC", "VIEW")),))
    result = drift(repo, account, load_catalog())
    assert [s.ref for s in result.changed] == ["customrole_a"]
    assert not result.widened
    assert [r.scriptid for r in result.not_deployed] == ["customrole_b"]


def test_an_attribute_loosened_in_the_account_widens_access() -> None:
    repo = Snapshot(roles=(_role("customrole_a", "A", web_services_only=True),))
    account = Snapshot(roles=(_role("customrole_a", "A", web_services_only=False),))
    result = drift(repo, account, load_catalog())
    assert result.widened and result.changed[0].attributes[0].name == "web services only"


def test_a_csv_role_export_is_matched_by_name_and_compared_on_permissions_only() -> None:
    repo = Snapshot(
        roles=(_role("customrole_a", "Sync", ("TRAN_CUSTINVC", "VIEW"), web_services_only=True),)
    )
    account = Snapshot(roles=(_role(None, "Sync", ("TRAN_CUSTINVC", "VIEW")),))
    result = drift(repo, account, load_catalog())
    assert result.clean  # the CSV holds no web-services-only flag: not a change


def test_the_same_account_as_the_repo_has_no_drift(run_cli) -> None:
    result = run_cli("drift", REPO, REPO)
    assert result.exit_code == 0, result.stdout
    assert "no drift" in result.stdout
