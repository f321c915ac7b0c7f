"""The compiled policy cache: the rules and waivers a set of policy documents compiled to,
found by their content (beside the documents of :mod:`suitelint.policy.cache`).

A run whose policy files hold the same bytes as one that compiled without error takes its
rules and waivers from that entry, not compiling again (resolving names against the
catalog indexes all of its permissions). Its key is a BLAKE2b-256 hash of the documents' keys
(each: the policy's name, bytes, the version and its readers), the size and mtime of
every module and data file that decides what a document compiles to (the compiler, every
assertion kind, the selectors, the catalog and its data), and the engine's rule ids
(waivers may name them). Compiling also reads the sources' custom objects (a policy may
name a custom record by its display name): the entry holds each display name the compile
looked up and what it found, and is used only when the sources give the same answers.
An entry is msgpack decoded into the compiled types (every field checked), kept only
when what it reads back is what was compiled, type for type; an entry that cannot be
read or does not fit is ignored and the policy compiled from its documents. Every located
error is reported as before: a policy that does not compile is never kept.

Where: the ``compiled-N`` folder of the cache folder (:func:`suitelint.diskcache.root`);
``SUITELINT_NO_CACHE=1`` turns it off with the rest.
"""

import functools
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from suitelint import __version__, diskcache
from suitelint.policy.cache import same

if TYPE_CHECKING:
    from suitelint.model import CustomObject
    from suitelint.policy.compiler import Policy

#: bump when the compiled entry's layout changes
COMPILED_FORMAT = 1
#: the files, beside the policy package, whose content decides what a document compiles to
#: (every module of ``policy/assertions`` too)
_COMPILERS = (
    "policy/compiler.py",
    "policy/compiling.py",
    "policy/selectors.py",
    "policy/loader.py",
    "policy/cache.py",
    "policy/compiledcache.py",
    "catalog/__init__.py",
    "catalog/catalog.json",
    "sdfref.py",
    "restrictions.py",
    "findings.py",
    "model.py",
)
#: what a compile looked up among the sources' custom objects: display name (folded) ->
#: the (name, scriptid) of each object found
Asked = dict[str, tuple[tuple[str | None, str], ...]]


def compiled_folder() -> Path | None:
    top = diskcache.root()
    return None if top is None else top / f"compiled-{COMPILED_FORMAT}"


def _compilers() -> bytes:
    """Size and mtime of the files that decide what a document compiles to."""
    top = os.path.dirname(os.path.dirname(__file__))  # noqa: PTH120 (no Path per file)
    kinds = os.path.join(top, "policy", "assertions")  # noqa: PTH118
    try:
        listed = os.listdir(kinds)  # noqa: PTH208
        names = sorted(f"policy/assertions/{n}" for n in listed if n.endswith(".py"))
    except OSError:  # a zip install: the version alone
        names = []
    parts = []
    for name in (*_COMPILERS, *names):
        try:
            info = os.stat(os.path.join(top, name))  # noqa: PTH116, PTH118
        except OSError:
            parts.append(f"{name}:-")
            continue
        parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\0".join(parts).encode()


def compiled_key(document_keys: Sequence[str], engine_rules: Iterable[str]) -> str:
    """The key of the policy that documents of these keys (:func:`key_of`, in order)
    compile to, with ``engine_rules`` (the engine's rule ids) known to waivers."""
    digest = diskcache.new_digest()
    for part in (
        f"suitelint compiled policy {COMPILED_FORMAT}".encode(),
        __version__.encode(),
        _compilers(),
        "\0".join(sorted(engine_rules)).encode(),
        *(key.encode() for key in document_keys),
    ):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return str(digest.hexdigest())


