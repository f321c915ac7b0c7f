"""Project configuration: ``.suitelint.yaml`` or ``[tool.suitelint]`` in ``pyproject.toml``.

Found from the working folder upward (the first folder holding ``.suitelint.yaml``, or a
``pyproject.toml`` with a ``[tool.suitelint]`` table, wins), or named with ``--config``.
Keys: ``policies``, ``sources``, ``fail-on``, ``formats``, ``baseline``, ``allow-empty``,
``select``, ``ignore``, ``min-severity``, ``ignore-inline``, ``date-format``.
Relative paths in a config file are relative to the folder of that file, so a check
gives the same answer from any subfolder. Command-line flags override the file.

Every error is a :class:`~suitelint.errors.ConfigError` naming file:line:col.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import msgspec

from suitelint.errors import ConfigError, Problem, SuitelintError, UsageError, did_you_mean
from suitelint.fsutil import read_input, reading
from suitelint.lazyre import lazy
from suitelint.yamlsrc import Positions, decode_text, load_yaml

CONFIG_NAMES = (".suitelint.yaml", ".suitelint.yml")
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 1024 * 1024
BUILTIN_PREFIX = "builtin:"

_PATHS = {"type": "array", "items": {"type": "string", "minLength": 1}}
CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "suitelint configuration (.suitelint.yaml or [tool.suitelint] in pyproject.toml)",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "suitelint": {"const": 1, "description": "Config format version."},
        "sources": {
            **_PATHS,
            "description": "Account data to check when no source is given on the command "
            "line: SDF project folders, snapshot files, CSV exports.",
        },
        "policies": {
            **_PATHS,
            "description": "Policy files and built-in packs (builtin:<pack>). "
            "Default: [builtin:baseline].",
        },
        "fail-on": {
            "enum": ["error", "warning", "note"],
            "description": "Exit 1 when an active finding is at this severity or above.",
        },
        "formats": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Za-z]+(=.+)?$"},
            "description": "Output formats, NAME or NAME=PATH (text, json, sarif, junit, "
            "github, markdown, gitlab, azure).",
        },
        "baseline": {
            "type": "string",
            "minLength": 1,
            "description": "Baseline file: only findings not in it count.",
        },
        "allow-empty": {
            "type": "boolean",
            "description": "Accept sources that hold no roles, users, integrations or tokens.",
        },
        "rules": {
            "type": "object",
            "propertyNames": {"minLength": 1},
            # YAML 1.1 reads a bare `off` as false: both mean off
            "additionalProperties": {"enum": ["off", False, "error", "warning", "note"]},
            "description": "Per rule id (a policy rule or an engine rule such as "
            "suitelint/undocumented-level): 'off' drops its findings, a severity re-grades them.",
        },
        "select": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "Run only these rules: ids or globs (token-*, suitelint/*).",
        },
        "ignore": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "Do not run these rules: ids or globs.",
        },
        "min-severity": {
            "enum": ["error", "warning", "note"],
            "description": "Report only findings at this severity or above.",
        },
        "date-format": {
            "type": "string",
            "minLength": 1,
            "description": "How the CSV exports among the sources write dates: the exporting "
            "user's NetSuite Date Format (M/D/YYYY, D/M/YYYY, DD.MM.YYYY, YYYY-MM-DD, ...).",
        },
        "ignore-inline": {
            "type": "boolean",
            "description": "Disregard the suitelint-disable comments of SDF object files "
            "(an audit's view: anyone who edits a file can add one).",
        },
    },
}


class Config(msgspec.Struct, frozen=True):
    """Settings from a config file; paths already made relative to the working folder."""

    path: str = ""
    sources: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    fail_on: str | None = None
    formats: tuple[str, ...] = ()
    baseline: str | None = None
    allow_empty: bool | None = None
    #: rule id → "off" or a severity (``rules:``)
    rules: tuple[tuple[str, str], ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: str | None = None
    ignore_inline: bool | None = None
    #: ``date-format``: as ``--date-format`` (checked when the file is read)
    date_format: str | None = None
    #: the project folder: the config file's own (its paths must stay inside it)
    folder: str = ""

    def confined(self, *, sources: bool, policies: bool, baseline: bool) -> tuple[str, ...]:
        """The paths of this config a run uses (``sources`` when the command line names
        none, and so on): they, and symlinks on the way, must stay inside :attr:`folder`
        (``fsutil.input_rules``). A path from the command line is the user's choice."""
        return (
            *(self.sources if sources else ()),
            *(p for p in (self.policies if policies else ()) if not p.startswith(BUILTIN_PREFIX)),
            *((self.baseline,) if baseline and self.baseline else ()),
        )


def _has_tool_table(path: Path) -> bool:
    try:  # through the one input opener: a FIFO or a huge file is read as an error
        text = read_input(path, limit=MAX_CONFIG_BYTES, what="config file").decode(
            "utf-8", errors="replace"
        )
    except SuitelintError:
        return False
    return opens_tool_table(text)


#: a line that opens ``[tool.suitelint]`` (TOML allows whitespace around the brackets and
#: the dot); compiled only when a folder above the check has a pyproject.toml
_TOOL_TABLE = lazy(r"^\s*\[\s*tool\s*\.\s*suitelint\s*\]", re.MULTILINE)


def opens_tool_table(text: str) -> bool:
    """Whether a line of ``text`` opens ``[tool.suitelint]``."""
    return _TOOL_TABLE.search(text) is not None


