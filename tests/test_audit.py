"""suitelint audit: for every integration and token, the consultant's three questions
(still needed? which role? what does it do?), whether it can log in, its risk, and what to
do about it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES
from suitelint.audit import Doing, audit
from suitelint.catalog import load_catalog
from suitelint.model import Permission, Role, Snapshot, Token, User
from suitelint.report.audit import render_html, render_markdown, render_text
from suitelint.runner import load_policy_set
from suitelint.sources import load_sources

AS_OF = ("--as-of", "2026-11-25")
TODAY = dt.date(2026, 11, 25)
CSV = sorted(str(p) for p in (FIXTURES / "audit").glob("*.csv"))


def _example():
    catalog = load_catalog()
    policy = load_policy_set(["builtin:baseline", str(EXAMPLES / "policies.yaml")], catalog)
    snapshot = load_sources([str(EXAMPLES / "account.json")], catalog).snapshot
    return audit(snapshot, policy, catalog, TODAY)


def test_every_token_of_the_example_account_gets_an_action_and_its_reason() -> None:
    report = _example()
    actions = {e.name: (e.action.action, e.action.reason) for e in report.tokens}
    assert actions["Data Warehouse nightly"][0] == "disable"
    assert "inactive user 'Dana Former'" in actions["Data Warehouse nightly"][1]
    assert actions["CloudExtend (Casey)"][0] == "fix-login"
    assert "Log in using Access Tokens or User Access Tokens" in actions["CloudExtend (Casey)"][1]
    assert actions["Invoice Sync (production)"][0] == "move"
    assert "customrole_invoice_sync" in actions["Invoice Sync (production)"][1]
    assert "it would lose delete-records, modify-scripts" in actions["Invoice Sync (production)"][1]
    assert actions["Shopify Connector M2M"][0] == "keep"
    # integrations take their most urgent token's action
    assert [e.action.action for e in report.integrations] == [
        "disable",
        "fix-login",
        "move",
        "keep",
    ]


def test_the_three_questions_are_answered_for_every_integration() -> None:
    for entry in _example().integrations:
        assert entry.need.verdict  # still needed?
        assert entry.roles and entry.users  # which role, which user
        assert entry.doing.sentence()  # what it does
        assert entry.restrictions
        assert entry.exposure is not None and entry.score == entry.exposure.score


def test_what_it_does_is_said_in_record_types_and_actions() -> None:
    entries = {e.name: e for e in _example().tokens}
    assert entries["Shopify Connector M2M"].doing.sentence() == (
        "views Items; creates Customers, Sales Order; deletes nothing; "
        "setup: Log In using OAuth 2.0 Access Tokens, REST Web Services"
    )
    assert entries["Data Warehouse nightly"].doing.deletes == ("Make Journal Entry",)
    assert entries["Invoice Sync (production)"].doing.everything


def test_long_lists_are_cut_with_a_count_and_kept_whole_on_request() -> None:
    doing = Doing(everything=False, views=tuple(f"R{i}" for i in range(10)))
    assert doing.sentence(limit=3) == "views R0, R1, R2 and 7 more; deletes nothing"
    assert doing.sentence(limit=None).count("R") == 10


def test_a_tba_token_whose_role_lacks_the_log_in_permission_is_reported() -> None:
    entry = next(e for e in _example().tokens if e.name == "CloudExtend (Casey)")
    assert not entry.can_log_in
    assert entry.login.startswith("with Token-based authentication (TBA) its role lacks")


def _one_token(**token: object) -> Snapshot:
    role = Role(
        id="1",
        name="Sync",
        web_services_only=True,
        permissions=(
            Permission("ADMI_LOGIN_OAUTH", "FULL"),
            Permission("ADMI_RESTWEBSERVICES", "FULL"),
            Permission("TRAN_CUSTINVC", "VIEW"),
        ),
    )
    return Snapshot(
        roles=(role,),
        users=(User(id="7", name="Sync User", roles=("1",)),),
        tokens=(Token(id="T-1", user="7", role="1", name="Sync token", **token),),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("token", "action", "words"),
    [
        (
            {"created": dt.date(2026, 6, 1), "last_used": dt.date(2026, 11, 20)},
            "disable",
            "declared",
        ),
        (
            {"created": dt.date(2026, 6, 1), "last_used": dt.date(2026, 6, 2)},
            "disable",
            "not used for 176 days",
        ),
        # no token of the sources records use: not "never used", but still undeclared
        ({"created": dt.date(2026, 6, 1)}, "disable", "declared"),
    ],
)
def test_idle_and_unexplained_tokens_are_disabled(token, action, words) -> None:
    catalog = load_catalog()
    policy = load_policy_set(["builtin:baseline"], catalog)
    entry = audit(_one_token(**token), policy, catalog, TODAY).tokens[0]
    assert entry.action.action == action
    assert words in entry.action.reason


def test_a_declared_token_in_use_is_kept_and_an_old_one_rotated(tmp_path: Path) -> None:
    catalog = load_catalog()
    declared = tmp_path / "p.yaml"
    declared.write_text(
        "suitelint: 1\nrules:\n  - id: sync\n    applies_to: tokens\n    allow_only:\n"
        "      Log in using Access Tokens: full\n      REST Web Services: full\n"
        "      Invoice: view\n",
        "utf-8",
    )
    policy = load_policy_set(["builtin:baseline", str(declared)], catalog)
    fresh = _one_token(created=dt.date(2026, 6, 1), last_used=dt.date(2026, 11, 20))
    old = _one_token(created=dt.date(2024, 6, 1), last_used=dt.date(2026, 11, 20))
    assert audit(fresh, policy, catalog, TODAY).tokens[0].action.action == "keep"
    rotated = audit(old, policy, catalog, TODAY).tokens[0].action
    assert rotated.action == "rotate" and "907 days old" in rotated.reason


def test_a_csv_export_without_use_data_does_not_call_tokens_never_used(run_cli) -> None:
    result = run_cli("audit", *CSV, *AS_OF)
    assert result.exit_code == 0, result.stdout
    assert "never used" not in result.stdout
    assert "no use recorded in the sources" in result.stdout
    # the three questions, for every integration of the export
    for name in ("Legacy Data Warehouse", "Shopify Connector"):
        block = result.stdout[result.stdout.index(f"integration '{name}'") :]
        for label in ("still needed?", "runs as", "what it does", "can log in", "action"):
            assert label in block.split("\n\n")[0]


def test_every_format_is_written_and_json_holds_the_full_lists(run_cli, tmp_path: Path) -> None:
    out = {name: tmp_path / f"audit.{name}" for name in ("json", "markdown", "html")}
    result = run_cli(
        "audit",
        EXAMPLES / "account.json",
        "-p",
        EXAMPLES / "policies.yaml",
        *AS_OF,
        *(arg for name, path in out.items() for arg in ("-f", f"{name}={path}")),
    )
    assert result.exit_code == 0, result.stdout
    data = json.loads(out["json"].read_text("utf-8"))
    assert data["summary"]["tokens"] == {
        "disable": 1,
        "fix-login": 1,
        "move": 1,
        "rotate": 0,
        "keep": 1,
    }
    assert data["summary"]["cannot_log_in"] == 1
    shopify = next(t for t in data["tokens"] if t["name"] == "Shopify Connector M2M")
    assert shopify["does"]["creates"] == ["Customers", "Sales Order"]
    assert shopify["still_needed"]["last_used"] == "2026-11-20"
    assert shopify["action"] == {
        "action": "keep",
        "reason": shopify["action"]["reason"],
        "role": None,
    }
    assert "| **disable** |" in out["markdown"].read_text("utf-8")
    assert "<h1>Integration audit of account 1234567" in out["html"].read_text("utf-8")


def test_the_same_input_gives_the_same_bytes() -> None:
    report = _example()
    assert render_text(report) == render_text(_example())
    assert render_html(report) == render_html(_example())


def test_names_from_the_account_never_become_markup() -> None:
    catalog = load_catalog()
    snapshot = load_sources([str(FIXTURES / "blast" / "hostile.json")], catalog).snapshot
    report = audit(snapshot, load_policy_set(["builtin:baseline"], catalog), catalog, TODAY)
    html = render_html(report)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(re.findall(r"<script\b", html)) == 1
    assert "<img" not in html
    assert "<script>" not in render_markdown(report).replace("<code>", "")


def test_the_html_stays_under_10_mb_at_10000_tokens() -> None:
    catalog = load_catalog()
    keys = sorted(
        k
        for k, info in catalog.permissions.items()
        if not info.levels or "VIEW" in [lv.name for lv in info.levels]
    )[:300]
    roles = tuple(
        Role(
            id=str(1000 + r),
            name=f"Integration Role {r:03}",
            permissions=tuple(Permission(k, "VIEW") for k in keys[r % 50 : r % 50 + 250]),
        )
        for r in range(200)
    )
    users = tuple(
        User(id=f"u{i}", name=f"Integration User {i:05}", roles=(str(1000 + i % 200),))
        for i in range(10_000)
    )
    tokens = tuple(
        Token(
            id=f"T-{i}",
            name=f"Integration Token {i:05}",
            user=f"u{i}",
            role=str(1000 + i % 200),
            created=dt.date(2024, 1, 1),
            last_used=dt.date(2026, 1, 1) if i % 3 else None,
        )
        for i in range(10_000)
    )
    report = audit(
        Snapshot(roles=roles, users=users, tokens=tokens),
        load_policy_set(["builtin:baseline"], catalog),
        catalog,
        TODAY,
    )
    html = render_html(report)
    assert len(report.tokens) == 10_000
    assert len(html.encode("utf-8")) < 10 * 1024 * 1024
    assert html.count("<tr data-action=") == 10_000


def test_a_csv_exported_account_gets_the_html_report_too(run_cli, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    result = run_cli("audit", *CSV, *AS_OF, "-f", f"html={page}")
    assert result.exit_code == 0, result.stdout
    html = page.read_text("utf-8")
    for name in ("Legacy Data Warehouse", "Shopify Connector"):
        row = re.search(rf"<tr data-action=[^>]*>\n(?:<td[^>]*>.*</td>\n)*?<td>{name}</td>", html)
        assert row is not None, name
    # no login audit trail in the export: last use is unknown, not never
    assert "<td>unknown; user state unknown (add the Employees export)</td>" in html
    assert "<td>never" not in html
    assert html.count("<tr data-action=") == 4  # two integrations, two active tokens


def test_audit_names_subsidiary_and_employee_restrictions_and_an_unknown_option() -> None:
    from suitelint.audit import restrictions
    from suitelint.effective import Effective

    roles = (
        Role(id="1", name="Scoped", subsidiary_option="OWN", employee_restriction="OWNONLY"),
        Role(id="2", name="Wide", subsidiary_option="ALLACTIVE"),
        Role(id="4", name="Newer", subsidiary_option="OWNANDCHILDREN"),
    )
    ctx = Effective(Snapshot(roles=roles), load_catalog())
    assert [restrictions(ctx, r) for r in roles] == [
        ("subsidiaries: own", "employees: ownonly"),
        (),  # ALLACTIVE reaches every active subsidiary: no restriction
        ("subsidiaries: unrestricted (subsidiaryoption 'OWNANDCHILDREN', unknown to suitelint)",),
    ]
