"""Importing msgspec and pathlib without the modules a run of suitelint never uses.

Only the console script (:func:`suitelint.entry.main`) calls these, first thing, so they
decide what the process imports; imported any other way (a test, a library user) suitelint
imports msgspec and pathlib as usual. Each function stands a small placeholder module in
``sys.modules`` while it imports, removes it again at once (a later ``import uuid``,
``import decimal``, ``import urllib.parse``, ``import msgspec.inspect`` gets the real
module) and, should the import fail with the placeholders, imports the plain way (but
msgspec's C module, once started, keeps what it read: see :func:`import_msgspec`).
``tests/test_leanimport.py`` holds every fact relied on here, in fresh interpreters.

Why: these imports were a fifth of a small check's start-up (about 36 M of 249 M
instructions; bare Python is 38 M), all of it for code no check runs.

- **uuid and decimal** (~15 M; uuid imports ``platform``, which compiles nine patterns):
  msgspec's C module reads ``uuid.UUID``, ``uuid.SafeUUID.unknown`` and
  ``decimal.Decimal`` when it starts, to recognise those types when it encodes a value or
  builds a decoder. suitelint never encodes or decodes a UUID or a Decimal (a test holds
  that no Struct of suitelint names either), so msgspec is handed placeholder classes.
  This fails closed: in that process msgspec refuses a real UUID or Decimal as a type it
  does not support (``TypeError`` / ``EncodeError``), it never reads one wrongly.
- **msgspec.inspect, msgspec._json_schema (with textwrap), msgspec.toml, msgspec.yaml**
  (~12 M): ``msgspec/__init__`` imports them all; suitelint uses ``msgspec.inspect`` and
  ``msgspec.json.schema`` only to write the snapshot schema and in ``jsonin``, never in a
  check. They are imported on first use instead: the names are removed from the
  ``msgspec`` and ``msgspec.json`` modules, whose module ``__getattr__`` (PEP 562)
  imports the real module on the first access and binds what it found, so
  ``msgspec.inspect``, ``from msgspec.json import schema`` and ``import msgspec.toml`` give
  exactly msgspec's own objects.
- **typing_extensions** (~11 M with the ``inspect`` it imports): msgspec takes
  ``get_type_hints`` (called with ``include_extras=True``), ``Required`` and
  ``NotRequired`` from it when it can; on 3.11+ these are ``typing``'s own objects or a
  wrapper that returns ``typing.get_type_hints(..., include_extras=True)`` unchanged, so
  with it hidden msgspec falls back to exactly what it would call.
- **Python's compiler** (~9 M): ``msgspec._utils`` makes ``typing.ForwardRef("Foo",
  is_class=True)`` to learn whether ``ForwardRef`` takes ``is_class`` (new in 3.11); making
  one compiles its text, and the first ``compile()`` of a process builds the ``ast``
  module's hundred-odd types. A warm check compiles nothing else (a test holds that), so
  while msgspec imports, ``typing.ForwardRef`` is a probe that takes exactly the real one's
  parameters and compiles nothing (only when the real one takes ``is_class``: msgspec then
  chooses what it would have chosen); it is the real class again once msgspec is imported.
- **urllib.parse** (~10 M with ``ipaddress``): ``pathlib`` imports it for one function,
  ``quote_from_bytes``, which only ``Path.as_uri`` calls. pathlib is handed a function
  that imports ``urllib.parse`` when first called and returns what it returns.
- **ntpath** (~2 M): 3.11's ``pathlib`` imports it only to bind it as the Windows
  flavour's ``pathmod``, which pathlib never reads. It is handed a stand-in module whose
  every attribute is the real ``ntpath``'s (imported on first use); ``import ntpath``
  later gets the real module.
- **datetime.py's pure-Python implementation** (~3 M): before 3.13, ``datetime.py``
  defines every class in Python, then replaces them all with ``from _datetime import *``
  and deletes its helpers: the module left holds ``_datetime``'s names (the C classes),
  ``sys`` and ``__all__``. :func:`import_datetime` makes that module from ``_datetime``
  without running the rest. Unlike the placeholders it stays: it is the ``datetime``
  module of the process.
"""

from __future__ import annotations

import os
import sys
import typing
from types import ModuleType
from typing import Any

#: msgspec's submodules imported on first use (names of the ``msgspec`` package)
LAZY_MSGSPEC_SUBMODULES = ("inspect", "toml", "yaml")
#: the names ``msgspec.json`` takes from ``msgspec._json_schema``
LAZY_JSON_NAMES = ("schema", "schema_components")
#: the docstring of every placeholder module
_PLACEHOLDER = "placeholder of suitelint.leanimport"


class _Placeholder:
    """A class that stands for a type msgspec would otherwise import (see the module's
    docstring): no value of it is ever made."""

    def __init__(self) -> None:  # pragma: no cover - never called
        raise TypeError("a placeholder of suitelint.leanimport")


