"""suitelint's JSON writer: the bytes of ``json.dumps(indent=2, ensure_ascii=False)``, made
fast. Reports, baselines and blast-radius data hold no floats (the two spell those
differently), so floats are not part of the property."""

from __future__ import annotations

import json

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from suitelint import jsonout, sanitize

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.text(st.characters(blacklist_categories=("Cs",)))
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(documents)
def test_the_writer_writes_what_the_standard_library_writes_made_safe_for_a_log(data):
    text = jsonout.dumps(data)
    assert text == sanitize.json_document(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert json.loads(text) == data  # the escapes are JSON's own: the data is unchanged


def test_tuples_are_lists_and_key_order_is_kept():
    assert (
        jsonout.dumps({"b": (1, "é"), "a": {}})
        == '{\n  "b": [\n    1,\n    "é"\n  ],\n  "a": {}\n}\n'
    )


# -- streaming: a long list is written a batch at a time -----------------------------------
class _Streamed:
    """A list of a test document to be written as a stream."""

    def __init__(self, items: list) -> None:
        self.items = items


def _plain(data):
    if isinstance(data, _Streamed):
        return [_plain(item) for item in data.items]
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(item) for item in data]
    return data


def _streaming(data):
    if isinstance(data, _Streamed):
        return jsonout.Items(iter([_plain(item) for item in data.items]))
    if isinstance(data, dict):
        return {key: _streaming(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_streaming(item) for item in data]
    return data


with_streams = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(), inner, max_size=4)
        | st.builds(_Streamed, st.lists(documents, max_size=7))
    ),
    max_leaves=30,
)


@given(with_streams, st.integers(min_value=1, max_value=4))
def test_a_document_written_as_a_stream_has_the_same_bytes(data, batch):
    streamed = "".join(jsonout.chunks(_streaming(data), batch=batch))
    assert streamed == jsonout.dumps(_plain(data))


def test_a_streamed_list_is_produced_while_it_is_written_not_before():
    produced = []

    def findings():
        for n in range(10):
            produced.append(n)
            yield {"n": n, "message": "##[error] injected"}

    pieces = jsonout.chunks({"format": 1, "findings": jsonout.Items(findings())}, batch=3)
    assert next(pieces) == '{\n  "format": 1,\n  "findings": '
    assert produced == []  # the document's start is written before any item exists
    assert next(pieces).startswith("[\n    {")
    assert produced == [0, 1, 2]  # one batch at a time
    rest = "".join(pieces)
    assert produced == list(range(10))
    assert "##[" not in rest  # each piece is made safe for a log, as dumps() does
    assert rest.endswith("\n  ]\n}\n")


def test_encoded_items_are_written_as_they_are_and_an_empty_stream_is_an_empty_list():
    raw = [msgspec.Raw(b'{"a":[1,2]}'), msgspec.Raw(b'"x"')]
    text = "".join(jsonout.chunks({"r": jsonout.Items(raw), "e": jsonout.Items(())}))
    assert text == jsonout.dumps({"r": [{"a": [1, 2]}, "x"], "e": []})
