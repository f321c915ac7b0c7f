"""The export against a NetSuite that answers what no source confirmed: unverified
columns and values decode tolerantly (a warning naming the column and the value, the
field left unknown), nulls in any row are handled, an overall --deadline bounds the run,
and --probe says what the credentials can see without writing anything."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from netsuite.conftest import tba_env
from netsuite.fakeserver import FakeNetSuite, Fault
from suitelint.errors import SourceError
from suitelint.netsuite.run import ExportRequest, run_export
from suitelint.sources.snapshot import load_snapshot


def export(server: FakeNetSuite, out: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    request = ExportRequest(account="1234567", output=out, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]
    return run_export(request, tba_env())


def test_unexpected_values_in_unverified_columns_are_warnings_not_failures(
    server: FakeNetSuite, tmp_path: Path
) -> None:
    roles = server.tables.roles
    roles[0]["tfarequired"] = "SMS"
    roles[1]["tfarequired"] = "OFF"
    roles[0]["iswebserviceonlyrole"] = "maybe"
    for row in server.tables.integrations:
        row["state"] = "INTEGRATION_STATE_PENDING"
    out = tmp_path / "snapshot.json"
    result = export(server, out)
    notes = "\n".join(result.notes)
    assert "column tfarequired has the unexpected value 'SMS'" in notes
    assert "'OFF'" not in notes  # OFF means off
    assert "column iswebserviceonlyrole has the unexpected value 'maybe'" in notes
    assert "column state has the unexpected value 'INTEGRATION_STATE_PENDING'" in notes
    first = next(r for r in result.snapshot.roles if r.id == roles[0]["id"])
    assert first.two_factor_required is False and first.web_services_only is False
    assert load_snapshot(out).snapshot.roles  # the snapshot was written


def test_raw_state_keys_are_read(server: FakeNetSuite, tmp_path: Path) -> None:
    server.tables.integrations[0]["state"] = "BLOCKED"
    result = export(server, tmp_path / "s.json")
    integration = next(
        i for i in result.snapshot.integrations if i.id == server.tables.integrations[0]["id"]
    )
    assert integration.state == "blocked"
    assert not any("column state" in n for n in result.notes)


def test_employeeempperms_with_columns_of_other_names_is_a_warning(
    server: FakeNetSuite, tmp_path: Path
) -> None:
    server.tables.global_perms[:] = [{"emp": "7", "key": "TRAN_JOURNAL", "lvl": "3"}]
    result = export(server, tmp_path / "s.json")
    assert any("employeeempperms: cannot tell which column" in n for n in result.notes)
    assert all(not u.global_permissions for u in result.snapshot.users)


def test_an_unreadable_global_level_leaves_that_permission_out_with_a_warning(
    server: FakeNetSuite, tmp_path: Path
) -> None:
    server.tables.global_perms[:] = [
        {"employee": "7", "permkey": "TRAN_JOURNAL", "permlevel": "3"},
        {"employee": "7", "permkey": "LIST_VENDOR", "permlevel": "SUPER"},
    ]
    result = export(server, tmp_path / "s.json")
    (user,) = [u for u in result.snapshot.users if u.id == "7"]
    assert [(p.permkey, p.level) for p in user.global_permissions] == [("TRAN_JOURNAL", "EDIT")]
    assert any("column permlevel has the unexpected value 'SUPER'" in n for n in result.notes)


def test_a_null_in_a_later_row_is_handled(server: FakeNetSuite, tmp_path: Path) -> None:
    del server.tables.roles[-1]["name"]  # NetSuite leaves null columns out of an item
    del server.tables.employees[-1]["email"]
    last_token = server.tables.tokens[-1]
    last_token.pop("name", None)
    last_token.pop("created", None)
    result = export(server, tmp_path / "s.json")
    role = next(r for r in result.snapshot.roles if r.id == server.tables.roles[-1]["id"])
    assert role.name == role.id


def test_a_null_required_id_in_a_later_row_is_a_clear_error(
    server: FakeNetSuite, tmp_path: Path
) -> None:
    del server.tables.tokens[-1]["entity"]
    with pytest.raises(SourceError, match="entity: empty internal id"):
        export(server, tmp_path / "s.json")


def test_the_deadline_bounds_the_whole_export(server: FakeNetSuite, tmp_path: Path) -> None:
    server.inject(*[Fault("slow", delay=0.6) for _ in range(200)])
    out = tmp_path / "s.json"
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"--deadline 1"):
        export(server, out, deadline=1.0, timeout=30.0)
    assert time.monotonic() - started < 5
    assert not out.exists()


def test_probe_prints_what_it_can_and_cannot_see_and_writes_nothing(
    account,
    tmp_path: Path,
    run_cli,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from netsuite.conftest import TBA

    for name, value in tba_env().items():
        monkeypatch.setenv(name, value)
    with FakeNetSuite(account, tba=TBA, missing_tables=("loginaudit",)) as server:
        result = run_cli("export", "--probe", "--account", "1234567", "--base-url", server.base_url)
    assert result.exit_code == 0, result
    out = result.stdout
    assert "credentials: accepted" in out
    assert "roles (role): readable" in out
    assert "iswebserviceonlyrole" in out
    assert "last use (loginaudit): not available" in out
    assert list(tmp_path.iterdir()) == []


def test_probe_with_wrong_credentials_fails(
    account,
    run_cli,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from netsuite.conftest import TBA

    env = tba_env()
    env["SUITELINT_TOKEN_SECRET"] = "wrong"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with FakeNetSuite(account, tba=TBA) as server:
        result = run_cli("export", "--probe", "--account", "1234567", "--base-url", server.base_url)
    assert result.exit_code == 2
    assert "credentials" in result.stdout + result.stderr


def test_role_restrictions_are_exported_in_sdf_values_and_unknown_ones_kept(
    server: FakeNetSuite, tmp_path: Path
) -> None:
    """subsidiaryoption as SDF writes it or as the role page labels it; employeerestriction
    when the account returns the column; a value suitelint does not know is kept and named
    in a warning (never an error, never a restriction)."""
    roles = server.tables.roles
    roles[0]["subsidiaryoption"] = "User Subsidiary"
    roles[0]["employeerestriction"] = "ownonly"
    roles[1]["subsidiaryoption"] = "OWN_AND_CHILDREN"
    roles[2]["subsidiaryoption"] = "SELECTED"  # no effectivesubsidiaries: a note
    roles[3]["subsidiaryoption"] = "SELECTED"
    roles[3]["effectivesubsidiaries"] = "3, 1,3"  # ids, comma-separated
    result = export(server, tmp_path / "s.json")
    by_id = {r.id: r for r in result.snapshot.roles}
    first, second = by_id[roles[0]["id"]], by_id[roles[1]["id"]]
    assert (first.subsidiary_option, first.employee_restriction) == ("OWN", "OWNONLY")
    assert second.subsidiary_option == "OWN_AND_CHILDREN"
    notes = "\n".join(result.notes)
    assert (
        f"column subsidiaryoption has the unexpected value 'OWN_AND_CHILDREN' (role {second.id}); "
        "kept as written and treated as no restriction" in notes
    )
    assert f"roles {roles[2]['id']} reach SELECTED subsidiaries, but NetSuite returned no " in notes
    assert by_id[roles[3]["id"]].subsidiaries == ("1", "3")
    assert "department, class and location restrictions of roles are not exported" in notes
    written = load_snapshot(tmp_path / "s.json").snapshot
    assert {r.id: r.subsidiary_option for r in written.roles}[second.id] == "OWN_AND_CHILDREN"