def find_config(start: Path) -> Path | None:
    """The config file that governs ``start``: nearest folder upward that has one."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _toml_positions(text: str) -> Positions:
    """Where each top-level key of ``[tool.suitelint]`` stands (tomllib keeps no positions)."""
    by_path: dict[tuple[str | int, ...], tuple[int, int]] = {}
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$", line)
        if header:
            in_table = re.sub(r"\s", "", header.group(1)) == "tool.suitelint"
            if in_table:
                by_path[()] = (number, 1)
            continue
        key = re.match(r"(\s*)(\"[^\"]+\"|'[^']+'|[A-Za-z0-9_-]+)\s*=", line)
        if in_table and key:
            name = key.group(2).strip("\"'")
            by_path.setdefault((name,), (number, len(key.group(1)) + 1))
    return Positions(by_path, dict(by_path))


def _read_toml(text: str, path: str) -> tuple[Any, Positions]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        if "at end of document" in message:
            line, column = text.count("\n") + 1, 1
        raise ConfigError(f"invalid TOML: {message}", path, line, column) from None
    table = data.get("tool", {}).get("suitelint")
    if table is None:
        raise ConfigError("no [tool.suitelint] table in this file", path)
    return table, _toml_positions(text)


def _problem(error: Any, path: str, positions: Positions) -> Problem:

    at = tuple(error.absolute_path)
    on_key = False
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema["properties"])
        extra = sorted(set(error.instance) - set(allowed))[0]
        hint = did_you_mean(extra, allowed)
        message = f"unknown key {extra!r}{hint} (expected one of: {', '.join(allowed)})"
        at, on_key = (*at, extra), True
    elif error.validator == "enum":
        options = ", ".join(repr(v) for v in error.validator_value)
        message = f"{error.instance!r} is not allowed; expected one of {options}"
    elif error.validator == "pattern" and at and at[0] == "formats":
        message = f"{error.instance!r} is not a format; expected NAME or NAME=PATH"
    else:
        message = error.message
    where = "/".join(str(p) for p in error.absolute_path)
    if where:
        message += f" (at {where})"
    line, column = positions.of(at, key=on_key)
    return Problem(path, message, line, column)


def _relocate(value: str, base: Path) -> str:
    """A path from the config file, relative to its folder → relative to the cwd."""
    if value.startswith(BUILTIN_PREFIX) or Path(value).is_absolute():
        return value
    joined = base / value
    try:
        return os.path.relpath(joined)
    except ValueError:  # another drive on Windows
        return str(joined)


def parse_config(text: str, path: str, *, toml: bool = False) -> Config:
    import jsonschema

    if toml:
        data, positions = _read_toml(text, path)
    else:
        data, positions = load_yaml(text, path, ConfigError)
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of settings (sources, policies, ...)", path, 1, 1)
    validator = jsonschema.Draft202012Validator(CONFIG_SCHEMA)
    errors = list(validator.iter_errors(data))
    if errors:
        problems = sorted(
            (_problem(e, path, positions) for e in errors),
            key=lambda p: (p.line or 0, p.column or 0, p.message),
        )
        raise ConfigError("", problems=tuple(dict.fromkeys(problems)))
    from suitelint.report import FORMATS

    for i, spec in enumerate(data.get("formats", ())):
        name = spec.partition("=")[0].lower()
        if name not in FORMATS:
            line, column = positions.of(("formats", i))
            raise ConfigError(
                f"unknown format {name!r}; expected one of {', '.join(FORMATS)}",
                path,
                line,
                column,
            )
    date_format = data.get("date-format")
    if date_format is not None:
        from suitelint.sources.csv import parse_date_format

        try:
            parse_date_format(date_format, "date-format")
        except UsageError as error:
            line, column = positions.of(("date-format",))
            raise ConfigError(error.problems[0].message, path, line, column) from None
    base = Path(path).parent
    formats = []
    for spec in data.get("formats", ()):
        name, sep, target = spec.partition("=")
        formats.append(f"{name}={_relocate(target, base)}" if sep else name)
    baseline = data.get("baseline")
    # the config file's paths are not the user's command line: they (and symlinks on the
    # way) must stay inside the project, the config file's folder (Config.confined)
    sources = tuple(_relocate(s, base) for s in data.get("sources", ()))
    policies = tuple(_relocate(p, base) for p in data.get("policies", ()))
    baseline_path = _relocate(baseline, base) if baseline else None
    return Config(
        path=path,
        sources=sources,
        policies=policies,
        fail_on=data.get("fail-on"),
        formats=tuple(formats),
        baseline=baseline_path,
        allow_empty=data.get("allow-empty"),
        rules=tuple(
            sorted((k, "off" if v is False else str(v)) for k, v in data.get("rules", {}).items())
        ),
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        min_severity=data.get("min-severity"),
        folder=str(base),
        ignore_inline=data.get("ignore-inline"),
        date_format=date_format,
    )


def load_config(path: Path) -> Config:
    with reading(path):
        raw = read_input(path, limit=MAX_CONFIG_BYTES, what="config file")
        text = decode_text(raw, str(path), ConfigError)
        return parse_config(text, str(path), toml=path.name == PYPROJECT)


def resolve_config(explicit: str | None, *, discover: bool = True) -> Config:
    """The config named by ``--config``, else the one found from the cwd up, else none."""
    if explicit:
        path = Path(explicit)
        if not path.exists() and not path.is_symlink():
            raise ConfigError("no such config file", explicit)
        return load_config(path)
    if not discover:
        return Config()
    found = find_config(Path.cwd())
    if found is None:
        return Config()
    return load_config(Path(os.path.relpath(found)))
