"""Sources as they were at a git ref, read through git without touching the work tree.

Pull-request mode (DESIGN.md §1.1, §5): ``check --base origin/main`` evaluates the sources
at the base ref and in the work tree and reports only what the change introduces.
Findings are matched on :attr:`~suitelint.findings.Finding.identity` (rule, subject
scriptid/id, permkey, qualifier), never on lines, so an unrelated edit that shifts lines
does not resurrect old findings. Findings that already existed at the base are kept,
suppressed with kind ``base`` (waived and baselined findings are never silently dropped,
§5); findings the change fixed are simply gone.

``diff`` uses the same reader for its ``GIT-REF:path`` arguments.

Files come out of git with ``git archive`` into a private temporary folder (extracted
with :mod:`tarfile`'s ``data`` filter: no absolute paths, no links out of the folder, no
device files), so the checked-out files, the index and HEAD are never touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from suitelint.errors import Problem, SourceError, SuitelintError
from suitelint.findings import Finding, Suppression

if TYPE_CHECKING:
    from suitelint.catalog import Catalog
    from suitelint.model import Snapshot

log = logging.getLogger(__name__)

#: a git command that does not answer within this many seconds is an error, not a hang
GIT_TIMEOUT = 120


@dataclass(frozen=True, slots=True)
class Repo:
    """A git work tree and a commit in it."""

    top: Path
    commit: str


def _git(top: Path | str, *args: str, stdout: int | object = subprocess.PIPE) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(top), *args],
            stdout=stdout,  # type: ignore[arg-type]  # PIPE or an open file
            stderr=subprocess.PIPE,
            timeout=GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise SourceError("git is not installed or not on PATH; --base needs git") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"git {args[0]} took longer than {GIT_TIMEOUT} s", str(top)) from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise _GitFailed(message[-1] if message else f"git {args[0]} failed")
    out = done.stdout
    return out.decode(errors="replace") if isinstance(out, bytes) else ""


class _GitFailed(Exception):
    pass


def _existing_folder(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def repo_of(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None outside any."""
    try:
        top = _git(_existing_folder(path.absolute()), "rev-parse", "--show-toplevel").strip()
    except _GitFailed:
        return None
    return Path(top) if top else None


def resolve_ref(top: Path, ref: str) -> str:
    """The commit ``ref`` names in the repository at ``top``; SourceError if none."""
    if not ref or ref.startswith("-"):
        raise SourceError(f"{ref!r} is not a git ref")
    try:
        return _git(
            top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
        ).strip()
    except _GitFailed:
        pass
    try:
        _git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except _GitFailed:  # a fresh repository: no ref names a commit yet
        raise SourceError(
            f"git ref {ref!r}: the repository {top} has no commits yet, so there is nothing "
            "to compare with (commit first, or check without --base)"
        ) from None
    shallow = ""
    try:
        if _git(top, "rev-parse", "--is-shallow-repository").strip() == "true":
            # actions/checkout fetches one commit of the pull request by default
            shallow = (
                "; this clone is shallow, as actions/checkout makes it by default: fetch "
                "the base too (git fetch --depth=1 origin main), or check out with "
                "fetch-depth: 0"
            )
    except _GitFailed:
        pass
    raise SourceError(
        f"unknown git ref {ref!r} in {top} (fetch it first, e.g. git fetch origin main)" + shallow
    )


def _relative(path: Path, top: Path) -> str:
    absolute = Path(os.path.realpath(path.absolute()))
    try:
        rel = absolute.relative_to(Path(os.path.realpath(top))).as_posix()
    except ValueError:
        raise SourceError(f"{path} is not inside the git work tree {top}") from None
    return "" if rel == "." else rel  # the top itself ("<commit>:." names nothing in git)


def _exists_at(repo: Repo, rel: str) -> bool:
    try:
        _git(repo.top, "cat-file", "-e", f"{repo.commit}:{rel}" if rel else repo.commit)
    except _GitFailed:
        return False
    return True


def _tracked(top: Path, rel: str) -> bool:
    """Does git track ``rel`` (a file, or any file under a folder) in the index?"""
    try:
        out = _git(top, "ls-files", "--cached", "-z", "--", f":(literal){rel or '.'}")
    except _GitFailed:
        return True  # when in doubt, read it from the ref as before
    return bool(out)


