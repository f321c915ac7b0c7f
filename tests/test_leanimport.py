"""The console script imports msgspec and pathlib without what a run never uses
(:mod:`suitelint.leanimport`): these tests hold each fact that relies on, in fresh
interpreters, and that anything imported later gets the real modules."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import msgspec
import pytest

import suitelint
from conftest import run_probe

#: left out of the console script's imports by the placeholders (the check never uses them)
LEFT_OUT = (
    "uuid",
    "decimal",
    "platform",
    "textwrap",
    "typing_extensions",
    "msgspec.inspect",
    "msgspec._json_schema",
    "msgspec.toml",
    "msgspec.yaml",
    "urllib.parse",
    "ipaddress",
    # 3.11's pathlib only binds it (later versions use it)
    *(("ntpath",) if sys.version_info < (3, 12) else ()),
)

LEAN = "from suitelint.leanimport import import_datetime\nimport_datetime()\n"
LEAN += "from suitelint.entry import import_msgspec\nimport_msgspec()\n"
LEAN += "from suitelint.leanimport import import_pathlib\nimport_pathlib()\n"


def _ok(code: str) -> None:
    """Run ``code`` in a fresh interpreter; it must get to its end."""
    _, _, stderr, value = run_probe(code + "\nimport sys\nsys.stderr.write('\\nOK yes')\n", "OK")
    assert value == "yes", stderr


def test_the_lean_imports_leave_out_what_a_check_never_uses() -> None:
    _ok(
        "import sys\n"
        + LEAN
        + f"left = sorted(set({LEFT_OUT!r}) & set(sys.modules))\n"
        + "assert not left, left\n"
        "assert 'msgspec' in sys.modules and 'pathlib' in sys.modules\n"
        "placeholders = [n for n, m in list(sys.modules.items()) if m is None or"
        " (vars(m).get('__doc__') or '').startswith('placeholder of suitelint')]\n"
        "assert not placeholders, placeholders\n"
    )


def test_modules_imported_later_are_the_real_ones() -> None:
    _ok(
        LEAN + "import uuid, decimal, platform, urllib.parse, textwrap\n"
        "assert uuid.UUID('12345678123456781234567812345678').hex == '1234567812345678' * 2\n"
        "assert uuid.SafeUUID.unknown.value is None\n"
        "import _decimal\n"
        "assert decimal.Decimal is _decimal.Decimal and str(decimal.Decimal('1.5') + 1) == '2.5'\n"
        "assert platform.system() and urllib.parse.quote('a b') == 'a%20b'\n"
        "import urllib\n"
        "assert urllib.parse is __import__('sys').modules['urllib.parse']\n"
    )


def test_msgspec_s_lazy_parts_are_msgspec_s_own_objects() -> None:
    _ok(
        LEAN + "import sys, msgspec\n"
        "assert msgspec.inspect is sys.modules['msgspec.inspect']\n"
        "assert msgspec.inspect.type_info(int) == msgspec.inspect.IntType()\n"
        "from msgspec.json import schema, schema_components\n"
        "import msgspec._json_schema as js\n"
        "assert schema is js.schema and schema_components is js.schema_components\n"
        "assert msgspec.json.schema is js.schema\n"
        "assert 'schema' in vars(msgspec.json)\n"  # bound where msgspec binds it
        "class S(msgspec.Struct):\n    a: int\n    b: 'list[str]' = []\n"
        "assert schema(S)['$defs']['S']['required'] == ['a']\n"
        "import msgspec.toml, msgspec.yaml\n"
        "assert msgspec.toml is sys.modules['msgspec.toml']\n"
        "assert msgspec.toml.decode(b'a = 1') == {'a': 1}\n"
        "assert msgspec.yaml is sys.modules['msgspec.yaml']\n"
        "from msgspec import inspect as mi\n"
        "assert mi is msgspec.inspect\n"
        "try:\n    msgspec.no_such_name\nexcept AttributeError:\n    pass\n"
        "else:\n    raise AssertionError('msgspec.no_such_name')\n"
        "try:\n    msgspec.json.no_such_name\nexcept AttributeError:\n    pass\n"
        "else:\n    raise AssertionError('msgspec.json.no_such_name')\n"
    )


def test_what_suitelint_encodes_and_decodes_works_after_the_lean_import() -> None:
    _ok(
        LEAN + "import datetime, enum, msgspec\n"
        "class Kind(enum.Enum):\n    A = 'a'\n"
        "class S(msgspec.Struct, frozen=True):\n"
        "    name: str\n    when: datetime.date | None = None\n    kind: Kind = Kind.A\n"
        "    raw: msgspec.Raw | None = None\n    items: 'tuple[int, ...]' = ()\n"
        "s = S('x', datetime.date(2026, 6, 1), Kind.A, None, (1, 2))\n"
        "assert msgspec.json.decode(msgspec.json.encode(s), type=S) == s\n"
        "assert msgspec.msgpack.Decoder(S).decode(msgspec.msgpack.encode(s)) == s\n"
        "assert msgspec.convert({'name': 'y'}, S) == S('y')\n"
        "assert msgspec.structs.replace(s, name='z').name == 'z'\n"
        "assert msgspec.json.format(b'{\"a\":1}', indent=0) == b'{\"a\": 1}'\n"
    )


def test_a_uuid_or_decimal_is_refused_not_misread_after_the_lean_import() -> None:
    """What the placeholders cost: msgspec, started with them, supports neither type (a
    plain import would); it says so rather than encoding or decoding anything wrong."""
    _ok(
        LEAN + "import uuid, decimal, msgspec\n"
        "for value in (uuid.UUID(int=1), decimal.Decimal('1.5')):\n"
        "    try:\n        msgspec.json.encode(value)\n"
        "    except (TypeError, msgspec.EncodeError):\n        pass\n"
        "    else:\n        raise AssertionError(value)\n"
        "    try:\n        msgspec.json.Decoder(type(value)).decode(b'\"1\"')\n"
        "    except (TypeError, msgspec.ValidationError):\n        pass\n"
        "    else:\n        raise AssertionError(type(value))\n"
    )


def _structs(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_structs(sub))
    return found


def test_no_struct_of_suitelint_has_a_uuid_or_decimal_field() -> None:
    """The console script's msgspec cannot read or write either type: none may be used."""
    for info in pkgutil.walk_packages(suitelint.__path__, "suitelint."):
        if info.name != "suitelint.__main__":  # that one runs the command line
            importlib.import_module(info.name)
    ours = [c for c in _structs(msgspec.Struct) if c.__module__.startswith("suitelint")]
    assert len(ours) > 50
    for cls in ours:
        for klass in cls.__mro__:
            for name, annotation in vars(klass).get("__annotations__", {}).items():
                text = annotation if isinstance(annotation, str) else repr(annotation)
                assert "UUID" not in text and "Decimal" not in text, (cls, name)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.11's pathlib (a stand-in then)")