def _placeholders() -> dict[str, ModuleType | None]:
    """The placeholder modules for msgspec's import, by name (None: the import fails)."""
    made: dict[str, ModuleType | None] = {"typing_extensions": None}
    if "uuid" not in sys.modules:
        uuid = ModuleType("uuid", _PLACEHOLDER)
        uuid.UUID = type("UUID", (_Placeholder,), {})  # type: ignore[attr-defined]
        uuid.SafeUUID = type("SafeUUID", (_Placeholder,), {"unknown": None})  # type: ignore[attr-defined]
        made["uuid"] = uuid
    if "decimal" not in sys.modules:
        decimal = ModuleType("decimal", _PLACEHOLDER)
        decimal.Decimal = type("Decimal", (_Placeholder,), {})  # type: ignore[attr-defined]
        made["decimal"] = decimal
    for name in LAZY_MSGSPEC_SUBMODULES:
        made[f"msgspec.{name}"] = ModuleType(f"msgspec.{name}", _PLACEHOLDER)
    schema = ModuleType("msgspec._json_schema", _PLACEHOLDER)
    for name in LAZY_JSON_NAMES:
        setattr(schema, name, _Placeholder)
    made["msgspec._json_schema"] = schema
    return made


def _forward_ref_probe(
    arg: str, is_argument: bool = True, module: Any = None, *, is_class: bool = False
) -> None:
    """``typing.ForwardRef`` while msgspec imports: the parameters of 3.11's, no compiling
    (msgspec only calls it to see whether ``is_class`` is taken)."""


def _probe_forward_ref() -> Any:
    """Stand :func:`_forward_ref_probe` for ``typing.ForwardRef`` when the real one takes
    ``is_class``; return the real one to put back, or None (nothing was changed)."""
    real = typing.ForwardRef
    if "is_class" not in real.__init__.__code__.co_varnames:  # pragma: no cover - < 3.11
        return None
    typing.ForwardRef = _forward_ref_probe  # type: ignore[misc,assignment]
    return real


def _remove(placeholders: dict[str, ModuleType | None]) -> None:
    """Take the placeholders out of ``sys.modules`` (what the import put there instead is
    left alone)."""
    for name, module in placeholders.items():
        if name in sys.modules and sys.modules[name] is module:
            del sys.modules[name]


#: the names of ``msgspec`` and of ``msgspec.json`` left to their ``__getattr__``
_LAZY: dict[str, set[str]] = {"msgspec": set(), "msgspec.json": set()}


def _msgspec_getattr(name: str) -> Any:
    """``msgspec.__getattr__``: a submodule left out at start-up, imported on first use."""
    if name in _LAZY["msgspec"]:
        __import__(f"msgspec.{name}")  # the import binds it on the package
        return getattr(sys.modules["msgspec"], name)
    raise AttributeError(f"module 'msgspec' has no attribute {name!r}")


def _msgspec_json_getattr(name: str) -> Any:
    """``msgspec.json.__getattr__``: what it takes from ``msgspec._json_schema``, imported on
    first use and then bound in ``msgspec.json`` as msgspec binds it."""
    if name in _LAZY["msgspec.json"]:
        from msgspec import _json_schema

        json = sys.modules["msgspec.json"]
        for each in _LAZY["msgspec.json"]:
            setattr(json, each, getattr(_json_schema, each))
        return getattr(_json_schema, name)
    raise AttributeError(f"module 'msgspec.json' has no attribute {name!r}")


def _leave_to_getattr(module: ModuleType, placeholders: dict[str, Any], getattr_: Any) -> None:
    """Unbind from ``module`` each name bound to a placeholder (``placeholders``: by name),
    and let ``getattr_`` give it on first use."""
    lazy = _LAZY[module.__name__]
    for name, placeholder in placeholders.items():
        if name in vars(module) and vars(module)[name] is placeholder:
            del vars(module)[name]
            lazy.add(name)
    if lazy:
        module.__getattr__ = getattr_  # type: ignore[method-assign]


def import_msgspec() -> None:
    """Import msgspec without what a run never uses (see the module's docstring); the plain
    way when it is imported already, or when importing it with the placeholders fails.

    One thing cannot be undone: once msgspec's C module has started (with the uuid and
    decimal placeholders, or without) it keeps what it read, in this process, whatever is
    imported again. So if the rest of msgspec fails to import with the placeholders, the
    C module is kept and the rest imported the plain way.
    """
    if "msgspec" in sys.modules:
        return
    if "typing_extensions" in sys.modules:  # it is there anyway: nothing to gain here
        import msgspec

        return
    placeholders = _placeholders()
    sys.modules.update(placeholders)  # type: ignore[arg-type]  # None: the import fails
    forward_ref = _probe_forward_ref()
    try:
        import msgspec
        import msgspec.json
    except Exception:
        _remove(placeholders)
        for name in [name for name in sys.modules if name.partition(".")[0] == "msgspec"]:
            if name != "msgspec._core":  # see above
                del sys.modules[name]
        sys.modules["typing_extensions"] = None  # type: ignore[assignment]
        placeholders = {"typing_extensions": None}
        import msgspec
    else:
        _leave_to_getattr(
            msgspec,
            {name: placeholders[f"msgspec.{name}"] for name in LAZY_MSGSPEC_SUBMODULES},
            _msgspec_getattr,
        )
        schema = placeholders["msgspec._json_schema"]
        _leave_to_getattr(
            msgspec.json,
            {name: getattr(schema, name) for name in LAZY_JSON_NAMES},
            _msgspec_json_getattr,
        )
    finally:
        if forward_ref is not None:
            typing.ForwardRef = forward_ref  # type: ignore[misc]
        _remove(placeholders)


