"""CSV exactly as NetSuite writes it: the seed account exported from the UI, month-first
and day-first, with every documented optional column; exports combined with each other
and with a snapshot; every problem at its file and line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from suitelint.catalog import load_catalog
from suitelint.errors import SourceError
from suitelint.findings import Location
from suitelint.sources import load_sources
from suitelint.sources.csv import read_csv_export, read_csv_exports

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = (
    "roles.csv",
    "employees.csv",
    "integrations.csv",
    "access-tokens.csv",
    "m2m-mappings.csv",
    "login-audit.csv",
)


def seed(order: str, *names: str) -> list[str]:
    return [str(CSV / f"seed-{order}" / name) for name in (names or FILES)]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("order", ["mdy", "dmy"])
def test_the_seed_account_as_netsuite_exports_it_loads_without_editing(order: str) -> None:
    loaded = load_sources(seed(order), load_catalog())
    snap = loaded.snapshot
    tokens = {t.name: t for t in snap.tokens}
    # the one-row M2M list dated 6/1/2026 (or 1/6/2026) takes the run's order
    m2m = tokens["Shopify Connector (Zq3Lh0certA1)"]
    assert m2m.created == dt.date(2026, 6, 1) and m2m.type == "client_credentials"
    # token list and role search join by name although the roles carry internal ids
    assert (m2m.user, m2m.role, m2m.integration) == ("8", "1010", "102")
    nightly = tokens["Data Warehouse nightly"]
    assert (nightly.user, nightly.role, nightly.created) == ("9", "1012", dt.date(2023, 2, 11))
    # last use from the login audit: the latest success, not the later failure
    assert nightly.last_used == dt.date(2024, 5, 2)
    assert tokens["CloudExtend (Casey)"].last_used == dt.date(2026, 11, 18)
    assert snap.login_audit is True
    users = {u.name: u for u in snap.users}
    assert users["Dana Former"].inactive and users["Dana Former"].roles == ("1012",)
    integrations = {i.name: i for i in snap.integrations}
    # the token list's application and the Manage Integrations list are one integration
    assert integrations["Invoice Sync"].application_id == "9A1C7E52-0B7D-4E35-9F43-0D6D0C6D1A01"
    assert integrations["Shopify Connector"].auth_flows == ("client_credentials",)
    roles = {r.name: r for r in snap.roles}
    assert roles["Shopify Connector"].web_services_only
    assert loaded.notes == ()


def test_check_finds_the_departed_users_token_and_judges_idle_tokens(run_cli) -> None:  # type: ignore[no-untyped-def]
    policy = str(EXAMPLES / "policies.yaml")
    result = run_cli(
        "check", *seed("mdy"), "-p", "builtin:baseline", "-p", policy, "--as-of", "2026-11-25"
    )
    out = result.stdout
    tokens = seed("mdy", "access-tokens.csv")[0]
    assert f"{tokens}:3: warning token-user-active token 'Data Warehouse nightly'" in out
    assert (
        f"{tokens}:3: warning idle-tokens-disabled token 'Data Warehouse nightly' was last used 2024-05-02"
        in out
    )
    assert "no recorded use" not in out and "no-login-data" not in out
    # every finding on a CSV row names its file and line, standard roles included (at the
    # first row that uses them)
    csv_findings = [line for line in out.splitlines() if re.match(r"^\S+\.csv", line)]
    assert len(csv_findings) > 20
    for line in csv_findings:
        assert re.match(r"^\S+\.csv:\d+: ", line), line


def test_without_the_login_audit_last_use_is_unknown_once_per_rule(run_cli) -> None:  # type: ignore[no-untyped-def]
    policy = str(EXAMPLES / "policies.yaml")
    sources = seed("dmy", *FILES[:-1])
    result = run_cli("check", *sources, "-p", policy, "--as-of", "2026-11-25")
    out = result.stdout
    assert out.count("last use unknown: no login audit in the sources") == 1
    assert "no recorded use" not in out
    # the token list alone cannot tell the order: --date-format settles it
    assert "--date-format" in result.stderr
    fixed = run_cli(
        "check", *sources, "-p", policy, "--as-of", "2026-11-25", "--date-format", "D/M/YYYY"
    )
    assert "--date-format" not in fixed.stderr
    assert "'Invoice Sync (production)' was created 2025-03-01" in fixed.stdout
    assert "'Invoice Sync (production)' was created 2025-01-03" in out


def test_token_and_m2m_lists_combine_with_a_json_snapshot() -> None:
    sources = [str(EXAMPLES / "account.json"), *seed("mdy", "m2m-mappings.csv", "login-audit.csv")]
    snap = load_sources(sources, load_catalog()).snapshot
    m2m = next(t for t in snap.tokens if t.id == "m2m:Zq3Lh0certA1")
    assert (m2m.user, m2m.role, m2m.integration) == ("8", "1010", "102")
    nightly = next(t for t in snap.tokens if t.id == "T-103")
    assert nightly.last_used == dt.date(2024, 5, 2)


def test_the_token_list_and_the_integrations_list_do_not_conflict(tmp_path: Path) -> None:
    files = seed("mdy", "roles.csv", "integrations.csv", "access-tokens.csv", "employees.csv")
    snap = load_sources(files, load_catalog()).snapshot
    assert [i.name for i in snap.integrations].count("Invoice Sync") == 1


def test_web_services_only_role_column_is_accepted_in_every_spelling(tmp_path: Path) -> None:
    for header in ("Web Services Only Role", "WEB SERVICES ONLY ROLE?", "Web Services Only"):
        path = write(tmp_path, "r.csv", f"Name,Permission,Level,{header}\nSync,Bills,View,Yes\n")
        (role,) = read_csv_export(Path(path)).snapshot.roles
        assert role.web_services_only


def test_netsuite_file_shapes_bom_crlf_quotes_titles_blank_lines_and_totals(
    tmp_path: Path,
) -> None:
    path = tmp_path / "roles.csv"
    path.write_bytes(
        b'\xef\xbb\xbf"Role Search"\r\n\r\n"Name","Permission","Level"\r\n'
        b'"AP Clerk","Bills","Edit"\r\n"Total","1",""\r\n\r\n\r\n'
    )
    (role,) = read_csv_export(path).snapshot.roles
    assert [(p.permkey, p.line) for p in role.permissions] == [("TRAN_VENDBILL", 4)]


def test_login_audit_without_token_names_tells_nothing_and_says_so(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "audit.csv",
        "Date,User,Role,IP Address,Status\n11/19/2026 8:01 am,A,B,1.2.3.4,Success\n",
    )
    export = read_csv_export(Path(path))
    assert export.kind == "login-audit" and not export.names_tokens
    assert "Token-based Access Token Name" in export.notes[0]


def test_employees_list_gives_users_roles_and_global_permissions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "employees.csv",
        "Name,Email,Give Access,Inactive,Role,Global Permission,Global Permission Level\n"
        "Alex,alex@example.com,Yes,No,AP Clerk,Make Journal Entry,Edit\n"
        "Alex,alex@example.com,Yes,No,Accountant,,\n"
        "Robin,robin@example.com,No,No,AP Clerk,,\n",
    )
    users = {u.name: u for u in read_csv_export(Path(path)).snapshot.users}
    assert users["Alex"].roles == ("AP Clerk", "Accountant")
    assert [(p.permkey, p.level) for p in users["Alex"].global_permissions] == [
        ("TRAN_JOURNAL", "EDIT")
    ]
    assert users["Robin"].roles == ()  # no login access: logs in with no role


def test_a_cell_listing_several_roles_names_each(tmp_path: Path) -> None:
    roles = write(
        tmp_path, "roles.csv", "Name,Permission,Level\nSales,Items,View\nWest,Items,View\n"
    )
    employees = write(
        tmp_path,
        "employees.csv",
        'Name,Email,Login Access,Inactive,Role\nPat,pat@example.com,Yes,No,"Sales, West"\n',
    )
    (user,) = load_sources([roles, employees], load_catalog()).snapshot.users
    assert user.roles == ("Sales", "West")


def test_a_cell_of_roles_that_reads_more_than_one_way_is_an_error(tmp_path: Path) -> None:
    # "Sales, West" is a role, and so are Sales and West: the cell may mean either
    roles = write(
        tmp_path,
        "roles.csv",
        'Name,Permission,Level\n"Sales, West",Items,Full\nSales,Items,View\nWest,Items,View\n',
    )
    employees = write(
        tmp_path,
        "employees.csv",
        "Name,Email,Login Access,Inactive,Role\n"
        'Pat,pat@example.com,Yes,No,"Sales, West"\n'  # the whole cell is one role: no doubt
        'Lee,lee@example.com,Yes,No,"Sales, West, Sales"\n',
    )
    with pytest.raises(SourceError) as caught:
        load_sources([roles, employees], load_catalog())
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == (employees, 3)
    assert "roles 'Sales, West, Sales' read more than one way: 'Sales, West' is a role" in (
        problem.message
    )


def test_every_problem_of_every_file_is_reported_at_once_with_file_and_line(
    tmp_path: Path,
) -> None:
    roles = write(tmp_path, "roles.csv", "Name,Permission,Level\nA,Bills,Mighty\nB,Bills,\n")
    tokens = write(
        tmp_path, "tokens.csv", "Token Name,Application,User,Role,Created\nT,App,U,A,31/31/2025\n"
    )
    with pytest.raises(SourceError) as caught:
        read_csv_exports([Path(roles), Path(tokens)])
    where = [(p.path, p.line) for p in caught.value.problems]
    assert where == [(roles, 2), (roles, 3), (tokens, 2)]


def test_a_name_no_source_has_is_an_error_at_its_row(tmp_path: Path) -> None:
    roles = write(tmp_path, "roles.csv", "Name,Permission,Level\nA,Bills,View\n")
    tokens = write(tmp_path, "tokens.csv", "Token Name,Application,User,Role\nT,App,U,Nope\n")
    with pytest.raises(SourceError, match=r"tokens.csv:2: role 'Nope' is not among the roles"):
        load_sources([roles, tokens], load_catalog())


def test_a_departed_user_missing_from_the_employees_export_is_an_error(tmp_path: Path) -> None:
    files = seed("mdy", "roles.csv", "access-tokens.csv")
    active_only = write(
        tmp_path,
        "employees.csv",
        "Internal ID,Name,Email,Login Access,Inactive,Role\n"
        "7,Integration Admin,i@example.com,Yes,No,Administrator\n"
        "11,Casey Sales,c@example.com,Yes,No,CloudExtend Excel User\n",
    )
    with pytest.raises(
        SourceError, match=r"access-tokens.csv:3: user 'Dana Former' .*Show Inactives"
    ):
        load_sources([*files, active_only], load_catalog(), date_format="M/D/YYYY")


def test_a_conflict_with_a_snapshot_names_the_csv_file_and_line(tmp_path: Path) -> None:
    employees = write(
        tmp_path,
        "employees.csv",
        "Name,Email,Login Access,Inactive,Role\n"
        "Casey Sales,casey@example.com,Yes,Yes,CloudExtend Excel User\n",
    )
    with pytest.raises(SourceError) as caught:
        load_sources([str(EXAMPLES / "account.json"), employees], load_catalog())
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == (employees, 2)
    assert "user 'Casey Sales' is described differently" in problem.message


def test_export_csv_resolves_against_the_account_and_keeps_the_warnings() -> None:
    from suitelint.sources.csv import into_account, read_csv_exports
    from suitelint.sources.snapshot import load_snapshot

    account = load_snapshot(EXAMPLES / "account.json").snapshot
    files = [Path(p) for p in seed("mdy", "m2m-mappings.csv", "login-audit.csv")]
    parts = [(e.path, e) for e in read_csv_exports(files)]
    merged, notes = into_account(account, parts)
    assert any(t.id == "m2m:Zq3Lh0certA1" for t in merged.tokens)
    assert merged.login_audit is True and notes == ()


def test_without_employees_a_token_users_status_is_unknown_not_active(run_cli) -> None:  # type: ignore[no-untyped-def]
    sources = seed("mdy", "roles.csv", "access-tokens.csv", "login-audit.csv")
    result = run_cli("check", *sources, "--as-of", "2026-11-25")
    out = result.stdout
    # the departed user's token is neither passed nor flagged: the rule says it cannot tell
    assert out.count("suitelint/no-user-data") == 1
    assert "whether 3 token user(s) are active is unknown" in out
    assert "token-user-active" not in out.replace("rule 'token-user-active'", "")
    assert "0 users" in out  # names from the token list are not users checked
    assert "no Employees export among the sources" in result.stderr


def test_a_role_search_conflicting_with_a_snapshot_names_its_row(tmp_path: Path) -> None:
    roles = write(
        tmp_path,
        "roles.csv",
        "Internal ID,Name,Permission,Level\n1013,AP Clerk (custom),Vendors,Full\n",
    )
    with pytest.raises(SourceError) as caught:
        load_sources([str(EXAMPLES / "account.json"), roles], load_catalog())
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == (roles, 2)
    assert "defined differently" in problem.message


def test_a_role_search_carries_subsidiary_and_employee_restrictions(tmp_path: Path) -> None:
    """The role page's labels (All / Active / User Subsidiary / Selected; none - no default
    ... own and subordinates only) read as SDF values; a value suitelint does not know is
    kept as written (shown, never a restriction), not an error."""
    path = write(
        tmp_path,
        "r.csv",
        "Name,Permission,Level,Subsidiary Restrictions,Employee Restrictions\n"
        'AP Clerk,Bills,Edit,User Subsidiary,"own and subordinates only"\n'
        "Controller,Bills,Full,All,none -no default\n"
        'Regional,Bills,View,Own Region,"own, subordinate, and unassigned"\n',
    )
    roles = {r.name: r for r in read_csv_export(Path(path)).snapshot.roles}
    assert (roles["AP Clerk"].subsidiary_option, roles["AP Clerk"].employee_restriction) == (
        "OWN",
        "OWNONLY",
    )
    assert (roles["Controller"].subsidiary_option, roles["Controller"].employee_restriction) == (
        "ALL",
        "NONE",
    )
    assert roles["Regional"].subsidiary_option == "Own Region"
    assert roles["Regional"].employee_restriction == "UNASSIGNED"


def test_an_employees_export_adds_the_global_permissions_another_source_lacks(
    tmp_path: Path,
) -> None:
    # A snapshot lists the user without global permissions; the Employees export lists
    # one: dropping it would pass a user who can post journals as one who cannot
    snapshot = tmp_path / "account.json"
    snapshot.write_text(
        '{"roles": [{"id": "5", "name": "AP Clerk", "permissions": []}],'
        ' "users": [{"id": "7", "name": "Alex", "email": "alex@example.com", "roles": ["5"],'
        ' "global_permissions": [{"permkey": "LIST_EMPLOYEE", "level": "VIEW"}]}]}'
    )
    employees = write(
        tmp_path,
        "employees.csv",
        "Name,Email,Login Access,Inactive,Role,Global Permission,Global Permission Level\n"
        "Alex,alex@example.com,Yes,No,AP Clerk,Make Journal Entry,Edit\n"
        "Alex,alex@example.com,Yes,No,AP Clerk,Employees,View\n",
    )
    loaded = load_sources([snapshot, employees], load_catalog())
    (user,) = loaded.snapshot.users
    assert [(p.permkey, p.level) for p in user.global_permissions] == [
        ("LIST_EMPLOYEE", "VIEW"),
        ("TRAN_JOURNAL", "EDIT"),
    ]
    assert loaded.locate("users", "7", "TRAN_JOURNAL") == Location(str(employees), 2)
    # the permission both give is placed where the first source gave it
    place = loaded.locate("users", "7", "LIST_EMPLOYEE")
    assert place is not None and place.path == str(snapshot)


def test_a_global_permission_two_sources_give_at_different_levels_is_an_error(
    tmp_path: Path,
) -> None:
    snapshot = tmp_path / "account.json"
    snapshot.write_text(
        '{"roles": [{"id": "5", "name": "AP Clerk", "permissions": []}],'
        ' "users": [{"id": "7", "name": "Alex", "roles": ["5"],'
        ' "global_permissions": [{"permkey": "TRAN_JOURNAL", "level": "VIEW"}]}]}'
    )
    employees = write(
        tmp_path,
        "employees.csv",
        "Name,Login Access,Inactive,Role,Global Permission,Global Permission Level\n"
        "Alex,Yes,No,AP Clerk,Make Journal Entry,Full\n",
    )
    with pytest.raises(SourceError) as caught:
        load_sources([snapshot, employees], load_catalog())
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == (employees, 2)
    assert "TRAN_JOURNAL at FULL here and at VIEW in another source" in problem.message


@pytest.mark.parametrize("suffix", [".xls", ".XLSX", ".pdf"])
def test_an_excel_or_pdf_export_is_refused_with_how_to_export_csv(
    run_cli, tmp_path: Path, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    # NetSuite's list pages offer Export - CSV beside Export - Microsoft Excel and PDF
    sheet = tmp_path / f"Roles{suffix}"
    sheet.write_text('<?xml version="1.0"?><Workbook/>')
    result = run_cli("check", str(sheet))
    assert result.exit_code == 2
    assert f"{sheet}: source error: an export saved as {suffix}, which suitelint" in (result.stderr)
    assert "Export - CSV" in result.stderr
