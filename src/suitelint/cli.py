"""The command line: parse flags, call the library, print, set the exit code.

Only this module turns :class:`~suitelint.errors.SuitelintError` into a message on stderr
and exit code 2, in one place (:class:`_Commands`); the library and the commands raise.
(``suitelint check`` runs its work in :mod:`suitelint.checkcmd`, which also reads the
pull-request case's command line without typer; this module's ``check`` stays the one
definition of its options.)
Exit codes (DESIGN.md §5):

* 0 — no active finding at or above ``--fail-on``;
* 1 — findings at or above ``--fail-on``;
* 2 — usage, input or policy error (never 0 on an error, whatever ``--fail-on`` says).

Heavy modules (the engine, jsonschema, lxml, rich) are imported inside the commands that
need them, so ``suitelint --version`` stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from suitelint import __version__
from suitelint.checkcmd import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    ColorMode,
    FailOn,
    check_command,
    check_date_format,
    fail_lines,
    guarded,
    parse_date,
    parse_formats,
    say,
    tell_sources,
    to_output,
    use_color,
    write_outputs,
)
from suitelint.errors import SuitelintError, UsageError, did_you_mean

if TYPE_CHECKING:
    from collections.abc import Collection

    from suitelint.catalog import Catalog
    from suitelint.policy.compiler import Policy
    from suitelint.sources import Loaded


class _Commands(TyperGroup):
    """The one place a :class:`SuitelintError` of any command becomes its message on
    stderr and exit code 2 (the commands themselves only raise)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SuitelintError as error:
            _fail(error)


app = typer.Typer(
    cls=_Commands,
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


class SchemaName(enum.StrEnum):
    policy = "policy"
    snapshot = "snapshot"
    config = "config"
    policy_test = "policy-test"


# Options and arguments that several commands take, declared once. Where the help says
# what the option means to one command, a factory takes the help and fixes the rest.
def _policy_option(help: str) -> Any:
    """``--policy/-p``: a policy file or ``builtin:<pack>``, repeatable."""
    return typer.Option("--policy", "-p", help=help, show_default=False)


def _format_option(help: str) -> Any:
    """``--format/-f``: output formats, ``NAME`` or ``NAME=PATH``, repeatable."""
    return typer.Option("--format", "-f", help=help, show_default=False)


def _as_of_option(help: str) -> Any:
    """``--as-of``: the day to judge ages by (``YYYY-MM-DD``, :func:`parse_date`)."""
    return typer.Option("--as-of", help=help, show_default=False)


def _output_option(help: str) -> Any:
    """``--output/-o``: the file to write (atomically) instead of stdout."""
    return typer.Option("--output", "-o", help=help, show_default=False)


def _date_format_option(help: str) -> Any:
    """``--date-format``: how CSV exports write dates (the NetSuite Date Format)."""
    return typer.Option("--date-format", help=help, show_default=False)


ColorOption = Annotated[ColorMode, typer.Option("--color", help="Colour the text output.")]
AccountSources = Annotated[
    list[str],
    typer.Argument(
        help="Account data: snapshot files, SDF projects or CSV exports, merged into one account.",
        show_default=False,
    ),
]
DeclaringPolicies = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        "-p",
        help="Policy file, or builtin:<pack>, whose allow_only rules declare what tokens and "
        "integrations need. Repeatable. Default: builtin:baseline.",
        show_default=False,
    ),
]
AllowEmpty = Annotated[
    bool,
    typer.Option(
        "--allow-empty", help="Accept sources that hold no roles, users, integrations or tokens."
    ),
]
#: ``--date-format`` of the commands that read account sources (CSV exports among them)
CsvDateFormat = Annotated[
    str | None,
    _date_format_option(
        "How the CSV exports write dates: the exporting user's NetSuite Date Format, "
        "e.g. M/D/YYYY or D/M/YYYY. Default: inferred from all the CSV files of the run."
    ),
]
#: the formats of the blast-radius and audit reports
ReportFormats = Annotated[
    list[str] | None,
    _format_option(
        "text, markdown, json or html; NAME=PATH writes a file. Repeatable; default text."
    ),
]


