"""Files of the cache folder: where it is, and reading and writing its entries.

The policy cache (:mod:`suitelint.policy.cache`) and the SDF cache
(:mod:`suitelint.sources.sdfcache`) keep their entries in folders of their own under one
cache folder: ``$SUITELINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/suitelint``, else
``~/.cache/suitelint``; ``SUITELINT_NO_CACHE=1`` turns every cache off. An entry is read
only from a regular file of bounded size (never blocking on a FIFO) and written
atomically; neither ever raises: a cache that cannot be read or written is no cache.

Every entry is sealed: it starts with a keyed BLAKE2b-256 MAC of its name, its folder's
name and its bytes, made with a secret that is not in the cache folder, and an entry
whose MAC does not verify is no entry. So a file dropped into the folder, or a folder
restored from a cache that another job wrote (a pull request's, say), cannot change what
a policy or an SDF project reads as: only a run holding the secret can write an entry it will trust. The
secret is ``$SUITELINT_CACHE_SECRET`` when set (a CI job that keeps its cache folder
between runs sets it from a secret that untrusted jobs do not get), else the 32 bytes of
``$XDG_STATE_HOME/suitelint/cache-secret`` (else ``~/.local/state/suitelint/...``),
made at random on first use, mode 0600. A secret file that is not a regular file of 32
bytes, is open to other users, or lies inside the cache folder is not used; without a
secret there is no cache (never an error).
"""

from __future__ import annotations

import contextlib
import functools
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
# The constant-time comparison hmac.compare_digest is (hmac imports hashlib: see above).
try:
    from _operator import _compare_digest as compare_digest
except ImportError:  # pragma: no cover - another Python
    from hmac import compare_digest  # type: ignore[no-redef]

#: entries larger than this are not read
MAX_ENTRY_BYTES = 64 * 1024 * 1024
#: the MAC that starts every entry, and the size of a secret file
MAC_BYTES = 32
SECRET_BYTES = 32


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
    """The bytes of the entry in ``path`` (its MAC verified and taken off), or None: no
    such regular file, one that is too large, or one not sealed with this run's secret
    (never blocks on a FIFO, never raises)."""
    blob = _read_regular(path, MAX_ENTRY_BYTES + MAC_BYTES)
    return None if blob is None else unseal(path, blob)


def store(where: Path, key: str, blob: bytes) -> None:
    """Write ``blob``, sealed, as the entry ``key`` of the folder ``where`` (atomically,
    the folder made with mode 0700); without a secret nothing is written; never raises."""
    from suitelint.errors import SuitelintError
    from suitelint.fsutil import atomic_write_bytes

    sealed = seal(where / key, blob)
    if sealed is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(where / key, sealed)
    except (OSError, SuitelintError):
        return  # an unwritable cache is no cache


def seal(path: Path, blob: bytes) -> bytes | None:
    """``blob`` as the entry ``path`` is stored: its MAC, then its bytes (None without a
    secret)."""
    key = secret()
    return None if key is None else _mac(key, path, blob) + blob


def unseal(path: Path, sealed: bytes) -> bytes | None:
    """The bytes of ``sealed``, the stored entry ``path``, or None when its MAC is not this
    secret's MAC of the entry's name, its folder's name and its bytes (or there is no
    secret)."""
    key = secret()
    if key is None or len(sealed) < MAC_BYTES:
        return None
    blob = sealed[MAC_BYTES:]
    return blob if compare_digest(sealed[:MAC_BYTES], _mac(key, path, blob)) else None


def _mac(key: bytes, path: Path, blob: bytes) -> bytes:
    """The MAC of an entry: of its folder's name and its own (an entry moved to another
    name or cache does not verify) and its bytes."""
    mac = blake2b(digest_size=MAC_BYTES, key=key, person=b"suitelint-entry")
    for part in (path.parent.name, path.name):
        encoded = part.encode("utf-8", "surrogateescape")
        mac.update(len(encoded).to_bytes(8, "big"))
        mac.update(encoded)
    mac.update(blob)
    return bytes(mac.digest())


@functools.cache
def secret() -> bytes | None:
    """The secret entries are sealed with (see the module), or None: no cache."""
    given = os.environ.get("SUITELINT_CACHE_SECRET")
    if given:
        derived = blake2b(given.encode("utf-8", "surrogateescape"), person=b"suitelint-secret")
        return bytes(derived.digest()[:SECRET_BYTES])
    where = _state_folder()
    top = root()
    if where is None or top is None or _inside(where, top):
        return None  # a secret beside the entries would seal nothing
    path = where / "cache-secret"
    found = _read_secret(path)
    if found is None and not os.path.lexists(path):
        _make_secret(where, path)
        found = _read_secret(path)
    return found


def _state_folder() -> Path | None:
    xdg = os.environ.get("XDG_STATE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "suitelint"
    try:
        return Path.home() / ".local" / "state" / "suitelint"
    except (RuntimeError, KeyError):  # no home folder: no secret
        return None


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or in it, as written (symlinks are not resolved)."""
    return path.absolute().is_relative_to(folder.absolute())


def _read_secret(path: Path) -> bytes | None:
    """The secret file's 32 bytes, or None: missing, not a regular file (a symlink is not
    followed), of another size, open to other users, or another user's."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | _NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != SECRET_BYTES:
            return None
        if hasattr(os, "geteuid") and (info.st_mode & 0o077 or info.st_uid != os.geteuid()):
            return None  # another user could read (or write) it
        blob = os.read(fd, SECRET_BYTES + 1)
        return blob if len(blob) == SECRET_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _make_secret(where: Path, path: Path) -> None:
    """Write a new random secret to ``path``, whole or not at all: written to a file of its
    own, then linked into place (a run that lost the race reads the winner's)."""
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = where / f".cache-secret.{os.getpid()}.{os.urandom(4).hex()}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError:
        return
    try:
        try:
            os.write(fd, os.urandom(SECRET_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(temp, path)
    except OSError:
        return  # another run made it first (or the folder is not ours to write)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, or None (never blocks on a
    FIFO, never raises)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            blob = handle.read()  # sized by fstat (a read(n) would allocate n bytes)
        return blob if len(blob) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
