"""Blast radius: what each token and integration can do, its risk score, and the
least-privilege role proposed from its allow_only declaration."""

from __future__ import annotations

import datetime as dt
import gc
import json
import random

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES, FIXTURES, TODAY, make_policy, make_snapshot
from suitelint.blast import (
    AGE_MAX_YEARS,
    AGE_POINTS_PER_YEAR,
    CAPABILITY_WEIGHTS,
    EVERYTHING_POINTS,
    INACTIVE_USER_POINTS,
    NOT_WEB_SERVICES_ONLY_POINTS,
    UNEXPLAINED_POINTS,
    BlastReport,
    blast_radius,
    explain_risk,
)
from suitelint.catalog import load_catalog
from suitelint.engine import evaluate
from suitelint.model import Level
from suitelint.runner import load_policy_set
from suitelint.sources import load_sources
from suitelint.sources.sdf import load_sdf

SEED_FIVE = (
    "delete-records, modify-scripts, manage-roles-and-permissions, create-tokens, configure-system"
)


def example_report() -> BlastReport:
    catalog = load_catalog()
    policy = load_policy_set([str(EXAMPLES / "policies.yaml")], catalog)
    loaded = load_sources([str(EXAMPLES / "account.json")], catalog)
    return blast_radius(loaded.snapshot, policy, catalog, TODAY)


def account(**overrides: object) -> dict[str, object]:
    """One integration, one token, one user, one custom role: change what a test needs."""
    data: dict[str, object] = {
        "account": {"id": "1", "environment": "production"},
        "roles": [
            {
                "id": "1001",
                "scriptid": "customrole_sync",
                "name": "Sync",
                "web_services_only": True,
                "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "VIEW"}],
            }
        ],
        "users": [{"id": "7", "name": "Sync User", "roles": ["1001"]}],
        "integrations": [{"id": "101", "name": "Sync"}],
        "tokens": [
            {
                "id": "T-1",
                "name": "Sync token",
                "integration": "101",
                "user": "7",
                "role": "1001",
                "created": "2026-06-01",
            }
        ],
    }
    data.update(overrides)
    return data


DECLARED = """
suitelint: 1
rules:
  - id: sync-least-privilege
    applies_to: integrations
    where: {name: Sync}
    allow_only: {Invoice: view, Customer Payment: create}
"""
NO_RULES = "suitelint: 1\nrules: []\n"


def radius(data: dict[str, object], policy: str = DECLARED, today: dt.date = TODAY) -> BlastReport:
    return blast_radius(make_snapshot(data), make_policy(policy), load_catalog(), today)


# -- the example account (issue 6, "Must show") ------------------------------------------------
def test_invoice_sync_token_ranks_first_with_the_seed_capabilities():
    report = example_report()
    first = report.tokens[0]
    assert (first.rank, first.name) == (1, "Invoice Sync (production)")
    assert SEED_FIVE in ", ".join(first.tags)
    assert first.everything
    assert [link.kind for link in first.chains[0]] == ["integration", "token", "user", "role"]
    assert first.chains[0][-1].name == "Administrator"
    assert first.score > report.tokens[1].score


def test_invoice_sync_gets_a_role_with_only_view_invoice_and_create_customer_payment():
    report = example_report()
    first = report.tokens[0]
    assert first.declared_by == ("invoice-sync-least-privilege",)
    assert first.excess_everything
    proposal = report.proposal(first.proposal)
    assert proposal is not None
    assert proposal.scriptid == "customrole_invoice_sync"
    assert [(p.permkey, p.level) for p in proposal.permissions] == [
        ("TRAN_CUSTINVC", Level.VIEW),
        ("TRAN_CUSTPYMT", Level.CREATE),
    ]
    # the integration shares the proposal its token has
    assert report.integrations[0].proposal == proposal.scriptid
    assert proposal.subjects == ("Invoice Sync", "Invoice Sync (production)")


