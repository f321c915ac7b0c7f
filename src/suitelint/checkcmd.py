"""The ``check`` command without the CLI framework: its work, and a reader of its command
line that answers the pull-request case without importing typer.

typer (with its vendored click) is the one definition of the command line: ``cli.check``
declares every option, its help and its errors, and calls :func:`check_command`, the
check's work, here. Importing typer and building every command's click parameters
was a third of the start-up of a check of a 20-role SDF project with a policy file. So :func:`fast_main` reads the argv of a ``check`` itself, but only an argv it
fully understands: the options of :data:`OPTIONS`, each with a valid value, in the forms
click reads them the same way (``--name value``, ``--name=value``, ``-p value``). Anything
else (help, completion, a group option such as ``--debug``, an unknown or repeated option,
a value that starts with ``-``, ``--``, an invalid choice, another command) goes to typer
unchanged, so every usage error and its exit code stay typer's. The values it hands to
:func:`check_command` are those typer would hand (``tests/test_checkcmd.py`` derives the
option table from the typer command and compares both readings of many argvs), and the
output is written as ``typer.echo`` writes it.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from suitelint.errors import SuitelintError, UsageError

if TYPE_CHECKING:
    import contextlib
    import signal as _signal

    from suitelint.findings import Report
    from suitelint.runner import CheckOptions
else:
    # signal's C module: ``signal`` itself builds three enums from it when imported (~3 M
    # instructions, a twentieth of a warm check's start-up); its ``signal()`` is the same
    # call but for the enum it makes of the handler it returns, which is not used here
    import _signal

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class FailOn(enum.StrEnum):
    error = "error"
    warning = "warning"
    note = "note"


class ColorMode(enum.StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """``typer.echo`` of a text: through typer where typer runs the command; else as it
    writes a text on a stream that :func:`fast_main` accepts (a text stream, not ASCII):
    the text and a line break, ANSI sequences stripped when not on a terminal, flushed."""
    typer = sys.modules.get("typer")
    if typer is not None:
        typer.echo(text, err=err, nl=nl)
        return
    stream = sys.stderr if err else sys.stdout
    out = text + "\n" if nl else text
    if not out:
        stream.flush()
        return
    try:
        terminal = stream.isatty()
    except Exception:  # click's isatty(): a stream that cannot tell is not a terminal
        terminal = False
    if not terminal and "\x1b" in out:
        import re

        out = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", out)
    stream.write(out)
    stream.flush()


def say(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text that may hold names, paths or input (every message but a report, which
    its renderer makes safe): no escape, control character or CI-log command survives."""
    from suitelint import sanitize

    echo(sanitize.lines(text), err=err, nl=nl)


def fail_lines(error: SuitelintError) -> int:
    """Every problem of ``error`` on stderr, one safe line each; the exit code (2)."""
    from suitelint import sanitize

    for notice in error.notices:  # what reading noticed: why the account is empty, say
        echo(f"{sanitize.line(notice.where)}: info: {sanitize.line(notice.message)}", err=True)
    for problem in error.problems:  # one line each, whatever the path or message holds
        where = sanitize.line(problem.where) if problem.path else "suitelint"
        echo(f"{where}: {error.kind}: {sanitize.line(problem.message)}", err=True)
    return EXIT_ERROR


def tell_sources(notices: Iterable[str], notes: Iterable[str]) -> None:
    """What reading the sources noticed (``notices``: located lines) and the warnings about
    them (``notes``: e.g. what a CSV export could not tell), on stderr, one safe line each
    (names and paths come from files)."""
    from suitelint import sanitize

    for notice in notices:
        say(sanitize.line(notice), err=True)
    for note in notes:
        echo(f"suitelint: warning: {sanitize.line(note)}", err=True)


def check_date_format(date_format: str | None) -> None:
    """A ``--date-format`` that names no date format is a usage error before any work."""
    if date_format is not None:
        from suitelint.sources.csv import parse_date_format

        parse_date_format(date_format)


