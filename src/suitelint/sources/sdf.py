"""SDF projects: custom roles, integrations and custom objects from SuiteCloud object XML.

A developer's pull request changes ``src/Objects/customrole_*.xml``; suitelint reads those
files and points its findings at the ``<permkey>`` line that grants the permission
(DESIGN.md §1.1, §3). The XML arrives in pull requests, so it is untrusted:

* every file's size is checked with ``stat`` before a byte is read (:data:`MAX_XML_BYTES`);
* only regular files are read, and a symlink must stay inside the project;
* lxml parses with a locked-down parser: no DTD loading, no entity resolution, no network,
  no huge-tree mode;
* any ``<!DOCTYPE``/``<!ENTITY`` is rejected: SDF objects never carry one, and a document
  type declaration is the door for billion-laughs and external-entity attacks. The byte
  scan fails fast before parsing; the parser's own docinfo check catches what the scan
  cannot see (for example a UTF-16 file).

Field facts (element names, enums, ``T``/``F`` booleans, which line to report) are from
``shared/netsuite/sdf-customrole.md`` (Oracle SDF reference ``SDFxml_2121043136.html``,
"Custom Roles as XML Definitions" ``section_4731154857.html``).
"""

from __future__ import annotations

import codecs
import contextlib
import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

from suitelint.errors import Problem, Problems, SourceError, SuitelintError
from suitelint.fsutil import read_input, reading
from suitelint.lazyre import lazy
from suitelint.model import (
    LEVEL_BY_NAME,
    CustomObject,
    Integration,
    LevelName,
    Permission,
    RecordRestriction,
    Role,
    Snapshot,
)
from suitelint.restrictions import (
    EMPLOYEE_RESTRICTIONS,
    PERMISSION_RESTRICTIONS,
    RECORD_RESTRICTIONS,
    SUBSIDIARY_OPTIONS,
    VALUE_SHAPE,
)
from suitelint.sdfref import parse_reference
from suitelint.sources.inline import InlineSuppression, read_inline

if TYPE_CHECKING:
    from lxml import etree

#: Largest object file read. The biggest role in the corpus is about 60 KiB; 10 MiB leaves
#: room for any real object while a hostile 200 MB file is refused before it is read.
MAX_XML_BYTES = 10 * 1024 * 1024

#: Folders never walked when a bare folder is given: tool state, not SDF objects.
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})
#: walking a folder that is no Objects folder: the File Cabinet holds files, not objects
_SKIPPED_OUTSIDE_OBJECTS = _SKIPPED_DIRS | {"FileCabinet"}
#: the template file an advancedpdftemplate object comes with: never an object
_TEMPLATE_SUFFIX = ".template.xml"

_CUSTOM_OBJECT_KINDS: dict[
    str, Literal["customrecordtype", "customtransactiontype", "customsegment"]
] = {
    "customrecordtype": "customrecordtype",
    "customtransactiontype": "customtransactiontype",
    "customsegment": "customsegment",
}
# The element that names each custom object type (Oracle SDF reference, via Salto's
# generated types: customrecordtype.recordname, customtransactiontype.name, customsegment.label).
_CUSTOM_OBJECT_NAME = {
    "customrecordtype": "recordname",
    "customtransactiontype": "name",
    "customsegment": "label",
}

_SEGMENTS = ("DEPARTMENT", "CLASS", "LOCATION")
_ROLE_RESTRICTIONS = RECORD_RESTRICTIONS
_PERMISSION_RESTRICTIONS = PERMISSION_RESTRICTIONS
#: role-wide restriction fields and their enums (sdf-customrole.md §2: rolesubsidiaryoption,
#: role_fullrestrictions)
_ROLE_OPTIONS = {
    "subsidiaryoption": SUBSIDIARY_OPTIONS,
    "employeerestriction": EMPLOYEE_RESTRICTIONS,
}
_LEVELS = tuple(LEVEL_BY_NAME)
_LEVEL_SET = frozenset(_LEVELS)
_PERMISSION_RESTRICTION_SET = frozenset(PERMISSION_RESTRICTIONS)
_LIBXML_WHERE = lazy(r",\s*line \d+, column \d+\s*$")


class SdfProject(msgspec.Struct, frozen=True):
    """What an SDF source gives: the snapshot, and notes for the user (info level)."""

    snapshot: Snapshot
    notices: tuple[Problem, ...] = ()
    #: the ``suitelint-disable`` comments of the object files read (:mod:`.inline`)
    suppressions: tuple[InlineSuppression, ...] = ()


def load_sdf(path: Path) -> Snapshot:
    """The snapshot of :func:`read_sdf`."""
    return read_sdf(path).snapshot