@functools.cache
def _compiled_types() -> tuple[Any, msgspec.msgpack.Decoder[Any], dict[str, type]]:
    """The compiled entry's rule type (CompiledRule's fields, each assertion as its kind
    record's name and its msgpack), the entry's decoder, and the kinds' record types by
    name (the records of every module of the registry)."""
    from suitelint.policy import assertions
    from suitelint.policy.compiler import CompiledRule, Waiver

    fields = CompiledRule.__annotations__
    rule = msgspec.defstruct(
        "CachedRule",
        [
            (name, tuple[tuple[str, msgspec.Raw], ...] if name == "assertions" else fields[name])
            for name in CompiledRule.__struct_fields__
        ],
        array_like=True,
        frozen=True,
        module=__name__,
    )
    entry = msgspec.defstruct(
        "CompiledEntry",
        [
            ("format", int),
            ("key", str),
            ("rules", tuple[rule, ...]),  # type: ignore[valid-type]
            ("waivers", tuple[Waiver, ...]),
            ("sources", tuple[str, ...]),
            ("asked", dict[str, tuple[tuple[str | None, str], ...]]),
        ],
        array_like=True,
        frozen=True,
        module=__name__,
    )
    records: dict[str, type] = {}
    for kind in assertions.KINDS:
        module = sys.modules[kind.compile.__module__]
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, msgspec.Struct)
                and value.__module__ == module.__name__
            ):
                records[f"{value.__module__}.{value.__qualname__}"] = value
    return rule, msgspec.msgpack.Decoder(entry), records


@functools.cache
def _record_decoder(name: str) -> msgspec.msgpack.Decoder[Any]:
    return msgspec.msgpack.Decoder(_compiled_types()[2][name])


def _decode_compiled(key: str, blob: bytes) -> "tuple[Policy, Asked] | None":
    from suitelint.policy.compiler import CompiledRule, Policy

    _, decoder, records = _compiled_types()
    try:
        entry = decoder.decode(blob)
        if entry.format != COMPILED_FORMAT or entry.key != key:
            return None
        rules = []
        for cached in entry.rules:
            if any(name not in records for name, _ in cached.assertions):
                return None
            values = {name: getattr(cached, name) for name in CompiledRule.__struct_fields__}
            values["assertions"] = tuple(
                _record_decoder(name).decode(raw) for name, raw in cached.assertions
            )
            rules.append(CompiledRule(**values))
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return Policy(tuple(rules), entry.waivers, entry.sources), entry.asked


def lookup_compiled(key: str) -> "tuple[Policy, Asked] | None":
    """The compiled policy stored under ``key`` and what its compile looked up among the
    custom objects, or None (no entry, or one not to be trusted)."""
    where = compiled_folder()
    if where is None:
        return None
    blob = diskcache.read_entry(where / key)
    return None if blob is None else _decode_compiled(key, blob)


def asked_of(names: "Mapping[str, tuple[CustomObject, ...]]", asked: Iterable[str]) -> Asked:
    """What looking up each display name of ``asked`` in ``names`` finds (as
    :data:`Asked` holds it)."""
    return {name: tuple((obj.name, obj.scriptid) for obj in names.get(name, ())) for name in asked}


def store_compiled(key: str, policy: "Policy", asked: Asked) -> None:
    """Keep ``policy`` (compiled without error) under ``key`` when it reads back exactly
    (every record of a kind of the registry, every value of the same type); never raises."""
    where = compiled_folder()
    if where is None:
        return
    rule, _, records = _compiled_types()
    names = {record: name for name, record in records.items()}
    try:
        made = [
            rule(
                *(
                    tuple((names[type(a)], a) for a in value) if field == "assertions" else value
                    for field, value in ((f, getattr(r, f)) for f in r.__struct_fields__)
                )
            )
            for r in policy.rules
        ]
        blob = msgspec.msgpack.encode(
            (COMPILED_FORMAT, key, made, policy.waivers, policy.sources, asked)
        )
    except (KeyError, msgspec.EncodeError, OverflowError):
        return  # a record of no kind of the registry, or a value msgpack cannot hold
    back = _decode_compiled(key, blob)
    if back is None or not (same(back[0], policy) and back[1] == asked):
        return  # what would be read back differs from what was compiled: not kept
    diskcache.store(where, key, blob)