def _extract(repo: Repo, rel: str, dest: Path) -> None:
    """``git archive`` of ``rel`` at the commit, unpacked under ``dest`` (same layout)."""
    pathspec = [f":(literal){rel}"] if rel else []
    with tempfile.TemporaryFile() as archive:
        try:
            _git(repo.top, "archive", "--format=tar", repo.commit, "--", *pathspec, stdout=archive)
        except _GitFailed as exc:
            raise SourceError(f"cannot read {rel or '.'} at {repo.commit[:12]}: {exc}") from None
        archive.seek(0)
        try:
            with tarfile.open(fileobj=archive, mode="r:") as tar:
                tar.extractall(dest, filter=_inside)
        except (tarfile.TarError, OSError) as exc:
            why = str(exc).replace(str(dest) + os.sep, "")  # paths as the repository has them
            raise SourceError(f"cannot unpack {rel or '.'} at {repo.commit[:12]}: {why}") from None


def _inside(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's ``data`` filter, except that a link pointing out of the folder (an IDE's
    ``.idea/x.pkey -> ../../Credentials/x.pkey``) is left out instead of failing the
    whole base: it is not SDF XML, and the work tree's reader does not follow it either.
    Every other refusal of the filter (an absolute or ``..`` member name) still fails."""
    try:
        return tarfile.data_filter(member, dest)
    except (tarfile.LinkOutsideDestinationError, tarfile.AbsoluteLinkError):
        log.debug("%s links out of the checkout: left out", member.name)
        return None


@dataclass(frozen=True, slots=True)
class Checkout:
    """Source paths as they are at a ref: each is a path under a temporary folder (or
    the path itself when it lies outside any git work tree or is untracked or ignored in
    it, so it is the same on both sides), or None when the path did not exist at the ref."""

    ref: str
    paths: tuple[str | None, ...]
    shown: dict[str, str]

    def rename(self, error: SuitelintError) -> SuitelintError:
        """The error with temporary paths shown as ``REF:path``."""
        problems, notices = (
            [Problem(self.show(p.path), self.show_in(p.message), p.line, p.column) for p in listed]
            for listed in (error.problems, error.notices)
        )
        return type(error)("", problems=problems, notices=notices)

    def show_in(self, message: str) -> str:
        """``message`` with the temporary paths it names (a scriptid defined twice, in
        two files; the projects of a folder read as one account) shown as ``REF:path``
        too. The longest first: one source's folder (``.../1``) begins another's
        (``.../10``)."""
        for temp, shown in sorted(self.shown.items(), key=lambda item: -len(item[0])):
            message = message.replace(temp, shown)
        return message

    def show(self, path: str) -> str:
        for temp, shown in self.shown.items():
            if path == temp or path.startswith(temp + os.sep):
                return shown + path[len(temp) :]
        return path


#: the work tree of each source (None outside any), and the commit a ref names in each
Commits = tuple[list[Path | None], dict[Path, str]]


def verify_ref(ref: str, sources: Sequence[str]) -> Commits:
    """Raise the SourceError :func:`checkout` would for ``ref`` (not a repository, an
    unknown ref), without reading anything: so that a run can report it together with
    what is wrong with the sources themselves. What it resolved is handed to
    :func:`checkout` (``resolved``), which then asks git none of it again."""
    return _commits(ref, sources, require_repo=True)


def _commits(ref: str, sources: Sequence[str], *, require_repo: bool) -> Commits:
    tops = [repo_of(Path(source)) for source in sources]
    if require_repo and not any(tops):
        raise SourceError(
            f"not a git repository: --base {ref} needs sources inside a git work tree",
            ", ".join(sources),
        )
    commits: dict[Path, str] = {}
    for top in tops:
        if top is not None and top not in commits:
            commits[top] = resolve_ref(top, ref)
    return tops, commits


@contextlib.contextmanager
def checkout(
    ref: str,
    sources: Sequence[str],
    *,
    require_repo: bool = True,
    resolved: Commits | None = None,
) -> Iterator[Checkout]:
    """Materialise ``sources`` as they are at ``ref`` in a temporary folder, removed on
    exit. Raises SourceError when no source is inside a git work tree (if
    ``require_repo``) or when ``ref`` is unknown; ``resolved``: what :func:`verify_ref`
    found for the same ref and sources."""
    if resolved is None:
        resolved = _commits(ref, sources, require_repo=require_repo)
    tops, commits = resolved
    temp = Path(tempfile.mkdtemp(prefix="suitelint-base-"))
    try:
        paths: list[str | None] = []
        shown: dict[str, str] = {}
        for index, (source, top) in enumerate(zip(sources, tops, strict=True)):
            if top is None:
                paths.append(source)
                continue
            repo = Repo(top, commits[top])
            rel = _relative(Path(source), top)
            if Path(source).exists() and not _tracked(top, rel):
                # Untracked or ignored in the work tree (an account snapshot kept out of the
                # repository): not part of the change, so the same on both sides.
                log.debug("%s is not tracked by git: the same at %s", source, ref)
                paths.append(source)
                continue
            if not _exists_at(repo, rel):
                log.debug("%s does not exist at %s", source, ref)
                paths.append(None)
                continue
            dest = temp / str(index)
            dest.mkdir()
            _extract(repo, rel, dest)
            local = dest / rel if rel else dest
            paths.append(str(local))
            shown[str(local)] = f"{ref}:{source}"
        from suitelint.sources.sdfcache import not_kept

        with not_kept():  # the folder is used once: an SDF entry would never be found again
            yield Checkout(ref, tuple(paths), shown)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _held_level(finding: Finding) -> int:
    """The level the finding's permission is held at, from its chain (0 when none)."""
    from suitelint.model import LEVEL_BY_NAME

    if finding.permkey is None:
        return 0
    for link in reversed(finding.chain):
        if link.kind in ("permission", "global_permission") and link.id == finding.permkey:
            return int(LEVEL_BY_NAME.get(link.detail, 0))
    return 0


