"""Start-up of the pull-request case: a check of an SDF project with a policy file imports
only what that check uses. Timings live in benchmarks/ (no timed tests): these tests hold
the imports, which decide most of the start-up, by name, in a fresh interpreter."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import console_check, run_probe
from test_leanimport import LEFT_OUT, RECORD_FORWARD_REFS

ROOT = Path(__file__).resolve().parent.parent

#: needed only by other commands, other formats or the error path
NOT_ON_THE_COMMON_PATH = (
    "jinja2",
    "markupsafe",
    "requests",
    "requests_oauthlib",
    "oauthlib",
    "jwt",
    "jsonschema",
    "referencing",
    "rich",
    "http.client",
    "email",
    "zipfile",
    "csv",
    "tempfile",
    "json",
    "suitelint.report.sarif",
    "suitelint.report.json",
    "suitelint.report.markdown",
    "suitelint.report.junit",
    "suitelint.netsuite",
    "suitelint.blast",
    "suitelint.audit",
    "suitelint.diff",
    "suitelint.baseline",
)


#: read only when a policy is read from its file (not from the policy cache)
NOT_ON_A_CACHED_CHECK = ("yaml", "suitelint.yamlread", "suitelint.schemacheck", "hashlib")


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (in ``env``)."""
    # the list is taken before json is imported to print it
    probe = (
        f"{code}\nimport sys\n_seen = sorted(sys.modules)\nimport json\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(_seen))"
    )
    _, _, stderr, seen = run_probe(probe, "MODULES", env)
    assert seen, stderr
    return set(json.loads(seen))


def test_importing_the_cli_imports_no_optional_machinery() -> None:
    loaded = _modules_after("import suitelint.cli")
    assert not loaded & set(NOT_ON_THE_COMMON_PATH)


def _check(output: str) -> str:
    project = ROOT / "tests" / "fixtures" / "sdf" / "project"
    return (
        "import sys\n"
        "from suitelint.cli import main\n"
        f"sys.argv = ['suitelint', 'check', {str(project)!r}, '-p', 'examples/policies.yaml',"
        f" '--format', {output!r}, '--as-of', '2026-11-01']\n"
        "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
        "assert code in (0, 1), code\n"
    )


@pytest.mark.parametrize("output", ["text", "github"])
def test_a_check_of_an_sdf_project_with_a_policy_file_imports_only_what_it_uses(
    output: str,
) -> None:
    env = {**os.environ, "SUITELINT_NO_CACHE": "1"}
    loaded = _modules_after(_check(output), env)
    assert "suitelint.sources.sdf" in loaded  # the check did run
    assert not loaded & set(NOT_ON_THE_COMMON_PATH)


@pytest.mark.parametrize("output", ["text", "github"])
def test_with_its_policy_cached_the_check_reads_no_yaml(output: str, tmp_path: Path) -> None:
    env = {**os.environ, "SUITELINT_CACHE_DIR": str(tmp_path)}
    first = _modules_after(_check(output), env)  # a miss: it also writes the entry
    assert "yaml" in first
    assert not first & set(NOT_ON_THE_COMMON_PATH) - {"tempfile"}
    loaded = _modules_after(_check(output), env)
    assert "suitelint.sources.sdf" in loaded
    assert not loaded & {*NOT_ON_THE_COMMON_PATH, *NOT_ON_A_CACHED_CHECK}


def test_importing_yamlsrc_imports_no_yaml_parser() -> None:
    loaded = _modules_after("import suitelint.yamlsrc, suitelint.policy.loader")
    assert not loaded & {"yaml", "suitelint.yamlread"}


#: the CLI framework: a check whose command line suitelint.checkcmd reads never imports it;
#: nor what only errors need (did-you-mean hints), which click imports for its own
THE_CLI_FRAMEWORK = ("typer", "typer._click", "click", "shellingham", "rich", "difflib")


def test_the_console_script_checks_without_the_cli_framework(tmp_path: Path) -> None:
    project = ROOT / "tests" / "fixtures" / "sdf" / "project"
    code = (
        "import os, sys\n"
        "class Done(BaseException):\n    pass\n"
        "def leave(code):\n    raise Done\n"
        "os._exit = leave\n"  # entry.main leaves with os._exit: list the modules first
        "from suitelint.entry import main\n"
        f"sys.argv = ['suitelint', 'check', {str(project)!r}, '-p', 'examples/policies.yaml',"
        " '--as-of', '2026-11-01']\n"
        "try:\n    main()\nexcept Done:\n    pass\n"
    )
    env = {**os.environ, "SUITELINT_CACHE_DIR": str(tmp_path)}
    cold = _modules_after(code, env)
    assert "suitelint.sources.sdf" in cold and "suitelint.checkcmd" in cold
    assert not cold & set(THE_CLI_FRAMEWORK)
    warm = _modules_after(code, env)
    assert not warm & {*THE_CLI_FRAMEWORK, *NOT_ON_THE_COMMON_PATH, *NOT_ON_A_CACHED_CHECK}