def test_windows_paths_are_ntpath_s_after_the_lean_import() -> None:
    """pathlib's Windows flavour holds a stand-in for ntpath (3.11): it answers with the real
    module's functions, and ``import ntpath`` is the real module."""
    _ok(
        "import sys\n" + LEAN + "import pathlib\n"
        "w = pathlib.PureWindowsPath('C:/Users/a b/../x.XML')\n"
        "assert w.parts == ('C:\\\\', 'Users', 'a b', '..', 'x.XML') and w.suffix == '.XML'\n"
        "assert str(w.with_name('y.xml')) == 'C:\\\\Users\\\\a b\\\\..\\\\y.xml'\n"
        "import ntpath\n"
        "assert 'placeholder' not in (ntpath.__doc__ or '') and sys.modules['ntpath'] is ntpath\n"
        "assert pathlib._windows_flavour.pathmod.join is ntpath.join\n"
        "assert pathlib._windows_flavour.pathmod.join('a', 'b') == 'a\\\\b'\n"
    )


def test_path_as_uri_quotes_as_urllib_does() -> None:
    _ok(
        "import sys\n" + LEAN + "from pathlib import PurePosixPath\n"
        "assert PurePosixPath('/a b/ü%').as_uri() == 'file:///a%20b/%C3%BC%25'\n"
        "assert 'urllib.parse' in sys.modules\n"  # imported by that first call
    )


