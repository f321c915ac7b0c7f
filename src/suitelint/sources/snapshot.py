"""Snapshot files (JSON or YAML): load, validate, locate, write.

JSON snapshots decode straight into the typed model with msgspec, validation included
(DESIGN.md §7: the reference jsonschema validator costs 30× the parse on a large
snapshot). Line numbers are only worked out when something needs them: an error, or a
finding to point at.
"""

from __future__ import annotations

import bisect
import codecs
import inspect
import operator
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate, repeat
from pathlib import Path
from typing import Any, cast

import msgspec

from suitelint import jsonin
from suitelint.errors import SnapshotError
from suitelint.findings import Location
from suitelint.fsutil import atomic_write_bytes, read_input
from suitelint.jsonin import refuse_duplicate_keys
from suitelint.model import Permission, Role, Snapshot
from suitelint.yamlsrc import PathKey, Positions, decode_text, load_yaml

SNAPSHOT_SUFFIXES = (".json", ".yaml", ".yml")
_SECTIONS = ("roles", "users", "integrations", "tokens")
_ID_KEY = re.compile(rb'"id"\s*:\s*("(?:[^"\\]|\\.)*")')
_PERMKEY_KEY = re.compile(rb'"permkey"\s*:\s*("(?:[^"\\]|\\.)*")')
#: a permkey written without escapes: its text is the permkey's UTF-8
_PERMKEY_PLAIN = re.compile(rb'"permkey"\s*:\s*"([^"\\]*)"')
_JSON_SPACE = b" \t\r\n"
#: a permission row's key up to its value's opening quote, as one file writes it
_ROW_KEY = re.compile(rb'"permkey"\s*:\s*"')
#: every byte but a newline and NUL (:meth:`Locator._lay_out_rows`'s row marks)
_NOT_LINE_OR_MARK = bytes(b for b in range(256) if b not in b"\n\0")
_PERMKEY_OF = operator.attrgetter("permkey")
_GROUP_ONE = operator.itemgetter(1)
_MATCH_START = re.Match.start
_LINE_CHUNK = 1 << 12
#: permkey lookups in one subject after which its permissions are indexed
_INDEX_AFTER_ASKS = 4
#: (section, subject id, permkey or None): what a finding asks to be placed at
Ask = tuple[str, str, str | None]


