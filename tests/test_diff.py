"""``diff``: permission changes per role, and their consequences per token and integration,
with the capabilities gained or lost. Exit 1 when anything escalated."""

from __future__ import annotations

import copy

import pytest

from conftest import FIXTURES, make_snapshot
from suitelint.catalog import load_catalog
from suitelint.diff import diff_snapshots
from suitelint.model import Level
from suitelint.report.diff import render_markdown, render_text

ACCOUNT: dict[str, object] = {
    "account": {"id": "1234567", "environment": "production"},
    "roles": [
        {
            "id": "1020",
            "scriptid": "customrole_sync",
            "name": "Sync",
            "web_services_only": True,
            "permissions": [
                {"permkey": "TRAN_SALESORD", "level": "EDIT"},
                {"permkey": "LIST_CUSTJOB", "level": "VIEW"},
                {"permkey": "TRAN_JOURNAL", "level": "CREATE"},
            ],
        },
        {"id": "1021", "scriptid": "customrole_idle", "name": "Idle"},
    ],
    "users": [{"id": "7", "name": "Sync User", "roles": ["1020"]}],
    "integrations": [{"id": "101", "name": "Invoice Sync", "auth_flows": ["tba"]}],
    "tokens": [
        {"id": "T-1", "name": "Sync token", "user": "7", "role": "1020", "integration": "101"}
    ],
}


def changed(edit):  # type: ignore[no-untyped-def]
    data = copy.deepcopy(ACCOUNT)
    edit(data)
    return make_snapshot(data)


def perms(data):  # type: ignore[no-untyped-def]
    return data["roles"][0]["permissions"]


def compare(edit):  # type: ignore[no-untyped-def]
    return diff_snapshots(make_snapshot(ACCOUNT), changed(edit), load_catalog())


def test_nothing_changed_is_an_empty_diff():
    result = compare(lambda d: None)
    assert result.subjects == ()
    assert not result.escalated


def test_a_raised_permission_reaches_the_role_its_token_and_its_integration():
    def raise_sales(data):  # type: ignore[no-untyped-def]
        perms(data)[0]["level"] = "FULL"

    result = compare(raise_sales)
    assert [(s.kind, s.ref) for s in result.subjects] == [
        ("role", "customrole_sync"),
        ("token", "T-1"),
        ("integration", "101"),
    ]
    for subject in result.subjects:
        (change,) = subject.permissions
        assert (change.permkey, change.kind, change.old, change.new) == (
            "TRAN_SALESORD",
            "raised",
            Level.EDIT,
            Level.FULL,
        )
        assert change.gained == {"delete-records"}
    assert result.subjects[1].via == "user 'Sync User' in role 'Sync'"
    assert result.escalated
    assert result.capabilities() == {
        "delete-records": (
            "integration 'Invoice Sync' [101]",
            "role 'Sync' [customrole_sync]",
            "token 'Sync token' [T-1]",
        )
    }


@pytest.mark.parametrize(
    ("edit", "kind", "escalation"),
    [
        (lambda d: perms(d).append({"permkey": "LIST_VENDOR", "level": "VIEW"}), "added", True),
        (lambda d: perms(d).pop(1), "removed", False),
        (lambda d: perms(d)[0].update(level="VIEW"), "lowered", False),
        (lambda d: perms(d)[1].update(level="EDIT"), "raised", True),
    ],
    ids=["added", "removed", "lowered", "raised"],
)
def test_each_kind_of_permission_change(edit, kind, escalation):
    role = compare(edit).by_kind("role")[0]
    (change,) = role.permissions
    assert change.kind == kind
    assert change.escalation is escalation
    assert role.escalated is escalation


def test_a_global_permission_reaches_the_token_but_not_the_role():
    def grant(data):  # type: ignore[no-untyped-def]
        data["users"][0]["global_permissions"] = [{"permkey": "TRAN_JOURNAL", "level": "FULL"}]

    result = compare(grant)
    assert [s.kind for s in result.subjects] == ["token", "integration"]
    (change,) = result.by_kind("token")[0].permissions
    assert (change.permkey, change.old, change.new) == ("TRAN_JOURNAL", Level.CREATE, Level.FULL)
    assert change.gained == {"delete-records"}


def test_a_token_moved_to_administrator_gains_every_permission():
    def promote(data):  # type: ignore[no-untyped-def]
        data["tokens"][0]["role"] = "3"  # Administrator: known without being listed

    token = compare(promote).by_kind("token")[0]
    every = next(p for p in token.permissions if p.permkey == "*")
    assert (every.name, every.kind, every.new) == ("every permission", "added", Level.FULL)
    assert "delete-records" in token.gained
    assert [(a.name, a.old, a.new) for a in token.attributes] == [("role", "Sync", "Administrator")]
    assert token.escalated


