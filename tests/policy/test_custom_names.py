"""Policies may name a custom record by the display name its SDF XML gives it: the names
of an account's custom objects are indexed when a policy first looks one up, never for a
policy that names permissions only (an account may have thousands of custom records)."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from suitelint.catalog import load_catalog
from suitelint.model import CustomObject
from suitelint.policy.compiler import compile_policies
from suitelint.policy.compiling import CustomNames, custom_names
from suitelint.policy.loader import parse_policy

objects = st.lists(
    st.builds(
        CustomObject,
        scriptid=st.sampled_from(["customrecord_a", "CUSTOMRECORD_A", "customrecord_b", "cseg_c"]),
        name=st.sampled_from(["Record A", "record  a", "Record B", "", "Région"]),
    ),
    max_size=6,
)


@given(objects)
def test_the_lazy_index_is_the_index(found: list[CustomObject]) -> None:
    lazy = CustomNames(found)
    assert dict(lazy) == custom_names(found)
    assert lazy.get("record a") == custom_names(found).get("record a")


class Counted:
    """Custom objects that count how often they are read."""

    def __init__(self, found: list[CustomObject]) -> None:
        self.found = found
        self.reads = 0

    def __iter__(self) -> Iterator[CustomObject]:
        self.reads += 1
        return iter(self.found)


POLICY = """
suitelint: 1
rules:
  - id: least
    title: t
    applies_to: roles
    allow_only: {{{entries}}}
"""


def test_a_policy_naming_permissions_only_never_indexes_the_custom_objects() -> None:
    account = Counted([CustomObject("customrecord_a", "Record A")])
    doc = parse_policy(POLICY.format(entries="Customers: view, customrecord_a: edit"), "p.yaml")
    policy = compile_policies([doc], load_catalog(), account)
    assert policy.rules and account.reads == 0


def test_a_display_name_is_looked_up_among_the_custom_objects_once() -> None:
    account = Counted([CustomObject("customrecord_a", "Record A")])
    doc = parse_policy(POLICY.format(entries="Record A: edit, Customers: view"), "p.yaml")
    (rule,) = compile_policies([doc], load_catalog(), account).rules
    (entries,) = [a.entries for a in rule.assertions]
    assert entries[0].selector.text == "Record A (customrecord_a)"
    assert account.reads == 1
