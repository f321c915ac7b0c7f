"""Atomic file writes: an interrupted run leaves the previous file intact (DESIGN.md §8)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from suitelint.errors import SourceError


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder, fsync, rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SourceError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise SourceError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


MAX_INPUT_BYTES = 512 * 1024 * 1024


def read_input(path: Path, *, limit: int = MAX_INPUT_BYTES, what: str = "file") -> bytes:
    """Read an input file, turning every OS failure into a located ``SourceError``."""
    try:
        if path.is_dir():
            raise SourceError(f"expected a {what}, found a directory", str(path))
        size = path.stat().st_size
        if size > limit:
            raise SourceError(f"{what} is {size} bytes; the limit is {limit} bytes", str(path))
        return path.read_bytes()
    except SourceError:
        raise
    except OSError as exc:
        raise SourceError(f"cannot read {what}: {exc.strerror or exc}", str(path)) from None