def use_color(mode: ColorMode, stream: object) -> bool:
    """Colour only on a terminal, never when NO_COLOR is set (https://no-color.org)."""
    if mode is ColorMode.always:
        return True
    if mode is ColorMode.never or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def parse_format(spec: str, known: Collection[str] | None = None) -> tuple[str, str | None]:
    """``NAME`` or ``NAME=PATH`` → (name, path or None for stdout); ``known`` defaults to the
    report formats of :data:`suitelint.report.FORMATS`."""
    if known is None:
        from suitelint.report import FORMATS

        known = FORMATS
    name, sep, path = spec.partition("=")
    name = name.strip().lower()
    if name not in known:
        raise UsageError(
            f"unknown format {name!r}; expected one of {', '.join(known)} (NAME or NAME=PATH)"
        )
    if sep and not path:
        raise UsageError(f"--format {spec!r}: expected a file path after '='")
    if "\x00" in path:  # from a config file's text ("\0" in YAML): no file has one
        raise UsageError(f"--format {spec!r}: a file name cannot hold a NUL byte")
    return name, (path or None)


def to_output(formats: list[str], output: str, known: Collection[str] | None = None) -> list[str]:
    """``--output PATH``: the one format of ``formats`` that names no file, written to
    ``PATH`` instead of stdout (``-f sarif -o out.sarif`` is ``-f sarif=out.sarif``)."""
    if not output or "\x00" in output:
        raise UsageError("--output: expected a file path")
    to_stdout = [i for i, spec in enumerate(formats) if parse_format(spec, known)[1] is None]
    if len(to_stdout) != 1:
        raise UsageError(
            f"--output {output!r}: every format already names its file (NAME=PATH)"
            if not to_stdout
            else f"--output {output!r}: {len(to_stdout)} formats name no file; give one "
            "format with -o, or NAME=PATH for each"
        )
    index = to_stdout[0]
    return [*formats[:index], f"{formats[index]}={output}", *formats[index + 1 :]]


def parse_formats(
    specs: Sequence[str], known: Collection[str] | None = None
) -> list[tuple[str, str | None]]:
    """Every ``--format``; default text on stdout; at most one may go to stdout."""
    parsed = [parse_format(spec, known) for spec in specs] or [("text", None)]
    to_stdout = [name for name, path in parsed if path is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"formats {', '.join(to_stdout)} would all go to stdout; give each but one a file "
            "with NAME=PATH"
        )
    return parsed


def write_outputs(
    specs: Sequence[tuple[str, str | None]],
    render: Callable[[str, bool], str | Iterable[str]],
    color: ColorMode,
) -> None:
    """Render each format with ``render(name, color)`` (the text, or its pieces as they are
    produced): files atomically first, stdout last, each written as it is produced."""
    from suitelint.fsutil import atomic_write_chunks

    for name, path in specs:
        if path is not None:
            text = render(name, False)
            atomic_write_chunks(path, (text,) if isinstance(text, str) else text)
    for name, path in specs:
        if path is None:
            text = render(name, use_color(color, sys.stdout))
            for piece in (text,) if isinstance(text, str) else text:
                sys.stdout.write(piece)
            sys.stdout.flush()


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not an ISO date; expected YYYY-MM-DD") from None


#: formats read by a person in a terminal or log, which ``--quiet`` shortens
QUIET_FORMATS = frozenset({"text", "github"})


def emit_report(
    report: Report, formats: list[str], color: ColorMode, *, quiet: bool = False
) -> None:
    """Render every requested report format; files are written atomically, stdout last.

    ``quiet``: text and GitHub annotations leave out suppressed findings, and are empty
    when no active finding is left (machine formats keep everything)."""
    import msgspec

    from suitelint.report import streamer

    shown = msgspec.structs.replace(report, findings=report.active)

    def render(name: str, colored: bool) -> Iterable[str]:
        if quiet and name in QUIET_FORMATS:
            return () if not shown.findings else streamer(name)(shown, color=colored)
        return streamer(name)(report, color=colored)

    write_outputs(parse_formats(formats), render, color)


def print_settings(
    path: str, options: CheckOptions, formats: list[str], baseline: str | None
) -> None:
    """The effective settings of a check, as JSON (keys as the config file spells them)."""
    import json

    settings = {
        "config": path or None,
        "sources": list(options.sources),
        "policies": list(options.policies),
        "fail-on": options.fail_on.label,
        "min-severity": options.min_severity.label,
        "select": list(options.select),
        "ignore": list(options.ignore),
        "formats": formats,
        "baseline": baseline,
        "allow-empty": options.allow_empty,
        "ignore-inline": options.ignore_inline,
        "date-format": options.date_format,
        "as-of": options.today.isoformat() if options.today else None,
        "base": options.base,
    }
    echo(json.dumps(settings, indent=2, ensure_ascii=False))


