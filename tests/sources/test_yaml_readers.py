"""YAML is read by libyaml where PyYAML has it, and by the pure-Python reader otherwise.

Whichever reader runs, a document gives the same values at the same lines and columns,
and a broken document the same error (message, line and column): libyaml's refusals are
explained by the pure-Python reader. These properties hold the two together on
YAML-shaped text: nesting, flow and block styles, quotes, comments, anchors, tags, tabs,
CRLF and odd line breaks, non-ASCII text.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from suitelint.errors import SuitelintError
from suitelint.yamlread import _FAST_LOADER
from suitelint.yamlsrc import load_yaml

pytestmark = pytest.mark.skipif(_FAST_LOADER is None, reason="PyYAML built without libyaml")

PIECES = [
    "a",
    "b: 1",
    "- ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\x85",
    "\u2028",
    ": ",
    ", ",
    "[",
    "]",
    "{",
    "}",
    "'x'",
    '"y\\n"',
    '"',
    "'",
    "# c",
    "&a ",
    "*a",
    "!!str ",
    "!x ",
    "<<: ",
    "? ",
    "|\n  z",
    ">-\n  w",
    "---",
    "...",
    "yes",
    "0x1F",
    "1e3",
    "~",
    "2026-11-25",
    "é",
    "名",
    "😀",
    "\x07",
    "\ufeff",
    "%YAML 1.1\n",
]


def read(text: str, *, pure: bool) -> tuple[str, object]:
    try:
        data, positions = load_yaml(text, "f.yaml", pure=pure)
    except SuitelintError as error:
        return ("error", [(p.message, p.line, p.column) for p in error.problems])
    return ("ok", (data, positions))


@settings(max_examples=400)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
@example("roles:\n  - id: '1'\n    permissions:\n      - {permkey: LIST_X, level: FULL}\n")
@example("a: [1, 2\nb: 3\n")
@example("a: 'unterminated\n")
@example("a:\n\t- b\n")
@example("é: [名, 😀]\r\nb: &x {c: 1}\r\nd: *x\r\n")
def test_libyaml_and_the_pure_python_reader_agree(text: str) -> None:
    assert read(text, pure=False) == read(text, pure=True)


def test_nesting_beyond_the_limit_is_the_same_error_from_both() -> None:
    text = "[" * 600 + "]" * 600
    assert read(text, pure=False) == read(text, pure=True)
    assert read(text, pure=False)[0] == "error"


def test_positions_depth_keeps_only_shallow_positions() -> None:
    text = "roles:\n  - id: '1'\n    permissions:\n      - {permkey: LIST_X, level: FULL}\n"
    data, full = load_yaml(text, "f.yaml")
    shallow_data, shallow = load_yaml(text, "f.yaml", positions_depth=4)
    assert shallow_data == data
    assert shallow.of(("roles", 0, "permissions", 0)) == full.of(("roles", 0, "permissions", 0))
    assert ("roles", 0, "permissions", 0, "level") in full.by_path
    assert ("roles", 0, "permissions", 0, "level") not in shallow.by_path


def test_the_fast_loader_resolves_tags_as_the_safe_loader_does() -> None:
    text = "[yes, No, '1', 1, 1.5, .inf, ~, null, '', 2026-11-25, 0o17, 0x1F, 1_000, =, <<]"
    fast = yaml.compose(text, Loader=_FAST_LOADER)
    safe = yaml.compose(text, Loader=yaml.SafeLoader)
    assert [(n.tag, n.value) for n in fast.value] == [(n.tag, n.value) for n in safe.value]


@pytest.mark.parametrize("depth", [200, 201, 250, 2000])
def test_nesting_is_refused_from_level_201_at_the_collection_that_opens_it(depth: int) -> None:
    for pure in (False, True):
        outcome = read("[" * depth + "]" * depth, pure=pure)
        if depth <= 200:
            assert outcome[0] == "ok"
        else:
            assert outcome == ("error", [("YAML is nested more than 200 levels deep", 1, 201)])
