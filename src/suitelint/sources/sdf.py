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

import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from suitelint.errors import SourceError
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

if TYPE_CHECKING:
    from lxml import etree

#: Largest object file read. The biggest role in the corpus is about 60 KiB; 10 MiB leaves
#: room for any real object while a hostile 200 MB file is refused before it is read.
MAX_XML_BYTES = 10 * 1024 * 1024

#: Folders never walked when a bare folder is given: tool state, not SDF objects.
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})

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
_ROLE_RESTRICTIONS = ("DEFAULTTOOWN", "OWNONLY", "UNASSIGNED")
_PERMISSION_RESTRICTIONS = ("EDIT", "VIEWANDEDIT")
_LEVELS = tuple(LEVEL_BY_NAME)
#: the start of the first element: a "<" followed by a name character
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
_LIBXML_WHERE = re.compile(r",\s*line \d+, column \d+\s*$")


def load_sdf(path: Path) -> Snapshot:
    """Load the SDF objects under ``path`` into a :class:`Snapshot`.

    ``path`` is a SuiteCloud project (its ``src/Objects`` is read), a project's ``src``
    folder (its ``Objects`` is read), any other folder of SDF object XML (read
    recursively, skipping hidden folders and ``node_modules``), or one ``.xml`` file.
    Files are read in sorted order, so the snapshot is the same on every machine.

    Custom roles become roles whose every permission carries the line of its
    ``<permkey>`` element; integration objects become integration identities (SDF holds
    nothing else about them); custom record types, custom transaction types and custom
    segments become :class:`CustomObject` entries. Other objects are skipped.

    Raises :class:`SourceError` naming file, line and column for unreadable, oversized,
    malformed or hostile XML, for a role that breaks the SDF schema, for a scriptid defined
    twice, and when there is nothing to read at all (an empty project never passes).
    """
    from suitelint.catalog import canonical_permkey

    files = _object_files(path)
    roles: list[Role] = []
    integrations: list[Integration] = []
    custom_objects: list[CustomObject] = []
    seen: dict[str, str] = {}
    parser = _parser()  # lxml is imported here, lazily: `suitelint --version` stays fast
    for file in files:
        shown = str(file)
        root = _parse(file, shown, parser)
        tag = root.tag
        if not isinstance(tag, str):
            continue
        scriptid = root.get("scriptid")
        if tag in ("role", "integration", *_CUSTOM_OBJECT_KINDS):
            # An object's scriptid must match its file name (Oracle "SDF Custom Object File
            # Structure", subsect_1537555588); the corpus has an <integration> without the
            # attribute, so the file name stands in.
            scriptid = (scriptid or "").strip() or file.stem
            key = f"{tag}:{scriptid.lower()}"
            if key in seen:
                raise SourceError(
                    f"{tag} {scriptid!r} is also defined in {seen[key]}", shown, _line(root)
                )
            seen[key] = shown
        else:
            continue  # manifest, deploy, scripts, searches...: nothing suitelint judges
        if tag == "role":
            roles.append(_role(root, scriptid, shown, canonical_permkey))
        elif tag == "integration":
            integrations.append(
                Integration(
                    id=scriptid, scriptid=scriptid, name=scriptid, path=shown, line=_line(root)
                )
            )
        else:
            kind = _CUSTOM_OBJECT_KINDS[tag]
            name = _text(root.find(_CUSTOM_OBJECT_NAME[tag]))
            custom_objects.append(
                CustomObject(
                    scriptid=scriptid,
                    name=name or None,
                    kind=kind,
                    path=shown,
                    line=_line(root),
                )
            )
    return Snapshot(
        roles=tuple(roles),
        integrations=tuple(integrations),
        custom_objects=tuple(custom_objects),
    )


# --- files --------------------------------------------------------------------------------


def _object_files(path: Path) -> list[Path]:
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
        return [path]
    top = path
    for sub in (Path("src", "Objects"), Path("Objects")):
        if (path / sub).is_dir():
            top = path / sub
            break
    files = sorted(_walk(top, top.resolve()), key=lambda p: p.relative_to(top).as_posix())
    if not files:
        raise SourceError(
            "no SDF objects found: expected src/Objects/*.xml or a folder of SDF object XML",
            str(path),
        )
    return files


