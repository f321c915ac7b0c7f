"""Console entry point: ``suitelint --version`` answers before typer is imported, and so
does a ``check`` whose command line :func:`suitelint.checkcmd.fast_main` fully
understands (the pull-request case); everything else goes to typer (``cli``)."""

from __future__ import annotations

import os
import sys


def import_msgspec() -> None:
    """Import msgspec as it imports itself where ``typing_extensions`` is not installed.

    msgspec takes two names from ``typing_extensions`` when it can: ``get_type_hints``
    (called as ``get_type_hints(obj, include_extras=True)``) and ``Required`` /
    ``NotRequired``. On every Python suitelint supports (3.11+) these are ``typing``'s own
    objects or, for ``get_type_hints`` on 3.11 and 3.12, a wrapper that returns
    ``typing.get_type_hints(obj, include_extras=True)`` unchanged; so msgspec falls back
    to exactly what it would call. Importing ``typing_extensions`` (and the ``inspect``
    it imports) was a tenth of a check's start-up. The module is hidden only while
    msgspec is imported: anything imported later gets the real one.
    """
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # import fails
    try:
        import msgspec  # noqa: F401
    finally:
        if sys.modules.get("typing_extensions", ...) is None:
            del sys.modules["typing_extensions"]


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from suitelint import __version__

        sys.stdout.write(f"suitelint {__version__}\n")
        return
    # A run allocates hundreds of thousands of short-lived, acyclic objects (findings,
    # links, locations); with the default thresholds the collector's full passes over them
    # cost a third of a large check. Collect rarely instead (as mypy does): cycles are
    # still freed, memory stays bounded.
    import gc

    gc.set_threshold(200_000, 30, 30)
    import_msgspec()
    try:
        if sys.argv[1:2] == ["check"]:
            from suitelint.checkcmd import fast_main

            fast_main(sys.argv[2:])  # exits when it read the command line itself
        from suitelint.cli import main as cli_main

        cli_main()
        code: str | int | None = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):
        sys.exit(code)  # a message: Python prints it and exits 1
    # Everything is written. Freeing a large account's objects one by one would take a
    # tenth of a second more (mypy leaves the same way): flush, and leave now.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. a closed pipe: let Python report it as it always does
        sys.exit(code)
    os._exit(code or 0)