def test_proposed_role_loads_back_through_sdf_and_passes_its_allow_only_rule(tmp_path):
    report = example_report()
    proposal = report.proposal(report.tokens[0].proposal)
    assert proposal is not None
    objects = tmp_path / "src" / "Objects"
    objects.mkdir(parents=True)
    (objects / proposal.filename).write_text(proposal.xml, encoding="utf-8")

    role = load_sdf(tmp_path).roles[0]
    assert (role.scriptid, role.web_services_only, role.core_admin) == (
        "customrole_invoice_sync",
        True,
        False,
    )
    assert [(p.permkey, p.level) for p in role.permissions] == [
        ("TRAN_CUSTINVC", "VIEW"),
        ("TRAN_CUSTPYMT", "CREATE"),
    ]

    # The account, with the SDF project merged in and the Invoice Sync token moved to the new role.
    catalog = load_catalog()
    merged = load_sources([str(EXAMPLES / "account.json"), str(tmp_path)], catalog).snapshot
    tokens = tuple(
        msgspec.structs.replace(t, role="customrole_invoice_sync") if t.id == "T-101" else t
        for t in merged.tokens
    )
    moved = msgspec.structs.replace(merged, tokens=tokens)
    policy = load_policy_set([str(EXAMPLES / "policies.yaml")], catalog)
    findings = evaluate(policy, moved, catalog, TODAY)
    assert not [f for f in findings if f.rule_id == "invoice-sync-least-privilege"]
    # and the same rule does fire before the move: the check is not vacuous
    before = evaluate(policy, merged, catalog, TODAY)
    assert [f for f in before if f.rule_id == "invoice-sync-least-privilege"]


def test_tokens_no_allow_only_rule_declares_are_unexplained():
    report = example_report()
    unexplained = {e.name for e in report.tokens if "unexplained token" in e.flags}
    assert unexplained == {"Data Warehouse nightly", "CloudExtend (Casey)"}
    assert all(
        not e.explained and e.proposal is None for e in report.tokens if e.name in unexplained
    )


def test_a_token_holding_nothing_beyond_its_declaration_gets_no_proposal():
    shopify = next(e for e in example_report().tokens if e.name == "Shopify Connector M2M")
    assert shopify.explained and not shopify.excess and not shopify.excess_everything
    assert shopify.proposal is None


# -- the score ---------------------------------------------------------------------------------
def test_every_score_is_the_sum_of_its_parts_and_every_tag_has_a_weight():
    report = example_report()
    for e in (*report.tokens, *report.integrations):
        assert e.score == sum(p.points for p in e.parts)
        for cap in e.capabilities:
            assert cap.points == CAPABILITY_WEIGHTS[cap.tag] * int(cap.level)
            assert f"capability {cap.tag}" in [p.name for p in e.parts]
    assert set(CAPABILITY_WEIGHTS) == set(load_catalog().capabilities)


def test_administrator_token_scores_every_capability_at_full_plus_the_administrator_part():
    first = example_report().tokens[0]
    parts = {p.name: p.points for p in first.parts}
    assert parts["administrator"] == EVERYTHING_POINTS
    assert parts["not web-services-only"] == NOT_WEB_SERVICES_ONLY_POINTS
    assert parts["token age"] == AGE_POINTS_PER_YEAR  # created 2025-03-01: one full year
    assert "unexplained" not in parts
    assert first.score == 4 * sum(CAPABILITY_WEIGHTS.values()) + EVERYTHING_POINTS + 10 + 5


def test_a_scoped_declared_token_scores_only_its_capabilities():
    e = radius(account()).tokens[0]
    assert e.capabilities == ()  # View Invoice confers no tag
    assert e.parts == ()
    assert e.score == 0


def test_level_held_multiplies_the_weight():
    def score(level: str) -> int:
        role = {
            "id": "1001",
            "name": "Sync",
            "web_services_only": True,
            "permissions": [{"permkey": "TRAN_JOURNAL", "level": level}],
        }
        return radius(account(roles=[role]), NO_RULES).tokens[0].score - UNEXPLAINED_POINTS

    # Make Journal Entry confers move-money from CREATE, and delete-records at FULL
    assert score("CREATE") == CAPABILITY_WEIGHTS["move-money"] * 2
    assert score("EDIT") == CAPABILITY_WEIGHTS["move-money"] * 3
    assert (
        score("FULL")
        == (CAPABILITY_WEIGHTS["move-money"] + CAPABILITY_WEIGHTS["delete-records"]) * 4
    )


