"""Snapshot files: JSON and YAML, validated, located, and never trusted blindly."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES
from suitelint.catalog import load_catalog
from suitelint.errors import SnapshotError, SourceError, SuitelintError
from suitelint.model import Snapshot
from suitelint.sources import load_sources
from suitelint.sources.snapshot import dump_snapshot, parse_snapshot, snapshot_schema

MINIMAL = {
    "roles": [
        {
            "id": "1001",
            "name": "Sync",
            "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "VIEW"}],
        }
    ],
    "users": [{"id": "7", "name": "Sync User", "roles": ["1001"]}],
    "tokens": [{"id": "T1", "user": "7", "role": "1001"}],
}


def write(tmp_path: Path, data: object, name: str = "account.json") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data, indent=2))
    else:
        import yaml

        path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load(path: Path, **kwargs: bool):  # type: ignore[no-untyped-def]
    return load_sources([str(path)], load_catalog(), **kwargs).snapshot


@pytest.mark.parametrize("name", ["account.json", "account.yaml"])
def test_json_and_yaml_snapshots_load_into_the_same_model(tmp_path: Path, name: str):
    snapshot = load(write(tmp_path, MINIMAL, name))
    assert [r.name for r in snapshot.roles] == ["Sync"]
    assert snapshot.tokens[0].role == "1001"


def test_the_example_account_loads():
    snapshot = load(EXAMPLES / "account.json")
    assert len(snapshot.tokens) == 4
    assert snapshot.account.environment == "production"


def test_a_token_naming_an_unknown_role_is_an_error_located_at_the_token(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["tokens"][0]["role"] = "9999"
    with pytest.raises(SnapshotError) as caught:
        load(write(tmp_path, data))
    problem = caught.value.problems[0]
    assert "token 'T1' refers to unknown role '9999'" in problem.message
    assert problem.line == 25


def test_a_user_naming_an_unknown_role_is_an_error(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["users"][0]["roles"] = ["1001", "42"]
    with pytest.raises(SnapshotError, match="user 'Sync User' refers to unknown role '42'"):
        load(write(tmp_path, data, "account.yaml"))


def test_a_token_may_name_administrator_without_the_snapshot_listing_it(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["tokens"][0]["role"] = "3"
    snapshot = load(write(tmp_path, data))
    assert any(r.name == "Administrator" for r in snapshot.roles)


def test_a_permkey_of_no_permkey_form_is_an_error_with_a_suggestion(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["roles"][0]["permissions"][0]["permkey"] = "Invoice"  # a UI name, not a key
    with pytest.raises(SnapshotError) as caught:
        load(write(tmp_path, data))
    problem = caught.value.problems[0]
    assert problem.message.startswith("'Invoice' is no permkey: expected a standard permkey")
    assert "did you mean 'TRAN_CUSTINVC (Invoice)'" in problem.message
    assert (problem.line, problem.column) == (8, 11)


def test_a_standard_permkey_the_catalog_does_not_list_loads(tmp_path: Path):
    # a permission of a newer NetSuite release is valid data (the engine reports it)
    data = json.loads(json.dumps(MINIMAL))
    data["roles"][0]["permissions"].append({"permkey": "ADMI_NEWFEATURE", "level": "FULL"})
    (role,) = [r for r in load(write(tmp_path, data)).roles if r.id == "1001"]
    assert ("ADMI_NEWFEATURE", "FULL") in {(p.permkey, p.level) for p in role.permissions}


def test_custom_record_permkeys_are_recognised_by_syntax(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["roles"][0]["permissions"].append({"permkey": "customrecord_invoice_log", "level": "FULL"})
    snapshot = load(write(tmp_path, data))
    assert snapshot.roles[0].permissions[1].permkey == "customrecord_invoice_log"


def test_a_level_in_the_wrong_case_is_an_error(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["roles"][0]["permissions"][0]["level"] = "view"
    with pytest.raises(SnapshotError) as caught:
        load(write(tmp_path, data))
    assert "Invalid enum value 'view'; expected one of NONE, VIEW, CREATE, EDIT, FULL" in str(
        caught.value
    )
    assert caught.value.line == 9


def test_a_record_restriction_on_a_segment_suitelint_does_not_know_loads(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["roles"][0]["restrictions"] = [
        {"segment": "CUSTOMSEGMENT_REGION", "restriction": "OWNONLY"}
    ]
    (role,) = load(write(tmp_path, data)).roles
    assert role.restrictions[0].segment == "CUSTOMSEGMENT_REGION"


def test_a_segment_that_cannot_be_a_netsuite_value_is_a_located_error(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["roles"][0]["restrictions"] = [{"segment": "department", "restriction": "OWNONLY"}]
    with pytest.raises(SnapshotError) as caught:
        load(write(tmp_path, data))
    assert "DEPARTMENT, CLASS, LOCATION or another upper-case NetSuite value" in str(caught.value)
    assert caught.value.line is not None


def test_an_unknown_field_is_an_error_not_ignored(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["tokens"][0]["rol"] = "1001"
    with pytest.raises(SnapshotError, match="unknown field `rol`"):
        load(write(tmp_path, data))


def test_a_date_in_the_wrong_format_is_an_error(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["tokens"][0]["created"] = "12/31/2025"
    with pytest.raises(SnapshotError, match="expected an ISO date, YYYY-MM-DD"):
        load(write(tmp_path, data))


def test_duplicate_ids_are_an_error(tmp_path: Path):
    data = json.loads(json.dumps(MINIMAL))
    data["users"].append({"id": "7", "name": "Twin"})
    with pytest.raises(SnapshotError, match="duplicate user id '7'"):
        load(write(tmp_path, data))


def test_an_empty_account_fails_closed_unless_allowed(tmp_path: Path):
    path = write(tmp_path, {"suitelint_snapshot": 1})
    with pytest.raises(SourceError, match="empty account passes nothing"):
        load(path)
    assert load(path, allow_empty=True).is_empty


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b'{"roles": [', "invalid JSON"),
        (b"\xff\xfe\x00", "not valid UTF-8"),
        (b"[]", "Expected `object`"),
    ],
)
def test_broken_json_is_a_located_error(tmp_path: Path, content: bytes, expected: str):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(SuitelintError) as caught:
        load(path)
    assert expected in str(caught.value)
    assert caught.value.path == str(path)


def test_a_bom_is_accepted(tmp_path: Path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(MINIMAL).encode())
    assert load(path).roles


def test_a_directory_named_like_a_snapshot_is_read_as_an_sdf_folder_and_fails_clearly(
    tmp_path: Path,
):
    folder = tmp_path / "account.json"
    folder.mkdir()
    with pytest.raises(SourceError, match="no SDF objects found"):
        load(folder)


def test_a_missing_file_is_an_error(tmp_path: Path):
    with pytest.raises(SourceError, match="no such file or folder"):
        load(tmp_path / "nope.json")


def test_the_published_schema_validates_the_example_account():
    import jsonschema

    schema = snapshot_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads((EXAMPLES / "account.json").read_text()), schema)


def test_dumping_is_deterministic_and_round_trips():
    loaded = parse_snapshot((EXAMPLES / "account.json").read_bytes(), "account.json").snapshot
    once = dump_snapshot(loaded)
    assert dump_snapshot(loaded) == once
    assert parse_snapshot(once, "again.json").snapshot == loaded
    as_yaml = dump_snapshot(loaded, yaml_format=True)
    assert parse_snapshot(as_yaml, "again.yaml").snapshot == loaded


@given(st.binary(max_size=300))
def test_the_json_loader_raises_nothing_but_its_own_errors(data: bytes):
    with contextlib.suppress(SuitelintError):
        parse_snapshot(data, "fuzz.json")


@given(st.text(max_size=300))
def test_the_yaml_loader_raises_nothing_but_its_own_errors(text: str):
    with contextlib.suppress(SuitelintError):
        parse_snapshot(text.encode("utf-8", "surrogatepass"), "fuzz.yaml")


permission = st.fixed_dictionaries(
    {
        "permkey": st.sampled_from(
            ["TRAN_CUSTINVC", "LIST_VENDOR", "customrecord_x", "ADMI_KERNEL"]
        ),
        "level": st.sampled_from(["NONE", "VIEW", "CREATE", "EDIT", "FULL"]),
    }
)
roles = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.text("0123456789", min_size=1, max_size=4),
            "name": st.text(min_size=1, max_size=20),
        },
        optional={"permissions": st.lists(permission, max_size=4), "inactive": st.booleans()},
    ),
    max_size=4,
    unique_by=lambda r: r["id"],
)


@given(roles)
def test_snapshots_round_trip_through_json_and_yaml(data: list[dict[str, object]]):
    snapshot = msgspec.convert({"roles": data}, type=Snapshot)
    for yaml_format, name in ((False, "s.json"), (True, "s.yaml")):
        text = dump_snapshot(snapshot, yaml_format=yaml_format)
        assert parse_snapshot(text, name).snapshot == snapshot


def test_findings_point_at_the_right_role_when_users_come_first(tmp_path: Path):
    from conftest import TODAY
    from suitelint.runner import evaluate_sources, load_policy_set

    text = (
        '{\n  "users": [\n    {"id": "7", "name": "Sync User", "roles": ["1001"]}\n  ],\n'
        '  "tokens": [\n    {"id": "T1", "user": "7", "role": "1001"}\n  ],\n'
        '  "roles": [\n    {"id": "1001", "name": "Sync", "permissions": [\n'
        '      {"permkey": "ADMI_CUSTOMSCRIPT", "level": "FULL"}\n    ]}\n  ]\n}\n'
    )
    path = tmp_path / "users-first.json"
    path.write_text(text)
    catalog = load_catalog()
    policy = load_policy_set(["builtin:baseline"], catalog)
    _, findings = evaluate_sources([str(path)], policy, catalog, today=TODAY)
    scripts = next(f for f in findings if f.rule_id == "integration-role-no-scripts")
    assert scripts.location is not None
    assert (scripts.location.line, scripts.location.column) == (10, 8)  # the permkey's line
