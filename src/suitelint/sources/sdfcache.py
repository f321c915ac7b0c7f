"""The SDF cache: what an SDF project read as, found by the bytes of its files.

Reading SDF object XML needs lxml; importing it (with the ``inspect`` and ``gzip`` it
imports) and parsing is about a third of a check of a 20-role project, the pull-request
case. So the result of :func:`suitelint.sources.sdf.read_sdf` for a project that read
without a problem is kept, as the policy cache keeps a policy's document
(:mod:`suitelint.policy.cache`; both in the cache folder of :mod:`suitelint.diskcache`,
both off with ``SUITELINT_NO_CACHE=1``).

Every run still walks the project (the same folders, symlink checks, sorted order) and
reads every object file, deploy.xml and manifest.xml through the same reader (size limit,
regular files, confinement): only what follows, the parsing, is skipped on a hit. The key
is a BLAKE2b-256 hash over the cache format, the suitelint version, the size and mtime of the
modules whose code decides what a project reads as, the path as given (it is in every
location) and the name and every byte of each file. A miss reads the project from the
bytes just hashed, so an entry always holds what its key's bytes read as. A project with
any problem raises as before and is never stored: its errors are found and located on
every run. An entry is msgpack decoded into the project's fixed types (never pickle),
stored only when it decodes back equal to what was read (the whole project, so a
snapshot field the entry does not hold would never be stored); an unreadable, unsealed
(:mod:`suitelint.diskcache`), corrupt or foreign entry is ignored.
"""

import contextlib
from _contextvars import ContextVar  # contextvars.ContextVar, without its module
from collections.abc import Iterator
from pathlib import Path

import msgspec

from suitelint import __version__, diskcache
from suitelint.errors import Problem, SuitelintError
from suitelint.model import CustomObject, Integration, Role, Snapshot
from suitelint.sources.inline import InlineSuppression
from suitelint.sources.sdf import SdfProject, _layout, _read, read_sdf

#: bump when what an entry holds changes
FORMAT = 2


class _Entry(msgspec.Struct, array_like=True, frozen=True):
    """What an SDF project holds (a snapshot of roles, integrations and custom objects
    only: decoding needs no type information for users, tokens or the account)."""

    format: int
    key: str
    roles: tuple[Role, ...]
    integrations: tuple[Integration, ...]
    custom_objects: tuple[CustomObject, ...]
    notices: tuple[Problem, ...]
    suppressions: tuple[InlineSuppression, ...]

    @classmethod
    def of(cls, key: str, project: SdfProject) -> "_Entry":
        snapshot = project.snapshot
        return cls(
            FORMAT,
            key,
            snapshot.roles,
            snapshot.integrations,
            snapshot.custom_objects,
            project.notices,
            project.suppressions,
        )

    def project(self) -> SdfProject:
        snapshot = Snapshot(
            roles=self.roles, integrations=self.integrations, custom_objects=self.custom_objects
        )
        return SdfProject(snapshot, self.notices, self.suppressions)


#: the modules and data whose content decides what a project's bytes read as
_READERS = (
    ("sources", "sdf.py"),
    ("sources", "sdfcache.py"),
    ("sources", "inline.py"),
    ("sdfref.py",),
    ("model.py",),
    ("restrictions.py",),
    ("errors.py",),
    ("fsutil.py",),
    ("diskcache.py",),
    ("catalog", "__init__.py"),
    ("catalog", "catalog.json"),
)


#: set while reading projects whose paths are used once (a git checkout in a temporary
#: folder): an entry keyed by such a path would never be found again
_ONCE: ContextVar[bool] = ContextVar("suitelint_sdf_once", default=False)


@contextlib.contextmanager
def not_kept() -> Iterator[None]:
    """Read SDF projects without the cache inside this block (temporary folders)."""
    token = _ONCE.set(True)
    try:
        yield
    finally:
        _ONCE.reset(token)


def folder() -> Path | None:
    """The folder of SDF entries (beside the policy cache's), or None: no cache."""
    if _ONCE.get():
        return None
    top = diskcache.root()
    return None if top is None else top / f"sdf-{FORMAT}"


def _fingerprint() -> bytes:
    top = Path(__file__).parent.parent
    parts = []
    for names in _READERS:
        try:
            info = top.joinpath(*names).stat()
        except OSError:  # a zip install: the version alone
            parts.append("/".join(names) + ":-")
            continue
        parts.append(f"{'/'.join(names)}:{info.st_size}:{info.st_mtime_ns}")
    return "\0".join(parts).encode()


def key_of(path: Path, contents: dict[Path, bytes]) -> str:
    """The key of the project at ``path`` whose files hold ``contents`` (in reading order:
    manifest.xml, deploy.xml, then the object files as the walk sorts them)."""
    digest = diskcache.new_digest()
    parts = [
        f"suitelint sdf cache {FORMAT}".encode(),
        __version__.encode(),
        _fingerprint(),
        str(path).encode("utf-8", "surrogateescape"),
    ]
    for file, data in contents.items():
        parts.append(str(file).encode("utf-8", "surrogateescape"))
        parts.append(data)
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return str(digest.hexdigest())


def read_sdf_cached(path: Path) -> SdfProject:
    """:func:`suitelint.sources.sdf.read_sdf` of ``path``, from the cache when its files
    hold the same bytes as when it was stored."""
    where = folder()
    if where is None:
        return read_sdf(path)
    try:
        contents: dict[Path, bytes] = {}
        for layout in _layout(path):  # a folder of several projects: each of them
            for file in (layout.manifest, layout.deploy, *layout.files):
                if file is not None:
                    contents[file] = _read(file, str(file))
    except SuitelintError:
        return read_sdf(path)  # it reports the problem as it always does
    key = key_of(path, contents)
    decoder = msgspec.msgpack.Decoder(_Entry)
    blob = diskcache.read_entry(where / key)
    if blob is not None:
        try:
            entry = decoder.decode(blob)
        except (msgspec.DecodeError, msgspec.ValidationError):
            entry = None
        if entry is not None and entry.format == FORMAT and entry.key == key:
            return entry.project()
    project = read_sdf(path, contents)  # raises on any problem: nothing is stored
    try:
        made = msgspec.msgpack.encode(_Entry.of(key, project))
        same = decoder.decode(made).project() == project  # all of it: nothing else read
    except (msgspec.EncodeError, msgspec.DecodeError, msgspec.ValidationError, OverflowError):
        same = False
    if same:
        diskcache.store(where, key, made)
    return project