def _walk(folder: Path, inside: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise SourceError(f"cannot list folder: {exc.strerror or exc}", str(folder)) from None
    for entry in entries:
        child = folder / entry.name
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith(".") and entry.name not in _SKIPPED_DIRS:
                yield from _walk(child, inside)
        elif entry.name.lower().endswith(".xml"):
            if entry.is_symlink():
                # A pull request can add a symlink to any file on the CI machine.
                target = child.resolve()
                if not target.is_relative_to(inside):
                    raise SourceError("symlink points outside the SDF project", str(child))
            yield child


def _read(file: Path, shown: str) -> bytes:
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SourceError("not a regular file", shown)
        if info.st_size > MAX_XML_BYTES:
            raise SourceError(
                f"file is {info.st_size} bytes; the limit for an SDF object is {MAX_XML_BYTES}",
                shown,
            )
        with file.open("rb") as handle:
            data = handle.read(MAX_XML_BYTES + 1)  # the file may grow after stat
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", shown) from None
    if len(data) > MAX_XML_BYTES:
        raise SourceError(f"file is larger than {MAX_XML_BYTES} bytes", shown)
    return data


# --- XML ----------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    from lxml import etree as lx

    return lx.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _parse(file: Path, shown: str, parser: etree.XMLParser) -> etree._Element:
    from lxml import etree as lx

    data = _read(file, shown)
    # A document type declaration can only stand before the root element, so only the
    # prolog is scanned: "<!DOCTYPE html>" inside a CDATA field of some other object is
    # text, not a DTD, and must not make a valid project unreadable.
    root_at = _ROOT_START.search(data)
    prolog = data[: root_at.start()] if root_at else data
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        at = prolog.find(marker)
        if at >= 0:
            raise SourceError(
                "document type declarations are not allowed in SDF object XML "
                "(DTDs and entities are refused: untrusted input)",
                shown,
                _line_of(data, at),
            )
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


def _line(element: etree._Element) -> int | None:
    """The line lxml recorded for ``element``: an int, or None where it has none.

    lxml-stubs types ``sourceline`` as ``...``; this is the one place that reads it, so the
    rest of the module is checked by mypy with the type lxml really returns.
    """
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return (element.text or "").strip()


def _children(parent: etree._Element, shown: str) -> dict[str, etree._Element]:
    """The element children of ``parent`` by tag; a field written twice is an error,
    because NetSuite would keep one of them and the reader cannot know which."""
    found: dict[str, etree._Element] = {}
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments
        if tag in found:
            raise SourceError(
                f"<{tag}> appears twice in <{parent.tag}> (first on line {_line(found[tag])})",
                shown,
                _line(child),
            )
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


def _role(
    root: etree._Element, scriptid: str, shown: str, canonical_permkey: Callable[[str], str]
) -> Role:
    fields = _children(root, shown)
    name = _text(fields.get("name"))
    if not name:
        raise SourceError(f"role {scriptid!r} has no <name>", shown, _line(root))
    tfa = fields.get("tfarequired")
    permissions_element = fields.get("permissions")
    restrictions_element = fields.get("recordrestrictions")
    return Role(
        id=scriptid,
        scriptid=scriptid,
        name=name,
        inactive=_bool(fields, "isinactive", shown),
        web_services_only=_bool(fields, "iswebserviceonlyrole", shown),
        # tfarequired is OFF or SMS; anything but OFF requires two-factor (sdf-customrole.md §2)
        two_factor_required=tfa is not None and _text(tfa) not in ("", "OFF"),
        core_admin=_bool(fields, "coreadminpermission", shown),
        center_type=_text(fields.get("centertype")) or None,
        subsidiary_option=_text(fields.get("subsidiaryoption")) or None,
        restrictions=(
            ()
            if restrictions_element is None
            else tuple(_restriction(e, shown) for e in _elements(restrictions_element))
        ),
        permissions=(
            ()
            if permissions_element is None
            else tuple(
                _permission(e, shown, canonical_permkey) for e in _elements(permissions_element)
            )
        ),
        path=shown,
        line=_line(root),
    )


def _elements(parent: etree._Element) -> Iterator[etree._Element]:
    for child in parent:
        if isinstance(child.tag, str):
            yield child


def _expect(element: etree._Element, tag: str, parent: str, shown: str) -> None:
    if element.tag != tag:
        raise SourceError(
            f"expected <{tag}> inside <{parent}>, found <{element.tag}>", shown, _line(element)
        )


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
        restriction = _enum(restriction_element, _PERMISSION_RESTRICTIONS, shown)
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
    segment = _enum(segment_element, _SEGMENTS, shown)
    return RecordRestriction(
        segment=segment,  # type: ignore[arg-type]  # checked against _SEGMENTS
        restriction=_enum(restriction_element, _ROLE_RESTRICTIONS, shown),
        viewing_allowed=_bool(fields, "viewingallowed", shown),
        items_restricted=_bool(fields, "itemsrestricted", shown),
    )
