"""JSON documents as suitelint writes them: indented by two spaces, UTF-8 as is, one
trailing newline, keys in the order given.

The same bytes as ``json.dumps(data, indent=2, ensure_ascii=False) + "\\n"`` for the data
reports hold (strings, integers, booleans, null, lists and dicts; no floats, which the two
spell differently): the standard library's encoder drops to pure Python when asked to
indent, and took four seconds for the SARIF of a large account; msgspec takes a tenth.
"""

from __future__ import annotations

from typing import Any

import msgspec

from suitelint import sanitize


def dumps(data: Any) -> str:
    """The document, safe to print to a terminal or CI log (:func:`suitelint.sanitize.json_document`:
    the same data, with ``##[`` and invisible characters written as ``\\u`` escapes)."""
    text = msgspec.json.format(msgspec.json.encode(data), indent=2).decode("utf-8") + "\n"
    return sanitize.json_document(text)
