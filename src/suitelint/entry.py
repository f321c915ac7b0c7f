"""Console entry point: ``suitelint --version`` answers before typer is imported."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from suitelint import __version__

        sys.stdout.write(f"suitelint {__version__}\n")
        return
    from suitelint.cli import main as cli_main

    cli_main()
