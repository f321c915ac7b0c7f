"""The assertion registry is the one list of assertion kinds: the schema, the compiler,
the engine and the docs all follow it."""

from __future__ import annotations

import importlib
import json
import pkgutil
from importlib import resources

import suitelint.policy.assertions as assertions_pkg
from suitelint.policy.assertions import KEYS, KINDS


def _rule_schema() -> dict:  # type: ignore[type-arg]
    text = resources.files("suitelint.policy").joinpath("policy.schema.json").read_text("utf-8")
    rule: dict = json.loads(text)["$defs"]["rule"]  # type: ignore[type-arg]
    return rule


def test_the_schema_accepts_exactly_the_registered_assertion_keys() -> None:
    """A rule must have one assertion (anyOf) and may have no other key: a key the registry
    lacks cannot reach the compiler, a registered key the schema lacks cannot be written."""
    rule = _rule_schema()
    required_one_of = {key for branch in rule["anyOf"] for key in branch["required"]}
    assert required_one_of == set(KEYS)
    assert set(KEYS) <= set(rule["properties"])
    assert rule["additionalProperties"] is False


def test_every_assertion_module_is_registered_once_under_its_own_name() -> None:
    modules = {
        name
        for _, name, _ in pkgutil.iter_modules(assertions_pkg.__path__)
        if not name.startswith("_")
    }
    assert modules == set(KEYS), "one module per YAML key, each in KINDS"
    assert len(KEYS) == len(set(KEYS))
    for kind in KINDS:
        module = importlib.import_module(f"suitelint.policy.assertions.{kind.key}")
        assert module.KIND is kind
        assert kind.doc == module.__doc__
        assert f"``{kind.key}``" in kind.doc.splitlines()[0], "the doc starts with its key"


def test_forbid_is_checked_first() -> None:
    """A forbidden role's finding stands in for the same rule's "holds every permission"
    findings: forbid must run before the kinds that read it."""
    assert KEYS[0] == "forbid"