def read_sdf(path: Path, contents: Mapping[Path, bytes] | None = None) -> SdfProject:
    """Load the SDF objects under ``path`` as SDF deploys them.

    ``path`` is a SuiteCloud project (its ``src/Objects`` is read; a project without one,
    of files only, has no objects), a project's ``src`` folder (its ``Objects`` is read),
    any other folder of SDF object XML (read recursively, skipping hidden folders,
    ``node_modules`` and the File Cabinet), or one ``.xml`` file; advanced PDF templates'
    ``*.template.xml`` files are no objects and are not read (:func:`_layout`).
    Files are read in sorted order, so the snapshot is the same on every machine.

    When the project root (the folder holding ``Objects``) has a ``deploy.xml``, only the
    objects its ``<objects><path>`` entries name are read, as SDF deploys only what
    deploy.xml lists (Oracle ``section_4737888643``); the others are counted in a notice.
    ``manifest.xml`` gives a SuiteApp's own appid (``publisherid.projectid``,
    ``section_4788674302``): a permkey naming the project's own app is its plain scriptid.

    Custom roles become roles whose every permission carries the line of its
    ``<permkey>`` element; integration objects become integration identities (SDF holds
    nothing else about them); custom record types, custom transaction types and custom
    segments become :class:`CustomObject` entries. Other objects are skipped.

    Every file is read to the end: one :class:`SourceError` then lists every problem of
    the project, sorted by file and line (unreadable, oversized, malformed or hostile XML,
    a role that breaks the SDF schema, a scriptid deployed twice, a bad deploy.xml), or
    says there is nothing to read at all (a folder with no SDF XML). A project with no
    objects is an empty snapshot, which the check refuses as it refuses any empty
    account (unless ``--allow-empty``).

    ``contents``: the bytes of files read already (by :mod:`.sdfcache`, which keys its
    entries by them), used instead of reading those files again.
    """
    layouts = _layout(path)
    given = contents or {}
    parser = _parser()  # lxml is imported here, lazily: `suitelint --version` stays fast
    problems = Problems()
    parts = [_read_project(layout, given, parser, problems) for layout in layouts]
    problems.raise_if_any(SourceError)
    if len(parts) == 1:
        return parts[0]
    # A folder of several projects: each read as SDF reads it, together one account, as
    # several sources are (an object two projects define alike is one object; defined
    # otherwise, a conflict naming both)
    from suitelint.sources.merge import merge_snapshots

    labels = [str(layout.root) if layout.root is not None else str(path) for layout in layouts]
    projects = sum(1 for layout in layouts if layout.root is not None)
    shown = ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
    loose = ""
    if projects < len(layouts):
        loose = f" and the SDF XML outside {'them' if projects != 1 else 'it'}"
    many = f"{projects} SuiteCloud project{'s' if projects != 1 else ''}"
    summary = Problem(str(path), f"{many}{loose} read as one account: {shown}")
    return SdfProject(
        merge_snapshots(
            [(label, part.snapshot) for label, part in zip(labels, parts, strict=True)]
        ),
        (summary, *(notice for part in parts for notice in part.notices)),
        tuple(suppression for part in parts for suppression in part.suppressions),
    )


def _read_project(
    layout: _Layout,
    given: Mapping[Path, bytes],
    parser: etree.XMLParser,
    problems: Problems,
) -> SdfProject:
    """One project of :func:`read_sdf` (its problems go to ``problems``)."""
    from suitelint.catalog import canonical_permkey

    notices: list[Problem] = []
    own_appid: str | None = None
    if layout.manifest is not None:
        with problems.collect():
            own_appid = _manifest_appid(layout.manifest, parser, given.get(layout.manifest))
    files = layout.files
    if layout.deploy is not None:
        patterns: tuple[_DeployPath, ...] | None = None
        with problems.collect():
            patterns = _deploy_patterns(layout.deploy, parser, given.get(layout.deploy))
        if patterns is None:
            files = []  # what is deployed is unknown: reading every copy would mislead
        else:
            assert layout.root is not None
            files, unmatched = _deployed(files, layout.root, patterns)
            notices.extend(_deploy_notices(layout, files, unmatched))
    roles: list[Role] = []
    integrations: list[Integration] = []
    custom_objects: list[CustomObject] = []
    seen: dict[str, str] = {}

    # The same few hundred permkeys recur in every role: each text is worked out once.
    canonicals: dict[str, str] = {}

    def canonical(text: str) -> str:
        key = canonicals.get(text)
        if key is not None:
            return key
        key = canonical_permkey(text)
        if own_appid is not None and key.startswith("["):
            reference = parse_reference(key)
            if reference.appid == own_appid:
                key = msgspec.structs.replace(reference, appid=None).key
        canonicals[text] = key
        return key

    def permkey_of(permission: etree._Element) -> str | None:
        text = _text(permission.find("permkey"))
        try:
            return canonical(text) if text else None
        except ValueError:
            return None  # the <permission> is reported as broken on its own

    suppressions: list[InlineSuppression] = []
    unread: list[tuple[Path, str]] = []  # loose XML that is no object and not readable
    grants: list[_Grant] = []  # custom record access given in the record's own list
    for file in files:
        shown = str(file)
        with problems.collect(), reading(file):  # a bug in what follows names the file
            data = given.get(file)
            if layout.loose:
                # Outside every Objects folder a repository keeps any XML: a file that is
                # plainly no object suitelint reads need not be well-formed (an e-mail
                # template) and may carry a DOCTYPE (a PDF template): not read, counted.
                # An object (or a file whose root cannot be told) is read as ever.
                data = data if data is not None else _read(file, shown)
                name = _not_an_object(data, shown)
                if name is not None:
                    try:
                        root = _parse(file, shown, parser, data)
                    except SourceError:
                        unread.append((file, name))
                    continue  # well-formed: an object suitelint does not judge
            root = _parse(file, shown, parser, data)
            tag = root.tag
            if isinstance(tag, str) and tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1] in (
                "role",
                "integration",
                *_CUSTOM_OBJECT_KINDS,
            ):
                _plain_tag(root, shown)  # an object suitelint reads: refused, never skipped
            if not isinstance(tag, str) or tag not in (
                "role",
                "integration",
                *_CUSTOM_OBJECT_KINDS,
            ):
                continue  # scripts, searches, workflows...: nothing suitelint judges
            # An object's scriptid must match its file name (Oracle "SDF Custom Object File
            # Structure", subsect_1537555588); the corpus has an <integration> without the
            # attribute, so the file name stands in.
            scriptid = (root.get("scriptid") or "").strip() or file.stem
            key = f"{tag}:{scriptid.lower()}"
            if key in seen:
                raise SourceError(
                    f"{tag} {scriptid!r} is defined twice, in {seen[key]} and in {shown}; "
                    "SDF deploys one object per scriptid",
                    shown,
                    _line(root),
                )
            seen[key] = shown
            found, broken = read_inline(root, scriptid, shown, permkey_of, _line)
            suppressions.extend(found)
            for problem in broken:  # beside the object's own problems, all at once
                problems.add(problem, SourceError)
            if tag == "role":
                role = _role(root, scriptid, shown, canonical)
                roles.append(role)
                notices.extend(_listed_again(role.permissions, shown))
            elif tag == "integration":
                integrations.append(
                    Integration(
                        id=scriptid,
                        scriptid=scriptid,
                        name=scriptid,
                        path=shown,
                        line=_line(root),
                    )
                )
            else:
                kind = _CUSTOM_OBJECT_KINDS[tag]
                name = _text(root.find(_CUSTOM_OBJECT_NAME[tag]))
                if kind != "customsegment":
                    grants.extend(_record_grants(root, scriptid, shown, canonical, own_appid))
                custom_objects.append(
                    CustomObject(
                        scriptid=scriptid,
                        name=name or None,
                        kind=kind,
                        path=shown,
                        line=_line(root),
                    )
                )
    if unread:
        notices.append(_unread_notice(unread))
    if grants:
        roles = _with_grants(roles, grants)
    snapshot = Snapshot(
        roles=tuple(roles),
        integrations=tuple(integrations),
        custom_objects=tuple(custom_objects),
    )
    return SdfProject(snapshot, tuple(notices), tuple(suppressions))