@pytest.mark.parametrize(
    ("created", "points"),
    [("2026-06-01", 0), ("2025-11-25", 5), ("2024-11-24", 10), ("2010-01-01", 15), (None, 15)],
)
def test_token_age_adds_points_per_full_year_capped(created, points):
    tokens = [{"id": "T-1", "integration": "101", "user": "7", "role": "1001"}]
    if created:
        tokens[0]["created"] = created
    e = radius(account(tokens=tokens)).tokens[0]
    assert {p.name: p.points for p in e.parts}.get("token age", 0) == points
    assert points <= AGE_POINTS_PER_YEAR * AGE_MAX_YEARS


def test_inactive_user_and_missing_declaration_add_their_points():
    users = [{"id": "7", "name": "Gone", "inactive": True, "roles": ["1001"]}]
    e = radius(account(users=users), NO_RULES).tokens[0]
    parts = {p.name: p.points for p in e.parts}
    assert parts == {"inactive user": INACTIVE_USER_POINTS, "unexplained": UNEXPLAINED_POINTS}
    assert e.flags == ("unexplained token", "inactive user")


def test_sandbox_halves_the_score_and_says_so():
    prod = radius(account(roles=[{"id": "1001", "name": "Sync", "permissions": []}]), NO_RULES)
    sandbox = radius(
        account(
            account={"id": "1", "environment": "sandbox"},
            roles=[{"id": "1001", "name": "Sync", "permissions": []}],
        ),
        NO_RULES,
    )
    assert prod.tokens[0].score == 30
    assert sandbox.tokens[0].score == 15
    env = sandbox.tokens[0].parts[-1]
    assert (env.name, env.points) == ("environment", -15)


def test_inactive_tokens_are_left_out_and_an_integration_without_tokens_scores_zero():
    tokens = [{"id": "T-1", "integration": "101", "user": "7", "role": "1001", "inactive": True}]
    report = radius(account(tokens=tokens))
    assert report.tokens == ()
    (integration,) = report.integrations
    assert (integration.score, integration.flags, integration.chains) == (
        0,
        ("no active tokens",),
        (),
    )


# -- least privilege -----------------------------------------------------------------------------
def test_excess_lists_what_is_held_above_the_declaration_with_where_it_comes_from():
    role = {
        "id": "1001",
        "name": "Sync",
        "web_services_only": True,
        "permissions": [
            {"permkey": "TRAN_CUSTINVC", "level": "FULL"},
            {"permkey": "TRAN_CUSTPYMT", "level": "CREATE"},
            {"permkey": "LIST_VENDOR", "level": "VIEW"},
        ],
    }
    users = [
        {
            "id": "7",
            "name": "Sync User",
            "roles": ["1001"],
            "global_permissions": [{"permkey": "TRAN_JOURNAL", "level": "EDIT"}],
        }
    ]
    report = radius(account(roles=[role], users=users))
    e = report.tokens[0]
    assert [(x.permkey, x.held.name, x.allowed.name) for x in e.excess] == [
        ("LIST_VENDOR", "VIEW", "NONE"),
        ("TRAN_CUSTINVC", "FULL", "VIEW"),
        ("TRAN_JOURNAL", "EDIT", "NONE"),
    ]
    assert e.excess[2].via == "global permission of user 'Sync User'"
    proposal = report.proposal(e.proposal)
    assert proposal is not None
    assert any("global permissions" in note for note in proposal.notes)


def test_globs_are_expanded_from_what_is_held_capped_at_the_declared_level():
    role = {
        "id": "1001",
        "name": "Sync",
        "web_services_only": True,
        "permissions": [
            {"permkey": "TRAN_CUSTINVC", "level": "FULL"},
            {"permkey": "TRAN_SALESORD", "level": "VIEW"},
            {"permkey": "LIST_VENDOR", "level": "VIEW"},
        ],
    }
    policy = DECLARED.replace("{Invoice: view, Customer Payment: create}", '{"TRAN_*": edit}')
    report = radius(account(roles=[role]), policy)
    proposal = report.proposal(report.tokens[0].proposal)
    assert proposal is not None
    assert [(p.permkey, p.level.name) for p in proposal.permissions] == [
        ("TRAN_CUSTINVC", "EDIT"),
        ("TRAN_SALESORD", "VIEW"),
    ]


