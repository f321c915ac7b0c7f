"""The block reader (suitelint.yamlblock) is a fast path for plain block YAML: where it
reads a document, it gives exactly the values and positions libyaml's events give; where
it does not, it says so (None) and the other readers decide, errors included.

These properties hold it to the event reader on what ``yaml.safe_dump`` writes (the way
snapshots are written) and on arbitrary YAML-shaped lines, and to the pure-Python reader
through ``load_yaml``. A snapshot as suitelint writes it must take the fast path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from suitelint import yamlblock, yamlread
from suitelint.errors import SuitelintError
from suitelint.model import Snapshot
from suitelint.sources.snapshot import dump_snapshot
from suitelint.yamlsrc import load_yaml

pytestmark = pytest.mark.skipif(
    yamlread._FAST_LOADER is None, reason="PyYAML built without libyaml"
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "account.json"
DEPTHS = (0, 1, 4, yamlread.MAX_DEPTH + 1)


def block(text: str, keep: int) -> Any:
    return yamlblock.read_block(
        text, keep, yamlread._plain_value, yamlread.MAX_NODES, yamlread.MAX_DEPTH
    )


def events(text: str, keep: int) -> Any:
    return yamlread._load_from_events(text, yamlread._FAST_LOADER, keep)


def same(fast: Any, slow: Any) -> bool:
    """Equal values, and positions equal in content and in order."""
    if fast is None or slow is None:
        return False
    (value, (by_path, key_by_path)), (value2, (by_path2, key_by_path2)) = fast, slow
    return (
        value == value2
        and _typed(value) == _typed(value2)
        and list(by_path.items()) == list(by_path2.items())
        and list(key_by_path.items()) == list(key_by_path2.items())
    )


def _typed(value: Any) -> Any:
    """The value with each scalar's type spelt out (1 == 1.0 == True in Python)."""
    if isinstance(value, dict):
        return [(k, _typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, repr(value))


def agrees(text: str) -> None:
    for keep in DEPTHS:
        fast = block(text, keep)
        if fast is not None:
            assert same(fast, events(text, keep)), (keep, text)


def outcome(text: str, *, pure: bool) -> tuple[str, object]:
    try:
        data, positions = load_yaml(text, "f.yaml", pure=pure)
    except SuitelintError as error:
        return ("error", [(p.message, p.line, p.column) for p in error.problems])
    return ("ok", (_typed(data), positions))


KEYS = st.sampled_from(["id", "name", "permissions", "a", "b_2", "yes", "null", "x"])
TEXT = st.text(
    alphabet=st.sampled_from(
        [*"aZ09 _-.:#'\"\\,[]{}?!&*|>%@`~=<", "é", "名", "😀", "\x07", "\x85", "\u2028"]
    ),
    max_size=12,
)
SCALARS = (
    TEXT
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.none()
    | st.sampled_from(["3", "1.5", "yes", "~", "2026-11-25", "0x1F", "1:30", "", " x", "x "])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)
#: words a run of entries reads at once, words it must not, and other values
PLAIN_WORDS = st.sampled_from(
    [
        *("FULL", "VIEW", "LIST_X", "a.b", "a-b", "_x", "yes", "No", "null", "1", "0x1F"),
        *("1_000", "1.5", "1e3", "2026-11-25", "-1", ".inf", "~", "a:b", "a b", "", "'q'", "é"),
    ]
)
WORDS = PLAIN_WORDS | SCALARS
ROW_KEYS = st.sampled_from([("permkey", "level"), ("permkey",), ("a", "b", "c"), ("level", "x")])
ROWS = st.lists(
    ROW_KEYS.flatmap(lambda keys: st.fixed_dictionaries(dict.fromkeys(keys, WORDS))),
    min_size=1,
    max_size=8,
)
#: a snapshot's shape: the rows of a subject at depth 4, where positions stop
SNAPSHOTS = st.fixed_dictionaries(
    {"roles": st.lists(st.fixed_dictionaries({"id": WORDS, "permissions": ROWS}), max_size=3)}
)
DOCUMENTS = (
    st.dictionaries(KEYS, VALUES, min_size=1, max_size=4)
    | st.lists(VALUES, min_size=1, max_size=4)
    | SNAPSHOTS
    | ROWS
)


@settings(max_examples=500)
@given(
    DOCUMENTS,
    st.booleans(),
    st.sampled_from([2, 4]),
    st.sampled_from([20, 80, 10**6]),
)
def test_what_safe_dump_writes_reads_as_the_event_reader_reads_it(
    document: Any, unicode: bool, indent: int, width: int
) -> None:
    text = yaml.safe_dump(
        document, sort_keys=False, allow_unicode=unicode, indent=indent, width=width
    )
    agrees(text)
    assert outcome(text, pure=False) == outcome(text, pure=True)


@settings(max_examples=300)
@given(
    st.lists(
        st.lists(
            ROW_KEYS.flatmap(lambda keys: st.fixed_dictionaries(dict.fromkeys(keys, PLAIN_WORDS))),
            max_size=12,
        ),
        max_size=3,
    )
)
def test_runs_of_rows_read_as_the_event_reader_reads_them(permissions: list[Any]) -> None:
    document = {
        "roles": [{"id": str(n), "permissions": rows} for n, rows in enumerate(permissions)]
    }
    agrees(yaml.safe_dump(document, sort_keys=False))


LINE_STARTS = ["", "  ", "    ", "   ", "- ", "  - ", "    - ", "-   ", "- - ", "  -  "]
LINE_BODIES = [
    "a:",
    "b:",
    "a: 1",
    "b: x",
    "c: 'q''s'",
    'd: "e\\u00e9\\x41\\n"',
    'd: "bad\\q"',
    "e: []",
    "f: {}",
    "g: [1]",
    "h: null",
    "i: yes",
    "j: 1.5",
    "k: a:b",
    "k: a: b",
    "k: a #c",
    "k: a#c",
    "k: -1",
    "k: - 1",
    "k: ---",
    "k: <<",
    "<<: 1",
    "k: =",
    "k: 0b2",
    "k: 'open",
    "k: x ",
    "k:  two",
    "x",
    "'q'",
    "[]",
    "{}",
    "# note",
    "",
    "---",
    "...",
    "? k",
    "!t v",
    "k: !t v",
    "é: 名",
    "k: 😀",
    "k: \x07",
]


@settings(max_examples=1000)
@given(
    st.lists(
        st.tuples(st.sampled_from(LINE_STARTS), st.sampled_from(LINE_BODIES)).map("".join),
        min_size=1,
        max_size=12,
    ).map("\n".join),
    st.booleans(),
)
@example("a:\n- 1\nb: 2\n", True)
@example("- a:\n  - x\n  b: 1\n- c\n", True)
@example("a:\n  b:\n    c: 1\n  d: 2\n", False)
@example("a: 1\n  b: 2\n", True)
@example("a:\nb: 1\n", True)
@example("- a\n  - b\n", True)
@example("a: 1\na: 2\n", True)
def test_yaml_shaped_lines_are_read_as_the_other_readers_read_them(
    text: str, final_break: bool
) -> None:
    if final_break:
        text += "\n"
    agrees(text)
    assert outcome(text, pure=False) == outcome(text, pure=True)


def test_a_snapshot_as_suitelint_writes_it_takes_the_block_reader() -> None:
    account = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    # names that safe_dump quotes or escapes
    account["roles"][0]["name"] = "Ventes – rôle: 'A' \"B\" # 1"
    import msgspec

    text = dump_snapshot(msgspec.convert(account, type=Snapshot), yaml_format=True).decode("utf-8")
    # (the example spans every section: the fast path must cover all of them)
    for keep in DEPTHS:
        fast = block(text, keep)
        assert fast is not None
        assert same(fast, events(text, keep))


def test_limits_leave_the_document_to_the_other_readers() -> None:
    text = "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 250)) + "  " * 250 + "z: 1\n"
    assert block(text, 4) is None
    assert outcome(text, pure=False) == outcome(text, pure=True)
    many = "".join(f"- {i}\n" for i in range(20))
    # 21 values: the list and its 20 entries
    assert yamlblock.read_block(many, 4, yamlread._plain_value, 20, 200) is None
    assert yamlblock.read_block(many, 4, yamlread._plain_value, 21, 200) is not None


def test_entries_of_many_shapes_read_as_the_event_reader_reads_them() -> None:
    # each entry shaped like no other: a pattern per shape is compiled for a few only
    text = "rows:\n" + "".join(f"- k{n}: v\n  x: {n}\n- k{n}: w\n  x: 1\n" for n in range(300))
    assert block(text, 1) is not None
    agrees(text)
