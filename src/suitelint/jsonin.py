"""JSON input: duplicate keys refused with the line of the second key; paths located fast.

JSON leaves duplicate keys undefined and every fast decoder keeps the last one, so a
snapshot could hide an Administrator role behind a second ``"roles"`` and a baseline
could change what it suppresses. YAML input already refuses them (``yamlsrc``).

msgspec does not report duplicates, and a 57 MB snapshot must stay fast, so the check is
in up to three steps:

* :func:`keys_are_distinct`, cheapest, for a document decoded into structs already (a
  snapshot): the quotes of the input, counted in C, against those of the decoded value
  encoded again. Equal counts prove every key distinct; anything else (a repeated key,
  a default written out, a quote written ``\\u0022``) is "cannot tell", and:
* :func:`has_duplicate_keys`, cheap, in C: ``msgspec.json.format`` rewrites the document
  compactly token by token (duplicates kept, every string spelt as in the input), and a
  second pass rewrites it with each object's keys once (duplicates dropped). The number
  of ``":`` byte pairs (one per key, plus those inside strings) is then equal exactly
  when no key was dropped. For a document of a known shape (a snapshot: ``shape``), the
  second pass decodes into a mirror of the shape whose leaves stay raw bytes
  (:func:`key_mirror`): objects become structs, not dicts, no leaf value is built, and
  strings keep their spelling, so no ``\\u`` escape can make the counts differ. For any
  other document it is ``encode(decode(...))`` through Python objects, which respells
  strings: a document with ``\\u`` escapes goes to the exact scan instead.
* :func:`find_duplicate_key`, exact and slower (a regular-expression tokenizer), runs only
  when the cheap check fires or cannot decide, and says where the second key stands.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from typing import Any

import msgspec

from suitelint.errors import SuitelintError

_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"(\s*:)?|[{}\[\]]', re.DOTALL)


class DuplicateKey(msgspec.Struct, frozen=True):
    key: str
    line: int
    column: int
    first_line: int


@functools.cache
def key_mirror(shape: type[msgspec.Struct]) -> type[msgspec.Struct]:
    """A struct type that decodes what ``shape`` decodes, keeping only which keys each
    object holds: nested structs are mirrored, every other value stays its raw bytes
    (``msgspec.Raw``), and a field absent from the input stays absent when encoded."""
    fields = msgspec.structs.fields(shape)
    return msgspec.defstruct(
        f"KeysOf{shape.__name__}",
        [(f.name, _mirror_type(f.type) | msgspec.UnsetType, msgspec.UNSET) for f in fields],
        rename={f.name: f.encode_name for f in fields},
        forbid_unknown_fields=True,
        omit_defaults=True,
    )


def _mirror_type(hint: Any) -> Any:
    """What a field decodes into in :func:`key_mirror`: structs (and lists and optionals
    of them) mirrored, anything else raw."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _mirror_type(typing.get_args(hint)[0])
    if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
        return key_mirror(hint)
    args = typing.get_args(hint)
    if origin in (tuple, list) and (origin is list or (len(args) == 2 and args[1] is ...)):
        inner = _mirror_type(args[0])
        return msgspec.Raw if inner is msgspec.Raw else list[inner]  # type: ignore[valid-type]
    if origin in (typing.Union, types.UnionType):
        mirrored = [m for m in map(_mirror_type, args) if m is not msgspec.Raw]
        if mirrored:
            return typing.Union[(*mirrored, *(a for a in args if a is type(None)))]
    return msgspec.Raw


#: leaf types whose typed decoding keeps a JSON string a string and makes nothing else one
_KEPT_LEAVES = frozenset(
    [
        "StrType",
        "LiteralType",
        "IntType",
        "BoolType",
        "NoneType",
        "FloatType",
        "DateType",
        "DateTimeType",
        "TimeType",
        "UUIDType",
        "EnumType",
    ]
)
_CONTAINERS = frozenset(["ListType", "VarTupleType", "TupleType", "SetType", "FrozenSetType"])


