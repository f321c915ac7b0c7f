"""The text report, written as a stream: a batch of findings turned into text at a time,
the same bytes as the whole report."""

from __future__ import annotations

import msgspec

from reports import sample_report
from suitelint.report import streamer, text


def test_the_stream_is_the_whole_report_in_pieces_each_ending_a_line() -> None:
    report = sample_report()
    report = msgspec.structs.replace(report, findings=report.findings * 700)
    pieces = list(text.stream(report))
    assert len(pieces) > 2
    assert all(piece.endswith("\n") for piece in pieces)
    whole = "".join(pieces)
    assert whole == text.render(report) == "".join(streamer("text")(report))
    assert whole.splitlines()[-1].startswith("FAIL: ")


def test_findings_become_text_while_the_report_is_written_not_before(monkeypatch) -> None:
    report = sample_report()
    report = msgspec.structs.replace(report, findings=report.findings * 700)
    done = []
    real = text._Formatter.finding

    def counting(self, finding):
        done.append(finding)
        return real(self, finding)

    monkeypatch.setattr(text._Formatter, "finding", counting)
    pieces = text.stream(report)
    next(pieces)
    assert len(done) == text.BATCH < len(report.active)
    for _ in pieces:
        pass
    assert len(done) == len(report.active)
