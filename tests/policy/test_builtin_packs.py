"""Built-in packs are trusted by the loader (it skips the schema validator for them, to
start fast), so every pack is held to the published policy schema here."""

from __future__ import annotations

import jsonschema
import pytest

from suitelint.catalog import load_catalog
from suitelint.policy.compiler import compile_policies
from suitelint.policy.loader import BUILTIN_PREFIX, builtin_packs, load_policy, policy_schema


@pytest.mark.parametrize("pack", builtin_packs())
def test_every_builtin_pack_is_valid_against_the_policy_schema(pack: str) -> None:
    document = load_policy(BUILTIN_PREFIX + pack)
    errors = list(jsonschema.Draft202012Validator(policy_schema()).iter_errors(document.data))
    assert errors == []
    assert document.builtin


@pytest.mark.parametrize("pack", builtin_packs())
def test_every_builtin_pack_compiles(pack: str) -> None:
    policy = compile_policies([load_policy(BUILTIN_PREFIX + pack)], load_catalog())
    assert policy.rules


def test_there_is_at_least_the_baseline_pack() -> None:
    assert "baseline" in builtin_packs()


@pytest.mark.parametrize("pack", builtin_packs())
def test_every_builtin_pack_reads_the_same_with_libyaml_and_without(pack: str) -> None:
    """Every file is read by libyaml where PyYAML has it, else by the pure-Python reader.
    Both must see the same values at the same lines and columns."""
    from importlib import resources

    from suitelint.yamlsrc import load_yaml

    text = resources.files("suitelint").joinpath("policies", f"{pack}.yaml").read_text("utf-8")
    fast_data, fast_positions = load_yaml(text, pack)
    data, positions = load_yaml(text, pack, pure=True)
    assert fast_data == data
    assert fast_positions == positions
