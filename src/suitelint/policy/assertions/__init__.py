"""Assertion kinds: one module per YAML key of a rule, in one ordered registry.

:data:`KINDS` lists every kind in the order a rule's assertions are compiled and checked
(``forbid`` first: a forbidden role's finding stands in for "holds every permission"
findings of the same rule). The policy compiler builds assertions only through it, and
the engine only calls the :class:`Assertion` protocol, so a kind that is not in the
registry cannot be compiled, and every compiled assertion has its own check. See
CONTRIBUTING.md, "Adding an assertion kind".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from suitelint.policy.assertions import (
    allow_only,
    forbid,
    forbid_together,
    max_age_days,
    max_idle_days,
    max_level,
    require,
    restricted_to,
)
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind, RoleRows
from suitelint.policy.assertions.allow_only import allow_lists
from suitelint.policy.assertions.forbid import forbids_roles
from suitelint.policy.assertions.max_idle_days import reads_last_use
from suitelint.policy.assertions.require import reads_user_state
from suitelint.policy.compiling import Compiler
from suitelint.yamlsrc import PathKey

#: every assertion kind, in the order a rule's assertions are compiled and checked
KINDS: tuple[Kind, ...] = (
    forbid.KIND,
    allow_only.KIND,
    max_level.KIND,
    forbid_together.KIND,
    max_age_days.KIND,
    max_idle_days.KIND,
    require.KIND,
    restricted_to.KIND,
)
#: the YAML keys of a rule that are assertions
KEYS: tuple[str, ...] = tuple(kind.key for kind in KINDS)


def compile_assertions(
    c: Compiler, raw: Mapping[str, Any], at: PathKey, applies_to: str
) -> tuple[Assertion, ...]:
    """Every assertion of one rule (``raw``, at ``at``), in registry order."""
    found: list[Assertion] = []
    for kind in KINDS:
        if kind.key in raw:
            found.extend(kind.compile(c, raw[kind.key], (*at, kind.key), applies_to))
    return tuple(found)


__all__ = [
    "KEYS",
    "KINDS",
    "Assertion",
    "Check",
    "Context",
    "Emitter",
    "Kind",
    "RoleRows",
    "allow_lists",
    "compile_assertions",
    "forbids_roles",
    "reads_last_use",
    "reads_user_state",
]
