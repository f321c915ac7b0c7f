"""NetSuite CSV exports as a source: headers matched loosely, content checked strictly."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitelint.errors import SourceError
from suitelint.model import Integration, Role, Snapshot, Token, User
from suitelint.sources.csv import load_csv, merge_into_account, read_csv_export

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "csv"


def write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- role permissions -------------------------------------------------------------------


def test_role_permission_search_with_internal_ids_and_a_bom() -> None:
    snapshot = load_csv(CSV / "role-permissions.csv")
    roles = {r.id: r for r in snapshot.roles}
    assert set(roles) == {"1010", "1012"}
    shopify = roles["1010"]
    assert shopify.name == "Shopify Connector"
    assert [(p.permkey, p.level) for p in shopify.permissions] == [
        ("ADMI_LOGIN_OAUTH", "FULL"),
        ("ADMI_RESTWEBSERVICES", "FULL"),
        ("LIST_CUSTJOB", "CREATE"),
        ("TRAN_SALESORD", "CREATE"),
    ]
    # names and permkeys both work; findings can point at the row
    journal = next(p for p in roles["1012"].permissions if p.permkey == "TRAN_JOURNAL")
    assert journal.line == 7 and roles["1012"].path == str(CSV / "role-permissions.csv")


def test_semicolons_and_windows_1252_are_read() -> None:
    snapshot = load_csv(CSV / "role-permissions-semicolon-cp1252.csv")
    (role,) = snapshot.roles
    assert role.id == role.name == "Café Sync"  # no Internal ID column: the name is the id
    assert {p.permkey: p.level for p in role.permissions} == {
        "ADMI_LOGIN_OAUTH": "FULL",
        "TRAN_SALESORD": "VIEW",
        "TRAN_JOURNAL": "EDIT",
    }


@pytest.mark.parametrize(
    "header",
    [
        "Name,Permission,Level",
        "NAME,PERMISSION,LEVEL",
        "Role Name,Permission Name,Access Level",
        "Role: ,Permission: ,Permission Level:",
    ],
)
def test_header_variants_are_accepted(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, f"{header}\nAP Clerk,Vendors,Create\n")
    (role,) = load_csv(path).roles
    assert role.permissions[0].permkey == "LIST_VENDOR"


def test_permission_names_as_netsuites_permission_worksheet_writes_them(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Name,Permission,Level\n"
        "Payroll,Payroll Hours & Earnings,View\n"
        "Payroll,Long Term Liability Registers,View\n"
        "Payroll,Web Site Report,View\n",
    )
    (role,) = load_csv(path).roles
    assert {p.permkey for p in role.permissions} == {
        "REPO_PAYROLLHOURSEARNING",
        "REGT_LONGTERMLIAB",
        "REPO_WEBSITE",
    }


def test_a_permission_the_catalog_does_not_know_is_kept_by_its_key_or_its_name(
    tmp_path: Path,
) -> None:
    # a newer release's permission, or one the catalog lacks (Oracle's worksheet names
    # "Bad Debt", with no key for it): valid data, reported by the engine as
    # suitelint/unknown-permission, never an input error
    path = write(
        tmp_path,
        "Name,Permission,Level\nAI,ADMI_AGENTICAI,Full\nAI,Bills,View\nAI,Bad  Debt,Edit\n",
    )
    (role,) = load_csv(path).roles
    assert {(p.permkey, p.level) for p in role.permissions} == {
        ("ADMI_AGENTICAI", "FULL"),
        ("TRAN_VENDBILL", "VIEW"),
        ("[name=Bad Debt]", "EDIT"),
    }


def test_a_malformed_row_is_an_error_with_file_and_line() -> None:
    with pytest.raises(SourceError) as caught:
        load_csv(CSV / "malformed-row.csv")
    assert str(caught.value) == (
        f"{CSV / 'malformed-row.csv'}:3: row has 4 fields; the header has 3"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (  # no NetSuite permission is named so (a control character)
            "AP Clerk,Vendors\x01,Create",
            "'Vendors\\x01' is no permission name (no NetSuite permission's name holds a "
            "bracket or a control character, or runs past 100 characters); did you mean "
            "'LIST_VENDOR (Vendors)'",
        ),
        (
            "AP Clerk,Vendors,Admin",
            "permission level 'Admin': expected None, View, Create, Edit or Full",
        ),
        ("AP Clerk,Vendors,", "empty level"),
        ('AP Clerk,"Vendors,Create', "malformed CSV"),
    ],
)
def test_bad_values_name_their_line(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, f"Name,Permission,Level\nAP Clerk,Bills,Edit\n{row}\n")
    with pytest.raises(SourceError, match=f"^{path}:3: ") as caught:
        load_csv(path)
    assert message in str(caught.value)


def test_conflicting_rows_for_one_role_fail(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Permission,Level\nAP,Bills,Edit\nAP,Bills,Full\n")
    with pytest.raises(SourceError, match=r":3: role 'AP' lists TRAN_VENDBILL twice"):
        load_csv(path)


@pytest.mark.parametrize(
    "header",
    [
        "Internal ID,Internal ID,Name,Permission,Level",  # before the columns that tell
        "Name,Permission,Level,Internal ID,Internal ID",
        "Internal ID,Name,Name,Permission,Level",
    ],
)
def test_a_heading_a_saved_search_repeats_is_read_when_its_values_agree(
    tmp_path: Path, header: str
) -> None:
    # A saved search may show one field twice, or a joined field under the same label
    # (real exports carry "Internal ID" twice): one column, when every row agrees.
    cells = {"Internal ID": "1010", "Name": "AP Clerk", "Permission": "Vendors", "Level": "Create"}
    row = ",".join(cells[h] for h in header.split(","))
    (role,) = load_csv(write(tmp_path, f"{header}\n{row}\n")).roles
    assert (role.id, role.name) == ("1010", "AP Clerk")
    assert [(p.permkey, p.level) for p in role.permissions] == [("LIST_VENDOR", "CREATE")]


def test_a_repeated_heading_whose_values_differ_is_an_error_on_each_such_row(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "Internal ID,Name,Permission,Level,Internal ID\n"
        "1010,AP Clerk,Vendors,Create,1010\n"
        "1010,AP Clerk,Bills,Edit,7\n"
        "1010,AP Clerk,Bills,Full,8\n",
    )
    with pytest.raises(SourceError) as caught:
        load_csv(path)
    message = str(caught.value)
    assert f"{path}:3: columns 1 and 5 are both headed 'Internal ID' and differ" in message
    assert "('1010' and '7')" in message and f"{path}:4: columns 1 and 5" in message
    assert ":2:" not in message  # the row that agrees is read


def test_an_unused_heading_may_repeat_with_any_values(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Permission,Level,Memo,Memo\nAP,Bills,View,a,b\n")
    (role,) = load_csv(path).roles
    assert role.permissions[0].permkey == "TRAN_VENDBILL"


def test_two_headings_meaning_one_column_name_both_even_before_the_telling_columns(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "Role,Role Name,Name,Permission,Level\nA,A,A,Bills,View\n")
    with pytest.raises(
        SourceError, match=r":1: two columns mean role name: 'Role' and 'Role Name'"
    ):
        load_csv(path)


@pytest.mark.parametrize(
    "text", ["", "\n\n", "Name,Permission,Level\n", "Colour,Flavour\nred,sweet\n"]
)
def test_empty_or_unknown_exports_fail(tmp_path: Path, text: str) -> None:
    with pytest.raises(SourceError):
        load_csv(write(tmp_path, text))


def test_unknown_layout_lists_the_headers_it_saw(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"from its headers \(Colour,Flavour\)"):
        load_csv(write(tmp_path, "Colour,Flavour\nred,sweet\n"))


def test_utf16_with_bom_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("Name\tPermission\tLevel\r\nAP\tBills\tView\r\n".encode("utf-16"))
    (role,) = load_csv(path).roles
    assert role.permissions[0].permkey == "TRAN_VENDBILL"


# --- access tokens, M2M mappings, integrations -------------------------------------------


def test_access_token_list() -> None:
    export = read_csv_export(CSV / "access-tokens.csv")
    assert export.kind == "access-tokens"
    tokens = {t.name: t for t in export.snapshot.tokens}
    prod = tokens["Invoice Sync (production)"]
    assert (prod.user, prod.role, prod.integration) == (
        "Integration Admin",
        "Administrator",
        "Invoice Sync",
    )
    # one day > 12 elsewhere in the file tells the order: day/month/year
    assert prod.created == dt.date(2025, 1, 3)
    assert tokens["Shopify nightly"].inactive
    assert export.lines == {"Invoice Sync (production)": 2, "Shopify nightly": 3}


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("1-Mar-2025", dt.date(2025, 3, 1)),
        ("01.03.2025", dt.date(2025, 3, 1)),
        ("3/13/2025 10:15 am", dt.date(2025, 3, 13)),
        ("13/3/2025", dt.date(2025, 3, 13)),
    ],
)
def test_created_dates_in_user_formats(tmp_path: Path, created: str, expected: dt.date) -> None:
    text = f"Token Name,Application,User,Role,Created\nT,App,U,R,{created}\n"
    (token,) = load_csv(write(tmp_path, text)).tokens
    assert token.created == expected


def test_an_ambiguous_date_nothing_explains_is_read_as_netsuites_default_with_a_warning(
    tmp_path: Path,
) -> None:
    text = "Token Name,Application,User,Role,Created\nT,App,U,R,3/1/2025\n"
    export = read_csv_export(write(tmp_path, text))
    assert export.snapshot.tokens[0].created == dt.date(2025, 3, 1)
    (note,) = export.notes
    assert "'3/1/2025' could be day/month or month/day" in note and "--date-format" in note


def test_date_format_override_decides_and_contradictions_fail(tmp_path: Path) -> None:
    text = "Token Name,Application,User,Role,Created\nT,App,U,R,3/1/2025\n"
    path = write(tmp_path, text)
    (token,) = read_csv_export(path, date_format="D/M/YYYY").snapshot.tokens
    assert token.created == dt.date(2025, 1, 3)
    late = write(tmp_path, "Token Name,Application,User,Role,Created\nT,A,U,R,3/13/2025\n", "x.csv")
    with pytest.raises(SourceError, match=r"x.csv:2: date '3/13/2025' is written month-first"):
        read_csv_export(late, date_format="DD/MM/YYYY")


#: NetSuite's sixteen Date Format choices, each with March 5, 2025 as it writes it
NETSUITE_DATE_FORMATS = [
    ("M/D/YYYY", "3/5/2025"),
    ("MM/DD/YYYY", "03/05/2025"),
    ("D/M/YYYY", "5/3/2025"),
    ("DD/MM/YYYY", "05/03/2025"),
    ("D.M.YYYY", "5.3.2025"),
    ("DD.MM.YYYY", "05.03.2025"),
    ("YYYY/M/D", "2025/3/5"),
    ("YYYY/MM/DD", "2025/03/05"),
    ("YYYY-M-D", "2025-3-5"),
    ("YYYY-MM-DD", "2025-03-05"),
    ("D-Mon-YYYY", "5-Mar-2025"),
    ("DD-Mon-YYYY", "05-Mar-2025"),
    ("D-MONTH-YYYY", "5-March-2025"),
    ("DD-MONTH-YYYY", "05-March-2025"),
    ("D MONTH, YYYY", "5 March, 2025"),
    ("DD MONTH, YYYY", "05 March, 2025"),
]


@pytest.mark.parametrize(("date_format", "written"), NETSUITE_DATE_FORMATS)
def test_every_netsuite_date_format_is_a_date_format_option(
    tmp_path: Path, date_format: str, written: str
) -> None:
    # the name NetSuite's preference shows is what a user passes; without it, only the
    # day-first slash formats are read otherwise (as M/D/YYYY, NetSuite's default)
    text = f'Token Name,Application,User,Role,Created\nT,App,U,R,"{written} 4:02 pm"\n'
    path = write(tmp_path, text)
    (token,) = read_csv_export(path, date_format=date_format).snapshot.tokens
    assert token.created == dt.date(2025, 3, 5)
    (token,) = read_csv_export(path).snapshot.tokens
    day_first_slashes = date_format in ("D/M/YYYY", "DD/MM/YYYY")
    assert token.created == (dt.date(2025, 5, 3) if day_first_slashes else dt.date(2025, 3, 5))


@pytest.mark.parametrize(
    "written",
    [
        "3/5/2025 4:02 pm PST",
        "3/5/2025 4:02 pm GMT-08:00",
        "3/5/2025 16:02 UTC+1",
        "3/5/2025 4:02:11 PM",
    ],
)
def test_a_time_after_the_date_is_read_past_whatever_zone_it_names(tmp_path: Path, written: str):
    text = f'Token Name,Application,User,Role,Created\nT,App,U,R,"{written}"\n'
    (token,) = read_csv_export(write(tmp_path, text)).snapshot.tokens
    assert token.created == dt.date(2025, 3, 5)


def test_duplicate_token_names_need_internal_ids(tmp_path: Path) -> None:
    text = "Token Name,Application,User,Role\nT,A,U,R\nT,A,V,R\n"
    with pytest.raises(SourceError, match=r":3: token 'T' appears twice \(first on line 2\)"):
        load_csv(write(tmp_path, text))
    with_ids = "Internal ID,Token Name,Application,User,Role\n1,T,A,U,R\n2,T,A,V,R\n"
    assert [t.id for t in load_csv(write(tmp_path, with_ids, "ids.csv")).tokens] == ["1", "2"]


def test_client_credentials_list_gives_m2m_tokens() -> None:
    export = read_csv_export(CSV / "client-credentials.csv")
    assert export.kind == "client-credentials"
    (token,) = export.snapshot.tokens
    assert token.type == "client_credentials"
    assert token.id == "m2m:Zq3Lh0certA1"
    assert (token.user, token.role) == ("Shopify Integration", "Data Warehouse Export")


def test_integration_list_gives_auth_flows_and_state() -> None:
    export = read_csv_export(CSV / "integrations.csv")
    assert export.kind == "integrations"
    legacy = export.snapshot.integrations[1]
    assert legacy.state == "blocked"
    assert legacy.auth_flows == ("tba", "auth_code", "client_credentials")


def test_check_pairs_a_token_list_with_a_role_search_by_name(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    roles = write(tmp_path, "Name,Permission,Level\nAP Clerk,Bills,Edit\n", "roles.csv")
    tokens = write(
        tmp_path,
        "Token Name,Application,User,Role,Created\nAP sync,Bill Pay,Sam,AP Clerk,2025-01-02\n",
        "tokens.csv",
    )
    result = run_cli("check", roles, tokens, "--as-of", "2026-11-25")
    assert result.exit_code in (0, 1), result
    assert "AP sync" in result.stdout


# --- joining CSV to an exported account ---------------------------------------------------


def _account() -> Snapshot:
    return Snapshot(
        roles=(
            Role(id="3", name="Administrator", scriptid="administrator"),
            Role(id="1010", name="Shopify Connector"),
            Role(id="1012", name="Data Warehouse Export"),
        ),
        users=(
            User(id="7", name="Integration Admin", roles=("3",)),
            User(id="8", name="Shopify Integration", roles=("1010",)),
        ),
        integrations=(
            Integration(
                id="101", name="Invoice Sync", application_id="9A1C7E52-0B7D-4E35-9F43-0D6D0C6D1A01"
            ),
            Integration(id="103", name="Legacy Data Warehouse"),
        ),
        tokens=(
            Token(
                id="201", name="Invoice Sync (production)", user="7", role="3", integration="101"
            ),
        ),
    )


def test_csv_fills_what_the_api_does_not_expose() -> None:
    parts = [
        (str(p), read_csv_export(p))
        for p in (
            CSV / "integrations.csv",
            CSV / "client-credentials.csv",
            CSV / "access-tokens.csv",
        )
    ]
    merged = merge_into_account(_account(), parts)
    integrations = {i.id: i for i in merged.integrations}
    assert integrations["101"].auth_flows == ("tba",)
    assert integrations["103"].state == "blocked"
    m2m = next(t for t in merged.tokens if t.type == "client_credentials")
    assert (m2m.user, m2m.role, m2m.integration) == ("8", "1012", "103")
    # the token the API returned is not doubled; the one it did not is added, by id
    names = [t.name for t in merged.tokens if t.type == "tba"]
    assert names.count("Invoice Sync (production)") == 1
    added = next(t for t in merged.tokens if t.name == "Shopify nightly")
    assert (added.user, added.role, added.integration) == ("8", "1010", "101")


def test_a_name_the_account_does_not_have_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path, "Token Name,Application,User,Role\nT,Invoice Sync,Nobody,Administrator\n"
    )
    with pytest.raises(SourceError, match=r":2: user 'Nobody' is not in the exported account"):
        merge_into_account(_account(), [(str(path), read_csv_export(path))])


def test_an_ambiguous_name_is_an_error(tmp_path: Path) -> None:
    account = msgspec.structs.replace(
        _account(),
        roles=(
            *_account().roles,
            Role(id="1099", name="administrator copy", scriptid="Administrator"),
        ),
    )
    path = write(
        tmp_path,
        "Token Name,Application,User,Role\nT,Invoice Sync,Integration Admin,Administrator\n",
    )
    with pytest.raises(SourceError, match="role 'Administrator' is ambiguous"):
        merge_into_account(account, [(str(path), read_csv_export(path))])


# --- hostile input ------------------------------------------------------------------------


@given(st.binary(max_size=300))
def test_no_bytes_make_a_traceback(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_bytes(b"Name,Permission,Level\n" + data)
        with contextlib.suppress(SourceError):
            load_csv(path)


@given(st.lists(st.lists(st.text(max_size=12), min_size=3, max_size=4), max_size=6))
def test_no_rows_make_a_traceback(rows: list[list[str]]) -> None:
    import csv
    import io
    import tempfile

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Token Name", "Application", "User", "Role", "Created"][
            : max(3, len(rows[0]) if rows else 3)
        ]
    )
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        with contextlib.suppress(SourceError):
            load_csv(path)