ReportOutput = Annotated[
    str | None,
    _output_option(
        "Write the report to this file (atomically) instead of stdout: the one format of "
        "-f that names no file (default text)."
    ),
]


def _report_formats(
    format: list[str] | None, output: str | None, known: Collection[str]
) -> list[tuple[str, str | None]]:
    """``-f`` and ``-o`` of a report command: each format and its file (None: stdout)."""
    specs = list(format or ["text"])
    return parse_formats(to_output(specs, output, known) if output is not None else specs, known)


def for_this_run(ctx: typer.Context, scope: contextlib.AbstractContextManager[object]) -> None:
    """Enter ``scope`` until the command (or, from the group's callback, the whole
    invocation) ends: per-run settings, undone after, never left in the process."""
    ctx.with_resource(scope)


def _fail(error: SuitelintError) -> NoReturn:
    raise typer.Exit(fail_lines(error))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"suitelint {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Log what suitelint does (to stderr); show tracebacks of bugs."
    ),
    special_inputs: bool = typer.Option(
        False,
        "--special-inputs",
        help="Also read inputs that are FIFOs or devices (process substitution, /dev/stdin); "
        "by default only regular files are read.",
    ),
) -> None:
    """Policy-as-code linter for NetSuite roles, access tokens and integrations."""
    from suitelint import fsutil

    for_this_run(ctx, fsutil.input_rules(special_inputs=special_inputs))
    if debug:
        os.environ["SUITELINT_DEBUG"] = "1"
        from suitelint import debuglog  # only here: importing logging costs 15 ms

        for_this_run(ctx, debuglog.logging_to(sys.stderr))  # every record sanitised


