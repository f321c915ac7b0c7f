"""The command line: parse flags, call the library, print, set the exit code.

Only this module turns :class:`~suitelint.errors.SuitelintError` into a message on stderr
and exit code 2; the library raises and never prints. Exit codes (DESIGN.md §5):

* 0 — no active finding at or above ``--fail-on``;
* 1 — findings at or above ``--fail-on``;
* 2 — usage, input or policy error (never 0 on an error, whatever ``--fail-on`` says).

Heavy modules (the engine, jsonschema, lxml, rich) are imported inside the commands that
need them, so ``suitelint --version`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import os
import sys
from typing import TYPE_CHECKING, NoReturn

import typer

from suitelint import __version__
from suitelint.errors import SuitelintError, UsageError

if TYPE_CHECKING:
    from suitelint.findings import Report

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

log = logging.getLogger(__name__)

app = typer.Typer(
    name="suitelint",
    help=(
        "Policy-as-code linter for NetSuite roles, access tokens and integrations.\n\n"
        "A token has no permissions of its own: it acts as a user in a role. suitelint "
        "follows integration → token → user → role → permission and checks every link "
        "against your policies."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class FailOn(enum.StrEnum):
    error = "error"
    warning = "warning"
    note = "note"


class ColorMode(enum.StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class SchemaName(enum.StrEnum):
    policy = "policy"
    snapshot = "snapshot"


def _fail(error: SuitelintError) -> NoReturn:
    for problem in error.problems:
        where = problem.where if problem.path else "suitelint"
        typer.echo(f"{where}: {error.kind}: {problem.message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def use_color(mode: ColorMode, stream: object) -> bool:
    """Colour only on a terminal, never when NO_COLOR is set (https://no-color.org)."""
    if mode is ColorMode.always:
        return True
    if mode is ColorMode.never or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def parse_format(spec: str) -> tuple[str, str | None]:
    """``NAME`` or ``NAME=PATH`` → (name, path or None for stdout)."""
    from suitelint.report import FORMATS

    name, sep, path = spec.partition("=")
    name = name.strip().lower()
    if name not in FORMATS:
        raise UsageError(
            f"unknown format {name!r}; expected one of {', '.join(FORMATS)} (NAME or NAME=PATH)"
        )
    if sep and not path:
        raise UsageError(f"--format {spec!r}: expected a file path after '='")
    return name, (path or None)


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not an ISO date; expected YYYY-MM-DD") from None


def emit_report(report: Report, formats: list[str], color: ColorMode) -> None:
    """Render every requested format; files are written atomically, stdout last."""
    from suitelint.fsutil import atomic_write_text
    from suitelint.report import renderer

    specs = [parse_format(spec) for spec in formats] or [("text", None)]
    to_stdout = [name for name, path in specs if path is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"formats {', '.join(to_stdout)} would all go to stdout; give each but one a file "
            "with NAME=PATH"
        )
    for name, path in specs:
        if path is not None:
            atomic_write_text(path, renderer(name)(report, color=False))
    for name, path in specs:
        if path is None:
            sys.stdout.write(renderer(name)(report, color=use_color(color, sys.stdout)))
            sys.stdout.flush()


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"suitelint {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Log what suitelint does (to stderr); show tracebacks of bugs."
    ),
) -> None:
    """Policy-as-code linter for NetSuite roles, access tokens and integrations."""
    if debug:
        os.environ["SUITELINT_DEBUG"] = "1"
        logging.basicConfig(level=logging.DEBUG, format="suitelint: %(name)s: %(message)s")