#: what the console script's check of an SDF project does not import: the snapshot reader
#: and its JSON machinery (no snapshot is read), typing_extensions (msgspec falls back to
#: the typing objects it would get from it), dataclasses (the start-up records are Structs)
NOT_IN_AN_SDF_CHECK = (
    "signal",  # its enums: the check's Ctrl-C handler is set through _signal
    "typing_extensions",
    "dataclasses",
    "suitelint.sources.snapshot",
    "suitelint.jsonin",
)


def test_the_console_script_checks_an_sdf_project_with_a_lean_import_graph(
    tmp_path: Path,
) -> None:
    code = console_check(ROOT / "tests" / "fixtures" / "sdf" / "project")
    env = {**os.environ, "SUITELINT_CACHE_DIR": str(tmp_path)}
    cold = _modules_after(code, env)
    assert "suitelint.sources.sdf" in cold and "lxml.etree" in cold  # the project is parsed
    assert not cold & set(NOT_IN_AN_SDF_CHECK)
    warm = _modules_after(code, env)  # the SDF cache holds what the project read as
    assert "suitelint.sources.sdfcache" in warm and "msgspec" in warm
    assert not warm & {*NOT_IN_AN_SDF_CHECK, "lxml", "lxml.etree", "inspect", "gzip"}
    assert "importlib" not in warm  # the report's format module is imported by __import__
    assert "contextvars" not in warm  # ContextVar is taken from its C module
    # nor what suitelint.leanimport leaves out of msgspec's and pathlib's imports
    assert not warm & set(LEFT_OUT)


def test_msgspec_imported_without_typing_extensions_uses_what_it_would_get_from_it() -> None:
    code = (
        "import sys, typing\n"
        "from suitelint.entry import import_msgspec\n"
        "import_msgspec()\n"
        "import msgspec._utils as u\n"
        "assert 'typing_extensions' not in sys.modules\n"
        "assert u._get_type_hints is typing.get_type_hints\n"
        "assert u.Required is typing.Required and u.NotRequired is typing.NotRequired\n"
        "import typing_extensions as te\n"  # hidden only while msgspec was imported
        "assert te.Required is typing.Required and te.NotRequired is typing.NotRequired\n"
        "class C:\n    x: 'typing.Annotated[int, 1]'\n    y: te.NotRequired[str]\n"
        "assert te.get_type_hints(C, include_extras=True) == "
        "typing.get_type_hints(C, include_extras=True)\n"
        "sys.stderr.write('\\nOK yes')\n"
    )
    _, _, stderr, value = run_probe(code, "OK")
    assert value == "yes", stderr


def test_msgspec_imported_as_usual_when_typing_extensions_is_there_already() -> None:
    code = (
        "import sys, typing_extensions\n"
        "from suitelint.entry import import_msgspec\n"
        "import_msgspec()\n"
        "import msgspec._utils as u\n"
        "assert u._get_type_hints is typing_extensions.get_type_hints\n"
        "sys.stderr.write('\\nOK yes')\n"
    )
    _, _, stderr, value = run_probe(code, "OK")
    assert value == "yes", stderr


def test_a_warm_console_script_check_makes_no_forward_ref(tmp_path: Path) -> None:
    """A ForwardRef compiles its text, and Python's first compile() in a process builds the
    ast module's types (~9 M instructions): in a warm check the decoded Structs' annotations
    are objects (their modules do not use ``from __future__ import annotations``), TypeVar
    bounds are classes and msgspec's own probe makes none (:mod:`suitelint.leanimport`)."""
    code = RECORD_FORWARD_REFS + console_check(ROOT / "tests" / "fixtures" / "sdf" / "project")
    code += "sys.stderr.write('\\nCOMPILED ' + repr(_made))\n"
    env = {**os.environ, "SUITELINT_CACHE_DIR": str(tmp_path)}
    run_probe(code, "COMPILED", env)  # fills the policy and SDF caches
    _, _, stderr, compiled = run_probe(code, "COMPILED", env)
    assert compiled == "[]", stderr