@app.command()
def check(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(
        None,
        help="Account data: snapshot files (.json/.yaml), SDF projects (folders) or CSV "
        "exports. Several are merged into one account. Default: 'sources' of the config.",
        show_default=False,
    ),
    policy: Annotated[
        list[str] | None,
        _policy_option("Policy file, or builtin:<pack>. Repeatable. Default: builtin:baseline."),
    ] = None,
    format: Annotated[
        list[str] | None,
        _format_option(
            "Output format NAME or NAME=PATH (text, json, ...). Repeatable; default text."
        ),
    ] = None,
    output: Annotated[
        str | None,
        _output_option(
            "Write the report to this file (atomically) instead of stdout: the one format "
            "of -f (or the config) that names no file. -f sarif -o out.sarif is -f "
            "sarif=out.sarif."
        ),
    ] = None,
    fail_on: FailOn | None = typer.Option(
        None,
        "--fail-on",
        help="Exit 1 when an active finding is at this severity or above. Default: error.",
        show_default=False,
    ),
    allow_empty: AllowEmpty = False,
    as_of: Annotated[
        str | None,
        _as_of_option(
            "Judge token ages, idleness and waiver expiry as of this date (YYYY-MM-DD). "
            "Default: today."
        ),
    ] = None,
    color: ColorOption = ColorMode.auto,
    base: str = typer.Option(
        None,
        "--base",
        help="Git ref (e.g. origin/main): report only findings the change since that ref "
        "introduces; findings already there are shown as suppressed (base).",
        show_default=False,
    ),
    baseline: str = typer.Option(
        None,
        "--baseline",
        help="Baseline file: findings listed in it are suppressed; only new ones count.",
        show_default=False,
    ),
    write_baseline: str = typer.Option(
        None,
        "--write-baseline",
        help="Write every finding not waived to this baseline file (atomically); they are "
        "then reported as baselined.",
        show_default=False,
    ),
    config: str = typer.Option(
        None,
        "--config",
        help="Config file (.suitelint.yaml or pyproject.toml). Default: the nearest one "
        "from the working folder up.",
        show_default=False,
    ),
    no_config: bool = typer.Option(
        False, "--no-config", help="Ignore config files; use only the command line."
    ),
    sarif_root: str = typer.Option(
        None,
        "--sarif-root",
        help="Folder SARIF paths are relative to. Default: the root of the git repository "
        "holding the working folder, else the working folder.",
        show_default=False,
    ),
    date_format: CsvDateFormat = None,
    quiet: bool = typer.Option(
        False,
        "--quiet",
        "-q",
        help="Text and annotations: hide suppressed findings (waived, baselined, already at "
        "--base), and print nothing at all when no active finding is left (pre-commit).",
    ),
    add_format: list[str] = typer.Option(
        None,
        "--add-format",
        help="Also write this format (NAME=PATH), besides those of -f or the config's "
        "'formats'. Repeatable.",
        show_default=False,
    ),
    select: list[str] = typer.Option(
        None,
        "--select",
        help="Run only these rules: ids or globs (token-*, 'suitelint/*'). Repeatable; "
        "overrides the config's 'select'.",
        show_default=False,
    ),
    ignore: list[str] = typer.Option(
        None,
        "--ignore",
        help="Do not run these rules: ids or globs. Repeatable; overrides the config's 'ignore'.",
        show_default=False,
    ),
    min_severity: FailOn | None = typer.Option(
        None,
        "--min-severity",
        help="Report only findings at this severity or above (default: note, everything).",
        show_default=False,
    ),
    ignore_inline: bool = typer.Option(
        False,
        "--ignore-inline",
        help="Disregard the suitelint-disable comments of SDF object files (audits: anyone "
        "who edits a file can add one). Malformed ones are still errors.",
    ),
    show_config: bool = typer.Option(
        False,
        "--show-config",
        help="Print the settings this check would run with (config file and flags "
        "merged) as JSON, and exit.",
    ),
) -> None:
    """Check account data against policies; exit 1 on findings at or above --fail-on."""
    code = check_command(
        lambda scope: for_this_run(ctx, scope),
        sources=sources,
        policy=policy,
        format=format,
        output=output,
        fail_on=fail_on,
        allow_empty=allow_empty,
        as_of=as_of,
        color=color,
        base=base,
        baseline=baseline,
        write_baseline=write_baseline,
        config=config,
        no_config=no_config,
        sarif_root=sarif_root,
        date_format=date_format,
        quiet=quiet,
        add_format=add_format,
        select=select,
        ignore=ignore,
        min_severity=min_severity,
        ignore_inline=ignore_inline,
        show_config=show_config,
    )
    raise typer.Exit(code)


@app.command()
def schema(
    name: SchemaName = typer.Argument(
        ..., help="Which schema: policy, snapshot, config or policy-test."
    ),
) -> None:
    """Print a published JSON Schema (for editor completion and validation)."""
    import json

    if name is SchemaName.policy:
        from suitelint.policy.loader import policy_schema

        data = policy_schema()
    elif name is SchemaName.config:
        from suitelint.config import CONFIG_SCHEMA

        data = CONFIG_SCHEMA
    elif name is SchemaName.policy_test:
        from suitelint.policytest import TEST_SCHEMA

        data = TEST_SCHEMA
    else:
        from suitelint.sources.snapshot import snapshot_schema

        data = snapshot_schema()
    typer.echo(json.dumps(data, indent=2, sort_keys=False))