#: ``datetime.__all__`` (3.11, 3.12): each must be a name of ``_datetime``
DATETIME_ALL: tuple[str, ...] = ("date", "datetime", "time", "timedelta", "timezone", "tzinfo")
DATETIME_ALL += ("MINYEAR", "MAXYEAR", "UTC")


def import_datetime() -> None:
    """Make ``datetime`` from ``_datetime`` (see the module's docstring), with the spec,
    loader and file facts the import finds for it; the plain import when it is imported
    already, on 3.13+ (where ``datetime.py`` only imports ``_datetime``), when the import
    would find another file than the standard library's ``datetime.py`` or when the C
    module is missing or lacks one of ``__all__``."""
    if "datetime" in sys.modules or sys.version_info >= (3, 13):
        return
    spec = None
    for finder in sys.meta_path:  # what the import would find
        find = getattr(finder, "find_spec", None)
        spec = find("datetime", None) if find is not None else None
        if spec is not None:
            break
    # pathlib is not imported yet (import_pathlib comes later)
    stdlib = os.path.join(os.path.dirname(os.__file__), "datetime.py")  # noqa: PTH118, PTH120
    if spec is None or spec.origin != stdlib:
        return
    try:
        import _datetime  # type: ignore[import-not-found]  # the C module has no stub
    except ImportError:  # pragma: no cover - a Python built without it
        return
    names = {name: value for name, value in vars(_datetime).items() if name[:1] != "_"}
    if not set(DATETIME_ALL) <= set(names):  # pragma: no cover - not the module expected
        return
    module = ModuleType("datetime", _datetime.__doc__)
    vars(module).update(names, sys=sys, __all__=DATETIME_ALL)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__package__ = spec.parent
    module.__file__ = spec.origin
    module.__cached__ = spec.cached  # type: ignore[attr-defined]
    sys.modules["datetime"] = module


def _quote_from_bytes(bs: Any, safe: Any = "/") -> str:
    """``urllib.parse.quote_from_bytes``, importing ``urllib.parse`` when first called (it is
    what ``pathlib`` binds as ``urlquote_from_bytes``; only ``Path.as_uri`` calls it)."""
    from urllib.parse import quote_from_bytes

    return quote_from_bytes(bs, safe)


def _parse_placeholder() -> ModuleType:
    """The placeholder ``urllib.parse`` for pathlib's import."""
    parse = ModuleType("urllib.parse", _PLACEHOLDER)
    parse.quote_from_bytes = _quote_from_bytes  # type: ignore[attr-defined]
    return parse


def _ntpath_getattr(name: str) -> Any:
    """``__getattr__`` of the ``ntpath`` stand-in: the real module's attribute (imported on
    first use)."""
    import ntpath

    return getattr(ntpath, name)


def _ntpath_placeholder() -> ModuleType:
    """The stand-in ``ntpath`` for pathlib's import: every attribute is the real module's."""
    ntpath = ModuleType("ntpath", _PLACEHOLDER)
    ntpath.__getattr__ = _ntpath_getattr  # type: ignore[method-assign]
    return ntpath


def import_pathlib() -> None:
    """Import pathlib without ``urllib.parse`` and (3.11) ``ntpath`` (see the module's
    docstring); the plain way when pathlib or urllib.parse is imported already or when
    importing it so fails."""
    if "pathlib" in sys.modules or "urllib.parse" in sys.modules:
        return
    import urllib

    stand_ins = {"urllib.parse": _parse_placeholder()}
    # 3.11's pathlib only binds ntpath (as the Windows flavour's ``pathmod``, which it
    # never reads); later versions call it for Windows paths, and compare it
    if sys.version_info < (3, 12) and "ntpath" not in sys.modules:
        stand_ins["ntpath"] = _ntpath_placeholder()
    sys.modules.update(stand_ins)
    try:
        import pathlib
    except Exception:
        _remove(stand_ins)  # type: ignore[arg-type]
        sys.modules.pop("pathlib", None)
        import pathlib  # noqa: F401
    finally:
        _remove(stand_ins)  # type: ignore[arg-type]
        if getattr(urllib, "parse", None) is stand_ins["urllib.parse"]:  # pragma: no cover
            del urllib.parse  # not bound by 3.11