class Locator(msgspec.Struct):
    """Finds the line of a subject (and of one of its permissions) in a snapshot file.

    For YAML the loader's position map answers; for JSON a scan of the file's bytes
    (UTF-8: offsets are bytes, columns are characters), done once per section and only
    when a finding asks.
    """

    path: str
    data: bytes | None = None
    positions: Positions | None = None
    snapshot: Snapshot | None = None
    #: JSON: the roles the file decoded to, in file order (:meth:`role_rows` reads where
    #: their permission rows are from the text between their ``"id"`` keys)
    roles: tuple[Role, ...] = ()
    _roles_by_id: dict[str, Role] | None = None
    _role_rows: dict[str, dict[str | None, Location] | None] = msgspec.field(default_factory=dict)
    _json_ids: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    _json_offsets: dict[str, list[int]] = msgspec.field(default_factory=dict)
    _json_spans: dict[str, tuple[int, int]] | None = None
    #: each permkey as a JSON string literal
    _literals: dict[str, bytes] = msgspec.field(default_factory=dict)
    #: per subject (by offset): how often a permkey in it was asked for, and once that
    #: is often, the offset of each permkey literal in it
    _permkey_asks: dict[int, int] = msgspec.field(default_factory=dict)
    _permkey_index: dict[int, dict[str, int]] = msgspec.field(default_factory=dict)
    #: permkeys judged for the index, and those among them written with escapes (searched)
    _plain_judged: set[str | None] = msgspec.field(default_factory=set)
    _odd_permkeys: set[str] = msgspec.field(default_factory=set)
    #: whether the file is ASCII (bytes are characters: the sweep's fast case)
    _ascii: bool | None = None
    #: each subject's own place (by offset), worked out once however many findings ask
    _subject_places: dict[int, Location] = msgspec.field(default_factory=dict)
    #: at every _LINE_CHUNK bytes: the newlines before it, and the characters between the
    #: last of them and it (its column, less one)
    _line_marks: tuple[list[int], list[int]] | None = None
    #: YAML: each subject's index in its section, and each permission's path in a subject
    _yaml_ids: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    _yaml_rows: dict[PathKey, dict[str, PathKey]] = msgspec.field(default_factory=dict)

    def locate(self, section: str, subject_id: str, permkey: str | None = None) -> Location:
        if self.positions is not None and self.snapshot is not None:
            return self._locate_yaml(section, subject_id, permkey)
        if self.data is not None:
            return self._locate_json(section, subject_id, permkey)
        return Location(self.path)

    def place_all(
        self, asks: Mapping[tuple[str, str], Iterable[str | None]]
    ) -> dict[Ask, Location]:
        """``locate(section, subject_id, permkey)`` for many asks at once: for each
        (section, subject id), the permkeys (None: the subject itself) its findings name.
        Only the asks placed at a line are answered (an unknown subject is not).

        A large account has hundreds of thousands of findings. Each subject is found once;
        its permissions are found in one pass over its rows when it is asked for several;
        and the lines and columns of all the places are counted in one sweep over the
        file, in offset order, which reads each byte before the last place once."""
        if (self.positions is not None and self.snapshot is not None) or self.data is None:
            result: dict[Ask, Location] = {}
            for (section, subject_id), permkeys in asks.items():
                for permkey in permkeys:
                    location = self.locate(section, subject_id, permkey)
                    if location.line is not None:
                        result[(section, subject_id, permkey)] = location
            return result
        # Per ask, only C-level steps where the subject's permissions are indexed (the
        # many-asks case): its offset from the index (the subject's own for None or a
        # permkey it lacks), its ask tuple from zip; Python runs once per subject.
        keys: list[Ask] = []
        offsets: list[int] = []
        add_keys, add_offsets = keys.extend, offsets.extend
        sections: dict[str, tuple[dict[str, int], list[int], int]] = {}
        for (section, subject_id), permkeys in asks.items():
            known = sections.get(section)
            if known is None:
                ids, starts = self._ids(section)
                known = sections[section] = (ids, starts, self._section_span(section)[1])
            ids, starts, section_end = known
            offset = ids.get(subject_id)
            if offset is None:
                continue
            asked = list(permkeys)
            index = self._permkey_index.get(offset)
            if index is None and len(asked) >= _INDEX_AFTER_ASKS:
                after = bisect.bisect_right(starts, offset)
                index = self._index_permkeys(
                    offset, starts[after] if after < len(starts) else section_end
                )
            if index is not None and self._all_plain(asked):
                # None (the subject itself) is no key of the index: the subject's offset
                get = cast("dict[str | None, int]", index).get
                add_offsets(map(get, asked, repeat(offset)))
            else:
                wanted = [permkey for permkey in asked if permkey is not None]
                found: dict[str, int] = {}
                if wanted:
                    after = bisect.bisect_right(starts, offset)
                    end = starts[after] if after < len(starts) else section_end
                    found = self._permkey_offsets(wanted, offset, end)
                add_offsets(
                    offset if permkey is None else found.get(permkey, offset) for permkey in asked
                )
            add_keys(zip(repeat(section), repeat(subject_id), asked))
        places = self._sweep(sorted(set(offsets)))
        return dict(zip(keys, map(places.__getitem__, offsets), strict=True))

    def role_rows(self, role_id: str) -> dict[str | None, Location] | None:
        """The place of role ``role_id``'s first row of each permkey it lists (None: the
        role itself), as :meth:`locate` answers ``("roles", role_id, permkey)``; None when
        the file's text does not lay the rows out plainly (then ask :meth:`locate`).

        The rows are read from the decoded role, not searched for. When ``"id"`` is the
        first key of the role's object and of the next role's (as suitelint and msgspec
        write them), the text from the role's ``"id"`` key to the next role's holds all
        of the role's rows and no other role's. Each row's key there is marked
        (``"permkey": "`` as the role's first row writes it: such text is always a
        row's key, since a ``"`` inside a JSON string is escaped); when there are exactly
        as many marks as the role has rows, the k-th mark is the k-th row the decoder
        read, and the first row of a permkey is the first mark holding it. Lines and
        columns are then counted in C-level passes over the text (an indented file: each
        row's key starts its line at the same indentation; a minified one: every row on
        the role's line). Otherwise (keys before ``"id"``, rows written in several ways
        or laid out otherwise) None. A few passes per role, however many of its rows
        findings name: an administrator-like role of a large account has hundreds of
        findings, a large account 600,000 rows.

        One difference from the search, by design: a permkey written with escapes in
        one row and plainly in a later row of the same role is placed at the first row
        the decoder read it from; the search compares the written text and finds the
        plain one."""
        if role_id in self._role_rows:
            return self._role_rows[role_id]
        rows = self._role_rows[role_id] = self._lay_out_rows(role_id)
        return rows

    def _lay_out_rows(self, role_id: str) -> dict[str | None, Location] | None:
        data = self.data
        if data is None or self.positions is not None:
            return None
        by_id = self._roles_by_id
        if by_id is None:
            by_id = self._roles_by_id = {}
            for one in self.roles:
                by_id.setdefault(one.id, one)
        role = by_id.get(role_id)
        ids, starts = self._ids("roles")
        start = ids.get(role_id)
        if role is None or start is None:
            return None
        after = bisect.bisect_right(starts, start)
        end = starts[after] if after < len(starts) else self._section_span("roles")[1]
        if not _first_key(data, start) or (after < len(starts) and not _first_key(data, end)):
            return None  # a key before "id": rows may stand before it, in another's text
        place = self._subject_place(start)
        assert place.line is not None and place.column is not None
        perms = role.permissions
        if not perms:
            return {None: place}
        text = data[start:end]
        first = text.find(b'"permkey"')
        match = _ROW_KEY.match(text, first) if first >= 0 else None
        if match is None:
            return None
        key = match.group()
        count = len(perms)
        # each row's key marked by one NUL (JSON text holds none): as many as rows?
        marked = text.replace(key, b"\0")
        if len(text) - len(marked) != count * (len(key) - 1):
            return None
        line_start = text.rfind(b"\n", 0, first)
        if line_start >= 0:
            # An indented file: each row's key is the first text of its line, indented
            # alike (then its column is the indentation's), and its line is the role's
            # plus the newlines before it: only the newlines and marks kept, split at
            # the marks, each piece is the newlines between two keys.
            indent = text[line_start + 1 : first]
            if indent.strip(b" \t") or text.count(b"\n" + indent + key) != count:
                return None  # rows laid out otherwise: searched for
            between = marked.translate(None, _NOT_LINE_OR_MARK).split(b"\0")
            lines: Iterator[int] = accumulate(map(len, between), initial=place.line)
            next(lines)
            columns: Iterable[int] = repeat(len(indent) + 1, count)
        elif marked.find(b"\n", 0, marked.rfind(b"\0")) < 0:
            # Every row on the role's line (a minified file): a row's column is the
            # role's plus the characters from the role's key to the row's.
            pieces = marked.split(b"\0")
            del pieces[count]  # the text after the last row's key
            sizes: Iterable[int] = map(len, pieces)  # a column counts characters
            if not text.isascii():
                sizes = map(len, map(bytes.decode, pieces, repeat("utf-8")))
            width = len(key)
            ends = accumulate(sizes, initial=place.column)
            next(ends)
            lines = repeat(place.line, count)
            columns = map(operator.add, ends, range(0, width * count, width))
        else:
            return None
        places = list(map(Location, repeat(self.path), lines, columns))
        places.reverse()  # the first row of a permkey is the one kept
        rows: dict[str | None, Location] = dict(
            zip(map(_PERMKEY_OF, reversed(perms)), places, strict=True)
        )
        rows[None] = place
        return rows

    def _all_plain(self, permkeys: Iterable[str | None]) -> bool:
        """Whether each of ``permkeys`` is written as a JSON string without escapes (the
        index holds only those); the odd ones are remembered in ``_odd_permkeys``."""
        judged = self._plain_judged
        for permkey in set(permkeys).difference(judged):
            judged.add(permkey)
            if permkey is not None and b"\\" in self._literal(permkey):
                self._odd_permkeys.add(permkey)
        return not self._odd_permkeys or self._odd_permkeys.isdisjoint(permkeys)

    def _literal(self, permkey: str) -> bytes:
        literal = self._literals.get(permkey)
        if literal is None:
            literal = self._literals[permkey] = msgspec.json.encode(permkey)
        return literal

    def _index_permkeys(self, start: int, end: int) -> dict[str, int]:
        """The offset of the first ``"permkey"`` key of each permkey written without
        escapes in the subject at ``data[start:end]``, in one pass over its rows (C-level
        steps per row: the match, its start and its text)."""
        data = self.data
        assert data is not None
        matches = list(_PERMKEY_PLAIN.finditer(data, start, end))
        matches.reverse()  # the first occurrence of a permkey is the one kept
        index = dict(
            zip(
                map(
                    bytes.decode,
                    map(_GROUP_ONE, matches),
                    repeat("utf-8"),
                    repeat("surrogateescape"),
                ),
                map(_MATCH_START, matches),
                strict=True,
            )
        )
        self._permkey_index[start] = index
        return index

    def _permkey_offsets(self, permkeys: Sequence[str], start: int, end: int) -> dict[str, int]:
        """Offset of the first ``"permkey": LITERAL`` of each of ``permkeys`` (those found)
        in the subject at ``data[start:end]``: searched for one by one when they are few,
        else read from one pass over the subject's permission rows."""
        data = self.data
        assert data is not None
        found: dict[str, int] = {}
        index = self._permkey_index.get(start)
        if index is None and len(permkeys) >= _INDEX_AFTER_ASKS:
            index = self._index_permkeys(start, end)
        for permkey in permkeys:
            literal = self._literal(permkey)
            if index is not None and b"\\" not in literal:
                at = index.get(permkey)
            else:
                at = _find_permkey(data, literal, start, end)
            if at is not None:
                found[permkey] = at
        return found

    def _sweep(self, offsets: Sequence[int]) -> dict[int, Location]:
        """The place of each of ``offsets`` (ascending): newlines are counted from one
        offset to the next, so the whole sweep reads the file up to the last one once;
        a column is counted from the line's start, or from the offset before it when no
        newline lies between them (a minified file's one line is read once, too)."""
        text = self.data
        assert text is not None
        if not offsets:
            return {}
        if self._ascii is None:
            self._ascii = text.isascii()
        if self._ascii:
            # Bytes are characters: every step per offset is a C call (tens of thousands
            # of offsets on a large account). Between one offset and the next: the
            # newlines (their running sum is the line) and the last newline (the running
            # maximum is the line's start, -1 on the first line).
            before = [0, *offsets[:-1]]
            newline = repeat(b"\n")
            lines = accumulate(map(text.count, newline, before, offsets), initial=1)
            next(lines)
            line_starts = accumulate(map(text.rfind, newline, before, offsets), max)
            columns = map(operator.sub, offsets, line_starts)
            return dict(zip(offsets, map(Location, repeat(self.path), lines, columns), strict=True))
        path = self.path
        places: dict[int, Location] = {}
        count, rfind = text.count, text.rfind
        line = 1
        column = 0  # characters from the line's start to ``at``
        at = 0
        for offset in offsets:
            newlines = count(b"\n", at, offset)
            if newlines:
                line += newlines
                part = text[rfind(b"\n", at, offset) + 1 : offset]
                column = len(part) if part.isascii() else len(part.translate(None, _CONTINUATION))
            else:
                part = text[at:offset]
                column += len(part) if part.isascii() else len(part.translate(None, _CONTINUATION))
            at = offset
            places[offset] = Location(path, line, column + 1)
        return places

    def _locate_yaml(self, section: str, subject_id: str, permkey: str | None) -> Location:
        assert self.positions is not None and self.snapshot is not None
        # Indexed once per section (and per subject's permissions): looking each finding's
        # subject up in its whole section made locating quadratic.
        ids = self._yaml_ids.get(section)
        if ids is None:
            ids = self._yaml_ids[section] = {}
            for index, item in enumerate(getattr(self.snapshot, section, ())):
                ids.setdefault(item.id, index)
        found = ids.get(subject_id)
        if found is None:
            return Location(self.path)
        at: PathKey = (section, found)
        if permkey is not None:
            rows = self._yaml_rows.get(at)
            if rows is None:
                item = getattr(self.snapshot, section)[found]
                name = "permissions" if hasattr(item, "permissions") else "global_permissions"
                perms = cast("Sequence[Permission]", getattr(item, name, ()) or ())
                rows = self._yaml_rows[at] = {}
                for j, perm in enumerate(perms):
                    rows.setdefault(perm.permkey, (section, found, name, j))
            at = rows.get(permkey, at)
        line, col = self.positions.of(at)
        return Location(self.path, line, col)

    def _section_span(self, section: str) -> tuple[int, int]:
        spans = self._json_spans
        if spans is None:
            assert self.data is not None
            text = self.data
            starts = []
            # The schema allows keys named users, integrations and tokens only at the top
            # level, so the last such key starts its section. Searched from the end, the
            # usual order (roles, users, integrations, tokens, as snapshots are written)
            # reads only the tail of the file, not the tens of megabytes of roles before it.
            for name in ("users", "integrations", "tokens"):
                key = f'"{name}"'.encode()
                match = _rfind_match(re.compile(key + rb"\s*:\s*\["), key, text, 0, len(text))
                if match is not None:
                    starts.append((match.start(), name))
            # A user's own "roles" is a list of strings: the roles section is the first
            # "roles" that holds objects (an empty one holds nothing to find).
            pattern = re.compile(rb'"roles"\s*:\s*\[\s*\{')
            match = next(_finditer(pattern, b'"roles"', text, 0, len(text)), None)
            if match is not None:
                starts.append((match.start(), "roles"))
            starts.sort()
            spans = {}
            for k, (start, name) in enumerate(starts):
                end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
                spans[name] = (start, end)
            self._json_spans = spans
        return spans.get(section, (0, 0))

    def _ids(self, section: str) -> tuple[dict[str, int], list[int]]:
        """Offset of each subject id's first ``"id"`` key in ``section``, and all those
        offsets sorted (to find where the next subject starts)."""
        assert self.data is not None
        ids = self._json_ids.get(section)
        if ids is None:
            start, end = self._section_span(section)
            ids = {}
            for match in _finditer(_ID_KEY, b'"id"', self.data, start, end):
                literal = match.group(1)
                try:
                    if b"\\" not in literal:  # no escapes: the JSON string is its content
                        value = literal[1:-1].decode("utf-8")
                    else:
                        value = msgspec.json.decode(literal)
                except (msgspec.DecodeError, UnicodeDecodeError):
                    continue
                ids.setdefault(value, match.start())
            self._json_ids[section] = ids
            self._json_offsets[section] = sorted(set(ids.values()))
        return ids, self._json_offsets[section]

    def _line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of byte ``offset`` in ``self.data``.

        Counting newlines from the start of the file for every finding made locating
        quadratic (minutes on a large snapshot), and so did counting a column from the
        start of its line when the file is one long line (minified JSON): the line count
        and the column are kept at every :data:`_LINE_CHUNK` bytes, worked out in one pass
        over the file, so each lookup reads at most one chunk, whatever the layout."""
        text = self.data
        assert text is not None
        marks = self._line_marks
        if marks is None:
            marks = self._line_marks = _line_marks(text)
        counts, columns = marks
        k = offset // _LINE_CHUNK
        chunk_start = k * _LINE_CHUNK
        line = counts[k] + text.count(b"\n", chunk_start, offset) + 1
        newline = text.rfind(b"\n", chunk_start, offset)
        if newline >= 0:
            return line, _characters(text, newline + 1, offset) + 1
        return line, columns[k] + _characters(text, chunk_start, offset) + 1

    def _locate_json(self, section: str, subject_id: str, permkey: str | None) -> Location:
        assert self.data is not None
        ids, offsets = self._ids(section)
        offset = ids.get(subject_id)
        if offset is None:
            return Location(self.path)
        if permkey is not None:
            # The permission row lies inside the subject's object: before the next subject.
            after = bisect.bisect_right(offsets, offset)
            end = offsets[after] if after < len(offsets) else self._section_span(section)[1]
            literal = self._literals.get(permkey)
            if literal is None:
                literal = self._literals[permkey] = msgspec.json.encode(permkey)
            found = self._permkey_offset(literal, offset, end)
            if found is not None:
                line, column = self._line_column(found)
                return Location(self.path, line, column)
        return self._subject_place(offset)

    def _subject_place(self, offset: int) -> Location:
        place = self._subject_places.get(offset)
        if place is None:
            line, column = self._line_column(offset)
            place = self._subject_places[offset] = Location(self.path, line, column)
        return place

    def _permkey_offset(self, literal: bytes, start: int, end: int) -> int | None:
        """Offset of the first ``"permkey": LITERAL`` in the subject at ``text[start:end]``.

        Most subjects are asked for once or twice: the literal is searched for. An
        administrator-like role is asked for hundreds of its permissions: searching each
        from the role's start would read the role once per finding, so after a few asks
        the role's permissions are indexed in one pass."""
        data = self.data
        assert data is not None
        index = self._permkey_index.get(start)
        if index is None:
            asks = self._permkey_asks[start] = self._permkey_asks.get(start, 0) + 1
            if asks < _INDEX_AFTER_ASKS or b"\\" in literal:
                return _find_permkey(data, literal, start, end)
            # Literals without escapes (all but odd ones, which are searched for), first
            # occurrence kept, as the search finds it.
            index = self._index_permkeys(start, end)
        elif b"\\" in literal:
            return _find_permkey(data, literal, start, end)
        return index.get(literal[1:-1].decode("utf-8"))