@functools.cache
def _countable(shape: type[msgspec.Struct]) -> bool:
    """Whether :func:`keys_are_distinct` may count quotes for a document of ``shape``:
    every struct in it encodes only the fields the input gave (``omit_defaults``, no tag
    added, no array form), and every leaf keeps strings strings (no ``Decimal`` from a
    number, no custom or untyped values)."""
    import msgspec.inspect as mi

    def ok(info: Any) -> bool:
        name = type(info).__name__
        if name == "Metadata":
            return ok(info.type)
        if name in _KEPT_LEAVES:
            return True
        if name in _CONTAINERS:
            items = info.item_types if name == "TupleType" else (info.item_type,)
            return all(ok(item) for item in items)
        if name == "UnionType":
            return all(ok(member) for member in info.types)
        if name == "StructType":
            if info.cls in seen:
                return True
            seen.add(info.cls)
            config = info.cls.__struct_config__
            return (
                config.omit_defaults
                and info.tag_field is None
                and not info.array_like
                and all(ok(field.type) for field in info.fields)
            )
        return False

    seen: set[type] = set()
    return ok(mi.type_info(shape))


def keys_are_distinct(data: bytes, decoded: msgspec.Struct) -> bool:
    r"""True when counting proves that no object in ``data`` holds a key twice; False
    when it cannot tell (the exact check must then run). ``decoded``: ``data`` decoded
    by msgspec into a struct type, strictly (as ``msgspec.json.decode`` does).

    One count of ``"`` bytes in C, in ``data`` and in ``decoded`` encoded again, instead
    of a second decode. The input holds K keys and V string values: 2K + 2V quote bytes,
    plus E, one for each quote character inside its strings (written ``"``). Decoded, an
    object keeps each key once; encoded with ``omit_defaults`` it gives D <= K keys (the
    required fields and those off their default, each from a key of the input) and
    V' <= V string values (each one of the input's, nothing else made a string:
    :func:`_countable`), and writes each quote character as ``"``, so E' <= E when no
    quote is written ``"`` in the input. Equal counts, 2K + 2V + E = 2D + 2V' + E',
    then mean D = K: no key repeats. A repeated key, an explicit default value or an
    unknown field left out makes the counts differ, and the answer "cannot tell".
    """
    if not _countable(type(decoded)):
        return False
    if b"\\" in data and b"\\u0022" in data:
        return False
    return data.count(b'"') == msgspec.json.encode(decoded).count(b'"')


def has_duplicate_keys(data: bytes, shape: type[msgspec.Struct] | None = None) -> bool:
    """True if a JSON object in ``data`` (valid JSON) may hold a key twice. ``shape``:
    a struct type ``data`` decodes into, for the cheaper second pass."""
    if shape is not None:
        compact = msgspec.json.format(data, indent=-1)
        try:
            mirrored = msgspec.json.decode(compact, type=key_mirror(shape))
        except msgspec.DecodeError:  # not of that shape after all: the general pass
            pass
        else:
            return compact.count(b'":') != msgspec.json.encode(mirrored).count(b'":')
    if b"\\u" in data:
        return find_duplicate_key(data) is not None
    compact = msgspec.json.format(data, indent=-1)
    deduplicated = msgspec.json.encode(msgspec.json.decode(data))
    return compact.count(b'":') != deduplicated.count(b'":')


def _decode_key(token: bytes) -> str:
    try:
        key: str = msgspec.json.decode(token)
    except msgspec.DecodeError:
        return token.decode("utf-8", "replace")
    return key


def find_duplicate_key(data: bytes) -> DuplicateKey | None:
    """The first key that repeats within its object, with its 1-based line and column
    (and the line of the first one), or None. ``data`` is well-formed JSON."""
    stack: list[dict[str, int] | None] = []  # per open container: key -> offset (objects)
    for match in _TOKEN.finditer(data):
        token = match.group()
        first = token[:1]
        if first == b"{":
            stack.append({})
        elif first == b"[":
            stack.append(None)
        elif first in (b"}", b"]"):
            if stack:
                stack.pop()
        elif match.group(1) is not None and stack and stack[-1] is not None:
            keys = stack[-1]
            end = token.rfind(b'"') + 1
            key = _decode_key(token[:end])
            offset = match.start()
            if key in keys:
                line, column = position(data, offset)
                return DuplicateKey(key, line, column, data.count(b"\n", 0, keys[key]) + 1)
            keys[key] = offset
    return None


_SPACE = re.compile(rb"[ \t\r\n,:]*")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


