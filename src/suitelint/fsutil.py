"""Atomic file writes: an interrupted run leaves the previous file intact (DESIGN.md §8).

Modes: a file suitelint replaces keeps its own mode; a new file gets ``0666`` less the
umask, as ``>`` in a shell would give it (a temp file alone would be ``0600``). Reports are
read by other steps and other users (artifact uploads, web servers, a CI's code-scanning
upload); who may read them is the umask's to decide, so ``umask 077`` keeps them private.
None of them holds a secret: secrets never reach any output.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from _contextvars import ContextVar  # contextvars.ContextVar, without its module
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import msgspec

from suitelint.errors import SourceError, SuitelintError
from suitelint.lazyre import lazy

#: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: an open descriptor, written as is
_FD_PATH = lazy(r"/dev/std(out|err)|/(?:dev|proc/self)/fd/(\d+)")


def _special_target(target: Path) -> bool:
    """A descriptor path, a FIFO, a device or a socket: written through, never replaced
    (a rename over ``/dev/null`` run as root replaced the machine's ``/dev/null``)."""
    if _FD_PATH.fullmatch(str(target)):
        return True
    try:
        mode = target.stat().st_mode  # through symlinks: where the bytes would go
    except OSError:
        return False  # nothing there yet (or unreadable): the atomic path says why
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_through(target: Path, data: Iterable[bytes]) -> None:
    import sys

    shown = str(target)
    match = _FD_PATH.fullmatch(shown)
    try:
        if match:
            fd = {"out": 1, "err": 2}[match.group(1)] if match.group(1) else int(match.group(2))
            sys.stdout.flush()  # what Python already holds for the stream goes first
            sys.stderr.flush()
            for chunk in data:
                _write_all(fd, chunk)
            return
        try:  # non-blocking: a FIFO nobody reads is an error, not a hang
            fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise SourceError(
                    "cannot write: no process is reading this FIFO (start the reader first)",
                    shown,
                ) from None
            raise
        try:
            os.set_blocking(fd, True)
            for chunk in data:
                _write_all(fd, chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise SourceError(f"cannot write: {exc.strerror or exc}", shown) from None


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder, fsync, rename.

    A FIFO, a device (``/dev/null``), a socket or a descriptor path (``/dev/stdout``) is
    written through instead, never replaced: those are streams, with nothing to keep.
    """
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: str | os.PathLike[str], chunks: Iterable[bytes | str]) -> None:
    """:func:`atomic_write_bytes` of a document produced piece by piece (``str`` pieces
    as UTF-8): each piece goes to the temp file as it is produced, so a large report is
    never whole in memory. If producing or writing fails (or the process is killed), the
    temp file is never renamed: ``path`` keeps its previous content, whole. A stream
    (FIFO, device, descriptor) is written through as the pieces come."""
    pieces = (chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in chunks)
    target = Path(path)
    if _special_target(target):
        _write_through(target, pieces)
        return
    folder = target.parent if str(target.parent) else Path()
    import tempfile  # only commands that write a file need it (and random, which it imports)

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SourceError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
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


def _umask() -> int:
    """The process's umask, read without changing it where Linux says it (``/proc``)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text("ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere: set and restore (suitelint writes from one thread)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The mode of the file being replaced, else 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


MAX_INPUT_BYTES = 512 * 1024 * 1024
_CHUNK = 1 << 20

#: what a refused path may do instead (a path from a config file)
NAME_IT = "name it on the command line to read it"


class InputRules(msgspec.Struct, frozen=True):
    """How one run reads its inputs: set for the run by :func:`input_rules`, never global.
    (A Struct, not a dataclass: a dataclass compiles its methods at every start-up.)"""

    #: read FIFOs and character devices given as inputs (``--special-inputs``: process
    #: substitution, ``/dev/stdin``); off by default, so nothing can make a run hang or
    #: read ``/dev/zero`` until memory runs out
    special_inputs: bool = False
    #: paths that did not come from the command line (a config file's ``sources``,
    #: ``policies`` and ``baseline``, a policy test's files), by normalised path: the
    #: project folder each must stay inside, and what to do instead
    confined: Mapping[str, tuple[Path, str]] = msgspec.field(default_factory=dict)


_RULES: ContextVar[InputRules | None] = ContextVar("suitelint_input_rules", default=None)
#: outside any run: regular files only, nothing confined
_OUTSIDE_A_RUN = InputRules()


def current_rules() -> InputRules:
    """The input rules in force."""
    return _RULES.get() or _OUTSIDE_A_RUN


@contextlib.contextmanager
def input_rules(
    *,
    special_inputs: bool | None = None,
    confine: Iterable[str] = (),
    project: Path | None = None,
    remedy: str = NAME_IT,
) -> Iterator[InputRules]:
    """Within the block, the rules in force plus these: ``special_inputs`` if given, and
    ``confine``'s paths refused when they (through a symlink, anywhere on the way) lead
    outside ``project``. Paths named on the command line are the user's choice: never
    pass them here. On leaving the block the previous rules are back, so one run (or
    one test of an in-process CLI) leaves nothing behind for the next."""
    current = current_rules()
    confined = dict(current.confined)
    if project is not None:
        confined.update({os.path.normpath(path): (project, remedy) for path in confine})
    token = _RULES.set(
        InputRules(current.special_inputs if special_inputs is None else special_inputs, confined)
    )
    try:
        yield current_rules()
    finally:
        _RULES.reset(token)


@contextlib.contextmanager
def reading(path: str | os.PathLike[str]) -> Iterator[None]:
    """Name ``path`` on any unexpected exception raised while it is read and parsed, so
    that even a bug's one-line message says which input caused it (``cli.main``)."""
    try:
        yield
    except SuitelintError:
        raise
    except Exception as exc:
        if not hasattr(exc, "suitelint_input"):
            with contextlib.suppress(AttributeError, TypeError):  # immutable exceptions
                exc.suitelint_input = str(path)  # type: ignore[attr-defined]
        raise


def check_confined(path: Path, what: str) -> None:
    """If the run confines ``path`` (:func:`input_rules`), refuse it when it leads
    outside its project."""
    rule = current_rules().confined.get(os.path.normpath(path))
    if rule is not None:
        check_inside(path, rule[0], str(path), what, rule[1])


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_inside(path: Path, project: Path, shown: str, what: str, remedy: str = NAME_IT) -> None:
    """``path``, with every symlink resolved, is inside ``project``; else a ``SourceError``
    that names neither the target nor anything in it."""
    try:
        target = path.resolve(strict=True)
        inside = project.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a loop, a dangling link
        reason = getattr(exc, "strerror", None) or "symlink loop"
        raise SourceError(f"cannot read {what}: {reason}", shown) from None
    if not target.is_relative_to(inside):
        lexical = Path(os.path.normpath(path.absolute())).is_relative_to(
            os.path.normpath(project.absolute())
        )
        how = "is a symlink leading outside" if lexical else "is outside"
        raise SourceError(f"{what} {how} the project folder {str(project)!r}; {remedy}", shown)


def read_input(
    path: Path,
    *,
    limit: int = MAX_INPUT_BYTES,
    what: str = "file",
    within: Path | None = None,
    shown: str | None = None,
) -> bytes:
    """Every input file is read here (snapshots, CSV exports, SDF objects, policies,
    baselines, configs, policy tests): one located ``SourceError`` for every failure.

    * only a regular file, unless the run allows special inputs (:func:`input_rules`,
      ``--special-inputs``): a FIFO, a device or a
      socket is refused from its ``fstat``, before anything is read; the file is opened
      non-blocking, so a FIFO without a writer never hangs;
    * ``within``: the project folder a discovered or configured path must stay inside
      after resolving symlinks (else the run's :func:`input_rules` say); a path named on
      the command line may lead anywhere;
    * the size limit is checked before reading and enforced while reading (a file may
      grow, a special file has no size);
    * no error repeats anything of the file's content.
    """
    shown = str(path) if shown is None else shown
    if "\x00" in os.fspath(path):  # from a config's or snapshot's text: no file has one
        raise SourceError(f"cannot read {what}: a file name cannot hold a NUL byte", shown)
    rules = current_rules()
    if within is not None:
        check_inside(path, within, shown, what)
    elif (rule := rules.confined.get(os.path.normpath(path))) is not None:
        check_inside(path, rule[0], shown, what, rule[1])
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise SourceError(f"expected a {what}, found a directory", shown) from None
        if exc.errno == errno.ENXIO:  # a socket
            raise SourceError(f"{what} must be a regular file, found a socket", shown) from None
        raise SourceError(f"cannot read {what}: {exc.strerror or exc}", shown) from None
    try:
        info = os.fstat(fd)
        regular = stat.S_ISREG(info.st_mode)
        if not regular and (stat.S_ISDIR(info.st_mode) or not rules.special_inputs):
            if stat.S_ISDIR(info.st_mode):
                raise SourceError(f"expected a {what}, found a directory", shown)
            raise SourceError(
                f"{what} must be a regular file, found {_kind(info.st_mode)} "
                "(--special-inputs reads FIFOs and devices)",
                shown,
            )
        if regular and info.st_size > limit:
            raise SourceError(f"{what} is {info.st_size} bytes; the limit is {limit} bytes", shown)
        if not regular:  # the user asked for it: wait for the writer
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        want = info.st_size + 1 if regular else _CHUNK  # a regular file in one read
        while True:
            chunk = os.read(fd, min(max(want, _CHUNK), limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise SourceError(f"{what} is larger than the limit of {limit} bytes", shown)
        return b"".join(chunks)
    except OSError as exc:
        raise SourceError(f"cannot read {what}: {exc.strerror or exc}", shown) from None
    finally:
        os.close(fd)
