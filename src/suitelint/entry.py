"""Console entry point: ``suitelint --version`` answers before typer is imported, and so
does a ``check`` whose command line :func:`suitelint.checkcmd.fast_main` fully
understands (the pull-request case); everything else goes to typer (``cli``)."""

from __future__ import annotations

import os
import sys


def import_msgspec() -> None:
    """Import msgspec without the modules a run never uses (:mod:`suitelint.leanimport`)."""
    from suitelint.leanimport import import_msgspec as lean

    lean()


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
    from suitelint.leanimport import import_pathlib

    import_pathlib()
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