def _first_key(data: bytes, at: int) -> bool:
    """Whether the key at ``data[at]`` is the first of its object (only white space
    between it and a ``{``)."""
    brace = data.rfind(b"{", 0, at)
    return brace >= 0 and not data[brace + 1 : at].strip(_JSON_SPACE)


#: UTF-8 continuation bytes: every other byte starts a character
_CONTINUATION = bytes(range(0x80, 0xC0))


def _characters(text: bytes, start: int, end: int) -> int:
    """Characters of UTF-8 ``text`` that start within ``text[start:end]`` (either end may
    fall inside a character)."""
    part = text[start:end]
    if part.isascii():
        return len(part)
    return len(part.translate(None, _CONTINUATION))


def _line_marks(text: bytes) -> tuple[list[int], list[int]]:
    """For every :data:`_LINE_CHUNK` bytes of ``text``: the newlines before the chunk's
    start, and the characters from the last of them to that start. One pass."""
    counts = [0]
    columns = [0]
    for chunk_start in range(0, len(text), _LINE_CHUNK):
        chunk_end = min(chunk_start + _LINE_CHUNK, len(text))
        counts.append(counts[-1] + text.count(b"\n", chunk_start, chunk_end))
        found = text.rfind(b"\n", chunk_start, chunk_end)
        if found >= 0:
            columns.append(_characters(text, found + 1, chunk_end))
        else:
            columns.append(columns[-1] + _characters(text, chunk_start, chunk_end))
    return counts, columns


