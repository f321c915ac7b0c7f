"""JSON: a stable, documented shape (see README "JSON output"); keys in fixed order."""

from __future__ import annotations

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
        "findings": [finding_to_dict(f) for f in report.findings],
    }


def render(report: Report, *, color: bool = False) -> str:
    return jsonout.dumps(report_to_dict(report))
