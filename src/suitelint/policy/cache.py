"""The policy cache: a policy file read, checked and stored once, found by its content.

Reading a policy is YAML parsing and schema validation; importing PyYAML alone is a fifth
of the start-up of a check of a small SDF project (the pull-request case). So the loaded
document of a policy (its values and the position of each) is kept in a cache file, and
the next run with the same policy bytes reads that file instead: no YAML parser, no
validator. Compiling (resolving names against the catalog and the sources' custom
objects) still happens on every run, from the document, so every compile error is
reported, at its file:line, on every run.

The key of an entry is a BLAKE2b-256 hash over everything that decides the document: the cache
format, the suitelint version, the size and mtime of the modules and the schema that
read policies (so an edited development checkout never meets entries of its former
self), the policy's name as given (it is in every error message) and all of its bytes
(a built-in pack's bytes included). Nothing is ever executed from a cache file: an entry
is msgpack data decoded into fixed types (never pickle). An entry that cannot be read,
is not sealed with this run's secret (:mod:`suitelint.diskcache`), is truncated, corrupt,
of another format or of another key is ignored and the policy is read from its file; a cache folder that cannot be written is not used. Neither is ever
an error, and the output is the same bytes whether an entry was used or not. Only a
policy set that compiled without error is stored.

The compiled policy is kept beside the documents: :mod:`suitelint.policy.compiledcache`.

Where: ``$SUITELINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/suitelint``, else
``~/.cache/suitelint``. ``SUITELINT_NO_CACHE=1`` turns the cache off (README.md, "The
policy cache").
"""

import functools
from pathlib import Path
from typing import Any

import msgspec

from suitelint import __version__, diskcache
from suitelint.yamlsrc import Positions

#: bump when the entry layout or what the document holds changes
FORMAT = 1
#: entries larger than this are not read (a policy is at most 8 MiB of YAML)
MAX_ENTRY_BYTES = diskcache.MAX_ENTRY_BYTES
#: the code and data whose change changes what a policy file reads as
_READERS = ("loader.py", "cache.py", "policy.schema.json")
_ROOT_READERS = ("yamlsrc.py", "yamlread.py", "schemacheck.py")


class _Entry(msgspec.Struct, array_like=True, frozen=True):
    """One cached document: its key (checked against the file name's), its values and
    the (path, line, column) of each value and of each key."""

    format: int
    key: str
    data: Any
    values: list[tuple[list[str | int], int, int]]
    keys: list[tuple[list[str | int], int, int]]


@functools.cache
def _decoder() -> msgspec.msgpack.Decoder[_Entry]:
    """The decoder of documents (made when first used: a run whose compiled policy is
    cached reads no document)."""
    return msgspec.msgpack.Decoder(_Entry)


def folder() -> Path | None:
    """The cache folder, or None when the cache is off (or no home folder is known)."""
    top = diskcache.root()
    return None if top is None else top / f"policies-{FORMAT}"


def _fingerprint() -> bytes:
    """Size and mtime of the files that read policies (their content decides the
    document as much as the policy's own bytes)."""
    here = Path(__file__).parent
    parts = []
    for place, names in ((here, _READERS), (here.parent, _ROOT_READERS)):
        for name in names:
            try:
                info = (place / name).stat()
            except OSError:  # a zip install: the version alone
                parts.append(f"{name}:-")
                continue
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\0".join(parts).encode()


def key_of(name: str, content: bytes) -> str:
    """The key of the document ``name`` reads as, given its bytes."""
    digest = diskcache.new_digest()
    for part in (
        f"suitelint policy cache {FORMAT}".encode(),
        __version__.encode(),
        _fingerprint(),
        name.encode("utf-8", "surrogateescape"),
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    digest.update(content)
    return str(digest.hexdigest())


def lookup(key: str) -> tuple[Any, Positions] | None:
    """The document stored under ``key``, or None (no entry, or one not to be trusted)."""
    where = folder()
    if where is None:
        return None
    blob = diskcache.read_entry(where / key)
    if blob is None:
        return None
    try:
        entry = _decoder().decode(blob)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if entry.format != FORMAT or entry.key != key:
        return None
    return entry.data, _positions(entry)


def _positions(entry: _Entry) -> Positions:
    return Positions(
        {tuple(at): (line, column) for at, line, column in entry.values},
        {tuple(at): (line, column) for at, line, column in entry.keys},
    )


def _rows(table: Any) -> list[tuple[list[str | int], int, int]]:
    return [(list(at), line, column) for at, (line, column) in table.items()]


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down (``1 == True`` is not enough),
    Structs field by field."""
    if type(a) is not type(b):
        return False
    if isinstance(a, msgspec.Struct):
        return all(same(getattr(a, f), getattr(b, f)) for f in a.__struct_fields__)
    if isinstance(a, frozenset):
        return a == b and same(sorted(a, key=repr), sorted(b, key=repr))
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            same(k, j) and same(a[k], b[j]) for k, j in zip(a, b, strict=True)
        )
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:  # NaN
        return bool(b != b)
    return bool(a == b)


def entry(key: str, data: Any, positions: Positions) -> bytes | None:
    """The cache entry of a document just read, or None when it cannot be kept exactly
    (made before compiling, so it holds what was read, whatever happens next)."""
    record = _Entry(FORMAT, key, data, _rows(positions.by_path), _rows(positions.key_by_path))
    try:
        blob = msgspec.msgpack.encode(record)
        back = _decoder().decode(blob)
    except (msgspec.EncodeError, msgspec.DecodeError, msgspec.ValidationError, OverflowError):
        return None  # a value msgpack cannot hold (an integer beyond 64 bits): not cached
    if not (same(back.data, data) and _positions(back) == positions):
        return None  # what would be read back differs from what was read: not cached
    return blob


def store(key: str, blob: bytes) -> None:
    """Write an entry made by :func:`entry` (atomically); never raises."""
    where = folder()
    if where is not None:
        diskcache.store(where, key, blob)