def _rfind_match(
    pattern: re.Pattern[bytes], prefix: bytes, text: bytes, start: int, end: int
) -> re.Match[bytes] | None:
    """The last match of ``pattern`` (which begins with the literal ``prefix``) that
    starts within ``text[start:end]``, found with ``bytes.rfind`` from the end."""
    at = text.rfind(prefix, start, end)
    while at >= 0:
        match = pattern.match(text, at)
        if match is not None:
            return match
        at = text.rfind(prefix, start, at + len(prefix) - 1)
    return None


def _finditer(
    pattern: re.Pattern[bytes], prefix: bytes, text: bytes, start: int, end: int
) -> Iterator[re.Match[bytes]]:
    """``pattern.finditer(text, start, end)`` for a pattern that begins with the literal
    ``prefix``: ``bytes.find`` jumps to each candidate, which is many times faster than the
    regex scan over tens of megabytes."""
    at = text.find(prefix, start, end)
    while at >= 0:
        match = pattern.match(text, at, end)
        if match is None:
            at = text.find(prefix, at + 1, end)
        else:
            yield match
            at = text.find(prefix, match.end(), end)


def _find_permkey(text: bytes, literal: bytes, start: int, end: int) -> int | None:
    """Offset of the first ``"permkey"\\s*:\\s*LITERAL`` within ``text[start:end]``:
    the literal is found with ``bytes.find``, then what stands before it is checked."""
    key = b'"permkey"'
    at = text.find(literal, start, end)
    while at >= 0:
        j = at
        while j > start and text[j - 1] in _JSON_SPACE:
            j -= 1
        if j > start and text[j - 1] == ord(":"):
            j -= 1
            while j > start and text[j - 1] in _JSON_SPACE:
                j -= 1
            begin = j - len(key)
            if begin >= start and text.startswith(key, begin):
                match = _PERMKEY_KEY.match(text, begin, end)
                if match is not None and match.group(1) == literal:
                    return begin
        at = text.find(literal, at + 1, end)
    return None