def locate_path(data: bytes, key: tuple[str | int, ...]) -> tuple[int, int]:
    """The 1-based line and column of the value at ``key`` (object keys and list indexes
    from the top) in valid JSON ``data``, or None where the path leaves the document.

    Fast on a large document: each level on the way is split by msgspec into the raw
    bytes of its members (in C); only the members before the one wanted are stepped over,
    by length. Used on the error path instead of re-reading the whole document."""
    offset = _SPACE.match(data).end()  # type: ignore[union-attr]
    segment = data[offset:]
    for part in key:
        try:
            if isinstance(part, int):
                members = msgspec.json.decode(segment, type=list[msgspec.Raw])
                if part >= len(members):
                    break
                pos = 1  # after "["
                for member in members[:part]:
                    pos = _SPACE.match(segment, pos).end() + len(member)  # type: ignore[union-attr]
                pos = _SPACE.match(segment, pos).end()  # type: ignore[union-attr]
                value = bytes(members[part])
            else:
                fields = msgspec.json.decode(segment, type=dict[str, msgspec.Raw])
                if part not in fields:
                    break
                pos = 1  # after "{"
                for name, raw in fields.items():
                    pos = _SPACE.match(segment, pos).end()  # type: ignore[union-attr]
                    pos = _STRING.match(segment, pos).end()  # type: ignore[union-attr]
                    pos = _SPACE.match(segment, pos).end()  # type: ignore[union-attr]
                    if name == part:
                        break
                    pos += len(raw)
                value = bytes(fields[part])
        except (msgspec.DecodeError, AttributeError):
            break  # not the container the path expects: stop at the last one found
        except RecursionError:  # what the path leads into nests too deeply
            deep = too_deep_at(segment)
            offset += deep if deep is not None else 0
            break
        offset += pos
        segment = value
    return position(data, offset)


def refuse_duplicate_keys(
    data: bytes,
    path: str,
    error: type[SuitelintError],
    shape: type[msgspec.Struct] | None = None,
    decoded: msgspec.Struct | None = None,
) -> None:
    """Raise ``error`` at the second of two equal keys of one object in ``data``.
    ``shape``: a struct type ``data`` decoded into (a snapshot's), which makes the check
    cheaper (:func:`has_duplicate_keys`); ``decoded``: that decoded value, which makes it
    cheaper still when it proves every key distinct (:func:`keys_are_distinct`)."""
    if decoded is not None and keys_are_distinct(data, decoded):
        return
    try:
        suspect = has_duplicate_keys(data, shape)
    except msgspec.DecodeError:
        return  # not well-formed: the decoder's own error says where
    except RecursionError:  # deep nesting under a key the typed decoder skipped
        suspect = True
    if not suspect:
        return
    found = find_duplicate_key(data)
    if found is not None:
        raise error(
            f"key {found.key!r} appears twice in one object (first on line "
            f"{found.first_line}); JSON would keep only the last, so duplicate keys are refused",
            path,
            found.line,
            found.column,
        )


_BIG_NUMBER = re.compile(rb"-?\d{19,}(?:\.\d*)?(?:[eE][+-]?\d+)?|-?\d+(?:\.\d*)?[eE][+-]?\d{4,}")
_BYTE = re.compile(r"\s*\(byte (\d+)\)")


def position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``offset``."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", "replace")) + 1


def too_deep_at(data: bytes, limit: int = 500) -> int | None:
    """The offset where containers nest deeper than ``limit``, if they do (no recursion)."""
    depth = 0
    for match in _TOKEN.finditer(data):
        first = match.group()[:1]
        if first in (b"{", b"["):
            depth += 1
            if depth > limit:
                return match.start()
        elif first in (b"}", b"]"):
            depth -= 1
    return None


def decode_located(data: bytes) -> tuple[object, None] | tuple[None, tuple[str, int, int]]:
    """Decode JSON of any shape; on failure ``(None, (message, line, column))``, located
    for every way msgspec fails: malformed (its byte offset), a number too large, nesting
    too deep (a RecursionError, which would otherwise reach the user unlocated)."""
    try:
        return msgspec.json.decode(data), None
    except RecursionError:
        at = too_deep_at(data) or 0
        return None, ("invalid JSON: nested too deeply", *position(data, at))
    except msgspec.DecodeError as exc:
        text = str(exc)
        found = _BYTE.search(text)
        if found:
            at = int(found.group(1))
        elif "out of range" in text:
            number = _BIG_NUMBER.search(data)
            at = number.start() if number else 0
            text = "a number too large to read"
        elif "truncated" in text:
            at = len(data.rstrip())
        else:
            at = 0
        text = re.sub(r"\s*-\s*at `\$[^`]*`", "", _BYTE.sub("", text))
        return None, (f"invalid JSON: {text}", *position(data, at))
