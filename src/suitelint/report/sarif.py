"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers, within GitHub's limits.

One run. What code scanning needs (``ci-facts.md`` §1) decides the shape:

* **One result is one alert**: the findings of one rule on one subject (a role, token, user
  or integration) are one result. Its message lists them (each permission with its level);
  each finding's own line is a related location. The primary location is the subject's own
  line where the report knows it (a role's ``<role>`` element, a token's entry in the
  snapshot), else the first finding's.
* **Stable alerts**: code scanning identifies an alert only by
  ``partialFingerprints.primaryLocationLineHash`` and keeps a value the file already has.
  suitelint writes it from the result's identity (rule, subject kind, subject script id or
  id; never a line or a display name), so an alert keeps its history when lines move or a
  role is renamed. ``suitelint/identity/v1`` holds the same hash for other viewers.
* **At most 25,000 results per run** (GitHub rejects more): past that the most severe are
  kept and one more result, ``suitelint/results-left-out``, says how many were left out and
  that the JSON report holds every finding.
* **URIs relative to the repository root** (``Report.root``: found from git, or
  ``--sarif-root``), never empty. A finding that cannot be placed on a file of the
  repository (one about a built-in pack, or a file outside the root) is a tool
  configuration notification of the run, not a result.
* **Rules**: a distinct PascalCase ``name`` per rule, ``helpUri`` to the rule's page
  (``docs/rules/<id>.md``), references in the help, and ``security-severity`` (with the
  ``security`` tag) only for rules that declare their own risk (``security_severity``).

Waived and baselined findings are results with ``suppressions``. No timestamps, no
absolute paths: the same input gives the same bytes.

Written as a stream (:func:`stream`): each result is built and encoded once, most important
first, and only its compact JSON is kept (at most the byte budget); once a cut is certain,
results past it are not built at all. The results are then formatted a batch at a time
while they are written, so a large account's SARIF never exists whole in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

import msgspec

from suitelint import __version__, jsonout, sanitize
from suitelint.findings import Finding, Location, Report, RuleDoc, Severity, Suppression
from suitelint.report.json import subject_to_dict
from suitelint.report.locations import in_repository
from suitelint.rulepages import help_uri

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://github.com/suitelint/suitelint"
#: the fingerprint scheme: bump the suffix if the identity of a result ever changes meaning
FINGERPRINT_KEY = "suitelint/identity/v1"
#: the key GitHub code scanning tracks alerts by
LINE_HASH_KEY = "primaryLocationLineHash"
#: GitHub rejects a run with more results (ci-facts §1)
MAX_RESULTS = 25_000
#: results of one run, JSON-encoded without indentation: GitHub takes 10 MB gzipped; the
#: written file (indented) is about 1.5x this, and gzips to well under 10 MB
MAX_BYTES = 40_000_000
#: findings listed in one result's message, and related locations of one result
MAX_LISTED = 100
#: GitHub's limits on rule texts (ci-facts §1)
MAX_DESCRIPTION = 1024
MAX_NAME = 255
LEFT_OUT_RULE = "suitelint/results-left-out"
_FILE_SUFFIXES = {".json", ".yaml", ".yml", ".csv", ".xml"}
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_LEFT_OUT_DOC = RuleDoc(
    LEFT_OUT_RULE,
    "Results left out of this SARIF file",
    Severity.WARNING,
    "GitHub code scanning rejects a SARIF run with more than 25,000 results, so suitelint "
    "keeps the most severe and says here how many it left out. The JSON report "
    "(--format json=FILE) holds every finding.",
    pack="suitelint",
)


