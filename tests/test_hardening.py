"""Fail closed, lose nothing: properties that hold across the whole tool.

Policies are generated with our own schema-shaped strategies: hypothesis-jsonschema 0.23.1
fails on current hypothesis (AttributeError: 'many' object has no attribute 'more') and
cannot follow the recursive selector definition (`except`) of the policy schema.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, TODAY, make_policy
from suitelint.errors import SuitelintError


# Policies shaped like the published schema, built mostly from real names so that most
# compile and reach the engine, with a few near misses that exercise the error paths.
def _mostly(valid: list[object], invalid: list[object]):  # type: ignore[no-untyped-def]
    return st.sampled_from(valid * 8 + invalid)


NAMES = _mostly(
    [
        "Invoice",
        "Customer Payment",
        "TRAN_*",
        "LIST_VENDOR",
        "customrecord_x",
        "[scriptid=customrecord_y]",
        "Vendors",
        "Pay Bills",
        "SOAP Web Services",
        "Core Administration Permissions",
    ],
    ["Invoce", "NOPE_*", ""],
)
LEVELS = _mostly(["none", "view", "create", "edit", "full"], ["FULL"])
SELECTOR = NAMES | st.one_of(
    st.fixed_dictionaries(
        {"permission": NAMES},
        optional={"level": LEVELS, "except": st.lists(NAMES, min_size=1, max_size=2)},
    ),
    st.fixed_dictionaries(
        {
            "category": st.sampled_from(
                ["setup", "transactions", "lists", "reports", "custom_record", "other"]
            )
        },
        optional={"level": LEVELS, "except": st.lists(NAMES, min_size=1, max_size=2)},
    ),
    st.fixed_dictionaries(
        {"capability": _mostly(["delete-records", "modify-scripts", "create-tokens"], ["delete"])},
        optional={"level": LEVELS},
    ),
)
LEVEL_MAP = st.dictionaries(NAMES, LEVELS, min_size=1, max_size=3)
SUBJECT_NAMES = _mostly(
    ["Invoice Sync", "Shopify*", "Administrator", "3", "*", "Data Warehouse Export"], ["Nobody"]
)
PERMISSION_ASSERTIONS = {
    "forbid": st.fixed_dictionaries(
        {},
        optional={
            "roles": st.lists(
                _mostly(["Administrator", "Full Access", "Shopify Connector"], ["Admin"]),
                min_size=1,
                max_size=2,
            ),
            "permissions": st.lists(SELECTOR, min_size=1, max_size=3),
        },
    ).filter(bool),
    "allow_only": LEVEL_MAP,
    "max_level": LEVELS | LEVEL_MAP,
    "forbid_together": st.lists(st.lists(SELECTOR, min_size=2, max_size=2), min_size=1, max_size=2),
}
TOKEN_ASSERTIONS = {
    "max_age_days": st.integers(0, 800),
    "max_idle_days": st.integers(1, 800),
    "require": st.fixed_dictionaries(
        {},
        optional={
            "web_services_only": st.booleans(),
            "user_active": st.booleans(),
            "auth_flows": st.lists(
                st.sampled_from(["tba", "auth_code", "client_credentials"]),
                min_size=1,
                max_size=2,
                unique=True,
            ),
            "permissions": LEVEL_MAP,
            "covered_by": st.just("allow_only"),
        },
    ).filter(bool),
}
WHERE = {
    "roles": {
        "name": SUBJECT_NAMES,
        "used_by_tokens": st.booleans(),
        "active": st.sampled_from([True, False, "any"]),
    },
    "tokens": {
        "role": SUBJECT_NAMES,
        "integration": SUBJECT_NAMES,
        "type": st.sampled_from(["tba", "client_credentials"]),
    },
    "users": {"name": SUBJECT_NAMES, "role": SUBJECT_NAMES},
    "integrations": {"name": SUBJECT_NAMES},
}


def _rule(applies_to: str):  # type: ignore[no-untyped-def]
    assertions = dict(PERMISSION_ASSERTIONS)
    if applies_to == "tokens":
        assertions.update(TOKEN_ASSERTIONS)
    return st.builds(
        lambda rule_id, where, severity, body: {
            "id": rule_id,
            "applies_to": applies_to,
            "severity": severity,
            **({"where": where} if where else {}),
            **body,
        },
        st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True),
        st.fixed_dictionaries({}, optional=WHERE[applies_to]),
        st.sampled_from(["error", "warning", "note"])
        | st.just({"production": "error", "sandbox": "note"}),
        st.fixed_dictionaries({}, optional=assertions).filter(bool),
    )


RULES = st.one_of([_rule(kind) for kind in ("roles", "tokens", "users", "integrations")])
WAIVERS = st.lists(
    st.fixed_dictionaries(
        {
            "rule": _mostly(["token-rotation"], ["nope"]),
            "subject": SUBJECT_NAMES,
            "reason": st.just("because"),
            "expires": _mostly(["2026-12-31", "2020-01-01"], ["2026-02-30"]),
        }
    ),
    max_size=1,
)
POLICIES = st.fixed_dictionaries(
    {
        "suitelint": st.just(1),
        "rules": st.lists(RULES, min_size=1, max_size=3, unique_by=lambda r: r["id"]),
    },
    optional={"waivers": WAIVERS},
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(POLICIES)
def test_any_policy_document_compiles_and_evaluates_or_fails_with_a_typed_error(
    document: dict[str, object],
):
    import yaml

    from suitelint.catalog import load_catalog
    from suitelint.engine import evaluate
    from suitelint.sources import load_sources

    text = yaml.safe_dump(document, sort_keys=False)
    snapshot = load_sources([str(EXAMPLES / "account.json")], load_catalog()).snapshot
    with contextlib.suppress(SuitelintError):
        evaluate(make_policy(text), snapshot, load_catalog(), TODAY)


def test_an_interrupted_write_leaves_the_previous_file_intact(tmp_path: Path):
    target = tmp_path / "report.json"
    target.write_text("previous report\n")
    # The child stops inside the write (after the data, before the rename) and is killed there.
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from suitelint import fsutil
        def stall(fd):
            print("writing", flush=True)
            time.sleep(60)
        fsutil.os.fsync = stall
        fsutil.atomic_write_text({str(target)!r}, "new report\\n" * 100000)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        child.kill()
    finally:
        child.wait(timeout=30)
    assert target.read_text() == "previous report\n"


def test_a_report_file_is_replaced_whole(run_cli, tmp_path: Path):
    out = tmp_path / "report.json"
    out.write_text("old")
    result = run_cli("check", EXAMPLES / "account.json", "-f", f"json={out}")
    assert result.exit_code == 1
    assert out.read_text().startswith("{") and out.read_text().endswith("}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left


def test_an_unexpected_exception_is_exit_2_with_a_hint_not_a_traceback(monkeypatch, capsys):
    from suitelint import cli, runner

    def explode(options: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(runner, "run_check", explode)
    monkeypatch.setattr(sys, "argv", ["suitelint", "check", str(EXAMPLES / "account.json")])
    monkeypatch.delenv("SUITELINT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert (
        err
        == "suitelint: internal error: ZeroDivisionError; this is a bug. Rerun with --debug for details.\n"
    )


def test_under_debug_an_unexpected_exception_shows_its_traceback_and_debug_ends_with_the_run(
    monkeypatch, capsys
):
    from suitelint import cli, runner

    def explode(options: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(runner, "run_check", explode)
    argv = ["suitelint", "--debug", "check", str(EXAMPLES / "account.json")]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.delenv("SUITELINT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last):" in err and "ZeroDivisionError: boom" in err
    assert "SUITELINT_DEBUG" not in os.environ


XML_PIECES = st.sampled_from(
    [
        "<role scriptid='customrole_x'>",
        "</role>",
        "<name>",
        "</name>",
        "<permissions>",
        "</permissions>",
        "<permission>",
        "</permission>",
        "<permkey>",
        "</permkey>",
        "<permlevel>",
        "</permlevel>",
        "TRAN_CUSTINVC",
        "FULL",
        "view",
        "[scriptid=customrecord_x]",
        "<!DOCTYPE x>",
        "&amp;",
        "&x;",
        "<![CDATA[",
        "]]>",
        "T",
        "F",
        "<isinactive>",
        "</isinactive>",
        "<integration>",
        "</integration>",
        "\n",
        "\x00",
        "é",
    ]
)


@given(
    st.one_of(
        st.binary(max_size=200), st.lists(XML_PIECES, max_size=25).map("".join).map(str.encode)
    )
)
def test_the_sdf_loader_raises_nothing_but_its_own_errors(tmp_path_factory, data: bytes):
    from suitelint.sources.sdf import load_sdf

    folder = tmp_path_factory.mktemp("sdf")
    (folder / "customrole_x.xml").write_bytes(data)
    with contextlib.suppress(SuitelintError):
        load_sdf(folder)
