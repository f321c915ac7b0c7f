"""Files of the cache folder: where it is, and reading and writing its entries.

The policy cache (:mod:`suitelint.policy.cache`) and the SDF cache
(:mod:`suitelint.sources.sdfcache`) keep their entries in folders of their own under one
cache folder: ``$SUITELINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/suitelint``, else
``~/.cache/suitelint``; ``SUITELINT_NO_CACHE=1`` turns every cache off. An entry is read
only from a regular file of bounded size (never blocking on a FIFO) and written
atomically; neither ever raises: a cache that cannot be read or written is no cache.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

# The interpreter's own BLAKE2b (``_blake2``, built into CPython): hashlib starts OpenSSL
# when imported, which costs more than reading a small policy, and the interpreter's own
# SHA-256 hashes ~4x slower (the 209 kB of a 20-role SDF project: 11 M instructions, 4 M
# with BLAKE2b). BLAKE2b with a 32-byte digest is as collision-resistant as SHA-256.
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

#: entries larger than this are not read
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def new_digest() -> Any:
    """A BLAKE2b hash object with a 32-byte digest (the interpreter's own), for keys."""
    return blake2b(digest_size=32)


def root() -> Path | None:
    """The cache folder, or None when caching is off (or no home folder is known)."""
    if os.environ.get("SUITELINT_NO_CACHE"):
        return None
    explicit = os.environ.get("SUITELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "suitelint"
    try:
        return Path.home() / ".cache" / "suitelint"
    except (RuntimeError, KeyError):  # no home folder: no cache
        return None


def read_entry(path: Path) -> bytes | None:
    """The bytes of a regular file, or None (never blocks on a FIFO, never raises)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            blob = handle.read()  # sized by fstat (a read(n) would allocate n bytes)
        return blob if len(blob) <= MAX_ENTRY_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


def store(where: Path, key: str, blob: bytes) -> None:
    """Write ``blob`` as the entry ``key`` of the folder ``where`` (atomically, the folder
    made with mode 0700); never raises."""
    from suitelint.errors import SuitelintError
    from suitelint.fsutil import atomic_write_bytes

    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(where / key, blob)
    except (OSError, SuitelintError):
        return  # an unwritable cache is no cache