@app.command()
def rules(
    policy: Annotated[
        list[str] | None,
        _policy_option("List the rules of these policies (default: every built-in pack)."),
    ] = None,
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List rules: id, severity, applies to, title."""
    from suitelint.ruledocs import render_rule_table, rules_as_json

    compiled = _compile(policy)
    say(rules_as_json(compiled) if json_output else render_rule_table(compiled), nl=False)


@app.command()
def explain(
    rule: str = typer.Argument(..., help="Rule id (or a former id), e.g. token-not-administrator."),
    policy: Annotated[
        list[str] | None,
        _policy_option("Look in these policies too (default: built-in packs only)."),
    ] = None,
) -> None:
    """Explain a rule (why it matters, how to fix it, examples), or 'risk': the blast-radius formula."""
    if rule == "risk":  # not a rule: the formula behind `suitelint blast-radius`
        from suitelint.blast import explain_risk

        say(explain_risk(), nl=False)
        return
    from suitelint.ruledocs import engine_rule_text, explain_rule

    compiled = _compile(policy)
    found = compiled.rule(rule)
    if found is None:
        text = engine_rule_text(rule)
        if text is None:
            known = [r.id for r in compiled.rules]
            hint = did_you_mean(rule, known)
            raise UsageError(f"no rule {rule!r}{hint} (see 'suitelint rules')")
    else:
        text = explain_rule(found)
    say(text, nl=False)


@app.command()
def init(
    folder: str = typer.Argument(".", help="Project folder (default: the working folder)."),
) -> None:
    """Write a starter .suitelint.yaml, policy and policy unit test for the SDF project in
    FOLDER; never overwrites existing files."""
    from pathlib import Path

    from suitelint.starter import write_starter

    written = write_starter(Path(folder))
    for path in written:
        say(f"wrote {path}")
    typer.echo(
        "next: suitelint check   (the sources and policies in .suitelint.yaml; exit 0 or 1)\n"
        "      suitelint test    (the policy unit test, suitelint-policy.test.yaml)\n"
        "      pre-commit: hooks suitelint and suitelint-test gate what each commit changes"
    )


@app.command(name="test")
def policy_test(
    paths: list[str] = typer.Argument(
        None,
        help="Test files (*.test.yaml) or folders to search. Default: the working folder.",
        show_default=False,
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List passing cases too."),
) -> None:
    """Run policy unit tests: fixture accounts and the findings expected of them."""
    from suitelint.policytest import render_outcomes, run_tests

    outcomes = run_tests(list(paths or ()))
    say(render_outcomes(outcomes, verbose=verbose), nl=False)
    raise typer.Exit(EXIT_OK if all(o.passed for o in outcomes) else EXIT_FINDINGS)


class DiffFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    sarif = "sarif"


@app.command()
def diff(
    old: str = typer.Argument(
        ..., help="Before: a snapshot, an SDF project, or GIT-REF:path (e.g. origin/main:src)."
    ),
    new: str = typer.Argument(..., help="After: the same kinds as OLD (e.g. src)."),
    with_sources: list[str] = typer.Option(
        None,
        "--with",
        help="A source merged into both sides (e.g. the account snapshot, for the "
        "consequences per token and integration). Repeatable.",
        show_default=False,
    ),
    format: DiffFormat = typer.Option(
        DiffFormat.text,
        "--format",
        "-f",
        help="text, markdown, json or sarif (escalations as results at their lines).",
    ),
    output: Annotated[str | None, _output_option("Write to this file instead of stdout.")] = None,
    color: ColorOption = ColorMode.auto,
    date_format: CsvDateFormat = None,
) -> None:
    """Permission changes from OLD to NEW per role, token and integration; exit 1 on escalation."""
    from suitelint.catalog import load_catalog
    from suitelint.diff import diff_snapshots
    from suitelint.gitbase import load_spec
    from suitelint.report.diff import RENDERERS

    check_date_format(date_format)
    catalog = load_catalog()
    extra = list(with_sources or ())
    old_side = load_spec(old, extra, catalog, date_format=date_format, absent_is_empty=True)
    new_side = load_spec(new, extra, catalog, date_format=date_format)
    tell_sources(
        dict.fromkeys([*old_side.notices, *new_side.notices]),
        dict.fromkeys([*old_side.notes, *new_side.notes]),
    )
    before, after = old_side.snapshot, new_side.snapshot
    if before.is_empty and after.is_empty:
        from suitelint.errors import SourceError

        raise SourceError("both sides are empty: there is nothing to compare", new)
    result = diff_snapshots(before, after, catalog, old_label=old, new_label=new)
    render = RENDERERS[format.value]
    if output:
        from suitelint.fsutil import atomic_write_text

        atomic_write_text(output, render(result, color=False))
    else:
        sys.stdout.write(render(result, color=use_color(color, sys.stdout)))
        sys.stdout.flush()
    raise typer.Exit(EXIT_FINDINGS if result.escalated else EXIT_OK)


def _judged_account(
    sources: list[str],
    policy: list[str] | None,
    as_of: str | None,
    allow_empty: bool,
    date_format: str | None,
) -> tuple[dt.date, Catalog, Loaded, Policy]:
    """What blast-radius and audit start from: the day (``--as-of``), the catalog, the
    sources and the policies that declare what tokens need, read as check reads them
    (policy files first; a policy may name a custom record by its SDF display name), and
    the sources' notices and warnings told on stderr."""
    from suitelint.catalog import load_catalog
    from suitelint.runner import DEFAULT_POLICY, load_checked

    today = parse_date(as_of, "--as-of") if as_of else dt.date.today()
    check_date_format(date_format)
    catalog = load_catalog()
    loaded, policies = load_checked(
        sources,
        list(policy or [DEFAULT_POLICY]),
        catalog,
        allow_empty=allow_empty,
        date_format=date_format,
    )
    tell_sources(loaded.notice_lines(), loaded.notes)
    return today, catalog, loaded, policies


@app.command("blast-radius")
def blast_radius_command(
    sources: AccountSources,
    policy: DeclaringPolicies = None,
    format: ReportFormats = None,
    output: ReportOutput = None,
    as_of: Annotated[
        str | None, _as_of_option("Judge token ages as of this date (YYYY-MM-DD).")
    ] = None,
    write_roles: str = typer.Option(
        None,
        "--write-roles",
        help="Write each proposed least-privilege role to DIR/customrole_*.xml (SDF).",
        show_default=False,
    ),
    allow_empty: AllowEmpty = False,
    date_format: CsvDateFormat = None,
) -> None:
    """What every token and integration can really do, ranked by risk, with least-privilege roles."""
    import gc
    from pathlib import Path

    from suitelint.blast import blast_radius
    from suitelint.errors import SourceError
    from suitelint.fsutil import atomic_write_text
    from suitelint.report.blast import BLAST_FORMATS, BLAST_STREAMS

    specs = _report_formats(format, output, BLAST_FORMATS)
    today, catalog, loaded, policies = _judged_account(
        sources, policy, as_of, allow_empty, date_format
    )
    # The account stays alive until the command ends: the collector need not walk its
    # objects again. Unfrozen, the first young-generation pass of the report's work
    # (entry.main's threshold) traversed all of them: 0.1-0.35 s on the large benchmark.
    # They are unfrozen at the end for a caller that goes on in the same process (tests).
    gc.freeze()
    try:
        report = blast_radius(
            loaded.snapshot,
            policies,
            catalog,
            today,
            tool_version=__version__,
            sources=sources,
            index=loaded.index,
        )
        if write_roles:
            folder = Path(write_roles)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SourceError(
                    f"cannot create folder: {exc.strerror or exc}", write_roles
                ) from None
            for proposal in report.proposals:
                atomic_write_text(folder / proposal.filename, proposal.xml)
                say(f"wrote {folder / proposal.filename}", err=True)
            if not report.proposals:
                typer.echo("no proposed roles: no allow_only rule declares a token", err=True)
        write_outputs(specs, lambda name, _colored: BLAST_STREAMS[name](report), ColorMode.never)
    finally:
        gc.unfreeze()


@app.command()
def audit(
    sources: AccountSources,
    policy: DeclaringPolicies = None,
    format: ReportFormats = None,
    output: ReportOutput = None,
    as_of: Annotated[
        str | None, _as_of_option("Judge ages and idle times as of this date (YYYY-MM-DD).")
    ] = None,
    idle_days: int = typer.Option(
        90, "--idle-days", min=1, help="A token not used for this many days is idle: disable it."
    ),
    allow_empty: AllowEmpty = False,
    date_format: CsvDateFormat = None,
) -> None:
    """The integration audit: for every integration and token, still needed? which role? what does it do? and what to do about it."""
    from suitelint.audit import audit as run_audit
    from suitelint.report.audit import AUDIT_FORMATS

    specs = _report_formats(format, output, AUDIT_FORMATS)
    today, catalog, loaded, policies = _judged_account(
        sources, policy, as_of, allow_empty, date_format
    )
    report = run_audit(
        loaded.snapshot,
        policies,
        catalog,
        today,
        idle_days=idle_days,
        tool_version=__version__,
        sources=sources,
        index=loaded.index,
    )
    write_outputs(specs, lambda name, _colored: AUDIT_FORMATS[name](report), ColorMode.never)


@app.command()
def drift(
    repo: str = typer.Argument(
        ..., help="The repo: an SDF project (or snapshot), or GIT-REF:path (e.g. origin/main:src)."
    ),
    account: list[str] = typer.Argument(
        ...,
        help="The live account: a fresh export (snapshot file) and/or CSV exports, merged.",
        show_default=False,
    ),
    format: Annotated[
        list[str] | None,
        _format_option(
            "text, markdown or json; NAME=PATH writes a file. Repeatable; default text."
        ),
    ] = None,
    output: ReportOutput = None,
    fail_on_unmanaged: bool = typer.Option(
        False,
        "--fail-on-unmanaged",
        help="Exit 1 also when the account has custom roles the repo does not manage.",
    ),
    date_format: CsvDateFormat = None,
) -> None:
    """Hand-made changes in the account to the roles the repo manages (by scriptid), and the account's custom roles the repo does not manage; exit 1 on drift that widens access."""
    from suitelint.catalog import load_catalog
    from suitelint.drift import drift as compute_drift
    from suitelint.gitbase import load_spec
    from suitelint.report.drift import DRIFT_FORMATS
    from suitelint.sources import load_sources

    specs = _report_formats(format, output, DRIFT_FORMATS)
    check_date_format(date_format)
    catalog = load_catalog()
    repo_side = load_spec(repo, [], catalog, date_format=date_format)
    account_loaded = load_sources(account, catalog, date_format=date_format)
    tell_sources(
        dict.fromkeys([*repo_side.notices, *account_loaded.notice_lines()]),
        dict.fromkeys([*repo_side.notes, *account_loaded.notes]),
    )
    repo_snapshot, account_snapshot = repo_side.snapshot, account_loaded.snapshot
    result = compute_drift(
        repo_snapshot,
        account_snapshot,
        catalog,
        repo_label=repo,
        account_label=", ".join(account),
    )
    write_outputs(specs, lambda name, _colored: DRIFT_FORMATS[name](result), ColorMode.never)
    failed = bool(result.widened) or (fail_on_unmanaged and bool(result.unmanaged))
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


class AuthMode(enum.StrEnum):
    tba = "tba"
    client_credentials = "client-credentials"


@app.command()
def export(
    account: str = typer.Option(
        ...,
        "--account",
        help="NetSuite account id, e.g. 1234567 or 1234567_SB1.",
        show_default=False,
    ),
    output: Annotated[
        str | None,
        _output_option("Snapshot file to write (.json or .yaml). Required unless --probe."),
    ] = None,
    sandbox: bool = typer.Option(False, "--sandbox", help="The account is a sandbox (_SB<n>)."),
    auth: AuthMode = typer.Option(
        AuthMode.tba,
        "--auth",
        help="tba: SUITELINT_CONSUMER_KEY/_SECRET, SUITELINT_TOKEN_ID/_SECRET. "
        "client-credentials: SUITELINT_CLIENT_ID, SUITELINT_CERTIFICATE_ID and the private key.",
    ),
    private_key_file: str = typer.Option(
        None,
        "--private-key-file",
        help="PEM private key of the certificate mapped for client credentials.",
        show_default=False,
    ),
    concurrency: int = typer.Option(
        4, "--concurrency", help="Requests in flight (keep within the account's limit)."
    ),
    base_url: str = typer.Option(
        None,
        "--base-url",
        help="REST base URL (default https://<account>.suitetalk.api.netsuite.com).",
        show_default=False,
    ),
    timeout: float = typer.Option(
        120.0, "--timeout", help="Seconds to wait for each attempt at a page."
    ),
    deadline: float = typer.Option(
        None,
        "--deadline",
        help="Seconds the whole export may take, retries and waits included; past it the "
        "export stops with an error and writes nothing. Default: no limit.",
        show_default=False,
    ),
    probe: bool = typer.Option(
        False,
        "--probe",
        help="Check the connection, the credentials and what each query can see; print "
        "it and write nothing. Exit 2 when the export would fail.",
    ),
    csv: list[str] = typer.Option(
        None,
        "--csv",
        help="CSV export adding what the API does not expose (tokens, M2M mappings, "
        "integrations). Repeatable.",
        show_default=False,
    ),
    date_format: Annotated[
        str | None,
        _date_format_option(
            "How the --csv files write dates (the exporting user's NetSuite Date Format, "
            "e.g. M/D/YYYY). Default: inferred from all of them."
        ),
    ] = None,
) -> None:
    """Export a live account (REST, SuiteQL) to a snapshot file, written atomically.

    Credentials come only from the environment (or files it names); see docs/export.md.
    """
    from pathlib import Path

    from suitelint.netsuite.run import ExportRequest, run_export, run_probe

    request = ExportRequest(
        account=account,
        output=Path(output or ""),
        sandbox=sandbox,
        auth="tba" if auth is AuthMode.tba else "client-credentials",
        concurrency=concurrency,
        base_url=base_url,
        private_key_file=Path(private_key_file) if private_key_file else None,
        timeout=timeout,
        csv=tuple(Path(p) for p in csv or ()),
        date_format=date_format,
        deadline=deadline,
    )
    if probe:
        found = run_probe(request, os.environ)
        from suitelint import sanitize

        for line in found.lines:
            typer.echo(sanitize.line(line))
        raise typer.Exit(EXIT_OK if found.ok else EXIT_ERROR)
    if not output:
        raise UsageError("-o/--output is required (the snapshot file to write), unless --probe")
    if sys.stderr.isatty() and not os.environ.get("SUITELINT_DEBUG"):
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("SuiteQL pages", total=None)
            result = run_export(
                request,
                os.environ,
                lambda done, total: bar.update(task, completed=done, total=total),
            )
    else:
        result = run_export(request, os.environ)
    for note in result.notes:
        say(f"suitelint: warning: {note}", err=True)
    snap = result.snapshot
    say(
        f"wrote {output}: {len(snap.roles)} roles, {len(snap.users)} users, "
        f"{len(snap.integrations)} integrations, {len(snap.tokens)} tokens "
        f"({result.pages} pages, {result.retries} retries)",
        err=True,
    )


def _compile(policy: list[str] | None):  # type: ignore[no-untyped-def]
    from suitelint.catalog import load_catalog
    from suitelint.policy.loader import BUILTIN_PREFIX, builtin_packs
    from suitelint.runner import load_policy_set

    refs = list(policy or ())
    builtin = [BUILTIN_PREFIX + pack for pack in builtin_packs()]
    return load_policy_set([*builtin, *(r for r in refs if r not in builtin)], load_catalog())


class Shell(enum.StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


COMPLETE_VAR = "_SUITELINT_COMPLETE"


@app.command()
def completion(
    shell: Shell = typer.Argument(..., help="bash, zsh, fish or powershell."),
) -> None:
    """Print the shell completion script, e.g. `suitelint completion bash > ~/.local/share/bash-completion/completions/suitelint`."""
    # typer.completion is typer's public completion module (typer._* may change in any
    # release); it names these without an __all__, hence the ignore
    from typer.completion import get_completion_script  # type: ignore[attr-defined]

    name = "pwsh" if shell is Shell.powershell else shell.value
    typer.echo(get_completion_script(prog_name="suitelint", complete_var=COMPLETE_VAR, shell=name))


def main() -> None:
    """Run the app; a bug becomes exit 2 with a short message, never a pass."""

    def run() -> None:
        if COMPLETE_VAR in os.environ:  # a shell asks for completions: typer's shell classes
            from typer.completion import completion_init  # type: ignore[attr-defined]

            completion_init()
        app()

    guarded(run)
