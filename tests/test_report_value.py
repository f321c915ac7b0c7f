"""A Report is a value: copies made with ``msgspec.structs.replace`` split their own
findings into active and suppressed, and the split it keeps never changes equality."""

from __future__ import annotations

import msgspec
import pytest

from suitelint.findings import Finding, Report, Severity, Suppression


def _finding(subject: str) -> Finding:
    return Finding("r", Severity.ERROR, "m", "role", subject, subject)


def test_a_copy_splits_its_own_findings_and_the_split_never_changes_equality() -> None:
    held = _finding("a")
    waived = _finding("b").suppress(Suppression("inline", "accepted"))
    report = Report(findings=(held, waived))
    fresh = Report(findings=(held, waived))
    assert report.active == (held,) and report.suppressed == (waived,)
    assert report == fresh and repr(report) == repr(fresh)  # one split, the other not yet
    copy = msgspec.structs.replace(report, findings=(waived,))
    assert copy.active == () and copy.suppressed == (waived,)
    assert report.active == (held,)


def test_a_report_stays_frozen() -> None:
    report = Report(findings=())
    with pytest.raises(AttributeError):
        report.root = "elsewhere"  # type: ignore[misc]
    assert report.root == ""
