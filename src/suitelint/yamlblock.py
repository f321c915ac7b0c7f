"""A line-by-line reader for the plain block YAML that snapshots are written in.

Why it exists: a YAML snapshot of the medium benchmark account is 246,000 lines and
480,000 libyaml events. PyYAML hands each event to Python as an object with two marks
(built by calling Python classes from its Cython parser), and that, not libyaml's own
parse, was most of a YAML check (3 to 4 times the same check of the JSON snapshot).
Documents as ``yaml.safe_dump`` writes them (``suitelint export``'s YAML, the benchmark's)
use a small part of YAML, one construct per line::

    key: value            key: 'quoted'          key: "escaped\\u00e9"
    key:                  - value                - key: value
    key: []               key: {}                # a comment, or a blank line

That part is read here by one regular expression per line and a stack of open
collections, giving the same values and the same (line, column) positions as the event
reader (:func:`suitelint.yamlread._events`).

It is a fast path only, never a second opinion: anything outside that part returns None
and the document is read by libyaml as before (so every error, and every construct this
reader does not know, is the event reader's or the node reader's, with their messages and
positions). Outside means: a line of any other shape (multi-line scalars, flow collections
with content, anchors, aliases, tags, ``?`` keys, document markers, directives), a key
that is not a plain identifier, an empty value, a duplicate key, a plain scalar that could
end or continue differently in full YAML (``: ``, `` #``, a trailing space or colon, a
leading indicator), an escape it does not know, a character that is not printable or is
a line break other than ``\\n`` (``\\r``, NEL, LS, PS), and nesting or size beyond the
limits the other readers enforce. ``tests/sources/test_yaml_block.py`` holds it to the
event reader on what ``yaml.safe_dump`` writes and on arbitrary YAML-shaped lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

PathKey = tuple[str | int, ...]
Places = tuple[dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]

#: indent, "- " (an entry of a block sequence), and either a key with or without a value
#: on the same line, or a value alone (an entry's)
_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_]*):(?: +(.+))?|(.+))?")
#: characters that send a text to the full reader: not printable in YAML, or line breaks
#: other than "\n" (which the split below would not see)
_ASCII_OTHER = re.compile(r"[^\n\x20-\x7e]")
_OTHER = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_SINGLE = re.compile(r"'(?:[^']|'')*'")
_DOUBLE = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
#: YAML's one-character escapes (yaml.scanner.Scanner.ESCAPE_REPLACEMENTS)
_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\x09",
    "n": "\x0a",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\x0d",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
#: a plain scalar cannot start with these (YAML's indicators); "-", "?" and ":" can when
#: a non-space follows
_INDICATORS = frozenset(",[]{}#&*!|>'\"%@`")
_MAYBE = frozenset("-?:")
#: what a scalar text stands for that this reader does not build: the full reader decides
NO = object()
_CACHE_LIMIT = 20_000


class _Unknown(Exception):
    """An escape sequence this reader does not decode."""


def _unescape(match: re.Match[str]) -> str:
    hex2, hex4, hex8, char = match.groups()
    if char is not None:
        if char in _ESCAPES:
            return _ESCAPES[char]
        raise _Unknown
    code = int(hex2 or hex4 or hex8, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise _Unknown
    return chr(code)


def _scalar(text: str, plain: Callable[[str], Any]) -> Any:
    """The value of a scalar written on one line, or NO. ``plain`` gives a plain
    scalar's value as the safe loader resolves and constructs it (or NO)."""
    first = text[0]
    if first == "'":
        if _SINGLE.fullmatch(text) is None:
            return NO
        return text[1:-1].replace("''", "'")
    if first == '"':
        if _DOUBLE.fullmatch(text) is None:
            return NO
        inner = text[1:-1]
        if "\\" not in inner:
            return inner
        try:
            return _ESCAPE.sub(_unescape, inner)
        except _Unknown:
            return NO
    if first in _INDICATORS:
        return NO
    if first in _MAYBE and (len(text) == 1 or text[1] == " "):
        return NO
    if ": " in text or " #" in text or text[-1] in " :":
        return NO
    return plain(text)