#: after the import, every part of msgspec is msgspec's own and no placeholder is left
MSGSPEC_IS_WHOLE = (
    "import msgspec, uuid, decimal\n"
    "assert 'placeholder' not in (uuid.__doc__ or '') and uuid.UUID(int=1).int == 1\n"
    "assert 'placeholder' not in (decimal.__doc__ or '')\n"
    "assert msgspec.inspect.type_info(int) == msgspec.inspect.IntType()\n"
    "assert msgspec.json.schema is sys.modules['msgspec._json_schema'].schema\n"
    "assert msgspec.json.schema_components is sys.modules['msgspec._json_schema']"
    ".schema_components\n"
    "assert msgspec.toml is sys.modules['msgspec.toml']\n"
    "class S(msgspec.Struct):\n    a: int\n"
    "assert msgspec.json.decode(msgspec.json.encode(S(1)), type=S) == S(1)\n"
    "assert sys.modules.get('typing_extensions', 1) is not None\n"
)


def test_msgspec_is_imported_the_plain_way_when_its_c_module_cannot_start_so() -> None:
    """A msgspec that reads more of uuid than the placeholder has: the plain import."""
    _ok(
        "import sys, types\nimport suitelint.leanimport as lean_import\n"
        "real = lean_import._placeholders\n"
        "lean_import._placeholders = lambda: {**real(), 'uuid': types.ModuleType('uuid')}\n"
        "lean_import.import_msgspec()\n"
        + MSGSPEC_IS_WHOLE
        + "assert msgspec.json.encode(uuid.UUID(int=1)) == b'\"%s\"' % str(uuid.UUID(int=1))"
        ".encode()\n"
        "assert msgspec.json.decode(b'\"1.5\"', type=decimal.Decimal) == decimal.Decimal('1.5')\n"
    )


@pytest.mark.parametrize(
    "break_it",
    [
        # msgspec.json takes a name from _json_schema that the placeholder lacks
        "lean_import.LAZY_JSON_NAMES = ('schema',)",
        # a submodule msgspec/__init__ does not import is asked to be left out
        "lean_import.LAZY_MSGSPEC_SUBMODULES = ('inspect', 'toml', 'yaml', 'json2')",
    ],
)
def test_msgspec_is_whole_when_its_python_modules_do_not_fit_the_placeholders(
    break_it: str,
) -> None:
    """Its C module has started with the uuid and decimal placeholders (and keeps them):
    the rest is imported the plain way, or left as msgspec made it."""
    _ok(
        "import sys\nimport suitelint.leanimport as lean_import\n"
        + break_it
        + "\nlean_import.import_msgspec()\n"
        + MSGSPEC_IS_WHOLE
    )


def test_pathlib_is_imported_the_plain_way_when_the_placeholder_does_not_fit() -> None:
    _ok(
        "import sys\nimport suitelint.leanimport as lean_import\n"
        # pathlib's `from urllib.parse import quote_from_bytes` fails
        "lean_import._parse_placeholder = lambda: __import__('types').ModuleType('urllib.parse')\n"
        "lean_import.import_pathlib()\n"
        "import pathlib, urllib.parse\n"
        "assert pathlib.urlquote_from_bytes is urllib.parse.quote_from_bytes\n"
    )


def test_imported_as_usual_when_the_modules_are_there_already() -> None:
    _ok(
        "import sys, uuid, urllib.parse, msgspec\n"
        + LEAN
        + "assert msgspec.json.encode(uuid.UUID(int=1))\n"
        "import pathlib\n"
        "assert pathlib.urlquote_from_bytes is urllib.parse.quote_from_bytes\n"
    )


def test_the_placeholders_stand_for_what_msgspec_reads_at_its_start() -> None:
    """msgspec's C module reads uuid.UUID, uuid.SafeUUID.unknown and decimal.Decimal when
    it starts: a placeholder module with exactly those lets it start (no other attribute)."""
    _ok(
        "import sys\nimport suitelint.leanimport as lean_import\n"
        "made = lean_import._placeholders()\n"
        "assert sorted(n for n in vars(made['uuid']) if not n.startswith('__')) =="
        " ['SafeUUID', 'UUID']\n"
        "assert sorted(n for n in vars(made['decimal']) if not n.startswith('__')) =="
        " ['Decimal']\n"
        "lean_import.import_msgspec()\n"
        "import msgspec._core as core\n"
        "assert 'uuid' not in sys.modules and 'decimal' not in sys.modules\n"
    )


