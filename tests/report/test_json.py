"""The JSON report: every finding, written as a stream (one batch of findings turned into
JSON at a time), with the same bytes as the whole document."""

from __future__ import annotations

import msgspec

from reports import sample_report
from suitelint import jsonout
from suitelint.report import json as json_report
from suitelint.report import streamer


def test_the_stream_is_the_whole_report_in_pieces() -> None:
    report = sample_report()
    pieces = list(json_report.stream(report))
    assert len(pieces) > 1
    assert "".join(pieces) == jsonout.dumps(json_report.report_to_dict(report))
    assert "".join(streamer("json")(report)) == json_report.render(report)


def test_findings_become_json_while_the_report_is_written_not_before(monkeypatch) -> None:
    report = sample_report()
    report = msgspec.structs.replace(report, findings=report.findings * 300)
    converted = []
    real = json_report.finding_to_dict

    def counting(finding):
        converted.append(finding)
        return real(finding)

    monkeypatch.setattr(json_report, "finding_to_dict", counting)
    pieces = json_report.stream(report)
    head = next(pieces)
    assert head.startswith('{\n  "format": 1,') and converted == []
    next(pieces)  # the first batch of findings
    assert 0 < len(converted) <= jsonout.BATCH
    assert len(converted) < len(report.findings)  # the rest is not built yet
    for _ in pieces:
        pass
    assert len(converted) == len(report.findings)