class LoadedSnapshot(msgspec.Struct, frozen=True):
    snapshot: Snapshot
    locator: Locator


def _json_path_to_key(where: str) -> PathKey:
    """``$.roles[0].permissions[2].level`` → ("roles", 0, "permissions", 2, "level")."""
    key: list[str | int] = []
    for name, index in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", where):
        key.append(name if name else int(index))
    return tuple(key)


# What each enumerated or dated field accepts, for error messages: msgspec says only
# "Invalid enum value 'view'", and a person needs to know what was expected.
_EXPECTED = {
    "level": "one of NONE, VIEW, CREATE, EDIT, FULL (upper case, as NetSuite writes them)",
    "type": "tba or client_credentials",
    "state": "enabled or blocked",
    "auth_flows": "tba, auth_code, client_credentials or user_credentials",
    "environment": "production, sandbox or unknown",
    "segment": "DEPARTMENT, CLASS, LOCATION or another upper-case NetSuite value",
    "created": "an ISO date, YYYY-MM-DD",
    "last_used": "an ISO date, YYYY-MM-DD",
    "exported_at": "an ISO date-time, e.g. 2026-11-20T08:00:00Z",
}


def _friendly(message: str, key: PathKey = ()) -> str:
    message = message.replace("Object contains unknown field", "unknown field")
    message = re.sub(r"\s*-\s*at `\$[^`]*`", "", message)
    names = [part for part in key if isinstance(part, str)]
    expected = _EXPECTED.get(names[-1]) if names else None
    if expected and ("Invalid" in message or "Expected `str`" in message):
        message += f"; expected {expected}"
    return message


