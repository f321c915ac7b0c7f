"""Combining sources: an SDF project's custom roles with a snapshot's tokens, users and
integrations, matched by scriptid; conflicts are reported, never resolved silently."""

from __future__ import annotations

import msgspec
import pytest

from conftest import FIXTURES
from suitelint.catalog import load_catalog
from suitelint.errors import SourceError
from suitelint.model import Role, Snapshot
from suitelint.sources import load_sources
from suitelint.sources.merge import merge_snapshots

PROJECT = FIXTURES / "sdf" / "project"
ACCOUNT = FIXTURES / "sdf" / "combine" / "account.json"
SYNC_XML = PROJECT / "src" / "Objects" / "customrole_invoice_sync.xml"


def test_sdf_roles_overlay_the_snapshot_role_with_the_same_scriptid():
    loaded = load_sources([str(PROJECT), str(ACCOUNT)], load_catalog())
    snapshot = loaded.snapshot
    sync = next(r for r in snapshot.roles if r.scriptid == "customrole_invoice_sync")
    # the snapshot's internal id, so the token naming role "1020" reaches it ...
    assert sync.id == "1020"
    # ... and everything else from the code under review, with its file and lines
    assert sync.path == str(SYNC_XML)
    assert sync.web_services_only is True
    assert {p.permkey: p.level for p in sync.permissions}["TRAN_SALESORD"] == "EDIT"
    assert all(p.line is not None for p in sync.permissions)
    assert [r.scriptid for r in snapshot.roles].count("customrole_invoice_sync") == 1
    # tokens, users and the account come from the snapshot
    assert [t.id for t in snapshot.tokens] == ["T-1"]
    assert [u.id for u in snapshot.users] == ["7"]
    assert snapshot.account.id == "1234567"


def test_the_sdf_integration_takes_the_snapshot_record_and_keeps_its_file():
    snapshot = load_sources([str(PROJECT), str(ACCOUNT)], load_catalog()).snapshot
    (integration,) = snapshot.integrations
    assert (integration.id, integration.name, integration.auth_flows) == (
        "101",
        "Invoice Sync",
        ("tba",),
    )
    assert integration.path == str(PROJECT / "src" / "Objects" / "custinteg_invoice_sync.xml")


def test_the_order_of_sources_does_not_matter():
    catalog = load_catalog()
    one = load_sources([str(PROJECT), str(ACCOUNT)], catalog).snapshot
    other = load_sources([str(ACCOUNT), str(PROJECT)], catalog).snapshot

    def roles(snapshot: Snapshot) -> list[Role]:
        return sorted(snapshot.roles, key=lambda r: r.id)

    assert roles(one) == roles(other)


def test_check_follows_the_token_into_the_sdf_role_and_points_at_its_file(run_cli):
    result = run_cli("check", PROJECT, ACCOUNT, "--as-of", "2026-11-25")
    assert result.exit_code == 1, result
    admin = next(line for line in result.stdout.splitlines() if " token-not-administrator " in line)
    # coreadminpermission=T is Core Administration Permissions: an administrator token,
    # placed on the line of that field (line 3), not on the role's first line
    assert admin.startswith(f"{SYNC_XML}:3: error token-not-administrator token 'Invoice Sync")
    assert "suitelint/no-token-data" not in result.stdout  # tokens are known now


def test_a_role_two_snapshots_define_differently_is_a_conflict(run_cli):
    conflict = FIXTURES / "sdf" / "combine" / "conflict.json"
    result = run_cli("check", ACCOUNT, conflict, "--as-of", "2026-11-25")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{conflict}: source error: role 'customrole_other' is defined differently by "
        f"{ACCOUNT} and {conflict}: the same id '1020' has scriptids 'customrole_invoice_sync' "
        "and 'customrole_other'; a conflict between sources is not resolved silently\n"
    )


def sdf_role(**changes: object) -> Role:
    base = Role(id="customrole_a", scriptid="customrole_a", name="A", path="a.xml", line=1)
    return msgspec.structs.replace(base, **changes)


def test_two_sdf_projects_with_the_same_role_agree_or_conflict():
    same = merge_snapshots(
        [("one", Snapshot(roles=(sdf_role(),))), ("two", Snapshot(roles=(sdf_role(line=9),)))]
    )
    assert len(same.roles) == 1  # identical but for where: kept once, first location
    assert same.roles[0].line == 1
    with pytest.raises(SourceError) as caught:
        merge_snapshots(
            [
                ("one", Snapshot(roles=(sdf_role(),))),
                ("two", Snapshot(roles=(sdf_role(web_services_only=True),))),
            ]
        )
    assert "defined differently by one and two: web_services_only False vs True" in str(
        caught.value
    )


def test_two_accounts_are_a_conflict():
    from suitelint.model import Account

    with pytest.raises(SourceError, match="sources describe different accounts"):
        merge_snapshots(
            [
                ("a.json", Snapshot(account=Account(id="1"), roles=(sdf_role(),))),
                ("b.json", Snapshot(account=Account(id="2"))),
            ]
        )