def _unread_notice(unread: list[tuple[Path, str]]) -> Problem:
    """The loose XML files that are no SDF objects suitelint reads and could not be read
    as XML (a DOCTYPE, not well-formed), counted by root element, with a few examples."""
    counts: dict[str, int] = {}
    for _, name in unread:
        counts[name] = counts.get(name, 0) + 1
    roots = ", ".join(f"<{name}> {count}" for name, count in sorted(counts.items()))
    where = Path(os.path.commonpath([file.parent for file, _ in unread]))
    examples = ", ".join(file.relative_to(where).as_posix() for file, _ in unread[:3])
    more = f" and {len(unread) - 3} more" if len(unread) > 3 else ""
    many = len(unread) != 1
    return Problem(
        str(where),
        f"{len(unread)} XML file{'s' if many else ''} outside every Objects folder not "
        f"read: no SDF object suitelint reads, and not plain XML (a DOCTYPE, or not "
        f"well-formed: e-mail and PDF templates); root elements {roots}; {examples}{more}",
    )


# --- files --------------------------------------------------------------------------------


class _Layout(msgspec.Struct, frozen=True):
    """One project's object files, and what decides which of them SDF deploys."""

    files: list[Path]
    #: the project root that deploy.xml paths start from (``~``), if there is one
    root: Path | None = None
    deploy: Path | None = None
    manifest: Path | None = None
    #: XML found by walking a folder outside every Objects folder: any XML a repository
    #: keeps (e-mail and PDF templates saved as .xml), not only SDF objects
    loose: bool = False


def _project(root: Path) -> _Layout:
    """The project whose ``Objects`` folder is in ``root`` (a project's ``src``)."""
    top = root / "Objects"
    files = sorted(_walk(top, top.resolve()), key=lambda p: p.relative_to(top).as_posix())
    deploy = root / "deploy.xml"
    manifest = root / "manifest.xml"
    return _Layout(
        files, root, deploy if deploy.is_file() else None, manifest if manifest.is_file() else None
    )


class _DeployPath(msgspec.Struct, frozen=True):
    """One ``<objects><path>`` entry of deploy.xml: relative to the project root (no ``~/``)."""

    pattern: str
    line: int | None


def _deploy_patterns(
    deploy: Path, parser: etree.XMLParser, data: bytes | None = None
) -> tuple[_DeployPath, ...]:
    """The ``<objects><path>`` entries of deploy.xml, relative to the project root.

    Oracle (section_4737888643): the sections are ``<configuration>``, ``<files>``,
    ``<objects>`` and ``<translationimports>``, each of ``<path>`` elements starting with
    ``~`` (the project root); ``*`` means all files of a folder. ``~/Objects/*`` takes
    subfolders too: Oracle's samples keep objects in ``Objects/SuiteFlow/`` and deploy
    them with ``~/Objects/*`` (shared/netsuite/round2-facts.md §1). Only ``<objects>``
    decides which objects are read; files, configuration and translations are ignored.
    A deploy.xml without ``<objects>`` deploys no object.
    """
    shown = str(deploy)
    root = _parse(deploy, shown, parser, data)
    if root.tag != "deploy":
        raise SourceError(
            f"expected <deploy> as the root of deploy.xml, found <{root.tag}>",
            shown,
            _line(root),
        )
    patterns: list[_DeployPath] = []
    problems = Problems()
    for section in _elements(root):
        if section.tag != "objects":
            continue
        for element in _elements(section):
            with problems.collect():
                _expect(element, "path", "objects", shown)
                text = _text(element)
                if not text.startswith("~/"):
                    raise SourceError(
                        f"deploy.xml path {text!r} must start with ~/ (the project root)",
                        shown,
                        _line(element),
                    )
                patterns.append(_DeployPath(text[2:], _line(element)))
    problems.raise_if_any(SourceError)
    return tuple(patterns)


def _deployed(
    files: list[Path], root: Path, patterns: tuple[_DeployPath, ...]
) -> tuple[list[Path], list[_DeployPath]]:
    """The files a deploy path takes, in their order, and the paths that take none.

    A project's deploy.xml may name each of thousands of files: those exact paths are
    looked up in a set; each folder (``x/*``, the folder and its subfolders) or wildcard
    pattern is tried in turn."""
    relative: dict[Path, str] = {}
    for file in files:
        with contextlib.suppress(ValueError):  # outside the root: never deployed
            relative[file] = file.relative_to(root).as_posix()
    exact = {p.pattern for p in patterns if "*" not in p.pattern and "?" not in p.pattern}
    wild = [p for p in patterns if p.pattern not in exact]
    taken: set[str] = set()  # the patterns that took a file

    def deployed(name: str) -> bool:
        found = name in exact
        if found:
            taken.add(name)
        for path in wild:
            pattern = path.pattern
            if pattern.endswith("/*"):
                hit = name.startswith(pattern[:-1])
            else:
                hit = fnmatch.fnmatchcase(name, pattern)
            if hit:
                taken.add(pattern)
                found = True
                if len(taken) >= len(exact) + len(wild):
                    break
        return found

    chosen = [f for f in files if f in relative and deployed(relative[f])]
    unmatched = [p for p in patterns if p.pattern not in taken]
    return chosen, unmatched


