"""Patterns compiled on first use (suitelint.lazyre): each answers as ``re.compile`` of the
same pattern does, and a check of an SDF project with its caches warm compiles few."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import suitelint
from conftest import console_check, run_probe
from suitelint.lazyre import MADE, LazyPattern, lazy

ROOT = Path(__file__).resolve().parent.parent


def _every_module() -> None:
    for info in pkgutil.walk_packages(suitelint.__path__, "suitelint."):
        if info.name != "suitelint.__main__":  # that one runs the command line
            importlib.import_module(info.name)


def test_every_lazy_pattern_of_suitelint_compiles_to_what_re_compile_gives() -> None:
    _every_module()
    assert len(MADE) >= 15
    for made in MADE:
        pattern, flags = made._source
        assert made.compile() == re.compile(pattern, flags), made
        assert (
            made.compiled
            and made.pattern == pattern
            and made.flags == re.compile(pattern, flags).flags
        )


def test_a_lazy_pattern_compiles_on_first_use_and_binds_the_compiled_methods() -> None:
    made = LazyPattern(r"(a+)(b)?", 0)
    assert not made.compiled
    assert made.groups == 2  # the first read compiles it
    assert made.compiled
    compiled = re.compile(r"(a+)(b)?")
    assert made.match.__self__ == compiled  # type: ignore[attr-defined]
    assert made.sub("x", "aab") == "x" and made.fullmatch("aa") is not None
    assert repr(made) == "lazy('(a+)(b)?', 0)"


@given(st.text(alphabet="aAbB_-. \n:#[/vso", max_size=30))
def test_a_lazy_pattern_answers_as_the_compiled_one(text: str) -> None:
    for source, flags in ((r"(a+)[-_]?(b)?", re.IGNORECASE), (r"(?<=:):|#(?=#(?:\[|vso\[))", 0)):
        made = lazy(source, flags)
        compiled = re.compile(source, flags)
        MADE.remove(made)  # not one of suitelint's
        assert [m.span() for m in made.finditer(text)] == [
            m.span() for m in compiled.finditer(text)
        ]
        assert made.sub("<>", text) == compiled.sub("<>", text)
        assert made.split(text) == compiled.split(text)


def test_a_warm_check_of_an_sdf_project_compiles_few_of_them(tmp_path: Path) -> None:
    project = ROOT / "tests" / "fixtures" / "sdf" / "project"
    code = console_check(project) + (
        "from suitelint.lazyre import MADE\n"
        "import json\n"
        "sys.stderr.write('\\nCOMPILED ' + json.dumps([m.pattern for m in MADE if m.compiled]))\n"
    )
    env = {**os.environ, "SUITELINT_CACHE_DIR": str(tmp_path)}
    run_probe(code, "COMPILED", env)  # fills the caches
    _, _, stderr, compiled = run_probe(code, "COMPILED", env)
    assert compiled, stderr
    # the SDF cache hit reads no comment, no XML error, no restriction label, no file path;
    # only the grammars of the references the policy names may be asked, and the custom
    # scriptid pattern by the project's custom permkeys; and the header of pyproject.toml's
    # [tool.suitelint], since this fixture lies below the repository's pyproject.toml
    from suitelint import config, sdfref

    grammars = {
        p.pattern
        for p in (
            sdfref._SCRIPTID,
            sdfref._APPID,
            sdfref._TYPE,
            sdfref._BUNDLEID,
            sdfref._CUSTOM_SCRIPTID,
            config._TOOL_TABLE,
        )
    }
    assert set(json.loads(compiled)) <= grammars, compiled
