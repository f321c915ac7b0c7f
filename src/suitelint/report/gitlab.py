"""GitLab Code Quality report: findings in merge request widgets and diffs.

One JSON array (no BOM), an object per active finding with the fields GitLab reads
(``ci-facts.md`` §5): ``description``, ``check_name`` (the rule), ``fingerprint`` (the
finding's identity hash: unique per finding, so GitLab collapses nothing, and stable across
runs and line moves, so a finding is "new" only when it is), ``severity`` (``critical`` for
errors, ``major`` for warnings, ``info`` for notes) and ``location.path`` relative to the
repository root (as in SARIF: ``Report.root``) with ``location.lines.begin``. A finding
without a file of its own goes on the first source that is a file, line 1. Code Quality has
no notion of a suppressed finding: waived and baselined findings are left out (the JSON and
SARIF reports keep them). Declare the file with ``artifacts:reports:codequality``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from suitelint import jsonout, sanitize
from suitelint.findings import Report, Severity
from suitelint.report.locations import in_repository
from suitelint.report.sarif import under_root

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "info"}
_FILE_SUFFIXES = {".json", ".yaml", ".yml", ".csv", ".xml"}


def report_to_issues(report: Report) -> list[dict[str, Any]]:
    files = [s for s in report.sources if PurePath(s).suffix.lower() in _FILE_SUFFIXES]
    fallback = files[0] if files else (report.sources[0] if report.sources else ".")
    issues = []
    for finding in report.active:
        location = finding.location
        if location is not None and in_repository(location.path):
            path, line = location.path, location.line or 1
        else:
            path, line = fallback, 1
        issues.append(
            {
                "description": sanitize.lines(finding.message),
                "check_name": finding.rule_id,
                "fingerprint": finding.fingerprint,
                "severity": _SEVERITY[finding.severity],
                "location": {
                    "path": sanitize.line(under_root(path, report.root)),
                    "lines": {"begin": line},
                },
            }
        )
    return issues


def render(report: Report, *, color: bool = False) -> str:
    return sanitize.json_document(jsonout.dumps(report_to_issues(report)))