def _deploy_notices(
    layout: _Layout, chosen: list[Path], unmatched: list[_DeployPath]
) -> list[Problem]:
    """What deploy.xml left out, said at info level: how many object files (naming the
    roles and integrations among them: a project whose only role is not deployed is an
    empty account, and the user must see why) and each path that takes no object file."""
    assert layout.deploy is not None
    shown = str(layout.deploy)
    notices = [
        Problem(shown, f"deploy.xml path {'~/' + p.pattern!r} names no object file", p.line)
        for p in unmatched
    ]
    kept = set(chosen)
    skipped = [f for f in layout.files if f not in kept]
    if skipped:
        message = (
            f"{len(skipped)} object file{'s' if len(skipped) != 1 else ''} outside the "
            "deploy.xml <objects> paths skipped (SDF does not deploy them)"
        )
        for kind, prefix in (("role", "customrole"), ("integration", "custinteg")):
            # SDF names each object's file after its scriptid, whose prefix is its type's
            named = [f for f in skipped if f.name.lower().startswith(prefix)]
            if named:
                assert layout.root is not None
                shown_files = ", ".join(f.relative_to(layout.root).as_posix() for f in named[:3])
                more = f" and {len(named) - 3} more" if len(named) > 3 else ""
                many = f"{len(named)} of them {kind}s" if len(named) > 1 else f"one a {kind}"
                message += f"; {many}: {shown_files}{more}"
        notices.append(Problem(shown, message))
    return notices


def _manifest_appid(
    manifest: Path, parser: etree.XMLParser, data: bytes | None = None
) -> str | None:
    """A SuiteApp's appid, ``publisherid.projectid`` (Oracle sample airport360,
    section_4788674302); None for an account customization project."""
    shown = str(manifest)
    root = _parse(manifest, shown, parser, data)
    if root.tag != "manifest":
        raise SourceError(
            f"expected <manifest> as the root of manifest.xml, found <{root.tag}>",
            shown,
            _line(root),
        )
    kind = (root.get("projecttype") or "").strip().upper()
    if kind != "SUITEAPP":
        return None
    publisher = _text(root.find("publisherid")).lower()
    project = _text(root.find("projectid")).lower()
    return f"{publisher}.{project}" if publisher and project else None


def _layout(path: Path) -> tuple[_Layout, ...]:
    """The object files of ``path``, as the projects they belong to: a file itself, a
    project's ``Objects`` folder (empty is no error: a project may hold files only), else
    every XML file below ``path``.

    Not object files, and never read (they need not be well-formed XML, and are never
    object definitions): ``*.template.xml``, the template an ``advancedpdftemplate``
    object comes with (Oracle "SDF Custom Object File Structure", subsect_1537555588;
    BFO markup with a DOCTYPE and FreeMarker directives, section_4454208098), and,
    outside an Objects folder, the File Cabinet (``FileCabinet``: any files the project
    uploads, section_4724963992). A folder with a ``manifest.xml`` (or ``src/manifest.xml``)
    is a SuiteCloud project: without an Objects folder it has no objects.

    A folder below ``path`` that holds an ``Objects`` folder is a project of its own (a
    repository of several SuiteCloud projects, such as Oracle's samples): its layout is
    what SDF reads of it (:func:`_project`: its ``Objects`` only, its deploy.xml and
    manifest.xml), and nothing else in it is read. Then the projects are returned, with
    the XML found outside all of them as one more layout."""
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as exc:
        raise SourceError(f"cannot read SDF source: {exc.strerror or exc}", str(path)) from None
    if not exists:
        raise SourceError("no such file or folder", str(path))
    if not is_dir:
        if path.suffix.lower() != ".xml":
            raise SourceError("expected an SDF project folder or an .xml object file", str(path))
        return (_Layout([path]),)
    for root in (path / "src", path):
        if (root / "Objects").is_dir():
            return (_project(root),)
    if (path / "manifest.xml").is_file() or (path / "src" / "manifest.xml").is_file():
        return (_Layout([]),)  # a project of files only
    roots: list[Path] = []
    files = sorted(
        _walk(path, path.resolve(), _SKIPPED_OUTSIDE_OBJECTS, roots),
        key=lambda p: p.relative_to(path).as_posix(),
    )
    if roots:
        projects = tuple(_project(root) for root in roots)
        return (*projects, _Layout(files, loose=True)) if files else projects
    if not files:
        raise SourceError(
            "no SDF objects found: expected src/Objects/*.xml or a folder of SDF object XML",
            str(path),
        )
    return (_Layout(files, loose=True),)


