"""The text report, written as a stream: a batch of findings turned into text at a time,
the same bytes as the whole report."""

from __future__ import annotations

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from hostile import HOSTILE, assert_log_safe
from reports import sample_report
from suitelint import sanitize
from suitelint.findings import Finding, Link, Location, Severity
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
    real = text._Formatter.batch

    def counting(self, findings):
        done.extend(findings)
        return real(self, findings)

    monkeypatch.setattr(text._Formatter, "batch", counting)
    pieces = text.stream(report)
    next(pieces)
    assert len(done) == text.BATCH < len(report.active)
    for _ in pieces:
        pass
    assert len(done) == len(report.active) - len(report.active) % text.BATCH


_NAMES = HOSTILE | st.sampled_from(["Sync", "Bench Admin Role 0002", "x"])
_LINKS = st.builds(
    Link,
    kind=st.sampled_from(["role", "token", "user", "permission", "global_permission"]),
    id=_NAMES,
    name=_NAMES,
    detail=st.sampled_from(["", "FULL", "VIEW"]) | HOSTILE,
)
_FINDINGS = st.builds(
    Finding,
    rule_id=st.sampled_from(["a-rule", "other", "suitelint/x"]),  # the policy's schema checks ids
    severity=st.sampled_from(list(Severity)),
    message=st.sampled_from(["role 'Sync' holds X at FULL", "plain"]) | HOSTILE,
    subject_kind=st.just("role"),
    subject_id=st.just("1"),
    subject_name=_NAMES,
    chain=st.lists(_LINKS, max_size=3).map(tuple),
    location=st.none()
    | st.builds(
        Location,
        path=st.sampled_from(["a.json", "b.json"]) | HOSTILE,
        line=st.none() | st.integers(1, 99),
        column=st.none() | st.integers(1, 99),
    ),
)


@given(st.lists(_FINDINGS, max_size=12), st.booleans(), st.randoms())
def test_a_batch_is_its_findings_one_by_one_whatever_their_names(findings, color, rnd) -> None:
    """The batch writer's fast path (a line and a column, two links, a plain message)
    writes what the one-finding writer does, links and heads shared or not, hostile names
    still through the sanitiser."""
    findings += [rnd.choice(findings) for _ in findings]  # the same links and heads again
    # and standing together, as a role's findings do: a rule's, then one first link's
    together = sorted(findings, key=lambda f: (f.rule_id, id(f.chain[0]) if f.chain else 0))
    for batch in (findings, together):
        whole = text._Formatter(color, {}).batch(batch)
        assert whole == "\n".join(map(text._Formatter(color, {}).finding, batch))
        if not color:
            assert_log_safe(whole)


_MESSAGE_TEXT = st.text(st.sampled_from("a :#\0\n\x1b\u202eé[v"), max_size=8) | HOSTILE


@given(st.lists(_MESSAGE_TEXT, max_size=6))
def test_a_batch_is_plain_when_and_only_when_its_messages_are(messages) -> None:
    """A batch's messages are checked at once: plain only if each is printable and holds
    neither "::" nor "##" (each is then its own sanitised form); and plain whenever each
    is printable ASCII with at most one colon and one number sign (a large account's)."""
    findings = [Finding("r", Severity.ERROR, m, "role", "1", "n") for m in messages]
    each = all(m.isprintable() and "::" not in m and "##" not in m for m in messages)
    plain = text._plain_messages(findings)
    if plain:
        assert each
        assert all(sanitize.line(m) == m for m in messages)
    simple = all(m.isascii() and m.count(":") < 2 and m.count("#") < 2 for m in messages)
    if messages and each and simple:
        assert plain


def test_a_path_ending_in_a_colon_makes_no_workflow_command_with_the_separator() -> None:
    """A finding's path and the colon after it are sanitised together: a file named ":"
    (or " :") must not start a line with "::", with or without a line number, active or
    suppressed (hypothesis found ":: note a-rule ...")."""
    from suitelint.findings import Suppression

    findings = [
        Finding("a-rule", Severity.NOTE, "m", "role", "1", "n", location=Location(path, *at))
        for path in (":", " :", "x::", "::")
        for at in ((None, None), (3, None), (3, 7))
    ]
    waived = [f.suppress(Suppression("waiver", "ticket 1")) for f in findings]
    report = msgspec.structs.replace(sample_report(), findings=(*findings, *waived))
    whole = text.render(report)
    assert_log_safe(whole)
    assert ":\N{FULLWIDTH COLON} note a-rule m" in whole
    assert ":\N{FULLWIDTH COLON}3:7: note a-rule m" in whole
    assert text._Formatter(False, {}).batch(findings) == "\n".join(
        map(text._Formatter(False, {}).finding, findings)
    )
