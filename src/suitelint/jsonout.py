"""JSON documents as suitelint writes them: indented by two spaces, UTF-8 as is, one
trailing newline, keys in the order given.

The same bytes as ``json.dumps(data, indent=2, ensure_ascii=False) + "\\n"`` for the data
reports hold (strings, integers, booleans, null, lists and dicts; no floats, which the two
spell differently): the standard library's encoder drops to pure Python when asked to
indent, and took four seconds for the SARIF of a large account; msgspec takes a tenth.

Large documents are written as a stream (:func:`chunks`): the long lists of a report (its
findings, SARIF's results) are :class:`Items`, produced, encoded and written a batch at a
time, so writing a report needs memory for one batch, not for the whole document.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from suitelint import sanitize

#: list items encoded and formatted at a time by :func:`chunks`
BATCH = 256


def dumps(data: Any) -> str:
    """The document, safe to print to a terminal or CI log (:func:`suitelint.sanitize.json_document`:
    the same data, with ``##[`` and invisible characters written as ``\\u`` escapes)."""
    text = msgspec.json.format(msgspec.json.encode(data), indent=2).decode("utf-8") + "\n"
    return sanitize.json_document(text)


class Items:
    """A list of a document given as an iterable, consumed once, while :func:`chunks`
    writes it: its items are never all in memory at once. The items are JSON data
    themselves (no :class:`Items` inside) or :class:`msgspec.Raw` (compact JSON already
    encoded)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def chunks(data: Any, *, batch: int = BATCH) -> Iterator[str]:
    """The text of :func:`dumps` in pieces, where every :class:`Items` in ``data`` is the
    list of its items: ``"".join(chunks(d)) == dumps(d with each Items as a list)``.

    The document around the streamed lists is formatted first; each list is then produced
    ``batch`` items at a time, each batch formatted at the list's depth. Pieces are cut
    between values, never inside a string, so each is made safe for a log on its own."""
    streams: list[Items] = []
    nonce = secrets.token_hex(8)  # never in the output: only to find the lists' places

    def mark(value: Any) -> Any:
        if isinstance(value, Items):
            streams.append(value)
            return f"\x00suitelint-items-{nonce}-{len(streams) - 1}"
        if isinstance(value, dict):
            return {key: mark(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [mark(item) for item in value]
        return value

    skeleton = dumps(mark(data))
    start = 0
    for n, stream in enumerate(streams):
        marker = msgspec.json.encode(f"\x00suitelint-items-{nonce}-{n}").decode()
        at = skeleton.index(marker, start)
        line = skeleton[skeleton.rfind("\n", 0, at) + 1 : at]  # `  "key": ` or `    `
        indent = " " * (len(line) - len(line.lstrip(" ")))
        yield skeleton[start:at]
        yield from _list(stream.items, indent, batch)
        start = at + len(marker)
    yield skeleton[start:]


def _list(items: Iterable[Any], indent: str, batch: int) -> Iterator[str]:
    """A list whose line starts with ``indent``, formatted as :func:`dumps` formats it."""
    source = iter(items)
    first = True
    while group := list(itertools.islice(source, batch)):
        # "[\n  a,\n  b\n]": the items without the brackets, moved to the list's depth
        text = msgspec.json.format(msgspec.json.encode(group), indent=2).decode("utf-8")
        inner = ("\n" + text[2:-2]).replace("\n", "\n" + indent)
        yield sanitize.json_document(("[" if first else ",") + inner)
        first = False
    yield "[]" if first else "\n" + indent + "]"
