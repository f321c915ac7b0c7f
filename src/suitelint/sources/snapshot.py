"""Snapshot files (JSON or YAML): load, validate, locate, write.

JSON snapshots decode straight into the typed model with msgspec, validation included
(DESIGN.md §7: the reference jsonschema validator costs 30× the parse on a large
snapshot). Line numbers are only worked out when something needs them: an error, or a
finding to point at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import msgspec

from suitelint.errors import SnapshotError
from suitelint.findings import Location
from suitelint.fsutil import atomic_write_bytes, read_input
from suitelint.model import Permission, Snapshot
from suitelint.yamlsrc import PathKey, Positions, decode_text, load_yaml

SNAPSHOT_SUFFIXES = (".json", ".yaml", ".yml")
_SECTIONS = ("roles", "users", "integrations", "tokens")


@dataclass(slots=True)
class Locator:
    """Finds the line of a subject (and of one of its permissions) in a snapshot file.

    For YAML the loader's position map answers; for JSON a scan of the text, done once
    per section and only when a finding asks.
    """

    path: str
    text: str | None = None
    positions: Positions | None = None
    snapshot: Snapshot | None = None
    _json_ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def locate(self, section: str, subject_id: str, permkey: str | None = None) -> Location:
        if self.positions is not None and self.snapshot is not None:
            return self._locate_yaml(section, subject_id, permkey)
        if self.text is not None:
            return self._locate_json(section, subject_id, permkey)
        return Location(self.path)

    def _locate_yaml(self, section: str, subject_id: str, permkey: str | None) -> Location:
        assert self.positions is not None and self.snapshot is not None
        items = getattr(self.snapshot, section, ())
        for i, item in enumerate(items):
            if item.id == subject_id:
                at: PathKey = (section, i)
                if permkey is not None:
                    perms = cast(
                        "Sequence[Permission]",
                        getattr(item, "permissions", None)
                        or getattr(item, "global_permissions", ()),
                    )
                    for j, perm in enumerate(perms):
                        if perm.permkey == permkey:
                            name = (
                                "permissions"
                                if hasattr(item, "permissions")
                                else "global_permissions"
                            )
                            at = (section, i, name, j)
                            break
                line, col = self.positions.of(at)
                return Location(self.path, line, col)
        return Location(self.path)

    def _section_span(self, section: str) -> tuple[int, int]:
        assert self.text is not None
        starts = []
        for name in _SECTIONS:
            match = re.search(rf'"{name}"\s*:\s*\[', self.text)
            if match:
                starts.append((match.start(), name))
        starts.sort()
        for k, (start, name) in enumerate(starts):
            if name == section:
                end = starts[k + 1][0] if k + 1 < len(starts) else len(self.text)
                return start, end
        return 0, 0

    def _locate_json(self, section: str, subject_id: str, permkey: str | None) -> Location:
        assert self.text is not None
        ids = self._json_ids.get(section)
        if ids is None:
            start, end = self._section_span(section)
            ids = {}
            for match in re.finditer(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")', self.text[start:end]):
                try:
                    value = msgspec.json.decode(match.group(1).encode())
                except msgspec.DecodeError:
                    continue
                ids.setdefault(value, start + match.start())
            self._json_ids[section] = ids
        offset = ids.get(subject_id)
        if offset is None:
            return Location(self.path)
        if permkey is not None:
            # The permission row lies inside the subject's object: before the next subject.
            later = [o for o in ids.values() if o > offset]
            end = min(later) if later else self._section_span(section)[1]
            needle = re.compile(
                r'"permkey"\s*:\s*' + re.escape(msgspec.json.encode(permkey).decode())
            )
            found = needle.search(self.text, offset, end)
            if found:
                offset = found.start()
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Location(self.path, line, column)


@dataclass(frozen=True, slots=True)
class LoadedSnapshot:
    snapshot: Snapshot
    locator: Locator


def _json_path_to_key(where: str) -> PathKey:
    """``$.roles[0].permissions[2].level`` → ("roles", 0, "permissions", 2, "level")."""
    key: list[str | int] = []
    for name, index in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", where):
        key.append(name if name else int(index))
    return tuple(key)


def _locate_error_in_text(text: str, key: PathKey, path: str) -> tuple[int | None, int | None]:
    """On the error path only: parse the text line-aware to find where ``key`` is."""
    try:
        _, positions = load_yaml(text, path, SnapshotError)
    except SnapshotError as error:
        # The text does not even read as YAML (JSON is YAML): what stops that reader is
        # most likely what the decoder choked on (a 5,000-digit number, deep nesting).
        return (error.line, error.column)
    return positions.of(key)


# What each enumerated or dated field accepts, for error messages: msgspec says only
# "Invalid enum value 'view'", and a person needs to know what was expected.
_EXPECTED = {
    "level": "one of NONE, VIEW, CREATE, EDIT, FULL (upper case, as NetSuite writes them)",
    "type": "tba or client_credentials",
    "state": "enabled or blocked",
    "auth_flows": "tba, auth_code, client_credentials or user_credentials",
    "environment": "production, sandbox or unknown",
    "segment": "DEPARTMENT, CLASS or LOCATION",
    "created": "an ISO date, YYYY-MM-DD",
    "last_used": "an ISO date, YYYY-MM-DD",
    "exported_at": "an ISO date-time, e.g. 2026-11-20T08:00:00Z",
}


def _friendly(message: str, key: PathKey = ()) -> str:
    message = message.replace("Object contains unknown field", "unknown field")
    message = re.sub(r"\s*-\s*at `\$[^`]*`", "", message)
    names = [part for part in key if isinstance(part, str)]
    expected = _EXPECTED.get(names[-1]) if names else None
    if expected and ("Invalid" in message or "Expected `str`" in message):
        message += f"; expected {expected}"
    return message


def parse_snapshot(data: bytes, path: str) -> LoadedSnapshot:
    """Decode snapshot bytes (JSON, or YAML when ``path`` says so) into the model."""
    is_yaml = path.lower().endswith((".yaml", ".yml"))
    text = decode_text(data, path, SnapshotError)
    if not text.strip():
        raise SnapshotError("empty file; expected a suitelint snapshot", path, 1, 1)
    if is_yaml:
        raw, positions = load_yaml(text, path, SnapshotError)
        if not isinstance(raw, dict):
            raise SnapshotError(
                "expected a mapping with roles, users, integrations, tokens", path, 1, 1
            )
        try:
            snapshot = msgspec.convert(raw, type=Snapshot, strict=False)
        except msgspec.ValidationError as exc:
            where = re.search(r"at `(\$[^`]*)`", str(exc))
            key = _json_path_to_key(where.group(1)) if where else ()
            line, col = positions.of(key)
            raise SnapshotError(_friendly(str(exc), key), path, line, col) from None
        return LoadedSnapshot(snapshot, Locator(path, positions=positions, snapshot=snapshot))
    try:
        snapshot = msgspec.json.decode(text.encode("utf-8"), type=Snapshot)
    except msgspec.ValidationError as exc:
        where = re.search(r"at `(\$[^`]*)`", str(exc))
        key = _json_path_to_key(where.group(1)) if where else ()
        line, col = _locate_error_in_text(text, key, path)
        raise SnapshotError(_friendly(str(exc), key), path, line, col) from None
    except msgspec.DecodeError as exc:
        match = re.search(r"byte (\d+)", str(exc))
        line = col = None
        offset = None
        if match:
            offset = len(text.encode("utf-8")[: int(match.group(1))].decode("utf-8", "replace"))
        elif "truncated" in str(exc):
            offset = len(text.rstrip())  # the input ends before the document does
        if offset is not None:
            line = text.count("\n", 0, offset) + 1
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        message = re.sub(r"\s*\(byte \d+\)", "", str(exc))
        raise SnapshotError(f"invalid JSON: {message}", path, line, col) from None
    return LoadedSnapshot(snapshot, Locator(path, text=text))


def load_snapshot(path: Path) -> LoadedSnapshot:
    return parse_snapshot(read_input(path, what="snapshot file"), str(path))


def dump_snapshot(snapshot: Snapshot, *, yaml_format: bool = False) -> bytes:
    """Serialise deterministically: same snapshot, same bytes."""
    if yaml_format:
        import yaml

        plain: Any = msgspec.to_builtins(snapshot)
        # allow_unicode=False: PyYAML emits some line-break characters (U+0085) raw, which
        # do not read back; escaped non-ASCII always round-trips.
        return yaml.safe_dump(plain, sort_keys=False, allow_unicode=False).encode("utf-8")
    return msgspec.json.format(msgspec.json.encode(snapshot), indent=2) + b"\n"


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write atomically: an interrupted write leaves the previous file intact."""
    atomic_write_bytes(path, dump_snapshot(snapshot, yaml_format=path.suffix in (".yaml", ".yml")))


def snapshot_schema() -> dict[str, Any]:
    """The published JSON Schema of snapshot files (generated from the model)."""
    schema: dict[str, Any] = msgspec.json.schema(Snapshot)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://suitelint.dev/schema/snapshot-1.json"
    schema["title"] = "suitelint account snapshot"
    return dict(sorted(schema.items()))


def is_snapshot_path(path: Path) -> bool:
    return path.suffix.lower() in SNAPSHOT_SUFFIXES


def sections() -> Sequence[str]:
    return _SECTIONS
