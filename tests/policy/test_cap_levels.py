"""``allow_only`` and ``max_level`` make the findings of a subject whose permissions all
come through one grant (a snapshot role, a token of one role) in one loop, placed at the
role's rows when those are known (``Loaded.role_rows``). They are the findings the general
loop (one grant per permission) makes, placed as placing them afterwards places them."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from conftest import TODAY
from suitelint import runner
from suitelint.effective import Effective, Table
from suitelint.engine import evaluate
from suitelint.findings import Finding
from suitelint.runner import load_checked, place_findings

#: standard permkeys (with the levels NetSuite documents for them) and custom records
PERMKEYS = ["LIST_CUSTJOB", "TRAN_SALESORD", "TRAN_JOURNAL", "LIST_VENDOR"]
CUSTOM = ["customrecord_a", "customrecord_b", "customrecord_c"]
LEVELS = ["VIEW", "CREATE", "EDIT", "FULL"]
#: what an entry may name: a permkey, a custom record by display name, a glob
NAMES = [*PERMKEYS, *CUSTOM, "Record B", "customrecord_*", "Customers"]

rows = st.lists(st.tuples(st.sampled_from(PERMKEYS + CUSTOM), st.sampled_from(LEVELS)), max_size=8)
entries = st.dictionaries(
    st.sampled_from(NAMES),
    st.sampled_from(["none", "view", "edit", "full"]),
    min_size=1,
    max_size=4,
)


def _account(roles: list[list[tuple[str, str]]], user_roles: list[list[int]]) -> dict:
    return {
        "account": {"id": "1", "environment": "production", "exported_at": "2026-11-20T08:00:00Z"},
        "roles": [
            {
                "id": str(100 + i),
                "name": f"Role {i}",
                "scriptid": f"customrole_{i}",
                "permissions": [{"permkey": key, "level": level} for key, level in perms],
            }
            for i, perms in enumerate(roles)
        ],
        "users": [
            {"id": str(500 + j), "name": f"User {j}", "roles": [str(100 + i) for i in held]}
            for j, held in enumerate(user_roles)
        ],
        "tokens": [
            {"id": "900", "user": "500", "role": "100", "name": "Token", "created": "2026-01-05"}
        ]
        if user_roles and 0 in user_roles[0]
        else [],
        "custom_objects": [
            {"scriptid": key, "name": f"Record {key[-1].upper()}"} for key in CUSTOM
        ],
    }


def _policy(allowed: dict[str, str], capped: dict[str, str]) -> str:
    rules = [
        {"id": "roles-allow", "title": "t", "applies_to": "roles", "allow_only": allowed},
        {"id": "tokens-allow", "title": "t", "applies_to": "tokens", "allow_only": allowed},
        {"id": "users-cap", "title": "t", "applies_to": "users", "max_level": capped},
    ]
    return json.dumps({"suitelint": 1, "rules": rules})


@contextmanager
def _one_grant_per_permission() -> Iterator[None]:
    """Every table as the general loop reads it: a grant per permission (all the same)."""
    table = Effective.table

    def spread(self: Effective, subject: object) -> Table:
        found = table(self, subject)  # type: ignore[arg-type]
        if found.grants is None:
            found = msgspec.structs.replace(found, grants={})
        return found

    with mock.patch.object(Effective, "table", spread):
        yield


def _both(account: dict, policy: str) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    with tempfile.TemporaryDirectory() as folder:
        source, rules = Path(folder) / "account.json", Path(folder) / "policy.yaml"
        source.write_text(json.dumps(account, indent=2))
        rules.write_text(policy)
        catalog = runner.load_catalog()
        loaded, compiled = load_checked([str(source)], [str(rules)], catalog)
        made = runner.evaluate_loaded(loaded, compiled, catalog, TODAY)  # as check runs it
        with _one_grant_per_permission():
            general = evaluate(
                compiled,
                loaded.snapshot,
                catalog,
                TODAY,
                place=lambda found: place_findings(found, loaded),
                index=loaded.index,
            )
    return made, general


@given(
    st.lists(rows, min_size=1, max_size=4),
    st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=2), max_size=3),
    entries,
    entries,
)
def test_one_grant_findings_are_the_general_loops_placed_afterwards(
    roles: list[list[tuple[str, str]]],
    user_roles: list[list[int]],
    allowed: dict[str, str],
    capped: dict[str, str],
) -> None:
    user_roles = [[i % len(roles) for i in held] for held in user_roles]
    made, general = _both(_account(roles, user_roles), _policy(allowed, capped))
    assert made == general


def test_an_unlisted_custom_record_is_reported_at_its_row_by_its_display_name() -> None:
    account = _account([[("LIST_CUSTJOB", "VIEW"), ("customrecord_b", "FULL")]], [])
    made, general = _both(account, _policy({"Customers": "view"}, {"Customers": "view"}))
    (finding,) = [f for f in made if f.rule_id == "roles-allow"]
    assert finding.message == (
        "role 'Role 0' holds Record B (customrecord_b) at FULL, which is not in its allow-list"
    )
    assert finding.location is not None and (finding.location.line, finding.location.column) == (
        18,
        11,
    )
    assert made == general
