"""The quick schema check says "valid" exactly when jsonschema does.

Valid policy files never import jsonschema (start-up of the pull-request case); what the
quick check calls invalid is described by jsonschema. If the quick check ever passed a
document jsonschema refuses, an invalid policy would be checked as if it were valid: these
properties compare the two verdicts on every policy the repository holds, on documents
mutated from them (keys dropped, values replaced by any JSON value, unknown keys added),
and on arbitrary JSON.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suitelint.errors import SuitelintError
from suitelint.policy.loader import policy_schema
from suitelint.schemacheck import compile_schema
from suitelint.yamlsrc import load_yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = sorted((ROOT / "src" / "suitelint").rglob("*.schema.json"))


def _documents() -> list[Any]:
    found = []
    for path in sorted(
        [
            *ROOT.glob("examples/*.yaml"),
            *ROOT.glob("src/suitelint/policies/*.yaml"),
            *ROOT.glob("tests/fixtures/**/*.yaml"),
        ]
    ):
        try:
            data, _ = load_yaml(path.read_text("utf-8"), str(path))
        except (SuitelintError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and "rules" in data:
            found.append(data)
    return found


POLICIES = _documents()
REFERENCE = jsonschema.Draft202012Validator(policy_schema())
QUICK = compile_schema(policy_schema())

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 100_000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "x", "view", "FULL", "tokens", "roles", "error", "2026-01-01", "*"])
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "rules", "x", "level", "roles"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*at, i))
    return found


def test_the_policy_schema_compiles_and_the_repository_holds_policies() -> None:
    assert QUICK is not None
    assert len(POLICIES) > 10


@pytest.mark.parametrize("index", range(len(POLICIES)))
def test_every_policy_of_the_repository_gets_the_same_verdict(index: int) -> None:
    assert QUICK is not None
    document = POLICIES[index]
    assert QUICK(document) == REFERENCE.is_valid(document)


@settings(max_examples=300)
@given(st.data())
def test_mutated_policies_get_the_same_verdict(data: st.DataObject) -> None:
    assert QUICK is not None
    document = copy.deepcopy(data.draw(st.sampled_from(POLICIES)))
    for _ in range(data.draw(st.integers(1, 3))):
        places = paths(document)
        at = data.draw(st.sampled_from(places))
        action = data.draw(st.sampled_from(["replace", "drop", "add", "duplicate"]))
        if not at:
            continue
        parent = document
        for step in at[:-1]:
            parent = parent[step]
        last = at[-1]
        if action == "replace":
            parent[last] = data.draw(json_values)
        elif action == "drop":
            del parent[last]
        elif action == "add" and isinstance(parent[last], dict):
            parent[last][data.draw(st.sampled_from(["x", "level", "roles", "when"]))] = data.draw(
                json_values
            )
        elif action == "duplicate" and isinstance(parent[last], list) and parent[last]:
            parent[last].append(copy.deepcopy(parent[last][0]))
    assert QUICK(document) == REFERENCE.is_valid(document), json.dumps(document)[:500]


@given(json_values)
def test_any_json_value_gets_the_same_verdict(value: Any) -> None:
    assert QUICK is not None
    assert QUICK(value) == REFERENCE.is_valid(value)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_published_schema_compiles_or_is_left_to_jsonschema(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    quick = compile_schema(schema)
    if quick is not None:  # then it agrees on the empty document and on an empty mapping
        for value in ({}, [], None, {"suitelint": 1}):
            assert quick(value) == jsonschema.Draft202012Validator(schema).is_valid(value)


def test_an_unknown_keyword_is_never_guessed() -> None:
    assert compile_schema({"type": "object", "dependentRequired": {"a": ["b"]}}) is None
    assert compile_schema({"$ref": "https://example.com/elsewhere.json"}) is None
    assert compile_schema({"type": "object", "patternProperties": {"^x": {}}}) is None


REPLACEMENTS: list[Any] = [None, "", -1, 1.5, [], {}, ["x", "x"]]


def test_every_single_value_replaced_in_the_example_policy_gets_the_same_verdict() -> None:
    """Exhaustive where the properties sample: every value of the richest policy (one rule
    of every kind) replaced in turn by each of a few values of every JSON type."""
    assert QUICK is not None
    example = next(d for d in POLICIES if len(d["rules"]) == max(len(p["rules"]) for p in POLICIES))
    for at in paths(example):
        if not at:
            continue
        for replacement in REPLACEMENTS:
            document = copy.deepcopy(example)
            parent = document
            for step in at[:-1]:
                parent = parent[step]
            parent[at[-1]] = copy.deepcopy(replacement)
            assert QUICK(document) == REFERENCE.is_valid(document), (at, replacement)