def parse_snapshot(data: bytes, path: str) -> LoadedSnapshot:
    """Decode snapshot bytes (JSON, or YAML when ``path`` says so) into the model."""
    is_yaml = path.lower().endswith((".yaml", ".yml"))
    if not is_yaml:
        # The common case, and a large account's: the bytes decode straight into the
        # model (msgspec checks the UTF-8) and the locator reads the same bytes. Only a
        # file that fails is decoded as text, to say where and why.
        body = data.removeprefix(codecs.BOM_UTF8)
        try:
            snapshot = msgspec.json.decode(body, type=Snapshot)
        except msgspec.ValidationError as exc:
            # Well-formed JSON of the wrong shape: located from the bytes, level by level
            # (re-reading the text with positions cost 28x the valid run)
            refuse_duplicate_keys(body, path, SnapshotError)
            where = re.search(r"at `(\$[^`]*)`", str(exc))
            key = _json_path_to_key(where.group(1)) if where else ()
            located = jsonin.locate_path(body, key)
            raise SnapshotError(_friendly(str(exc), key), path, *located) from None
        except (msgspec.DecodeError, UnicodeDecodeError):
            pass
        else:
            refuse_duplicate_keys(body, path, SnapshotError, Snapshot, snapshot)
            return LoadedSnapshot(snapshot, Locator(path, data=body, roles=snapshot.roles))
    text = decode_text(data, path, SnapshotError)
    if not text.strip():
        raise SnapshotError("empty file; expected a suitelint snapshot", path, 1, 1)
    if is_yaml:
        # The locator asks for subjects and their permission rows (depth 4) only; an
        # error anywhere reads the file again with every position.
        raw, positions = load_yaml(text, path, SnapshotError, positions_depth=4)
        if not isinstance(raw, dict):
            raise SnapshotError(
                "expected a mapping with roles, users, integrations, tokens", path, 1, 1
            )
        try:
            snapshot = msgspec.convert(raw, type=Snapshot, strict=False)
        except msgspec.ValidationError as exc:
            where = re.search(r"at `(\$[^`]*)`", str(exc))
            key = _json_path_to_key(where.group(1)) if where else ()
            line, col = load_yaml(text, path, SnapshotError)[1].of(key)
            raise SnapshotError(_friendly(str(exc), key), path, line, col) from None
        return LoadedSnapshot(snapshot, Locator(path, positions=positions, snapshot=snapshot))
    try:
        # Without a BOM the bytes are the UTF-8 of the text already: no second encode.
        raw = text.encode("utf-8") if data.startswith(codecs.BOM_UTF8) else data
        snapshot = msgspec.json.decode(raw, type=Snapshot)
    except msgspec.ValidationError as exc:
        refuse_duplicate_keys(raw, path, SnapshotError)
        where = re.search(r"at `(\$[^`]*)`", str(exc))
        key = _json_path_to_key(where.group(1)) if where else ()
        located = jsonin.locate_path(raw, key)
        raise SnapshotError(_friendly(str(exc), key), path, *located) from None
    except msgspec.DecodeError as exc:
        match = re.search(r"byte (\d+)", str(exc))
        line = col = None
        offset = None
        if match:
            offset = len(text.encode("utf-8")[: int(match.group(1))].decode("utf-8", "replace"))
        elif "truncated" in str(exc):
            offset = len(text.rstrip())  # the input ends before the document does
        if offset is not None:
            line = text.count("\n", 0, offset) + 1
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        message = re.sub(r"\s*\(byte \d+\)", "", str(exc))
        raise SnapshotError(f"invalid JSON: {message}", path, line, col) from None
    refuse_duplicate_keys(raw, path, SnapshotError, Snapshot, snapshot)
    return LoadedSnapshot(snapshot, Locator(path, data=raw, roles=snapshot.roles))