def _walk(
    folder: Path,
    inside: Path,
    skipped: frozenset[str] = _SKIPPED_DIRS,
    roots: list[Path] | None = None,
) -> Iterator[Path]:
    """The object files below ``folder`` in sorted order. ``roots``: outside an Objects
    folder, a folder holding one is a project's root, noted there and not walked."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise SourceError(f"cannot list folder: {exc.strerror or exc}", str(folder)) from None
    if roots is not None and any(
        entry.name == "Objects" and entry.is_dir(follow_symlinks=False) for entry in entries
    ):
        roots.append(folder)
        return
    for entry in entries:
        child = folder / entry.name
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith(".") and entry.name not in skipped:
                yield from _walk(child, inside, skipped, roots)
        elif (lower := entry.name.lower()).endswith(".xml") and not lower.endswith(
            _TEMPLATE_SUFFIX
        ):
            if entry.is_symlink():
                # A pull request can add a symlink to any file on the CI machine.
                target = child.resolve()
                if not target.is_relative_to(inside):
                    raise SourceError("symlink points outside the SDF project", str(child))
            yield child


def _read(file: Path, shown: str) -> bytes:
    return read_input(file, limit=MAX_XML_BYTES, what="SDF object", shown=shown)


# --- XML ----------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    from lxml import etree as lx

    class NothingExternal(lx.Resolver):
        """Whatever libxml2 would load (a DTD, an external or parameter entity) is empty:
        no file is opened. The prolog check refuses such documents first; this holds
        even if a declaration got past it."""

        def resolve(  # type: ignore[override]  # the stubs lack the context argument
            self, system_url: str, public_id: str, context: object
        ) -> object:
            return self.resolve_string("", context)  # type: ignore[call-arg]

    parser = lx.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(NothingExternal())
    return parser


_EBCDIC = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC, which libxml2 would also read


def _prolog_text(data: bytes, shown: str) -> str:
    """The document as text, decoded just well enough to read its prolog: UTF-32 and
    UTF-16 (with or without a byte-order mark, as libxml2 detects them), else as bytes
    (every other encoding libxml2 reads here is ASCII-compatible)."""
    head = data[:4]
    if head.startswith((codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE)):
        encoding = "utf-32"
    elif head.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        encoding = "utf-16"
    elif head == b"\x00\x00\x00<":
        encoding = "utf-32-be"
    elif head == b"<\x00\x00\x00":
        encoding = "utf-32-le"
    elif head[:2] == b"\x00<":
        encoding = "utf-16-be"
    elif head[:2] == b"<\x00":
        encoding = "utf-16-le"
    elif head == _EBCDIC:
        raise SourceError("SDF object XML must be UTF-8; found EBCDIC", shown, 1)
    else:
        encoding = "latin-1"
    return data.decode(encoding, errors="replace")


def _declaration_in_prolog(text: str) -> int | None:
    """Where a ``<!...>`` declaration (DOCTYPE, ENTITY) stands before the root element,
    skipping the XML declaration, processing instructions, comments (which may hold
    ``<a`` or ``<!DOCTYPE`` as text) and white space, as an XML parser reads a prolog."""
    return _prolog(text)[0]


def _prolog(text: str) -> tuple[int | None, str | None]:
    """Where the first ``<!...>`` declaration of the prolog stands (or None), and the name
    of the root element when the prolog shows it plainly: past the XML declaration,
    processing instructions, comments, white space and a DOCTYPE without an internal
    subset (``<!DOCTYPE pdf PUBLIC "-//big.faceless.org//report" "report-1.1.dtd">``, as
    BFO templates begin). Anything else (an internal subset, an unterminated construct,
    text before the root) leaves the name None: unknown."""
    i = 1 if text.startswith("\ufeff") else 0
    n = len(text)
    declaration: int | None = None
    while i < n:
        if text[i] in " \t\r\n":
            i += 1
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return declaration, None  # unterminated: the parser says so
            i = end + 3
        elif text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return declaration, None
            i = end + 2
        elif text.startswith("<!", i):
            if declaration is None:
                declaration = i
            if not text.startswith("<!DOCTYPE", i):
                return declaration, None
            match = _DOCTYPE.match(text, i)
            if match is None:  # an internal subset (entities), or unterminated
                return declaration, None
            i = match.end()
        else:
            match = _ROOT_NAME.match(text, i)
            if match is None:
                return declaration, None
            return declaration, match.group(1) or f"{match.group(2)}…"
    return declaration, None


#: a DOCTYPE without an internal subset: quoted identifiers may hold ">"
_DOCTYPE = re.compile(r"""<!DOCTYPE(?:[^>"'\[]|"[^"]*"|'[^']*')*>""")
#: the root element's name, or a FreeMarker directive (``<#if record??>``: templates begin
#: so), which no XML document can begin with
_ROOT_NAME = re.compile(r"<(?:([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)[\s/>]|([#@]))")

#: the root elements of the objects suitelint reads (a namespace prefix aside)
_READ_KINDS = frozenset(("role", "integration", *_CUSTOM_OBJECT_KINDS))


def _not_an_object(data: bytes, shown: str) -> str | None:
    """The root element's name when the head of ``data`` shows plainly that it is none
    of the objects suitelint reads; else None (an object, or unknown: read it)."""
    _, name = _prolog(_prolog_text(data[:_PEEK_BYTES], shown))
    if name is None or name.rsplit(":", 1)[-1] in _READ_KINDS:
        return None
    return name


#: how much of a loose file is read for its root element (a prolog is short)
_PEEK_BYTES = 65536


def _parse(
    file: Path, shown: str, parser: etree.XMLParser, data: bytes | None = None
) -> etree._Element:
    from lxml import etree as lx

    if data is None:
        data = _read(file, shown)
    # A document type declaration can only stand in the prolog, so only the prolog is
    # read: "<!DOCTYPE html>" inside a CDATA field of some other object is text, not a
    # DTD, and must not make a valid project unreadable. It is read as the parser would
    # (in UTF-16 too, past comments holding "<a"), and refused before the parser runs.
    text = _prolog_text(data, shown)
    at = _declaration_in_prolog(text)
    if at is not None:
        raise SourceError(
            "document type declarations are not allowed in SDF object XML "
            "(DTDs and entities are refused: untrusted input)",
            shown,
            text.count("\n", 0, at) + 1,
        )
    if b"&#" in data:
        data = _readable_char_refs(data)
    try:
        root = lx.fromstring(data, parser)
    except lx.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        message = _LIBXML_WHERE.sub("", exc.msg or "malformed XML")
        raise SourceError(
            f"malformed XML: {message}", shown, line or None, column or None
        ) from None
    except ValueError as exc:  # e.g. an unsupported encoding declaration
        raise SourceError(f"malformed XML: {exc}", shown) from None
    info = root.getroottree().docinfo
    # lxml-stubs 0.5 leave DocInfo.doctype out; lxml has had it since 2.x.
    if info.doctype or info.internalDTD is not None:  # type: ignore[union-attr]
        raise SourceError(
            "document type declarations are not allowed in SDF object XML "
            "(DTDs and entities are refused: untrusted input)",
            shown,
        )
    for node in root.iter(lx.Entity):
        raise SourceError("entity references are not allowed in SDF object XML", shown, _line(node))
    return root


@functools.cache
def _char_refs() -> re.Pattern[bytes]:
    # CDATA sections and comments first: a reference in them is text, left as it is. An
    # unterminated one runs to the end (the parser refuses it): each byte is read once,
    # however many "<![CDATA[" a hostile file repeats without "]]>".
    return re.compile(
        rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)|&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,10}));",
        re.S,
    )