# -- paths ---------------------------------------------------------------------------------
class _Places:
    """Artifact locations relative to the repository root, computed once per path."""

    def __init__(self, root: str) -> None:
        self.root = (Path(root) if root else Path.cwd()).resolve()
        self.cache: dict[str, dict[str, str] | None] = {}

    def artifact(self, path: str) -> dict[str, str] | None:
        """``{"uri", "uriBaseId"}`` for a file under the root; None for anything else."""
        if path in self.cache:
            return self.cache[path]
        found = None
        if in_repository(path):
            relative = _under(self.root, path)
            if relative:
                found = {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
        self.cache[path] = found
        return found


def _under(root: Path, path: str) -> str | None:
    """``path`` relative to ``root`` with forward slashes, or None outside it (or the root
    itself: an empty URI is no location)."""
    absolute = Path(os.path.normpath(Path.cwd() / path))  # as given, symlinks kept
    candidates = [absolute]
    # a path no file system can hold (a NUL byte from a snapshot's text) cannot be
    # resolved: it is placed as given, and its URI percent-encodes it (%00)
    with contextlib.suppress(ValueError, OSError):
        candidates.append(absolute.resolve())
    for candidate in candidates:
        try:
            relative = PurePath(candidate).relative_to(root).as_posix()
        except ValueError:
            continue
        return relative if relative not in ("", ".") else None
    return None


def under_root(path: str, root: str = "") -> str:
    """``path`` relative to the repository ``root`` (default: the working folder) where it
    lies under it, else as given (GitLab's Code Quality report uses the same paths)."""
    relative = _under((Path(root) if root else Path.cwd()).resolve(), path)
    return relative if relative is not None else path


def artifact_location(path: str, root: str = "") -> dict[str, str] | None:
    """Where ``path`` is, as SARIF says it relative to the repository ``root`` (default:
    the working folder); None when it is not a file under the root."""
    return _Places(root).artifact(path)


#: the subject kind of findings about the run as a whole (``suitelint/no-token-data``)
RUN_SUBJECT = "run"


def _fallback_source(sources: tuple[str, ...]) -> str | None:
    """Where findings without a place of their own go: the first source that is a file (a
    snapshot or export). A project folder is no place: code scanning needs a file."""
    files = [s for s in sources if PurePath(s).suffix.lower() in _FILE_SUFFIXES]
    return files[0] if files else None


# -- rules ---------------------------------------------------------------------------------
def _pascal(rule_id: str) -> str:
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", rule_id))
    return (name or "Rule")[:MAX_NAME]


def _names(ids: Iterable[str]) -> dict[str, str]:
    """A distinct friendly name per rule (SARIF: ``name`` is not the ``id``)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for rule_id in ids:
        name, n = _pascal(rule_id), 1
        while name in taken or name == rule_id:
            n += 1
            name = f"{_pascal(rule_id)[: MAX_NAME - 4]}{n}"
        taken.add(name)
        names[rule_id] = name
    return names


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rule_descriptor(doc: RuleDoc, name: str) -> dict[str, Any]:
    help_parts = [part for part in (doc.why, f"How to fix: {doc.fix}" if doc.fix else "") if part]
    markdown_parts = [f"**{doc.title}**"] if doc.title else []
    if doc.why:
        markdown_parts.append(doc.why)
    if doc.fix:
        markdown_parts.append(f"**How to fix:** {doc.fix}")
    if doc.references:
        help_parts.append("References:\n" + "\n".join(f"- {r}" for r in doc.references))
        markdown_parts.append("**References:**\n\n" + "\n".join(f"- <{r}>" for r in doc.references))
    page = help_uri(doc)
    security = doc.security_severity is not None
    tags = (["security"] if security else []) + ([doc.pack] if doc.pack else [])
    properties: dict[str, Any] = {"tags": tags, "precision": "high"}
    if security:
        properties["security-severity"] = f"{doc.security_severity:.1f}"
    if doc.references:
        properties["references"] = list(doc.references)
    descriptor: dict[str, Any] = {
        "id": doc.id,
        "name": name,
        "shortDescription": {"text": _clip(doc.title or doc.id)},
        "fullDescription": {"text": _clip(doc.why or doc.title or doc.id)},
    }
    if page:
        descriptor["helpUri"] = page
    descriptor["help"] = {
        "text": "\n\n".join(help_parts) or doc.title or doc.id,
        "markdown": "\n\n".join(markdown_parts) or doc.id,
    }
    descriptor["defaultConfiguration"] = {"level": _LEVEL[doc.severity]}
    descriptor["properties"] = properties
    return descriptor


def _rule_docs(report: Report) -> dict[str, RuleDoc]:
    docs: dict[str, RuleDoc] = dict(report.rules)
    for finding in report.findings:  # a rule without docs still gets a descriptor
        docs.setdefault(
            finding.rule_id, RuleDoc(finding.rule_id, finding.rule_id, finding.severity)
        )
    return docs


# -- grouping --------------------------------------------------------------------------------
class _Group:
    """Findings of one rule on one subject that share a suppression: one result."""

    __slots__ = ("findings", "hash", "suppression")

    def __init__(self, suppression: Suppression | None) -> None:
        self.findings: list[Finding] = []
        self.suppression = suppression
        self.hash = ""

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def severity(self) -> Severity:
        return max(f.severity for f in self.findings)


def _identity_hash(parts: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _groups(findings: Iterable[Finding]) -> list[_Group]:
    """Groups in the order of their first finding (findings come sorted by place)."""
    by_subject: dict[tuple[str, str, str], dict[Suppression | None, _Group]] = {}
    order: list[_Group] = []
    for finding in findings:
        key = (finding.rule_id, finding.subject_kind, finding.subject_ref)
        parts = by_subject.setdefault(key, {})
        group = parts.get(finding.suppression)
        if group is None:
            group = parts[finding.suppression] = _Group(finding.suppression)
            order.append(group)
        group.findings.append(finding)
    for key, parts in by_subject.items():
        # The active part keeps the plain identity, so an alert stays the same alert when
        # some of its findings are waived; a subject waived as a whole keeps it too.
        ranked = sorted(parts.values(), key=lambda g: _suppression_key(g.suppression))
        for i, group in enumerate(ranked):
            extra = () if i == 0 else _suppression_key(group.suppression)
            group.hash = _identity_hash((*key, *extra))
    return order


def _suppression_key(suppression: Suppression | None) -> tuple[str, ...]:
    if suppression is None:
        return ()
    return ("suppressed", suppression.kind, suppression.reason, suppression.expires or "")


# -- results ---------------------------------------------------------------------------------
def _physical(artifact: dict[str, str], location: Location | None) -> dict[str, Any]:
    line = location.line if location is not None and location.line and location.line >= 1 else 1
    region: dict[str, int] = {"startLine": line}
    if location is not None and location.line == line and location.column and location.column >= 1:
        region["startColumn"] = location.column
    return {"artifactLocation": dict(artifact), "region": region}


def _common_chain(findings: Sequence[Finding]) -> str:
    """The links every finding of a group shares (the token, user and role), as text."""
    first = findings[0].chain
    n = len(first)
    for finding in findings[1:]:
        chain = finding.chain
        n = min(n, len(chain))
        while n and chain[:n] != first[:n]:
            n -= 1
        if not n:
            break
    return " → ".join(str(link) for link in first[:n])


def _message(group: _Group) -> str:
    findings = group.findings
    first = group.first
    if len(findings) == 1:
        text = first.message
        chain = " → ".join(str(link) for link in first.chain)
    else:
        lines = [
            f"{first.subject_kind} {first.subject_name!r}: {len(findings)} findings of this rule"
        ]
        lines += [f"- {f.message}" for f in findings[:MAX_LISTED]]
        if len(findings) > MAX_LISTED:
            lines.append(
                f"- … and {len(findings) - MAX_LISTED} more (the JSON report lists every finding)"
            )
        text = "\n".join(lines)
        chain = _common_chain(findings)
    # viewers show the text and turn "[text](target)" into a link (SARIF §3.11.6)
    return sanitize.sarif_message(f"{text}\nChain: {chain}" if chain else text)


def _subject_place(report: Report, finding: Finding) -> Location | None:
    return report.places.get((finding.subject_kind, finding.subject_id))


class _Builder:
    def __init__(self, report: Report, index: Mapping[str, int]) -> None:
        self.report = report
        self.index = index
        self.places = _Places(report.root)
        fallback = _fallback_source(report.sources)
        self.fallback = self.places.artifact(fallback) if fallback else None

    def place(self, group: _Group) -> tuple[dict[str, str], Location | None] | None:
        """The artifact and location of a group's primary location, or None (unplaceable)."""
        if group.first.subject_kind == RUN_SUBJECT:
            return None  # about the run as a whole (no-token-data): a run notification
        subject = _subject_place(self.report, group.first)
        candidates = [subject] if subject is not None else []
        candidates += [f.location for f in group.findings if f.location is not None]
        for location in candidates:
            artifact = self.places.artifact(location.path)
            if artifact is not None:
                return artifact, location
        if not any(f.location is not None for f in group.findings) and self.fallback:
            return self.fallback, None  # account-level: no file of its own
        return None

    def result(
        self, group: _Group, placed: tuple[dict[str, str], Location | None]
    ) -> dict[str, Any]:
        artifact, location = placed
        first = group.first
        logical = {
            "name": first.subject_name,
            "fullyQualifiedName": f"{first.subject_kind}/{first.subject_ref}",
            "kind": first.subject_kind,
        }
        result: dict[str, Any] = {
            "ruleId": first.rule_id,
            "ruleIndex": self.index[first.rule_id],
            "level": _LEVEL[group.severity],
            "message": {"text": _message(group)},
            "locations": [
                {"physicalLocation": _physical(artifact, location), "logicalLocations": [logical]}
            ],
        }
        if len(group.findings) > 1:
            related = self.related(group.findings)
            if related:
                result["relatedLocations"] = related
        result["partialFingerprints"] = {
            LINE_HASH_KEY: f"{group.hash}:1",
            FINGERPRINT_KEY: group.hash,
        }
        permkeys = sorted({f.permkey for f in group.findings if f.permkey})
        result["properties"] = {
            "subject": subject_to_dict(first),
            "permkeys": permkeys,
            "findings": len(group.findings),
            "fingerprints": [f.fingerprint for f in group.findings[:MAX_LISTED]],
        }
        if group.suppression is not None:
            result["suppressions"] = [_suppression(group.suppression)]
        return result

    def related(self, findings: Sequence[Finding]) -> list[dict[str, Any]]:
        related: list[dict[str, Any]] = []
        seen: set[tuple[str, int, int]] = set()
        for finding in findings:
            location = finding.location
            if location is None or not location.line:
                continue
            artifact = self.places.artifact(location.path)
            key = (location.path, location.line, location.column or 0)
            if artifact is None or key in seen:
                continue
            seen.add(key)
            related.append(
                {
                    "id": len(related) + 1,
                    "physicalLocation": _physical(artifact, location),
                    "message": {"text": sanitize.sarif_message(finding.permkey or finding.message)},
                }
            )
            if len(related) == MAX_LISTED:
                break
        return related


def _suppression(suppression: Suppression) -> dict[str, Any]:
    entry: dict[str, Any] = {
        # inline suppressions sit in the analysed file; waivers live in policy files and
        # baselines in their own file
        "kind": "inSource" if suppression.kind == "inline" else "external",
        "status": "accepted",
        "justification": suppression.reason or suppression.kind,
        "properties": {"suitelint-kind": suppression.kind},
    }
    if suppression.expires:
        entry["properties"]["expires"] = suppression.expires
    return entry


def _notification(group: _Group, index: Mapping[str, int], why: str) -> dict[str, Any]:
    first = group.first
    text = _message(group) + f"\n({why})"
    return {
        "descriptor": {"id": first.rule_id},
        "associatedRule": {"id": first.rule_id, "index": index[first.rule_id]},
        "level": _LEVEL[group.severity],
        "message": {"text": text},
    }


def _priority(group: _Group, docs: Mapping[str, RuleDoc]) -> tuple[int, int, float]:
    """What GitHub should see first when not everything fits: active before suppressed,
    then by severity, then by the rule's own risk."""
    risk = docs[group.first.rule_id].security_severity
    return (
        0 if group.suppression is None else 1,
        -int(group.severity),
        -(risk if risk is not None else 0.0),
    )


def report_to_sarif(
    report: Report, *, max_results: int = MAX_RESULTS, max_bytes: int = MAX_BYTES
) -> dict[str, Any]:
    """The SARIF document as data: what :func:`stream` writes, its results decoded."""
    document = _document(report, max_results=max_results, max_bytes=max_bytes)
    run = document["runs"][0]
    run["results"] = [
        msgspec.json.decode(result) if isinstance(result, msgspec.Raw) else result
        for result in run["results"].items
    ]
    return document


def _measured(
    builder: _Builder,
    placed: Sequence[tuple[_Group, tuple[dict[str, str], Location | None]]],
    ranked: Sequence[int],
    max_results: int,
    max_bytes: int,
) -> tuple[list[tuple[int, bytes]], bool]:
    """The results kept, as compact JSON with their place in ``placed`` (in that order),
    and whether any was left out. Results are built most important first and measured (their ``ruleIndex``
    0: the index is known only once it is known whether the left-out rule joins the
    rules); a run keeps at most ``max_results`` results and ``max_bytes`` of them
    (GitHub: 25,000 results, 10 MB gzipped). Only what may be kept is held, never more
    than ``max_bytes`` and one result; once a cut is certain, what is past it is not built.
    """
    encoded: list[bytes] = []
    total = 0
    cut = len(ranked) > max_results
    kept: int | None = None  # how many of the ranked results a cut keeps
    for n, i in enumerate(ranked):
        if cut and kept is not None:
            break  # everything from here on is left out
        result = msgspec.json.encode(builder.result(*placed[i]))
        if kept is None and (n == max_results - 1 or total + len(result) > max_bytes - 10_000):
            kept = n
        total += len(result)
        cut = cut or total > max_bytes
        encoded.append(result)
    if cut:
        assert kept is not None  # a cut by count reaches max_results - 1; by bytes, the budget
        encoded = encoded[:kept]
    return sorted(zip(ranked, encoded, strict=False)), cut


def _with_index(result: bytes, rule_id: str, index: int) -> bytes:
    """A measured result (``ruleIndex`` 0, its second key) with its rule's final index."""
    measured = b'{"ruleId":' + msgspec.json.encode(rule_id) + b',"ruleIndex":0,'
    assert result.startswith(measured)
    return measured[:-2] + str(index).encode() + b"," + result[len(measured) :]


def _document(report: Report, *, max_results: int, max_bytes: int) -> dict[str, Any]:
    """The document, its results kept as compact JSON (:class:`jsonout.Items` of
    :class:`msgspec.Raw`), to be formatted while it is written."""
    docs = _rule_docs(report)
    groups = _groups(report.findings)
    builder = _Builder(report, {})  # the index is filled once the rule list is known
    placed: list[tuple[_Group, tuple[dict[str, str], Location | None]]] = []
    unplaced: list[_Group] = []
    for group in groups:
        where = builder.place(group)
        if where is None:
            unplaced.append(group)
        else:
            placed.append((group, where))
    ranked = sorted(range(len(placed)), key=lambda i: (_priority(placed[i][0], docs), i))
    builder.index = dict.fromkeys(docs, 0)  # measured with 0; the final index is set below
    kept, cut = _measured(builder, placed, ranked, max_results, max_bytes)
    taken = {i for i, _ in kept}
    left_out = [placed[i][0] for i in ranked if i not in taken] if cut else []
    if cut:
        docs[LEFT_OUT_RULE] = _LEFT_OUT_DOC
    ordered = dict(sorted(docs.items()))
    index = {rule_id: i for i, rule_id in enumerate(ordered)}
    builder.index = index
    names = _names(ordered)

    def results(pending: list[tuple[int, bytes]], last: dict[str, Any] | None) -> Iterator[Any]:
        """The kept results in order, each let go once it is written."""
        pending.reverse()
        while pending:
            i, result = pending.pop()
            rule_id = placed[i][0].first.rule_id
            yield msgspec.Raw(_with_index(result, rule_id, index[rule_id]))
        if last is not None:
            yield last

    notifications = [
        _notification(group, index, "no file of the repository to place it on")
        for group in unplaced
    ]
    last = _left_out_result(builder, left_out, index) if left_out else None
    if left_out:
        notifications.append(
            {
                "descriptor": {"id": LEFT_OUT_RULE},
                "associatedRule": {"id": LEFT_OUT_RULE, "index": index[LEFT_OUT_RULE]},
                "level": "warning",
                "message": {"text": _left_out_text(left_out)},
            }
        )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "suitelint",
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(doc, names[rid]) for rid, doc in ordered.items()],
                "version": report.tool_version or __version__,
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                **({"toolConfigurationNotifications": notifications} if notifications else {}),
            }
        ],
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The root of the repository (found from git, or --sarif-root)."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": jsonout.Items(results(kept, last)),
        "properties": {
            "catalog": report.catalog_version,
            "policies": list(report.policies),
            "sources": list(report.sources),
            "account": {"id": report.account_id, "environment": report.environment},
            "findings": len(report.findings),
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _left_out_text(left_out: Sequence[_Group]) -> str:
    findings = sum(len(g.findings) for g in left_out)
    return (
        f"{len(left_out)} more results ({findings} findings) are left out of this file: GitHub "
        f"code scanning accepts at most {MAX_RESULTS:,} results per run and 10 MB gzipped, so "
        "the most severe are kept. The JSON report (suitelint check --format json=FILE) lists every finding."
    )


def _left_out_result(
    builder: _Builder, left_out: Sequence[_Group], index: Mapping[str, int]
) -> dict[str, Any]:
    placed = builder.place(left_out[0])
    assert placed is not None  # only placed groups are ever left out
    artifact, _ = placed
    by_rule: dict[str, int] = {}
    for group in left_out:
        by_rule[group.first.rule_id] = by_rule.get(group.first.rule_id, 0) + 1
    identity = _identity_hash((LEFT_OUT_RULE,))
    return {
        "ruleId": LEFT_OUT_RULE,
        "ruleIndex": index[LEFT_OUT_RULE],
        "level": "warning",
        "message": {"text": _left_out_text(left_out)},
        "locations": [
            {"physicalLocation": {"artifactLocation": dict(artifact), "region": {"startLine": 1}}}
        ],
        "partialFingerprints": {LINE_HASH_KEY: f"{identity}:1", FINGERPRINT_KEY: identity},
        "properties": {"left_out": dict(sorted(by_rule.items()))},
    }


def stream(report: Report, *, color: bool = False) -> Iterator[str]:
    """The document's text in pieces, as :func:`render` writes it whole: the results are
    formatted a batch at a time while they are written."""
    return jsonout.chunks(_document(report, max_results=MAX_RESULTS, max_bytes=MAX_BYTES))


def render(report: Report, *, color: bool = False) -> str:
    return "".join(stream(report, color=color))