def snapshot_from_data(raw: Any, positions: Positions, path: str) -> LoadedSnapshot:
    """A snapshot written inside another YAML document (a policy test's inline
    ``account``): ``positions`` point into that document, and so do its findings."""
    if not isinstance(raw, dict):
        line, col = positions.of(())
        raise SnapshotError(
            "expected a mapping with roles, users, integrations, tokens", path, line, col
        )
    try:
        snapshot = msgspec.convert(raw, type=Snapshot, strict=False)
    except msgspec.ValidationError as exc:
        where = re.search(r"at `(\$[^`]*)`", str(exc))
        key = _json_path_to_key(where.group(1)) if where else ()
        line, col = positions.of(key)
        raise SnapshotError(_friendly(str(exc), key), path, line, col) from None
    return LoadedSnapshot(snapshot, Locator(path, positions=positions, snapshot=snapshot))


def load_snapshot(path: Path) -> LoadedSnapshot:
    return parse_snapshot(read_input(path, what="snapshot file"), str(path))


def dump_snapshot(snapshot: Snapshot, *, yaml_format: bool = False) -> bytes:
    """Serialise deterministically: same snapshot, same bytes."""
    if yaml_format:
        import yaml

        plain: Any = msgspec.to_builtins(snapshot)
        # allow_unicode=False: PyYAML emits some line-break characters (U+0085) raw, which
        # do not read back; escaped non-ASCII always round-trips.
        return yaml.safe_dump(plain, sort_keys=False, allow_unicode=False).encode("utf-8")
    return msgspec.json.format(msgspec.json.encode(snapshot), indent=2) + b"\n"


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write atomically: an interrupted write leaves the previous file intact."""
    atomic_write_bytes(path, dump_snapshot(snapshot, yaml_format=path.suffix in (".yaml", ".yml")))


def snapshot_schema() -> dict[str, Any]:
    """The published JSON Schema of snapshot files (generated from the model)."""
    schema: dict[str, Any] = _clean_descriptions(msgspec.json.schema(Snapshot))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://suitelint.dev/schema/snapshot-1.json"
    schema["title"] = "suitelint account snapshot"
    return dict(sorted(schema.items()))


def _clean_descriptions(node: Any) -> Any:
    """Descriptions as ``inspect.cleandoc`` gives them, whatever msgspec does with docstrings.

    msgspec 0.22 copies a docstring's indentation into ``description``, 0.23 cleans it: the
    published schema must be the same bytes under every msgspec the package allows.
    """
    if isinstance(node, dict):
        return {
            key: inspect.cleandoc(value)
            if key == "description" and isinstance(value, str)
            else _clean_descriptions(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_clean_descriptions(item) for item in node]
    return node


def is_snapshot_path(path: Path) -> bool:
    return path.suffix.lower() in SNAPSHOT_SUFFIXES