def _readable_char(match: re.Match[bytes]) -> bytes:
    hexa, decimal = match.group(1), match.group(2)
    if hexa is None and decimal is None:
        return match.group()
    code = int(hexa, 16) if hexa is not None else int(decimal)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD:
        return match.group()
    if 0x10000 <= code <= 0x10FFFF:
        return match.group()
    # U+2400..U+241F are the control pictures: U+0005 is shown as U+2405
    return b"&#x%X;" % (0x2400 + code if code < 0x20 else 0xFFFD)


def _readable_char_refs(data: bytes) -> bytes:
    """``data`` with each character reference XML 1.0 forbids (``&#x5;``: SDF writes a
    multi-select custom field's values of a custom record instance separated by U+0005)
    made one to the control's picture (U+2405), or to U+FFFD: libxml2 refuses such a
    reference as malformed, and SDF deploys the file. Lines are kept; a column after
    such a reference on its line moves by the few characters the reference grew by."""
    return _char_refs().sub(_readable_char, data)


def _line(element: etree._Element) -> int | None:
    """The line lxml recorded for ``element``: an int, or None where it has none.

    lxml-stubs types ``sourceline`` as ``...``; this is the one place that reads it, so the
    rest of the module is checked by mypy with the type lxml really returns.
    """
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def _plain_tag(element: etree._Element, shown: str) -> None:
    """SDF object XML has no namespaces. A namespaced or prefixed element
    (``<x:role xmlns:x="...">``, ``<permissions xmlns="...">``) is neither what SDF
    deploys nor what suitelint would read: it is refused, never skipped (skipping a
    ``<role>`` hid its permissions)."""
    tag = element.tag
    if not isinstance(tag, str) or ("}" not in tag and ":" not in tag):
        return
    if "}" in tag:
        namespace, local = tag[1:].split("}", 1)
        what = f"<{local}> in namespace {namespace!r}"
    else:
        what = f"<{tag}>"
    raise SourceError(
        f"namespaced element {what}: SDF object XML has no namespaces (refused, not skipped)",
        shown,
        _line(element),
    )


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return (element.text or "").strip()


def _children(
    parent: etree._Element, shown: str, problems: Problems | None = None
) -> dict[str, etree._Element]:
    """The element children of ``parent`` by tag; a field written twice is an error,
    because NetSuite would keep one of them and the reader cannot know which."""
    found: dict[str, etree._Element] = {}
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments
        _plain_tag(child, shown)
        if tag in found:
            error = SourceError(
                f"<{tag}> appears twice in <{parent.tag}> (first on line {_line(found[tag])})",
                shown,
                _line(child),
            )
            if problems is None:
                raise error
            problems.extend(error)
            continue
        found[tag] = child
    return found


def _bool(fields: dict[str, etree._Element], tag: str, shown: str) -> bool:
    element = fields.get(tag)
    if element is None:
        return False  # every SDF role boolean defaults to F (sdf-customrole.md §2)
    value = _text(element)
    if value == "T":
        return True
    if value in ("F", ""):
        return False
    raise SourceError(f"<{tag}> must be T or F, found {value!r}", shown, _line(element))


def _enum(element: etree._Element, allowed: tuple[str, ...], shown: str) -> str:
    value = _text(element)
    if value not in allowed:
        raise SourceError(
            f"<{element.tag}> must be one of {', '.join(allowed)}, found {value!r}",
            shown,
            _line(element),
        )
    return value


def _restriction_value(element: etree._Element, allowed: tuple[str, ...], shown: str) -> str:
    """A restriction as SDF writes it. A value suitelint does not know but that has the shape
    of an SDF enum value (a newer NetSuite option) is kept and shown, never an error; it
    counts as no restriction (suitelint.restrictions). Anything else is malformed."""
    value = _text(element)
    if value in allowed or VALUE_SHAPE.match(value):
        return value
    raise SourceError(
        f"<{element.tag}> must be one of {', '.join(allowed)} (or another upper-case SDF "
        f"value), found {value!r}",
        shown,
        _line(element),
    )