@app.command()
def check(
    sources: list[str] = typer.Argument(
        ...,
        help="Account data: snapshot files (.json/.yaml), SDF projects (folders) or CSV "
        "exports. Several are merged into one account.",
        show_default=False,
    ),
    policy: list[str] = typer.Option(
        None,
        "--policy",
        "-p",
        help="Policy file, or builtin:<pack>. Repeatable. Default: builtin:baseline.",
        show_default=False,
    ),
    format: list[str] = typer.Option(
        None,
        "--format",
        "-f",
        help="Output format NAME or NAME=PATH (text, json, ...). Repeatable; default text.",
        show_default=False,
    ),
    fail_on: FailOn = typer.Option(
        FailOn.error,
        "--fail-on",
        help="Exit 1 when an active finding is at this severity or above.",
    ),
    allow_empty: bool = typer.Option(
        False,
        "--allow-empty",
        help="Accept sources that hold no roles, users, integrations or tokens.",
    ),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="Judge token ages, idleness and waiver expiry as of this date (YYYY-MM-DD). "
        "Default: today.",
        show_default=False,
    ),
    color: ColorMode = typer.Option(ColorMode.auto, "--color", help="Colour the text output."),
) -> None:
    """Check account data against policies; exit 1 on findings at or above --fail-on."""
    from suitelint.findings import Severity
    from suitelint.runner import DEFAULT_POLICY, CheckOptions, run_check

    try:
        options = CheckOptions(
            sources=tuple(sources),
            policies=tuple(policy) if policy else (DEFAULT_POLICY,),
            fail_on=Severity.parse(fail_on.value),
            allow_empty=allow_empty,
            today=parse_date(as_of, "--as-of") if as_of else None,
        )
        for spec in format or ():
            parse_format(spec)  # usage errors before any work
        report = run_check(options)
        emit_report(report, list(format or ()), color)
    except SuitelintError as error:
        _fail(error)
    raise typer.Exit(EXIT_FINDINGS if report.failing else EXIT_OK)


@app.command()
def schema(
    name: SchemaName = typer.Argument(..., help="Which schema: policy or snapshot."),
) -> None:
    """Print a published JSON Schema (for editor completion and validation)."""
    import json

    if name is SchemaName.policy:
        from suitelint.policy.loader import policy_schema

        data = policy_schema()
    else:
        from suitelint.sources.snapshot import snapshot_schema

        data = snapshot_schema()
    typer.echo(json.dumps(data, indent=2, sort_keys=False))


@app.command()
def rules(
    policy: list[str] = typer.Option(
        None,
        "--policy",
        "-p",
        help="List the rules of these policies (default: every built-in pack).",
        show_default=False,
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List rules: id, severity, applies to, title."""
    from suitelint.ruledocs import render_rule_table, rules_as_json

    try:
        compiled = _compile(policy)
    except SuitelintError as error:
        _fail(error)
    typer.echo(rules_as_json(compiled) if json_output else render_rule_table(compiled), nl=False)


@app.command()
def explain(
    rule: str = typer.Argument(..., help="Rule id (or a former id), e.g. token-not-administrator."),
    policy: list[str] = typer.Option(
        None,
        "--policy",
        "-p",
        help="Look in these policies too (default: built-in packs only).",
        show_default=False,
    ),
) -> None:
    """Explain a rule: what it checks, why it matters, how to fix it, examples."""
    from suitelint.ruledocs import engine_rule_text, explain_rule

    try:
        compiled = _compile(policy)
        found = compiled.rule(rule)
        if found is None:
            text = engine_rule_text(rule)
            if text is None:
                import difflib

                known = [r.id for r in compiled.rules]
                close = difflib.get_close_matches(rule, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise UsageError(f"no rule {rule!r}{hint} (see 'suitelint rules')")
        else:
            text = explain_rule(found)
    except SuitelintError as error:
        _fail(error)
    typer.echo(text, nl=False)


def _compile(policy: list[str] | None):  # type: ignore[no-untyped-def]
    from suitelint.catalog import load_catalog
    from suitelint.policy.loader import BUILTIN_PREFIX, builtin_packs
    from suitelint.runner import load_policy_set

    refs = list(policy or ())
    builtin = [BUILTIN_PREFIX + pack for pack in builtin_packs()]
    return load_policy_set([*builtin, *(r for r in refs if r not in builtin)], load_catalog())


def main() -> None:
    """Run the app; a bug becomes exit 2 with a short message, never a pass."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("suitelint: interrupted\n")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # last resort: a bug must not look like a pass
        if os.environ.get("SUITELINT_DEBUG"):
            raise
        sys.stderr.write(
            f"suitelint: internal error: {type(exc).__name__}; this is a bug. "
            "Rerun with --debug for details.\n"
        )
        sys.exit(EXIT_ERROR)
