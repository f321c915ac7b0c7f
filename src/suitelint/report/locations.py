"""Paths in reports: relative to the folder suitelint runs in (the repository root in CI).

GitHub code scanning and workflow annotations match a report's paths against the
repository's files, so a path must be relative, with forward slashes. A path given
relative stays as given (normalised); an absolute path inside the working folder is made
relative to it; anything else stays absolute.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePath


def relative_path(path: str) -> str:
    """``path`` as a forward-slash path relative to the working folder where possible."""
    pure = PurePath(path)
    if pure.is_absolute():
        try:
            pure = Path(path).resolve().relative_to(Path.cwd().resolve())
        except (ValueError, OSError):
            return pure.as_posix()
    text = posixpath.normpath(pure.as_posix())
    return "" if text == "." else text


def in_repository(path: str) -> bool:
    """False for places that are not files of the repository: ``builtin:<pack>`` policies."""
    return bool(path) and not path.startswith("builtin:")