def _role(
    root: etree._Element, scriptid: str, shown: str, canonical_permkey: Callable[[str], str]
) -> Role:
    """The role of a ``<role>`` element; every problem of the element is reported at once
    (each field, permission and restriction is checked on its own)."""
    problems = Problems()
    fields = _children(root, shown, problems)
    name = _text(fields.get("name"))
    if not name:
        problems.add(Problem(shown, f"role {scriptid!r} has no <name>", _line(root)))
    tfa = fields.get("tfarequired")
    flags: dict[str, bool] = {}
    for tag in ("isinactive", "iswebserviceonlyrole", "coreadminpermission"):
        flags[tag] = False
        with problems.collect():
            flags[tag] = _bool(fields, tag, shown)
    options: dict[str, str | None] = {}
    for tag, allowed in _ROLE_OPTIONS.items():
        options[tag] = None
        element = fields.get(tag)
        if element is not None and _text(element):
            with problems.collect():
                options[tag] = _restriction_value(element, allowed, shown)
    element = fields.get("permissions")
    permissions = (
        [] if element is None else _permissions(element, shown, canonical_permkey, problems)
    )
    restrictions: list[RecordRestriction] = []
    element = fields.get("recordrestrictions")
    for child in () if element is None else _elements(element):
        with problems.collect():
            restrictions.append(_restriction(child, shown))
    problems.raise_if_any(SourceError)
    return Role(
        id=scriptid,
        scriptid=scriptid,
        name=name,
        inactive=flags["isinactive"],
        web_services_only=flags["iswebserviceonlyrole"],
        # tfarequired is OFF or SMS; anything but OFF requires two-factor (sdf-customrole.md §2)
        two_factor_required=tfa is not None and _text(tfa) not in ("", "OFF"),
        core_admin=flags["coreadminpermission"],
        core_admin_line=_line(fields["coreadminpermission"])
        if flags["coreadminpermission"]
        else None,
        center_type=_text(fields.get("centertype")) or None,
        subsidiary_option=options["subsidiaryoption"],
        employee_restriction=options["employeerestriction"],
        restrictions=tuple(restrictions),
        permissions=tuple(permissions),
        path=shown,
        line=_line(root),
    )


class _Grant(msgspec.Struct, frozen=True):
    """A row of a custom record or transaction type's permission list: ``role`` (a
    scriptid, lower case) holds ``row`` (the type's permkey, at the row's file and line)."""

    role: str
    row: Permission


#: a custom role in a permission list: ``[scriptid=customrole_x]``, maybe with the appid of
#: the SuiteApp it belongs to; a bare name (``ADMINISTRATOR``) is a standard role
_ROLE_REFERENCE = lazy(
    r"\[\s*(?:appid\s*=\s*([^,\]\s]+)\s*,\s*)?scriptid\s*=\s*(customrole\w*)\s*\]",
    re.IGNORECASE,
)


def _record_grants(
    root: etree._Element,
    scriptid: str,
    shown: str,
    canonical_permkey: Callable[[str], str],
    own_appid: str | None,
) -> list[_Grant]:
    """What a custom record type's or custom transaction type's ``<permissions>`` list
    grants custom roles (Oracle SDFxml_2290236535, SDFxml_2149453001: ``<permission>`` of
    ``permittedrole``, ``permittedlevel``, ``restriction``).

    A record type's list counts only with ``<accesstype>USEPERMISSIONLIST</accesstype>``
    (Oracle section_N2879388: "Use Permission List" grants the roles of the type's
    Permissions subtab; "Require Custom Record Entries Permission", the default, takes the
    roles' own rows; "No Permission Required" opens the type to every internal role). A
    transaction type has no access type: its list is how roles get it. A standard role
    (``ADMINISTRATOR``), a role of another SuiteApp and level NONE grant nothing here.
    Every problem of a row is located (the list is data suitelint reads)."""
    if root.tag == "customrecordtype" and _text(root.find("accesstype")) != "USEPERMISSIONLIST":
        return []
    element = root.find("permissions")
    if element is None:
        return []
    permkey = canonical_permkey(f"[scriptid={scriptid}]")
    grants: list[_Grant] = []
    problems = Problems()
    for row in _elements(element):
        with problems.collect():
            _expect(row, "permission", "permissions", shown)
            fields = _children(row, shown)
            role = _text(fields.get("permittedrole"))
            level = _text(fields.get("permittedlevel")) or "NONE"  # Oracle: the default
            if level not in _LEVEL_SET:
                raise SourceError(
                    f"<permittedlevel> {level!r} is not a permission level; expected one of "
                    f"{', '.join(_LEVELS)}",
                    shown,
                    _line(fields["permittedlevel"]),
                )
            restriction = _text(fields.get("restriction")) or None
            if restriction is not None and restriction not in _PERMISSION_RESTRICTION_SET:
                raise SourceError(
                    f"<restriction> {restriction!r} is not a restriction; expected one of "
                    f"{', '.join(_PERMISSION_RESTRICTIONS)}",
                    shown,
                    _line(fields["restriction"]),
                )
            match = _ROLE_REFERENCE.fullmatch(role)
            if match is None or level == "NONE":
                continue
            appid = match.group(1)
            if appid is not None and appid.lower() != own_appid:
                continue
            at = fields.get("permittedrole")
            grants.append(
                _Grant(
                    match.group(2).lower(),
                    Permission(
                        permkey=permkey,
                        level=level,  # type: ignore[arg-type]  # one of _LEVELS
                        restriction=restriction,
                        line=_line(at) if at is not None else _line(row),
                        path=shown,
                    ),
                )
            )
    problems.raise_if_any(SourceError)
    return grants


def _with_grants(roles: list[Role], grants: list[_Grant]) -> list[Role]:
    """``roles`` with the rows custom record and transaction types' permission lists grant
    them: a role holds what either side gives (the highest level when both do: one file
    of a pull request can widen access the other does not show), and a row the role's own
    file lists at that level or higher is not added again."""
    by_role: dict[str, list[Permission]] = {}
    for grant in grants:
        by_role.setdefault(grant.role, []).append(grant.row)
    out: list[Role] = []
    for role in roles:
        rows = by_role.get(role.scriptid.lower()) if role.scriptid else None
        if not rows:
            out.append(role)
            continue
        held: dict[str, int] = {}
        for perm in role.permissions:
            level = LEVEL_BY_NAME[perm.level]
            if level > held.get(perm.permkey, -1):
                held[perm.permkey] = level
        added = []
        for row in rows:
            if LEVEL_BY_NAME[row.level] > held.get(row.permkey, -1):
                held[row.permkey] = LEVEL_BY_NAME[row.level]
                added.append(row)
        out.append(
            msgspec.structs.replace(role, permissions=(*role.permissions, *added))
            if added
            else role
        )
    return out