def sarif_root_of(explicit: str | None) -> str:
    """The folder SARIF URIs are relative to: ``--sarif-root``, else the top of the git work
    tree holding the working folder, else the working folder (GitHub matches SARIF paths
    against the repository root, whatever folder suitelint ran in)."""
    from pathlib import Path

    if explicit:
        folder = Path(explicit)
        if not folder.is_dir():
            raise UsageError(f"--sarif-root {explicit!r} is not a folder")
        return str(folder.resolve())
    from suitelint.gitbase import repo_of

    try:
        top = repo_of(Path.cwd())
    except SuitelintError:  # git is not installed: the working folder
        top = None
    return str((top or Path.cwd()).resolve())


def check_with_baselines(
    options: CheckOptions,
    baseline: str | None,
    write_baseline: str | None,
    run_check: Callable[[CheckOptions], Report],
) -> Report:
    """Run the check; suppress what ``baseline`` lists; write ``write_baseline`` if asked."""
    from pathlib import Path

    if baseline and write_baseline == baseline and not Path(baseline).exists():
        baseline = None  # the first --write-baseline of the baseline the config names
    if not baseline and not write_baseline:
        return run_check(options)  # the common case imports no baseline code
    from suitelint.baseline import apply_baseline, load_baseline, parse_baseline, render_baseline
    from suitelint.fsutil import atomic_write_text

    accepted = load_baseline(baseline) if baseline else None  # a bad file fails before work
    report = run_check(options)
    if accepted is not None:
        report = apply_baseline(report, accepted)
    if write_baseline:
        text = render_baseline(report.findings)
        atomic_write_text(write_baseline, text)
        report = apply_baseline(report, parse_baseline(text, write_baseline))
    return report


def check_command(
    enter: Callable[[contextlib.AbstractContextManager[Any]], object],
    *,
    sources: list[str] | None,
    policy: list[str] | None,
    format: list[str] | None,
    output: str | None,
    fail_on: FailOn | None,
    allow_empty: bool,
    as_of: str | None,
    color: ColorMode,
    base: str | None,
    baseline: str | None,
    write_baseline: str | None,
    config: str | None,
    no_config: bool,
    sarif_root: str | None,
    date_format: str | None,
    quiet: bool,
    add_format: list[str] | None,
    select: list[str] | None,
    ignore: list[str] | None,
    min_severity: FailOn | None,
    ignore_inline: bool,
    show_config: bool,
) -> int:
    """The work of ``suitelint check`` (its options as ``cli.check`` declares them); the
    exit code. ``enter`` keeps a per-run scope open until the command ends; errors are
    raised (:class:`SuitelintError`), the caller prints them."""
    from suitelint.config import resolve_config
    from suitelint.findings import Severity
    from suitelint.runner import DEFAULT_POLICY, CheckOptions, run_check

    settings = resolve_config(config, discover=not no_config)
    from pathlib import Path

    from suitelint import fsutil

    # the config's paths this run uses stay inside its folder; the command line's need not
    used = settings.confined(sources=not sources, policies=not policy, baseline=not baseline)
    enter(fsutil.input_rules(confine=used, project=Path(settings.folder)))
    formats = list(format or settings.formats or ["text"])
    if output is not None:
        formats = to_output(formats, output)
    formats += list(add_format or ())
    options = CheckOptions(
        sources=tuple(sources or settings.sources),
        policies=tuple(policy or settings.policies or (DEFAULT_POLICY,)),
        fail_on=Severity.parse(fail_on.value if fail_on else settings.fail_on or "error"),
        allow_empty=allow_empty or bool(settings.allow_empty),
        today=parse_date(as_of, "--as-of") if as_of else None,
        base=base,
        date_format=date_format or settings.date_format,
        rules=settings.rules,
        rules_origin=settings.path,
        select=tuple(select or settings.select),
        ignore=tuple(ignore or settings.ignore),
        min_severity=Severity.parse(
            min_severity.value if min_severity else settings.min_severity or "note"
        ),
        ignore_inline=ignore_inline or bool(settings.ignore_inline),
    )
    check_date_format(date_format)
    for spec in formats:
        parse_format(spec)  # usage errors before any work
    if show_config:
        print_settings(settings.path, options, formats, baseline or settings.baseline)
        return EXIT_OK
    if not options.sources:
        raise UsageError(
            "no source given; name an SDF project, a snapshot or a CSV export, or set "
            "'sources' in .suitelint.yaml"
        )
    for spec in formats:
        parse_format(spec)  # usage errors before any work
    report = check_with_baselines(options, baseline or settings.baseline, write_baseline, run_check)
    if any(parse_format(spec)[0] in ("sarif", "gitlab") for spec in formats):
        import msgspec

        report = msgspec.structs.replace(report, root=sarif_root_of(sarif_root))
    tell_sources(report.notices, report.notes)
    emit_report(report, formats, color, quiet=quiet)
    return EXIT_FINDINGS if report.failing else EXIT_OK