def mark_base(
    findings: Iterable[Finding], base: Iterable[Finding], ref: str
) -> tuple[Finding, ...]:
    """Findings whose identity already exists at the base, suppressed with kind
    ``base``; the others (what the change introduces) stay active. A finding whose
    permission the change raised (VIEW at the base, FULL now) is an escalation of the
    change: it stays active, attributed to its <permkey> line. A finding already
    suppressed (a waiver) keeps its own suppression."""
    known = {finding.identity: finding for finding in base}
    reason = f"already present at {ref}"
    result = []
    for f in findings:
        before = known.get(f.identity) if f.suppression is None else None
        if before is None:
            result.append(f)
            continue
        was, now = _held_level(before), _held_level(f)
        if now > was > 0:
            from suitelint.model import Level

            text = f"{f.message} (raised from {Level(was).name} at {ref})"
            result.append(msgspec.structs.replace(f, message=text))
        else:
            result.append(f.suppress(Suppression("base", reason)))
    return tuple(result)


def split_spec(spec: str) -> tuple[str | None, str]:
    """``GIT-REF:path`` → (ref, path); a path that exists, or has no colon, → (None, spec).
    An existing path wins, so a file whose name holds a colon is still a file."""
    if Path(spec).exists() or ":" not in spec:
        return None, spec
    ref, _, path = spec.partition(":")
    return ref, path or "."


class Side(msgspec.Struct, frozen=True):
    """One side of a comparison (``diff``, ``drift``): its snapshot, and what reading it
    noticed and warned about (see :class:`suitelint.sources.Loaded`)."""

    snapshot: Snapshot
    notices: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def load_spec(
    spec: str,
    extra: Sequence[str],
    catalog: Catalog,
    *,
    date_format: str | None = None,
    absent_is_empty: bool = False,
) -> Side:
    """The snapshot ``spec`` names (a path, or ``GIT-REF:path`` read through git), merged
    with the ``extra`` sources (as they are in the work tree). Files read from git are
    shown as ``REF:path`` in locations and errors. An empty side is allowed here: the
    caller decides whether "nothing" is an error. ``date_format``: of the CSV exports.

    A path the ref does not have is an error, unless ``absent_is_empty`` (the before side
    of ``diff``: a project the change adds, as ``check --base`` reads it): then it is
    read as an empty project, with a warning that says so (a mistyped path then shows
    every role as added, an escalation, never a pass)."""
    from suitelint.sources import load_sources

    ref, path = split_spec(spec)
    if ref is None:
        loaded = load_sources([path, *extra], catalog, allow_empty=True, date_format=date_format)
        return Side(loaded.snapshot, loaded.notice_lines(), loaded.notes)
    with checkout(ref, [path]) as tree:
        (local,) = tree.paths
        if local is None:
            if not absent_is_empty:
                raise SourceError(f"{path} does not exist at {ref}", spec)
            note = f"{path} does not exist at {ref}: read as an empty project (all of it is new)"
            if not extra:
                from suitelint.model import Snapshot

                return Side(Snapshot(), (), (note,))
            loaded = load_sources(extra, catalog, allow_empty=True, date_format=date_format)
            return Side(loaded.snapshot, loaded.notice_lines(), (note, *loaded.notes))
        try:
            loaded = load_sources(
                [local, *extra], catalog, allow_empty=True, date_format=date_format
            )
        except SuitelintError as error:
            raise tree.rename(error) from None
        notices = tuple(tree.show_in(line) for line in loaded.notice_lines())
        notes = tuple(tree.show_in(note) for note in loaded.notes)
    snapshot = loaded.snapshot
    shown = msgspec.structs.replace(
        snapshot,
        roles=tuple(
            msgspec.structs.replace(r, path=tree.show(r.path)) if r.path else r
            for r in snapshot.roles
        ),
        integrations=tuple(
            msgspec.structs.replace(i, path=tree.show(i.path)) if i.path else i
            for i in snapshot.integrations
        ),
    )
    return Side(shown, notices, notes)