def _listed_again(permissions: Sequence[Permission], shown: str) -> list[Problem]:
    """A notice at each permission row whose permkey an earlier row of the role lists (a
    merge can leave both): the highest level of the rows holds, and a reviewer reading
    only the first row would miss a higher second one."""
    if len({perm.permkey for perm in permissions}) == len(permissions):
        return []  # the common case, at the cost of one set
    rows: dict[str, list[Permission]] = {}
    for perm in permissions:
        rows.setdefault(perm.permkey, []).append(perm)
    notices: list[Problem] = []
    for permkey, listed in rows.items():
        first = listed[0]
        top = max(listed, key=lambda perm: LEVEL_BY_NAME[perm.level]).level
        for perm in listed[1:]:
            notices.append(
                Problem(
                    shown,
                    f"{permkey} is listed again (first on line {first.line}, at {first.level}; "
                    f"here at {perm.level}): the highest level of its rows, {top}, is read",
                    perm.line,
                )
            )
    return notices


def _elements(parent: etree._Element) -> Iterator[etree._Element]:
    for child in parent:
        if isinstance(child.tag, str):
            yield child


def _expect(element: etree._Element, tag: str, parent: str, shown: str) -> None:
    if element.tag != tag:
        raise SourceError(
            f"expected <{tag}> inside <{parent}>, found <{element.tag}>", shown, _line(element)
        )


def _permissions(
    element: etree._Element,
    shown: str,
    canonical_permkey: Callable[[str], str],
    problems: Problems,
) -> list[Permission]:
    """The ``<permission>`` rows of ``<permissions>``, each broken one's problems kept.

    A role holds hundreds of rows, nearly all of one shape: ``<permkey>`` and
    ``<permlevel>`` (and maybe ``<restriction>``), each once, with a known level. Such a
    row is read here in one step; any other (a comment inside it, a field written twice
    or unknown, a namespace, an empty or unknown value, a malformed reference) goes
    through :func:`_permission`, which says what is wrong with it, so both ways give
    the same rows and the same problems."""
    rows: list[Permission] = []
    append = rows.append
    levels = _LEVEL_SET
    for child in element:
        tag = child.tag
        if tag != "permission":
            if tag.__class__ is not str:
                continue  # a comment
        else:
            key_element = level_element = restriction_element = None
            for field in child:
                field_tag = field.tag
                if field_tag == "permkey" and key_element is None:
                    key_element = field
                elif field_tag == "permlevel" and level_element is None:
                    level_element = field
                elif field_tag == "restriction" and restriction_element is None:
                    restriction_element = field
                else:
                    break  # anything else: the careful reading below
            else:
                if key_element is not None and level_element is not None:
                    text = (key_element.text or "").strip()
                    level = (level_element.text or "").strip()
                    restriction = (
                        None
                        if restriction_element is None
                        else (restriction_element.text or "").strip() or None
                    )
                    if (
                        text
                        and level in levels
                        and (restriction is None or restriction in _PERMISSION_RESTRICTION_SET)
                    ):
                        try:
                            permkey = canonical_permkey(text)
                        except ValueError:
                            pass  # the careful reading says where and why
                        else:
                            append(
                                Permission(
                                    permkey=permkey,
                                    level=level,  # type: ignore[arg-type]  # one of _LEVELS
                                    restriction=restriction,
                                    line=_line(key_element),
                                )
                            )
                            continue
        try:
            append(_permission(child, shown, canonical_permkey))
        except SuitelintError as error:
            problems.extend(error)
    return rows


def _permission(
    element: etree._Element, shown: str, canonical_permkey: Callable[[str], str]
) -> Permission:
    _expect(element, "permission", "permissions", shown)
    fields = _children(element, shown)
    key_element = fields.get("permkey")
    level_element = fields.get("permlevel")
    if key_element is None or not _text(key_element):
        raise SourceError("<permission> has no <permkey>", shown, _line(element))
    if level_element is None or not _text(level_element):
        raise SourceError("<permission> has no <permlevel>", shown, _line(element))
    line = _line(key_element)
    try:
        permkey = canonical_permkey(_text(key_element))
    except ValueError as exc:
        raise SourceError(f"<permkey>: {exc}", shown, line) from None
    level_name: LevelName = _enum(level_element, _LEVELS, shown)  # type: ignore[assignment]
    restriction_element = fields.get("restriction")
    restriction = None
    if restriction_element is not None and _text(restriction_element):
        restriction = _restriction_value(restriction_element, _PERMISSION_RESTRICTIONS, shown)
    return Permission(permkey=permkey, level=level_name, restriction=restriction, line=line)


def _restriction(element: etree._Element, shown: str) -> RecordRestriction:
    _expect(element, "recordrestriction", "recordrestrictions", shown)
    fields = _children(element, shown)
    segment_element = fields.get("segment")
    restriction_element = fields.get("restriction")
    if segment_element is None:
        raise SourceError("<recordrestriction> has no <segment>", shown, _line(element))
    if restriction_element is None:
        raise SourceError("<recordrestriction> has no <restriction>", shown, _line(element))
    return RecordRestriction(
        segment=_restriction_value(segment_element, _SEGMENTS, shown),
        restriction=_restriction_value(restriction_element, _ROLE_RESTRICTIONS, shown),
        viewing_allowed=_bool(fields, "viewingallowed", shown),
        items_restricted=_bool(fields, "itemsrestricted", shown),
    )