class Interrupted(BaseException):
    """Ctrl-C, raised past click's own handling (see :func:`guarded`)."""


def guarded(run: Callable[[], object]) -> NoReturn:
    """Run a command line (``run`` exits); Ctrl-C is exit 2, a bug exit 2 with a short
    message, never a pass. ``--debug`` says so in ``SUITELINT_DEBUG`` (read here, after
    the command's own context has closed); the variable is as it was once this returns."""
    import contextlib

    debug_before = os.environ.get("SUITELINT_DEBUG")

    # Click turns Ctrl-C into "Aborted!" and exit 1, which a CI gate reads as "findings".
    # An exception that is not a KeyboardInterrupt passes through click untouched.
    def interrupted(signum: int, frame: object) -> None:
        raise Interrupted

    with contextlib.suppress(ValueError):  # not in the main thread (embedded use)
        _signal.signal(_signal.SIGINT, interrupted)
    try:
        run()
    except SystemExit:
        raise
    except (Interrupted, KeyboardInterrupt):
        sys.stderr.write("suitelint: interrupted\n")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # last resort: a bug must not look like a pass
        if os.environ.get("SUITELINT_DEBUG"):  # the traceback, made safe like any line
            from suitelint.debuglog import traceback_text

            sys.stderr.write(traceback_text(exc))
            sys.exit(EXIT_ERROR)
        from suitelint import sanitize

        source = getattr(exc, "suitelint_input", None)
        where = f"{sanitize.line(source)}: " if source else "suitelint: "
        sys.stderr.write(
            f"{where}internal error: {type(exc).__name__}; this is a bug. "
            "Rerun with --debug for details.\n"
        )
        sys.exit(EXIT_ERROR)
    finally:
        if debug_before is None:
            os.environ.pop("SUITELINT_DEBUG", None)
        else:
            os.environ["SUITELINT_DEBUG"] = debug_before
    sys.exit(EXIT_OK)  # pragma: no cover - a command line always exits


# -- the pull-request case without typer -------------------------------------------------

#: how an option of ``check`` takes its value
FLAG, VALUE, MANY = "flag", "value", "many"


class Option:
    """One option of ``check`` as :func:`read_check_argv` reads it: its parameter, how it
    takes a value, and the values it accepts (an enum), as ``cli.check`` declares it."""

    __slots__ = ("choices", "dest", "names", "takes")

    def __init__(
        self, dest: str, names: tuple[str, ...], takes: str, choices: type[enum.Enum] | None = None
    ) -> None:
        self.dest = dest
        self.names = names
        self.takes = takes
        self.choices = choices