@pytest.mark.parametrize(
    ("field", "value", "escalation"),
    [
        ("web_services_only", False, True),
        ("core_admin", True, True),
        ("inactive", True, False),
        ("subsidiary_option", "OWN", False),
    ],
)
def test_role_attribute_changes_say_whether_they_loosen_access(field, value, escalation):
    def edit(data):  # type: ignore[no-untyped-def]
        data["roles"][0][field] = value

    role = compare(edit).by_kind("role")[0]
    attribute = role.attributes[0]
    assert attribute.escalation is escalation
    assert role.escalated is (escalation or any(p.escalation for p in role.permissions))


def test_core_admin_also_shows_as_the_permission_it_grants():
    role = compare(lambda d: d["roles"][0].update(core_admin=True)).by_kind("role")[0]
    assert [(p.permkey, p.kind) for p in role.permissions] == [("ADMI_KERNEL", "added")]
    assert "manage-roles-and-permissions" in role.gained


def test_added_and_removed_roles():
    def swap(data):  # type: ignore[no-untyped-def]
        data["roles"][1] = {
            "id": "1022",
            "scriptid": "customrole_new",
            "name": "New",
            "permissions": [{"permkey": "LIST_VENDOR", "level": "FULL"}],
        }

    result = compare(swap)
    statuses = {s.ref: s.status for s in result.by_kind("role")}
    assert statuses == {"customrole_idle": "removed", "customrole_new": "added"}
    assert result.escalated  # a new role with permissions grants them to whoever gets it


def test_text_and_markdown_are_deterministic_and_escape_names():
    def edit(data):  # type: ignore[no-untyped-def]
        data["roles"][0]["name"] = "Sync | <b>bold</b>"
        perms(data)[0]["level"] = "FULL"

    result = compare(edit)
    markdown = render_markdown(result)
    assert markdown == render_markdown(compare(edit))
    assert "Sync &#124; &#60;b&#62;bold&#60;/b&#62;" in markdown
    assert "<b>" not in markdown
    assert render_text(result) == render_text(compare(edit))


def test_diff_with_the_account_shows_the_consequences_for_tokens(run_cli, tmp_path):
    """An SDF change compared with --with account.json: the token using the role gains."""
    project = FIXTURES / "sdf" / "project"
    changed_project = tmp_path / "project"
    objects = changed_project / "src" / "Objects"
    objects.mkdir(parents=True)
    for file in (project / "src" / "Objects").iterdir():
        text = file.read_text()
        if file.name == "customrole_invoice_sync.xml":
            text = text.replace(
                "<permkey>TRAN_SALESORD</permkey>\n      <permlevel>EDIT",
                "<permkey>TRAN_SALESORD</permkey>\n      <permlevel>FULL",
            )
        (objects / file.name).write_text(text)
    account = FIXTURES / "sdf" / "combine" / "account.json"
    result = run_cli("diff", project, changed_project, "--with", account, "--color", "never")
    assert result.exit_code == 1, result
    heads = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert heads[1:4] == [
        f"role 'Invoice Sync' [customrole_invoice_sync] (changed)  "
        f"{objects / 'customrole_invoice_sync.xml'}:1",
        "token 'Invoice Sync (production)' [T-1] (changed) via user 'Invoice Sync User' in "
        "role 'Invoice Sync'",
        f"integration 'Invoice Sync' [custinteg_invoice_sync] (changed) via role 'Invoice Sync'  "
        f"{objects / 'custinteg_invoice_sync.xml'}:1",
    ]
    assert (
        "gains delete-records: integration 'Invoice Sync' [custinteg_invoice_sync], "
        "role 'Invoice Sync' [customrole_invoice_sync], token 'Invoice Sync (production)' [T-1]"
    ) in result.stdout


def test_diff_errors_are_exit_2(run_cli, tmp_path):
    result = run_cli("diff", tmp_path / "missing.json", FIXTURES / "sdf" / "project")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


@pytest.mark.parametrize(
    ("before", "after", "escalation"),
    [
        ({"subsidiary_option": "OWN"}, {"subsidiary_option": "ALL"}, True),
        ({"subsidiary_option": "SELECTED"}, {"subsidiary_option": "OWNANDCHILDREN"}, True),
        ({"subsidiary_option": "ALL"}, {"subsidiary_option": "OWN"}, False),
        ({"employee_restriction": "OWNONLY"}, {"employee_restriction": "NONE"}, True),
        ({}, {"employee_restriction": "UNASSIGNED"}, False),
    ],
)
def test_a_lifted_subsidiary_or_employee_restriction_widens_access(before, after, escalation):
    """OWN → ALL, or to a value suitelint does not know (never a restriction), widens."""

    def edit(data):  # type: ignore[no-untyped-def]
        data["roles"][0].update(after)

    def start(data):  # type: ignore[no-untyped-def]
        data["roles"][0].update(before)

    result = diff_snapshots(changed(start), changed(lambda d: (start(d), edit(d))), load_catalog())
    (attribute,) = result.by_kind("role")[0].attributes
    assert attribute.escalation is escalation
