"""JSON: a stable, documented shape (see README "JSON output"); keys in fixed order.

Written as a stream (:func:`stream`): the findings are turned into JSON a batch at a time
while the file is written, so the report never exists whole in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from suitelint import jsonout
from suitelint.findings import Finding, Report

FORMAT_VERSION = 1


def subject_to_dict(finding: Finding) -> dict[str, Any]:
    """The subject of a finding as JSON and SARIF (``properties.subject``) show it."""
    return {
        "kind": finding.subject_kind,
        "id": finding.subject_id,
        "name": finding.subject_name,
        "scriptid": finding.subject_scriptid,
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    location = finding.location
    suppression = finding.suppression
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.label,
        "message": finding.message,
        "subject": subject_to_dict(finding),
        "permkey": finding.permkey,
        "location": (
            {"path": location.path, "line": location.line, "column": location.column}
            if location
            else None
        ),
        "chain": [
            {"kind": link.kind, "id": link.id, "name": link.name, "detail": link.detail}
            for link in finding.chain
        ],
        "fingerprint": finding.fingerprint,
        "suppressed": (
            {"kind": suppression.kind, "reason": suppression.reason, "expires": suppression.expires}
            if suppression
            else None
        ),
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The whole report as data (what :func:`stream` writes)."""
    document = _document(report)
    document["findings"] = [finding_to_dict(f) for f in report.findings]
    return document


def _document(report: Report) -> dict[str, Any]:
    """The report, its findings to be produced while it is written."""
    counts = report.counts()
    return {
        "format": FORMAT_VERSION,
        "tool": {"name": "suitelint", "version": report.tool_version},
        "catalog": report.catalog_version,
        "account": {"id": report.account_id, "environment": report.environment},
        "as_of": report.as_of or None,
        "sources": list(report.sources),
        "policies": list(report.policies),
        "summary": {
            **counts,
            "failing": len(report.failing),
            "fail_on": report.fail_on.label,
            "checked": dict(report.subjects_checked),
        },
        "findings": jsonout.Items(finding_to_dict(f) for f in report.findings),
    }


def stream(report: Report, *, color: bool = False) -> Iterator[str]:
    """The report's text in pieces, as :func:`render` writes it whole."""
    return jsonout.chunks(_document(report))


def render(report: Report, *, color: bool = False) -> str:
    return "".join(stream(report, color=color))