def test_glob_declarations_on_an_administrator_are_not_guessed():
    tokens = [{"id": "T-1", "integration": "101", "user": "7", "role": "3"}]
    policy = DECLARED.replace("{Invoice: view, Customer Payment: create}", '{"TRAN_*": view}')
    report = radius(account(tokens=tokens), policy)
    proposal = report.proposal(report.tokens[0].proposal)
    assert proposal is not None
    assert proposal.permissions == ()
    assert any("not expanded" in note for note in proposal.notes)


def test_proposal_scriptids_are_safe_unique_and_at_most_40_characters():
    integrations = [{"id": "101", "name": "Sync"}]
    long_name = "Ünïcödé  <script> " + "x" * 80
    roles = [
        {
            "id": "1001",
            "scriptid": "customrole_sync",
            "name": "Sync",
            "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "FULL"}],
        },
    ]
    report = radius(account(integrations=integrations, roles=roles))
    assert report.proposals[0].scriptid == "customrole_sync_2"  # customrole_sync exists
    report = radius(
        account(integrations=[{"id": "101", "name": long_name}], roles=roles),
        DECLARED.replace("{name: Sync}", "{id: '101'}"),
    )
    scriptid = report.proposals[0].scriptid
    assert scriptid.startswith("customrole_unicode_script_x") and len(scriptid) <= 40


# -- determinism --------------------------------------------------------------------------------
@given(st.randoms(use_true_random=False))
def test_output_does_not_depend_on_the_order_of_the_snapshot(rnd: random.Random):
    from suitelint.report.blast import render_json

    catalog = load_catalog()
    policy = load_policy_set([str(EXAMPLES / "policies.yaml")], catalog)
    snapshot = load_sources([str(EXAMPLES / "account.json")], catalog).snapshot
    shuffled = msgspec.structs.replace(
        snapshot,
        **{
            k: tuple(rnd.sample(getattr(snapshot, k), len(getattr(snapshot, k))))
            for k in ("roles", "users", "integrations", "tokens")
        },
    )
    assert render_json(blast_radius(shuffled, policy, catalog, TODAY)) == render_json(
        blast_radius(snapshot, policy, catalog, TODAY)
    )


#: permkeys of several categories and tag thresholds, and Administrator
_MIXED_KEYS = (
    "TRAN_CUSTINVC",
    "TRAN_JOURNAL",
    "LIST_EMPLOYEE",
    "LIST_CUSTJOB",
    "ADMI_MANAGE_OWN_OAUTH_TOKENS",
    "ADMI_MANAGEROLES",
    "ADMI_WEBSERVICES",
    "REPO_CUSTOMIZATION",
)


@st.composite
def _integration_accounts(draw: st.DrawFn) -> dict[str, object]:
    """One integration whose active tokens act in roles that share permkeys at the same
    and at different levels, some through users with global permissions."""
    levels = st.sampled_from(["VIEW", "CREATE", "EDIT", "FULL"])
    rows = st.dictionaries(st.sampled_from(_MIXED_KEYS), levels, max_size=6)
    roles = [
        {
            "id": str(1001 + i),
            "name": f"Role {i}",
            "permissions": [{"permkey": k, "level": v} for k, v in draw(rows).items()],
        }
        for i in range(draw(st.integers(1, 4)))
    ]
    if draw(st.booleans()):
        roles.append({"id": "ADMINISTRATOR", "name": "Administrator", "permissions": []})
    count = draw(st.integers(1, 5))
    users = [
        {
            "id": str(i),
            "name": f"User {i}",
            "roles": [r["id"] for r in roles],
            "global_permissions": [{"permkey": k, "level": v} for k, v in draw(rows).items()],
        }
        for i in range(count)
    ]
    tokens = [
        {
            "id": f"T-{draw(st.integers(0, 99)):02d}-{i}",
            "name": f"Token {i}",
            "integration": "101",
            "user": str(i),
            "role": draw(st.sampled_from(roles))["id"],
            "created": "2026-06-01",
        }
        for i in range(count)
    ]
    return account(roles=roles, users=users, tokens=tokens)


@given(_integration_accounts())
def test_an_integrations_capabilities_are_those_of_its_united_table(data: dict[str, object]):
    # The integration's capabilities are worked out from its tokens' tables; they must be
    # what the one united table (effective.py: highest level wins, ties to the first
    # token by id) confers, conferrals and their "via" included.
    from suitelint.blast import capabilities
    from suitelint.effective import Effective

    catalog = load_catalog()
    snapshot = make_snapshot(data)
    report = blast_radius(snapshot, make_policy(NO_RULES), catalog, TODAY)
    ctx = Effective(snapshot, catalog)
    table = ctx.integration_table(snapshot.integrations[0])
    exposure = report.integrations[0]
    assert exposure.capabilities == capabilities(ctx, table)
    assert exposure.everything == (table.everything is not None)


