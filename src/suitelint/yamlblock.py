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
from collections import deque
from collections.abc import Callable, Iterable
from itertools import chain, islice, repeat
from typing import Any

PathKey = tuple[str | int, ...]
Places = tuple[dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]

#: indent, "- " (an entry of a block sequence), and either a key with or without a value
#: on the same line, or a value alone (an entry's)
_LINE = re.compile(r"( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_]*):(?: +(.+))?|(.+))?")
#: characters that send a text to the full reader: not printable in YAML, or line breaks
#: other than "\n" (which the split below would not see)
#: (ASCII text) the bytes that may stand in it: deleting them leaves nothing
_ASCII_PRINTABLE = bytes([10, *range(0x20, 0x7F)])
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


_RUN_VALUE = "([A-Za-z0-9_][A-Za-z0-9_.-]*)"
#: runs are read for entries of at most this many keys, and at most this many patterns
#: compiled for a text beyond those already known
_RUN_KEYS = 16
_RUN_COMPILES = 64
_RUNS: dict[tuple[int, tuple[str, ...]], tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _run_patterns(column: int, keys: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """For entries at ``column`` (``- `` there) of a mapping with ``keys`` in that order,
    one per line, each value a plain word: one entry with its values as groups, and a run
    of one or more such entries."""
    found = _RUNS.get((column, keys))
    if found is None:
        inner = " " * (column + 2)
        entry = (
            " " * column
            + "- "
            + "".join(
                f"{'' if n == 0 else inner}{re.escape(key)}: {_RUN_VALUE}\n"
                for n, key in enumerate(keys)
            )
        )
        found = (re.compile(entry), re.compile(f"(?:{entry})+"))
        if len(_RUNS) < 1_000:
            _RUNS[(column, keys)] = found
    return found


def _run(
    text: str,
    offset: int,
    column: int,
    keys: tuple[str, ...],
    cache: dict[str, Any],
    plain: Callable[[str], Any],
) -> tuple[list[dict[str, Any]], int, int] | Any:
    """The entries of a block sequence from ``offset`` on that have exactly ``keys``, one
    per line, each value a plain word (a snapshot's permission rows: ``- permkey: X`` and
    ``  level: FULL``), read with two regular expressions over the whole run; and the
    lines each takes. None when the entry at ``offset`` is not of that shape (the caller
    reads it line by line), NO when a value is not one this reader builds.

    A word (letters, digits, ``_ . -``, not starting with ``.`` or ``-``) is a whole plain
    scalar wherever it stands at the end of a ``key: `` line: it holds no space, ``:`` or
    ``#`` and starts with no indicator; and a line at the entry's own indentation or less
    cannot continue it. So each line of the run is the line reader's ``key: value`` line.
    """
    entry, entries = _run_patterns(column, keys)
    whole = entries.match(text, offset)
    if whole is None:
        return None
    found = entry.findall(text, offset, whole.end())
    lines_each = len(keys)
    words: Iterable[str]
    if lines_each == 1:
        words = found
        found = [(word,) for word in found]
    else:
        words = set(chain.from_iterable(found))
    for word in words:
        if word not in cache:
            built = plain(word)
            if built is NO:
                return NO
            cache[word] = built
    if lines_each == 2:
        first, second = keys
        rows = [{first: cache[a], second: cache[b]} for a, b in found]
    else:
        rows = [dict(zip(keys, map(cache.__getitem__, words), strict=True)) for words in found]
    return rows, lines_each, whole.end()


def read_block(
    text: str, keep: int, plain: Callable[[str], Any], max_values: int, max_depth: int
) -> tuple[Any, Places] | None:
    """The document in ``text`` and its positions, as :func:`suitelint.yamlread._events`
    gives them (values at most ``keep`` deep have positions), or None when the text is
    not entirely of the plain block shape this reader knows (see the module's docstring).
    """
    if text.isascii():
        if text.encode("ascii").translate(None, _ASCII_PRINTABLE):
            return None
    elif _OTHER.search(text) is not None:
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
    lines = text.split("\n")
    pos = 0  # where the next line starts in text
    compiles = _RUN_COMPILES
    numbered = enumerate(lines)
    for index, line in numbered:
        number = index + 1
        offset = pos
        pos += len(line) + 1
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
            if (
                key is not None
                and depth + 2 > keep
                and container
                and type(container[-1]) is dict
                and 0 < len(container[-1]) <= _RUN_KEYS
                and ((column, tuple(container[-1])) in _RUNS or compiles > 0)
            ):
                # Entries shaped like the one before (a permission row): a run of them
                # is read at once. The entries' own keys have no positions kept here.
                # (Patterns are compiled for a bounded number of entry shapes per text,
                # so a text of many differently shaped entries costs no more than lines.)
                shape = tuple(container[-1])
                if (column, shape) not in _RUNS:
                    compiles -= 1
                run = _run(text, offset, column, shape, cache, plain)
                if run is NO:
                    return None
                if run is not None:
                    rows, lines_each, pos = run
                    remaining -= len(rows) * (1 + lines_each)
                    if remaining < 0:
                        return None
                    if deeper:
                        first = len(container)
                        by_path.update(
                            zip(
                                [(*frame_at, i) for i in range(first, first + len(rows))],
                                zip(
                                    range(number, number + len(rows) * lines_each, lines_each),
                                    repeat(column + 3),
                                ),
                                strict=True,
                            )
                        )
                    container.extend(rows)
                    # the run's lines after this one are read
                    deque(islice(numbered, len(rows) * lines_each - 1), maxlen=0)
                    continue
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
            here: PathKey = (*frame_at, key)
            key_by_path[here] = (number, column + 1)
        if value is None:
            pending, pending_key = column, key
            continue
        remaining -= 1
        if remaining < 0:
            return None
        if deeper:
            by_path[here] = (number, found.start(4) + 1)
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
