"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; the driver lists every rule the run judged against (id, title, rationale, fix,
default level). Results carry stable ``partialFingerprints`` (the finding's identity,
never a line number), physical locations relative to ``%SRCROOT%`` (the folder suitelint
ran in, the repository root in CI), the subject as a logical location, and waived or
baselined findings as ``suppressions``. A finding without a file of its own is placed on
the first source, so code scanning still shows it. No timestamps, no absolute paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from suitelint import jsonout
from suitelint.findings import Finding, Report, RuleDoc, Severity
from suitelint.report.locations import in_repository, relative_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://github.com/suitelint/suitelint"
#: the fingerprint scheme: bump the suffix if Finding.identity ever changes meaning
FINGERPRINT_KEY = "suitelint/identity/v1"
_FILE_SUFFIXES = {".json", ".yaml", ".yml", ".csv", ".xml"}
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
# GitHub ranks security alerts by this property (CVSS-like 0.0-10.0): error → high,
# warning → medium, note → low.
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.NOTE: "2.0"}


def artifact_location(path: str) -> dict[str, Any]:
    rel = relative_path(path)
    if rel.startswith("/"):
        return {"uri": "file://" + quote(rel, safe="/")}
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _rule_descriptor(doc: RuleDoc) -> dict[str, Any]:
    help_parts = [part for part in (doc.why, f"How to fix: {doc.fix}" if doc.fix else "") if part]
    help_text = "\n\n".join(help_parts) or doc.title
    markdown_parts = [f"**{doc.title}**"] if doc.title else []
    if doc.why:
        markdown_parts.append(doc.why)
    if doc.fix:
        markdown_parts.append(f"**How to fix:** {doc.fix}")
    tags = ["security"] + ([doc.pack] if doc.pack else [])
    return {
        "id": doc.id,
        "name": doc.id,
        "shortDescription": {"text": doc.title or doc.id},
        "fullDescription": {"text": doc.why or doc.title or doc.id},
        "help": {"text": help_text, "markdown": "\n\n".join(markdown_parts) or doc.id},
        "defaultConfiguration": {"level": _LEVEL[doc.severity]},
        "properties": {
            "tags": tags,
            "precision": "high",
            "security-severity": _SECURITY_SEVERITY[doc.severity],
        },
    }


def _rule_docs(report: Report) -> dict[str, RuleDoc]:
    docs: dict[str, RuleDoc] = dict(report.rules)
    for finding in report.findings:  # a rule without docs still gets a descriptor
        docs.setdefault(
            finding.rule_id, RuleDoc(finding.rule_id, finding.rule_id, finding.severity)
        )
    return dict(sorted(docs.items()))


def _message(finding: Finding) -> str:
    if not finding.chain:
        return finding.message
    return finding.message + "\nChain: " + " → ".join(str(link) for link in finding.chain)


def _result(
    finding: Finding, index: Mapping[str, int], fallback: str, artifacts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    location = finding.location
    if location is not None and not in_repository(location.path):
        location = None  # a built-in pack is no file of the repository: use the fallback
    path = location.path if location else fallback
    artifact = artifacts.get(path)
    if artifact is None:  # tens of thousands of findings share a few files
        artifact = artifacts[path] = artifact_location(path)
    physical: dict[str, Any] = {"artifactLocation": dict(artifact)}
    if location is not None and location.line is not None and location.line >= 1:
        region: dict[str, int] = {"startLine": location.line}
        if location.column is not None and location.column >= 1:
            region["startColumn"] = location.column
        physical["region"] = region
    logical: dict[str, Any] = {
        "name": finding.subject_name,
        "fullyQualifiedName": f"{finding.subject_kind}/{finding.subject_ref}",
        "kind": finding.subject_kind,
    }
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": physical, "logicalLocations": [logical]}]
        if location is not None or fallback
        else [{"logicalLocations": [logical]}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "subject": {
                "kind": finding.subject_kind,
                "id": finding.subject_id,
                "name": finding.subject_name,
                "scriptid": finding.subject_scriptid,
            },
            "permkey": finding.permkey,
            "chain": [
                {"kind": link.kind, "id": link.id, "name": link.name, "detail": link.detail}
                for link in finding.chain
            ],
        },
    }
    if finding.suppression is not None:
        suppression = finding.suppression
        entry: dict[str, Any] = {
            # waivers live in policy files and baselines in their own file: never in the
            # analysed source itself
            "kind": "external",
            "status": "accepted",
            "justification": suppression.reason or suppression.kind,
            "properties": {"suitelint-kind": suppression.kind},
        }
        if suppression.expires:
            entry["properties"]["expires"] = suppression.expires
        result["suppressions"] = [entry]
    return result


def _fallback_source(sources: tuple[str, ...]) -> str:
    """Where findings without a file of their own go: the first source that is a file
    (a snapshot or export), else the first source (an SDF project folder)."""
    files = [s for s in sources if PurePath(s).suffix.lower() in _FILE_SUFFIXES]
    return files[0] if files else (sources[0] if sources else "")


def report_to_sarif(report: Report) -> dict[str, Any]:
    docs = _rule_docs(report)
    index = {rule_id: i for i, rule_id in enumerate(docs)}
    fallback = _fallback_source(report.sources)
    artifacts: dict[str, dict[str, Any]] = {}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "suitelint",
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(doc) for doc in docs.values()],
                **({"version": report.tool_version} if report.tool_version else {}),
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {"text": "The folder suitelint ran in: the repository root in CI."}
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index, fallback, artifacts) for f in report.findings],
        "properties": {
            "catalog": report.catalog_version,
            "policies": list(report.policies),
            "sources": list(report.sources),
            "account": {"id": report.account_id, "environment": report.environment},
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, color: bool = False) -> str:
    return jsonout.dumps(report_to_sarif(report))