#: the options of ``cli.check`` (tests/test_checkcmd.py holds them equal to typer's)
OPTIONS = (
    Option("policy", ("--policy", "-p"), MANY),
    Option("format", ("--format", "-f"), MANY),
    Option("output", ("--output", "-o"), VALUE),
    Option("fail_on", ("--fail-on",), VALUE, FailOn),
    Option("allow_empty", ("--allow-empty",), FLAG),
    Option("as_of", ("--as-of",), VALUE),
    Option("color", ("--color",), VALUE, ColorMode),
    Option("base", ("--base",), VALUE),
    Option("baseline", ("--baseline",), VALUE),
    Option("write_baseline", ("--write-baseline",), VALUE),
    Option("config", ("--config",), VALUE),
    Option("no_config", ("--no-config",), FLAG),
    Option("sarif_root", ("--sarif-root",), VALUE),
    Option("date_format", ("--date-format",), VALUE),
    Option("quiet", ("--quiet", "-q"), FLAG),
    Option("add_format", ("--add-format",), MANY),
    Option("select", ("--select",), MANY),
    Option("ignore", ("--ignore",), MANY),
    Option("min_severity", ("--min-severity",), VALUE, FailOn),
    Option("ignore_inline", ("--ignore-inline",), FLAG),
    Option("show_config", ("--show-config",), FLAG),
)
#: the parameters typer hands ``check`` when the command line does not name them
DEFAULTS: dict[str, Any] = {
    "sources": None,
    **{o.dest: False if o.takes == FLAG else None for o in OPTIONS},
    "color": ColorMode.auto,
}
_BY_NAME = {name: option for option in OPTIONS for name in option.names}


def read_check_argv(args: Sequence[str]) -> dict[str, Any] | None:
    """The parameters typer would hand ``check`` for ``suitelint check ARGS``, or None
    when ``args`` holds anything this reader does not fully understand (typer reads it)."""
    values: dict[str, Any] = {}
    many: dict[str, list[str]] = {}
    sources: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg[:1] != "-" or arg == "-":
            sources.append(arg)
            continue
        name, equals, attached = arg.partition("=")
        option = _BY_NAME.get(name)
        if option is None or (equals and not name.startswith("--")):
            return None  # unknown, help, "--", "-pVALUE", "-p=VALUE": typer's to read
        if option.takes == FLAG:
            if equals or option.dest in values:
                return None
            values[option.dest] = True
            continue
        if equals:
            value = attached
        elif position < len(args) and args[position][:1] != "-":
            value = args[position]
            position += 1
        else:
            return None  # a missing value, or one that looks like an option
        if option.takes == MANY:
            many.setdefault(option.dest, []).append(value)
            continue
        if option.dest in values:
            return None  # given twice
        if option.choices is not None:
            chosen = next((c for c in option.choices if c.value == value), None)
            if chosen is None:
                return None  # typer says what it accepts
            values[option.dest] = chosen
        else:
            values[option.dest] = value
    return {**DEFAULTS, **values, **many, "sources": sources or None}


def _plain_streams() -> bool:
    """stdout and stderr are text streams click writes to as they are (not ASCII)."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if stream is None or not encoding or not hasattr(stream, "buffer"):
            return False
        try:
            if codecs.lookup(encoding).name == "ascii":
                return False
        except LookupError:
            return False
    return True


def fast_main(args: Sequence[str]) -> None:
    """``suitelint check ARGS`` without typer when :func:`read_check_argv` understands
    ARGS (exits); else returns, and typer reads the command line."""
    if "_SUITELINT_COMPLETE" in os.environ or not _plain_streams():
        return
    params = read_check_argv(args)
    if params is None:
        return
    guarded(lambda: _run(params))


def _run(params: dict[str, Any]) -> NoReturn:
    """What typer's main does around ``check``: the group's per-run scope, a
    SuitelintError as its lines and exit 2, a closed pipe as exit 1."""
    import contextlib
    import errno

    from suitelint import fsutil

    try:
        with contextlib.ExitStack() as group:
            group.enter_context(fsutil.input_rules(special_inputs=False))  # main_options
            try:
                with contextlib.ExitStack() as command:
                    code = check_command(command.enter_context, **params)
            except SuitelintError as error:
                code = fail_lines(error)
    except EOFError:
        echo("", err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        # as click does: a closed pipe is exit 1, and flushing at exit says no more
        sys.stdout = _PacifyFlush(sys.stdout)
        sys.stderr = _PacifyFlush(sys.stderr)
        sys.exit(1)
    sys.exit(code)


class _PacifyFlush:
    """click's ``PacifyFlushWrapper``: a stream whose ``flush`` ignores a closed pipe."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        import errno

        try:
            self.wrapped.flush()
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.wrapped, attr)
