"""Baselines: accept today's findings, fail only on new ones.

A baseline file lists findings by their stable identity (rule id, subject kind, subject
scriptid or id, permkey, qualifier: :attr:`Finding.identity`), never by line number,
display name or output order, so moving a role in its file or renaming it keeps it
baselined, while the same rule on another subject or another permission is new. An entry
absorbs only findings with exactly its identity.

The file is JSON, sorted, one entry per identity, with the subject's name beside it for
people reading a diff of the file (the name is never matched).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from suitelint import jsonin, jsonout
from suitelint.errors import SourceError
from suitelint.findings import Finding, Report, Suppression
from suitelint.fsutil import atomic_write_text, read_input, reading
from suitelint.jsonin import refuse_duplicate_keys

FORMAT_VERSION = 1
MAX_BASELINE_BYTES = 256 * 1024 * 1024
Identity = tuple[str, str, str, str, str]

_ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["rule", "kind", "subject"],
    "properties": {
        "rule": {"type": "string", "minLength": 1},
        "kind": {"type": "string", "minLength": 1},
        "subject": {"type": "string", "minLength": 1},
        "permkey": {"type": "string"},
        "qualifier": {"type": "string"},
        "name": {"type": "string"},
        "fingerprint": {"type": "string"},
    },
    "additionalProperties": False,
}
BASELINE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "suitelint baseline",
    "type": "object",
    "required": ["suitelint_baseline", "findings"],
    "properties": {
        "suitelint_baseline": {"const": FORMAT_VERSION},
        "findings": {"type": "array", "items": _ENTRY_SCHEMA},
    },
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class Baseline:
    path: str
    identities: frozenset[Identity]


def baselinable(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """What a new baseline records: every finding not waived, by a policy's waiver or an
    inline suppression (both expire on their own)."""
    return tuple(f for f in findings if f.suppression is None or f.suppression.kind not in _WAIVED)


_WAIVED = frozenset({"waiver", "inline"})


def _entry(finding: Finding) -> dict[str, str]:
    rule, kind, subject, permkey, qualifier = finding.identity
    entry = {"rule": rule, "kind": kind, "subject": subject}
    if permkey:
        entry["permkey"] = permkey
    if qualifier:
        entry["qualifier"] = qualifier
    entry["name"] = finding.subject_name
    entry["fingerprint"] = finding.fingerprint
    return entry


def render_baseline(findings: Iterable[Finding]) -> str:
    """The baseline file for ``findings``: sorted by identity, one entry per identity."""
    by_identity: dict[Identity, Finding] = {}
    for finding in baselinable(findings):
        by_identity.setdefault(finding.identity, finding)
    entries = [_entry(by_identity[key]) for key in sorted(by_identity)]
    document = {"suitelint_baseline": FORMAT_VERSION, "findings": entries}
    return jsonout.dumps(document)


def write_baseline(path: str, findings: Iterable[Finding]) -> None:
    atomic_write_text(path, render_baseline(findings))


def parse_baseline(text: str, path: str) -> Baseline:
    import jsonschema

    raw = text.encode("utf-8")
    # msgspec, located on every failure (a 5,000-digit number, deep nesting), and no
    # duplicate keys: the last one would win and change what the baseline suppresses
    data, failure = jsonin.decode_located(raw)
    if failure is not None:
        message, line, column = failure
        raise SourceError(message, path, line, column)
    refuse_duplicate_keys(raw, path, SourceError)
    try:
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(BASELINE_SCHEMA).iter_errors(data)
        )
    except RecursionError:
        line, column = jsonin.position(raw, jsonin.too_deep_at(raw, 64) or 0)
        raise SourceError(
            "not a suitelint baseline: nested too deeply", path, line, column
        ) from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path)
        at = f" (at {where})" if where else ""
        key = tuple(error.absolute_path)
        line, column = jsonin.locate_path(raw, key) if isinstance(data, dict) else (1, 1)
        raise SourceError(
            f"not a suitelint baseline: {error.message}{at}; expected "
            '{"suitelint_baseline": 1, "findings": [...]} as written by --write-baseline',
            path,
            line,
            column,
        )
    assert isinstance(data, dict)
    identities = frozenset(
        (
            entry["rule"],
            entry["kind"],
            entry["subject"],
            entry.get("permkey", ""),
            entry.get("qualifier", ""),
        )
        for entry in data["findings"]
    )
    return Baseline(path, identities)


def load_baseline(path: str) -> Baseline:
    with reading(path):
        data = read_input(Path(path), limit=MAX_BASELINE_BYTES, what="baseline file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceError("not valid UTF-8 text", path) from None
        return parse_baseline(text, path)


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """Suppress the active findings whose identity the baseline lists; nothing else."""
    suppression = Suppression("baseline", f"accepted in baseline {baseline.path}")
    findings = tuple(
        f.suppress(suppression)
        if f.suppression is None and f.identity in baseline.identities
        else f
        for f in report.findings
    )
    return msgspec.structs.replace(report, findings=findings)