def read_block(
    text: str, keep: int, plain: Callable[[str], Any], max_values: int, max_depth: int
) -> tuple[Any, Places] | None:
    """The document in ``text`` and its positions, as :func:`suitelint.yamlread._events`
    gives them (values at most ``keep`` deep have positions), or None when the text is
    not entirely of the plain block shape this reader knows (see the module's docstring).
    """
    if (_ASCII_OTHER if text.isascii() else _OTHER).search(text) is not None:
        return None
    by_path: dict[PathKey, tuple[int, int]] = {}
    key_by_path: dict[PathKey, tuple[int, int]] = {}
    remaining = max_values
    cache: dict[str, Any] = {}
    # One frame per open block collection: [value, is a mapping, indent (its keys' or
    # dashes' column, 0-based), path, depth, whether its children's paths are kept].
    stack: list[list[Any]] = []
    root: Any = None
    container: Any = None
    is_map = False
    indent = -1
    frame_at: PathKey = ()
    depth = -1
    deeper = True
    # a "key:" line whose value (a block collection) starts on the next line: its column
    pending: int | None = None
    pending_key = ""
    match = _LINE.fullmatch
    number = 0
    for line in text.split("\n"):
        number += 1
        found = match(line)
        if found is None:
            return None  # pragma: no cover - every line matches (the groups are optional)
        spaces, dash, key, value, alone = found.groups()
        if key is None:
            if dash is None and (alone is None or alone[0] == "#"):
                continue  # a blank line or a comment
            if dash is None or alone is None:
                return None  # a value on a line of its own, or an empty entry (null)
        column = len(spaces)
        # the collection this line belongs to: open it, or close those it ends
        if pending is not None:
            if column < pending or (column == pending and dash is None):
                return None  # the key's value is empty (null): not this reader's
            remaining -= 1
            inner = depth + 1
            if inner >= max_depth or remaining < 0:
                return None
            at: PathKey = (*frame_at, pending_key) if deeper else frame_at
            if deeper:
                by_path[at] = (number, column + 1)
            opened: Any = [] if dash is not None else {}
            container[pending_key] = opened
            container, is_map, indent, frame_at, depth, deeper = (
                opened,
                dash is None,
                column,
                at,
                inner,
                inner + 1 <= keep,
            )
            stack.append([container, is_map, indent, frame_at, depth, deeper])
            pending = None
        elif not stack:
            if remaining < 1:
                return None  # pragma: no cover - the limit is far above one value
            remaining -= 1
            root = container = [] if dash is not None else {}
            is_map, indent, frame_at, depth, deeper = dash is None, column, (), 0, keep >= 1
            by_path[()] = (number, column + 1)
            stack.append([container, is_map, indent, frame_at, depth, deeper])
        elif column != indent or is_map != (dash is None):
            # back out to the collection at this column (an indentless sequence ends
            # at a key of the mapping that holds it)
            while indent > column or (indent == column and not is_map and dash is None):
                stack.pop()
                if not stack:
                    return None
                container, is_map, indent, frame_at, depth, deeper = stack[-1]
            if indent != column or is_map != (dash is None):
                return None
        if dash is not None:
            # an entry of the sequence `container`
            column += len(dash)
            remaining -= 1
            if remaining < 0:
                return None
            at = (*frame_at, len(container)) if deeper else frame_at
            if deeper:
                by_path[at] = (number, column + 1)
            if key is None:
                built = cache.get(alone, NO)
                if built is NO:
                    if alone == "[]" or alone == "{}":
                        if depth + 1 >= max_depth:
                            return None
                        container.append([] if alone == "[]" else {})
                        continue
                    built = _scalar(alone, plain)
                    if built is NO:
                        return None
                    if len(cache) < _CACHE_LIMIT:
                        cache[alone] = built
                container.append(built)
                continue
            # an entry that is a mapping, its first key on this line
            inner = depth + 1
            if inner >= max_depth:
                return None
            opened = {}
            container.append(opened)
            container, is_map, indent, frame_at, depth, deeper = (
                opened,
                True,
                column,
                at,
                inner,
                inner + 1 <= keep,
            )
            stack.append([container, is_map, indent, frame_at, depth, deeper])
        # a key of the mapping `container`, at `column`
        if key in container:
            return None  # the full reader names the duplicate
        if deeper:
            key_by_path[(*frame_at, key)] = (number, column + 1)
        if value is None:
            pending, pending_key = column, key
            continue
        remaining -= 1
        if remaining < 0:
            return None
        if deeper:
            by_path[(*frame_at, key)] = (number, found.start(4) + 1)
        built = cache.get(value, NO)
        if built is NO:
            if value == "[]" or value == "{}":
                if depth + 1 >= max_depth:
                    return None
                container[key] = [] if value == "[]" else {}
                continue
            built = _scalar(value, plain)
            if built is NO:
                return None
            if len(cache) < _CACHE_LIMIT:
                cache[value] = built
        container[key] = built
    if pending is not None or not stack:
        return None  # a last key without a value, or no collection at all
    return root, (by_path, key_by_path)
