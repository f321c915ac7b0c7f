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
    # A run allocates hundreds of thousands of objects it keeps to the end (findings,
    # links, locations) and frees the rest by reference counting: its garbage is
    # acyclic. The collector only walks what is alive: with the default thresholds its
    # passes cost a third of a large check, with (200_000, 30, 30) still 0.18 s of the
    # large benchmark's baseline check (four young passes over the findings). A console
    # run is one batch, so it runs without: peak RSS was unchanged to the KiB's noise on
    # every benchmark input (check of large as text and SARIF, of the SDF project, of
    # medium as YAML, blast-radius, 16,000 custom records). A caller in the same process
    # (the tests, cli.main) keeps its collector.
    import gc

    gc.disable()
    from suitelint.leanimport import import_datetime

    import_datetime()  # before msgspec, which imports it
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
