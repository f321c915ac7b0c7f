"""Console entry point: ``suitelint --version`` answers before typer is imported."""

from __future__ import annotations

import sys


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
    from suitelint.cli import main as cli_main

    cli_main()