def test_explain_risk_lists_every_weight_and_part():
    text = explain_risk()
    for tag, weight in CAPABILITY_WEIGHTS.items():
        assert f"{tag}" in text and f" {weight}" in text
    for word in (
        "administrator",
        "web-services-only",
        "token age",
        "inactive user",
        "unexplained",
        "sandbox",
    ):
        assert word in text


# -- the command -------------------------------------------------------------------------------
def test_cli_text_ranks_invoice_sync_first(run_cli):
    result = run_cli(
        "blast-radius",
        EXAMPLES / "account.json",
        "-p",
        EXAMPLES / "policies.yaml",
        "--as-of",
        "2026-11-25",
    )
    assert result.exit_code == 0, result
    ranked = result.stdout.split("Tokens, highest risk first\n")[1].splitlines()
    assert ranked[1].split()[:3] == ["1", "273", "Invoice"]
    assert SEED_FIVE in result.stdout
    assert "customrole_invoice_sync" in result.stdout


def test_the_command_leaves_the_collector_as_it_found_it(run_cli, tmp_path):
    # blast-radius freezes the loaded account for the collector while it works; a caller
    # in the same process gets nothing left frozen, whether the command ends well or not
    assert gc.get_freeze_count() == 0
    assert (
        run_cli("blast-radius", EXAMPLES / "account.json", "--as-of", "2026-11-25").exit_code == 0
    )
    assert gc.get_freeze_count() == 0
    blocked = tmp_path / "file"
    blocked.write_text("")
    failed = run_cli(
        "blast-radius",
        EXAMPLES / "account.json",
        "--as-of",
        "2026-11-25",
        "--write-roles",
        blocked / "roles",
    )
    assert failed.exit_code == 2
    assert gc.get_freeze_count() == 0


def test_cli_writes_formats_and_roles(run_cli, tmp_path):
    out = tmp_path / "report.json"
    roles = tmp_path / "src" / "Objects"
    result = run_cli(
        "blast-radius",
        EXAMPLES / "account.json",
        "-p",
        EXAMPLES / "policies.yaml",
        "--as-of",
        "2026-11-25",
        "--format",
        f"json={out}",
        "--format",
        "markdown",
        "--write-roles",
        roles,
    )
    assert result.exit_code == 0, result
    assert result.stdout.startswith("## Blast radius of account 1234567")
    assert "```mermaid" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["tokens"][0]["name"] == "Invoice Sync (production)"
    assert [p.name for p in roles.iterdir()] == ["customrole_invoice_sync.xml"]
    assert (roles / "customrole_invoice_sync.xml").read_text() == data["proposals"][0]["xml"]