#: records the text of every typing.ForwardRef made: making one compiles its text, and the
#: first compile() of a process builds the types of Python's ast module (~9 M instructions)
RECORD_FORWARD_REFS = (
    "import typing\n_made = []\n_init = typing.ForwardRef.__init__\n"
    "def _record(self, arg, is_argument=True, module=None, *, is_class=False):\n"
    "    _made.append(arg)\n"
    "    _init(self, arg, is_argument, module, is_class=is_class)\n"
    "typing.ForwardRef.__init__ = _record\n"
)


def test_msgspec_is_imported_without_compiling_and_forward_refs_are_real_again() -> None:
    """msgspec asks whether ForwardRef takes is_class (it does on 3.11+): the probe answers
    as the real class would, compiling nothing, and is gone once msgspec is imported."""
    _ok(
        RECORD_FORWARD_REFS
        + "real = typing.ForwardRef\n"
        + LEAN
        + "assert _made == [], _made\n"  # a plain import makes ForwardRef('Foo')
        "assert typing.ForwardRef is real\n"
        "import msgspec, msgspec._utils as u\n"
        "ref = u._forward_ref('int')\n"  # the branch a plain import chooses on 3.11+
        "assert type(ref) is real and ref.__forward_is_class__\n"
        "assert not ref.__forward_is_argument__\n"
        "class S(msgspec.Struct):\n    x: 'list[int]'\n"
        "assert msgspec.json.decode(b'{\"x\": [1]}', type=S) == S([1])\n"
    )


def test_forward_ref_is_the_real_class_again_when_the_lean_import_falls_back() -> None:
    _ok(
        "import sys, types, typing\nimport suitelint.leanimport as lean_import\n"
        "real_ref = typing.ForwardRef\n"
        "real = lean_import._placeholders\n"
        "lean_import._placeholders = lambda: {**real(), 'uuid': types.ModuleType('uuid')}\n"
        "lean_import.import_msgspec()\n"
        "assert typing.ForwardRef is real_ref\n" + MSGSPEC_IS_WHOLE
    )


#: what a fresh interpreter's ``datetime`` module holds, as one line (``__builtins__``, which
#: only a module run from its code has, aside)
DESCRIBE_DATETIME = (
    "import sys, _datetime\n"
    "m = sys.modules['datetime']\n"
    "spec = m.__spec__\n"
    "facts = [sorted(set(vars(m)) - {'__builtins__'}), m.__all__, m.__file__, m.__cached__,"
    " m.__package__, m.__doc__ == _datetime.__doc__, m.sys is sys,"
    " [n for n in vars(m) if n[:1] != '_' and n != 'sys' and getattr(m, n) is not"
    " getattr(_datetime, n)],"
    " (spec.name, spec.origin, spec.cached, type(spec.loader).__name__, spec.parent),"
    " type(m.__loader__).__name__]\n"
    "sys.stderr.write('\\nDATETIME ' + repr(facts))\n"
)


def _datetime_facts(before: str) -> str:
    _, _, stderr, facts = run_probe(before + "import datetime\n" + DESCRIBE_DATETIME, "DATETIME")
    assert facts, stderr
    return facts


def test_the_lean_datetime_is_the_module_datetime_py_makes() -> None:
    """datetime.py (before 3.13) defines its classes in Python, then takes _datetime's: the
    module made from _datetime holds the same names, objects and import facts."""
    plain = _datetime_facts("")
    assert "'date'" in plain and "[]" in plain  # every class is _datetime's own
    assert _datetime_facts(LEAN) == plain
    _ok(
        LEAN + "import sys, datetime\n"
        "assert 'placeholder' not in (datetime.__doc__ or '')\n"
        "assert datetime.date.fromisoformat('2026-11-25') - datetime.date(2026, 1, 1) =="
        " datetime.timedelta(days=328)\n"
        "assert datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).isoformat() =="
        " '2026-01-01T00:00:00+00:00'\n"
        "import msgspec\n"
        "assert msgspec.json.decode(b'\"2026-11-25\"', type=datetime.date) =="
        " datetime.date(2026, 11, 25)\n"
    )


def test_datetime_is_imported_the_plain_way_when_another_file_would_be_found(
    tmp_path: Path,
) -> None:
    """A datetime.py ahead of the standard library's on the path is what the import runs."""
    (tmp_path / "datetime.py").write_text("from _datetime import *\nMARK = 1\n")
    _ok(
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n" + LEAN + "import datetime\n"
        "assert datetime.MARK == 1\n"
    )
