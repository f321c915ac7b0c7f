"""JSON input: duplicate keys are refused with the line of the second key; every way a
JSON input can fail is located; and the error path stays as fast as the valid one.

msgspec keeps the last of two equal keys, so a second ``"roles"`` could hide an
Administrator role and a second key in a baseline could change what it suppresses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES
from suitelint import jsonin

KEYS = st.sampled_from(["a", "b", "roles", 'q"', "\\", "é", "\u0041"])
SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=4)
# documents as lists of pairs, so that a key can repeat
PAIRS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda v: ("list", v))
        | st.lists(st.tuples(KEYS, inner), max_size=3).map(lambda v: ("object", v))
    ),
    max_leaves=12,
)


def _write(node: object, escape: bool) -> str:
    if isinstance(node, tuple) and node[0] == "list":
        return "[" + ", ".join(_write(v, escape) for v in node[1]) + "]"
    if isinstance(node, tuple) and node[0] == "object":
        return (
            "{"
            + ", ".join(
                f"{json.dumps(k, ensure_ascii=escape)} : {_write(v, escape)}" for k, v in node[1]
            )
            + "}"
        )
    return json.dumps(node, ensure_ascii=escape)


def _has_duplicates(node: object) -> bool:
    if isinstance(node, tuple) and node[0] == "object":
        keys = [k for k, _ in node[1]]
        return len(keys) != len(set(keys)) or any(_has_duplicates(v) for _, v in node[1])
    if isinstance(node, tuple) and node[0] == "list":
        return any(_has_duplicates(v) for v in node[1])
    return False


@given(PAIRS, st.booleans())
def test_the_cheap_check_and_the_exact_scan_agree_with_the_document(node, escape) -> None:
    data = _write(node, escape).encode("utf-8")
    expected = _has_duplicates(node)
    assert jsonin.has_duplicate_keys(data) == expected
    assert (jsonin.find_duplicate_key(data) is not None) == expected


def test_an_escaped_quote_cannot_hide_a_duplicate_from_the_cheap_check() -> None:
    data = b'{"a": 1, "a": 2, "s": "\\u0022:"}'
    assert jsonin.has_duplicate_keys(data)


def test_the_second_key_is_located() -> None:
    data = b'{\n  "roles": [],\n  "x": {"a": 1,\n        "a": 2}\n}'
    found = jsonin.find_duplicate_key(data)
    assert found == jsonin.DuplicateKey("a", 4, 9, 3)


@given(PAIRS)
def test_a_path_is_located_where_the_value_starts(node) -> None:
    text = _write(node, False)
    data = text.encode("utf-8")
    decoded = json.loads(text)

    def paths(value: object, key: tuple[str | int, ...]):  # type: ignore[no-untyped-def]
        yield key
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from paths(item, (*key, i))
        elif isinstance(value, dict):
            for name, item in value.items():
                yield from paths(item, (*key, name))

    if _has_duplicates(node):
        return
    for key in paths(decoded, ()):
        line, column = jsonin.locate_path(data, key)
        lines = text.split("\n")
        rest = lines[line - 1][column - 1 :] + "\n" + "\n".join(lines[line:])
        value, _ = json.JSONDecoder().raw_decode(rest)
        target = decoded
        for part in key:
            target = target[part]  # type: ignore[index]
        assert value == target


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ('{"suitelint_baseline": 1,\n "findings": [],\n "findings": [1]}', "appears twice", 3),
        ('{"suitelint_baseline": 1,\n "findings": [' + "1" * 5000 + "]}", "too large", 2),
        ('{"suitelint_baseline": 1,\n "findings": ' + "[" * 5000 + "]" * 5000 + "}", "deep", 2),
        ('{"suitelint_baseline": 1,\n "findings": [{"rule": 5}]}', "not a suitelint", 2),
    ],
    ids=["duplicate-key", "5000-digits", "deeply-nested", "wrong-type"],
)
def test_a_broken_baseline_is_one_located_line(
    run_cli, tmp_path: Path, body: str, message: str, line: int
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(body, encoding="utf-8")
    result = run_cli("check", EXAMPLES / "account.json", "--baseline", path)
    assert result.exit_code == 2, result
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and "internal error" not in lines[0], lines
    assert lines[0].startswith(f"{path}:{line}:"), lines[0]
    assert message in lines[0], lines[0]


def test_a_wrong_type_at_the_end_of_a_snapshot_is_located_without_rereading_it(
    tmp_path: Path,
) -> None:
    from suitelint.errors import SnapshotError
    from suitelint.sources.snapshot import parse_snapshot

    data = json.loads((EXAMPLES / "account.json").read_text(encoding="utf-8"))
    data["roles"] = data["roles"] * 200
    data["tokens"][-1]["created"] = 20260101
    text = json.dumps(data, indent=2)
    with pytest.raises(SnapshotError) as caught:
        parse_snapshot(text.encode("utf-8"), "big.json")
    expected = text.rindex('"created": 20260101')
    assert caught.value.line == text.count("\n", 0, expected) + 1


# -- the cheaper pass for a document of known shape (a snapshot) ---------------------------
NAMES = st.sampled_from(["Sync", 'q":"', "\\", "é", '"\\u0022:', 'a":1', "::x"])
LEVELS = st.sampled_from(["VIEW", "CREATE", "EDIT", "FULL"])
PERMISSION = st.fixed_dictionaries(
    {"permkey": st.sampled_from(["TRAN_CUSTINVC", "ADMI_ACCOUNTING"]), "level": LEVELS},
    optional={"line": st.integers(1, 9)},
)
ROLE = st.fixed_dictionaries(
    {"id": st.sampled_from(["1001", "1002"]), "name": NAMES},
    optional={
        "inactive": st.booleans(),  # an explicit default is a key like any other
        "permissions": st.lists(PERMISSION, max_size=3),
        "subsidiaries": st.lists(NAMES, max_size=2),
    },
)
SNAPSHOT = st.fixed_dictionaries(
    {"roles": st.lists(ROLE, max_size=3)},
    optional={"account": st.fixed_dictionaries({"id": NAMES}), "suitelint_snapshot": st.just(1)},
)


def _objects(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Paths of every object (dict) in ``node``."""
    found: list[tuple[object, ...]] = []
    if isinstance(node, dict):
        found.append(path)
        for key, value in node.items():
            found += _objects(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _objects(value, (*path, i))
    return found


def _as_pairs(
    node: object, dup: tuple[object, ...] | None, path: tuple[object, ...] = ()
) -> object:
    """``node`` in the pairs form of ``_write``; the object at ``dup`` repeats its first key."""
    if isinstance(node, dict):
        pairs = [(k, _as_pairs(v, dup, (*path, k))) for k, v in node.items()]
        if path == dup and pairs:
            pairs.append(pairs[0])
        return ("object", pairs)
    if isinstance(node, list):
        return ("list", [_as_pairs(v, dup, (*path, i)) for i, v in enumerate(node)])
    return node


@given(SNAPSHOT, st.booleans(), st.data())
def test_the_shaped_pass_finds_a_duplicate_at_any_depth_however_strings_are_spelt(
    document, escape, data
) -> None:
    """Every object of a snapshot (the top, the account, a role, a permission row) may be
    given a repeated key; with strings written raw or as \\u escapes, holding quotes,
    colons and '":', the shaped pass says so exactly when a key repeats."""
    from suitelint.model import Snapshot

    objects = _objects(document)
    dup = data.draw(st.sampled_from([None, *objects]))
    node = _as_pairs(document, dup)
    text = _write(node, escape).encode("utf-8")
    assert jsonin.has_duplicate_keys(text, Snapshot) == _has_duplicates(node)


def test_the_shaped_pass_refuses_a_second_role_list_with_its_line() -> None:
    from suitelint.errors import SnapshotError
    from suitelint.model import Snapshot

    data = b'{"roles": [],\n "roles": [{"id": "3", "name": "Administrator"}]}'
    with pytest.raises(SnapshotError) as caught:
        jsonin.refuse_duplicate_keys(data, "s.json", SnapshotError, Snapshot)
    assert caught.value.problems[0].line == 2


def test_a_document_not_of_the_shape_falls_back_to_the_general_pass() -> None:
    from suitelint.model import Snapshot

    assert jsonin.has_duplicate_keys(b'{"x": 1, "x": 2}', Snapshot)
    assert not jsonin.has_duplicate_keys(b'{"x": 1, "y": {"x": 2}}', Snapshot)


# -- one decode: the typed value proves the keys distinct, or the exact check runs -----------
def _decoded(text: bytes) -> object:
    import msgspec

    from suitelint.model import Snapshot

    return msgspec.json.decode(text, type=Snapshot)


@given(SNAPSHOT, st.booleans(), st.data())
def test_counting_never_calls_a_document_with_a_repeated_key_distinct(
    document, escape, data
) -> None:
    """Whatever object repeats a key, however strings are spelt (holding quotes, colons,
    '":' and escapes) and whether defaults are written out, counting quotes in the input
    and in its typed value encoded again says "distinct" only when no key repeats."""
    objects = _objects(document)
    dup = data.draw(st.sampled_from([None, *objects]))
    node = _as_pairs(document, dup)
    text = _write(node, escape).encode("utf-8")
    if jsonin.keys_are_distinct(text, _decoded(text)):
        assert not _has_duplicates(node)


@given(SNAPSHOT, st.booleans(), st.booleans())
def test_counting_proves_a_snapshot_as_suitelint_writes_it_distinct(
    document, escape, minified
) -> None:
    """A snapshot without repeated keys or written-out defaults (what ``export`` writes,
    indented or minified, with or without \\u escapes) needs no second pass, unless it
    holds the six characters \\u0022 (which might be a quote written as an escape)."""
    import msgspec

    from suitelint.model import Snapshot

    canonical = msgspec.json.decode(msgspec.json.encode(_decoded(json.dumps(document).encode())))
    text = json.dumps(canonical, ensure_ascii=escape, indent=None if minified else 2).encode()
    distinct = jsonin.keys_are_distinct(text, msgspec.json.decode(text, type=Snapshot))
    assert distinct or b"\\u0022" in text


def test_a_quote_written_as_an_escape_cannot_balance_a_repeated_key() -> None:
    """Two quote characters written \\u0022 take two quote bytes out of the input and the
    encoding puts them back: exactly what a repeated key with a non-string value adds."""
    from suitelint.errors import SnapshotError
    from suitelint.model import Snapshot

    data = (
        b'{"roles": [{"id": "1", "name": "\\u0022\\u0022", "inactive": true,\n "inactive": true}]}'
    )
    assert not jsonin.keys_are_distinct(data, _decoded(data))
    with pytest.raises(SnapshotError) as caught:
        jsonin.refuse_duplicate_keys(data, "s.json", SnapshotError, Snapshot, _decoded(data))
    assert caught.value.problems[0].line == 2


def test_the_snapshot_shape_can_be_counted() -> None:
    """Every struct of a snapshot encodes only what its input gave, and every leaf keeps
    strings strings: a model change that breaks this (a field without omit_defaults, a
    Decimal) would send every snapshot back to the second pass."""
    from suitelint.model import Snapshot

    assert jsonin._countable(Snapshot)