def test_cli_runs_on_an_sdf_project_combined_with_a_snapshot(run_cli):
    sdf = FIXTURES / "ci" / "sdf-fresh"
    result = run_cli(
        "blast-radius",
        EXAMPLES / "account.json",
        sdf,
        "-p",
        EXAMPLES / "policies.yaml",
        "--as-of",
        "2026-11-25",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["tokens"][0]["rank"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "expected one of text, markdown, json, html"),
        (["--format", "json", "--format", "html"], "would all go to stdout"),
        (["--as-of", "yesterday"], "not an ISO date"),
    ],
)
def test_cli_usage_errors_exit_2(run_cli, args, message):
    result = run_cli("blast-radius", EXAMPLES / "account.json", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_fails_closed_on_missing_input(run_cli, tmp_path):
    result = run_cli("blast-radius", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_explain_risk_command(run_cli):
    result = run_cli("explain", "risk")
    assert result.exit_code == 0
    assert result.stdout == explain_risk()


def test_hostile_names_reach_the_report_unchanged_but_never_the_terminal_raw(run_cli):
    result = run_cli(
        "blast-radius",
        FIXTURES / "blast" / "hostile.json",
        "-p",
        FIXTURES / "blast" / "hostile.yaml",
        "--as-of",
        "2026-11-25",
    )
    assert result.exit_code == 0, result
    assert "<script>alert(1)</script>" in result.stdout
    assert "\x1b" not in result.stdout


def test_control_characters_in_names_never_reach_the_terminal():
    from suitelint.report.blast import render_text

    tokens = [
        {
            "id": "T-1",
            "name": "evil\x1b[2J\rname",
            "integration": "101",
            "user": "7",
            "role": "1001",
        }
    ]
    text = render_text(radius(account(tokens=tokens)))
    assert "\x1b" not in text and "\r" not in text
    assert "evil\N{REPLACEMENT CHARACTER}[2J\N{REPLACEMENT CHARACTER}name" in text


def test_integrations_sharing_a_declaration_share_one_proposal_whatever_the_input_order():
    roles = [
        {
            "id": "1001",
            "name": "Sync",
            "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "FULL"}],
        }
    ]
    integrations = [{"id": "102", "name": "Sync B"}, {"id": "101", "name": "Sync A"}]
    tokens = [
        {"id": "T-2", "integration": "102", "user": "7", "role": "1001"},
        {"id": "T-1", "integration": "101", "user": "7", "role": "1001"},
    ]
    policy = DECLARED.replace("{name: Sync}", '{name: "Sync *"}')
    for order in (1, -1):
        report = radius(
            account(roles=roles, integrations=integrations[::order], tokens=tokens[::order]), policy
        )
        (proposal,) = report.proposals
        assert proposal.scriptid == "customrole_sync_a"
        assert proposal.subjects == ("Sync A", "Sync B", "T-1", "T-2")
        assert {e.proposal for e in (*report.tokens, *report.integrations)} == {"customrole_sync_a"}


MANY_RECORDS = """
suitelint: 1
rules:
  - id: roles-least-privilege
    applies_to: roles
    allow_only: {Invoice: view, "customrecord_keep*": edit}
  - id: sync-tokens
    applies_to: tokens
    where: {name: "Sync token 1"}
    allow_only: {Invoice: view}
"""


def test_tokens_of_one_role_share_its_excess_and_each_set_of_rules_has_its_own():
    # worked out once per table and set of rules (an account of thousands of custom records
    # has as many excess rows per role): the same rows as the declaration gives them
    records = [f"customrecord_{n}" for n in ("keep_a", "keep_b", "drop_a", "drop_b")]
    role = {
        "id": "1001",
        "scriptid": "customrole_sync",
        "name": "Sync",
        "permissions": [
            {"permkey": "TRAN_CUSTINVC", "level": "FULL"},
            *({"permkey": key, "level": "FULL"} for key in records),
        ],
    }
    tokens = [
        {
            "id": f"T-{i}",
            "name": f"Sync token {i}",
            "integration": "101",
            "user": "7",
            "role": "1001",
            "created": "2026-06-01",
        }
        for i in (1, 2, 3)
    ]
    objects = [{"scriptid": key, "name": key.upper()} for key in records]
    report = radius(account(roles=[role], tokens=tokens, custom_objects=objects), MANY_RECORDS)
    by_name = {e.name: e for e in report.tokens}
    one, two, three = (by_name[f"Sync token {i}"] for i in (1, 2, 3))
    assert two.excess is three.excess
    assert [(x.permkey, x.name, x.held.name, x.allowed.name) for x in two.excess] == [
        ("TRAN_CUSTINVC", "Invoice (TRAN_CUSTINVC)", "FULL", "VIEW"),
        ("customrecord_drop_a", "CUSTOMRECORD_DROP_A (customrecord_drop_a)", "FULL", "NONE"),
        ("customrecord_drop_b", "CUSTOMRECORD_DROP_B (customrecord_drop_b)", "FULL", "NONE"),
        ("customrecord_keep_a", "CUSTOMRECORD_KEEP_A (customrecord_keep_a)", "FULL", "EDIT"),
        ("customrecord_keep_b", "CUSTOMRECORD_KEEP_B (customrecord_keep_b)", "FULL", "EDIT"),
    ]
    assert {x.via for x in two.excess} == {"role 'Sync' [customrole_sync]"}
    # token 1's own rule allows no custom record: under both rules, none is allowed
    assert [(x.permkey, x.allowed.name) for x in one.excess][3:] == [
        ("customrecord_keep_a", "NONE"),
        ("customrecord_keep_b", "NONE"),
    ]
