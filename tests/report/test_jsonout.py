"""suitelint's JSON writer: the bytes of ``json.dumps(indent=2, ensure_ascii=False)``, made
fast. Reports, baselines and blast-radius data hold no floats (the two spell those
differently), so floats are not part of the property."""

from __future__ import annotations

import json

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
