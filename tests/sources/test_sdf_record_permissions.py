"""A custom record type's own permission list grants roles access too (Oracle
section_N2879388: with Access Type "Use Permission List" the roles of the type's
Permissions subtab can use it; SDF writes them as ``<permittedrole>`` rows,
SDFxml_2290236535), and a custom transaction type's list is how roles get it: a role
holds what either side gives, and a finding on such a row points at the record's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitelint.errors import SourceError
from suitelint.sources.sdf import read_sdf

ROLE = """<role scriptid="customrole_sync">
  <name>Sync</name>
  <permissions>
    <permission>
      <permkey>[scriptid=customrecord_ledger]</permkey>
      <permlevel>VIEW</permlevel>
    </permission>
  </permissions>
</role>
"""


def record(access: str, rows: str, tag: str = "customrecordtype") -> str:
    name = "recordname" if tag == "customrecordtype" else "name"
    scriptid = "customrecord_ledger" if tag == "customrecordtype" else "customtransaction_fx"
    return (
        f'<{tag} scriptid="{scriptid}">\n  <{name}>Ledger</{name}>\n'
        + (f"  <accesstype>{access}</accesstype>\n" if access else "")
        + f"  <permissions>\n{rows}  </permissions>\n</{tag}>\n"
    )


def row(role: str, level: str, extra: str = "") -> str:
    return (
        "    <permission>\n"
        f"      <permittedrole>{role}</permittedrole>\n"
        f"      <permittedlevel>{level}</permittedlevel>\n{extra}"
        "    </permission>\n"
    )


def project(tmp_path: Path, **files: str) -> Path:
    objects = tmp_path / "src" / "Objects"
    objects.mkdir(parents=True)
    (objects / "customrole_sync.xml").write_text(ROLE)
    for name, text in files.items():
        (objects / f"{name}.xml").write_text(text)
    return tmp_path


def rows_of(path: Path) -> list[tuple[str, str, str | None, int | None]]:
    (role,) = read_sdf(path).snapshot.roles
    return [(p.permkey, p.level, p.path and Path(p.path).name, p.line) for p in role.permissions]


def test_a_permission_list_row_above_the_roles_own_is_held_and_placed_in_the_record(
    tmp_path: Path,
):
    rows = row("[scriptid=customrole_sync]", "FULL", "      <restriction>EDIT</restriction>\n")
    path = project(tmp_path, customrecord_ledger=record("USEPERMISSIONLIST", rows))
    assert rows_of(path) == [
        ("customrecord_ledger", "VIEW", None, 5),  # the role's own row, in its own file
        ("customrecord_ledger", "FULL", "customrecord_ledger.xml", 6),  # <permittedrole>
    ]
    (role,) = read_sdf(path).snapshot.roles
    assert role.permissions[1].restriction == "EDIT"


def test_a_row_the_role_already_holds_as_high_is_not_added_again(tmp_path: Path):
    rows = row("[scriptid=CUSTOMROLE_SYNC]", "VIEW")  # scriptids compare case-insensitively
    path = project(tmp_path, customrecord_ledger=record("USEPERMISSIONLIST", rows))
    assert rows_of(path) == [("customrecord_ledger", "VIEW", None, 5)]


@pytest.mark.parametrize("access", ["CUSTRECORDENTRYPERM", "NONENEEDED", ""])
def test_other_access_types_take_the_roles_own_rows(tmp_path: Path, access: str):
    path = project(
        tmp_path,
        customrecord_ledger=record(access, row("[scriptid=customrole_sync]", "FULL")),
    )
    assert rows_of(path) == [("customrecord_ledger", "VIEW", None, 5)]


def test_standard_roles_other_apps_roles_roles_not_read_and_none_grant_nothing(tmp_path: Path):
    rows = (
        row("ADMINISTRATOR", "FULL")
        + row("[appid=com.other.app, scriptid=customrole_sync]", "FULL")
        + row("[scriptid=customrole_elsewhere]", "FULL")
        + row("[scriptid=customrole_sync]", "NONE")
    )
    path = project(tmp_path, customrecord_ledger=record("USEPERMISSIONLIST", rows))
    assert rows_of(path) == [("customrecord_ledger", "VIEW", None, 5)]


def test_a_custom_transaction_types_list_always_grants(tmp_path: Path):
    path = project(
        tmp_path,
        customtransaction_fx=record(
            "", row("[scriptid=customrole_sync]", "EDIT"), tag="customtransactiontype"
        ),
    )
    assert ("customtransaction_fx", "EDIT", "customtransaction_fx.xml", 5) in rows_of(path)


def test_a_broken_permission_list_row_is_a_located_error(tmp_path: Path):
    rows = row("[scriptid=customrole_sync]", "ALL") + row(
        "[scriptid=customrole_sync]", "VIEW", "      <restriction>SOME</restriction>\n"
    )
    path = project(tmp_path, customrecord_ledger=record("USEPERMISSIONLIST", rows))
    with pytest.raises(SourceError) as raised:
        read_sdf(path)
    assert [(Path(p.path).name, p.line) for p in raised.value.problems] == [
        ("customrecord_ledger.xml", 7),
        ("customrecord_ledger.xml", 12),
    ]


def test_a_finding_on_a_granted_row_points_at_the_permission_list(tmp_path: Path, run_cli):
    path = project(
        tmp_path,
        customrecord_ledger=record("USEPERMISSIONLIST", row("[scriptid=customrole_sync]", "FULL")),
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "suitelint: 1\nrules:\n  - id: no-ledger-delete\n    title: t\n    severity: error\n"
        "    applies_to: roles\n    forbid:\n      permissions:\n"
        "        - {permission: customrecord_ledger, level: full}\n"
    )
    result = run_cli("check", path, "--policy", policy, "--as-of", "2026-11-25")
    assert result.exit_code == 1, result
    record_file = path / "src" / "Objects" / "customrecord_ledger.xml"
    assert f"{record_file}:6: error no-ledger-delete role 'Sync' holds Ledger" in result.stdout
