"""Plain text: ``path:line:col: severity rule-id message``, the chain under it, a summary.

Written as a stream (:func:`stream`): findings are turned into text a batch at a time.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence

from suitelint import sanitize
from suitelint.findings import Finding, Link, Report, Severity

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


class _Formatter:
    """Renders one finding and its chain. A large account has hundreds of thousands, so
    what they share (link texts: every finding on a token starts with the same
    integration, token and user links; each rule's severity and id; paths) is worked out
    once."""

    def __init__(self, color: bool, shown: dict[int, tuple[Link, str]]) -> None:
        self.color = color
        self.shown = shown
        self.severities = {s: _paint(s.label, _COLORS[s], color) for s in Severity}
        self.paths: dict[str, str] = {}
        #: "severity rule-id" by (severity, rule id)
        self.labels: dict[tuple[Severity, str], str] = {}
        #: by rule id, for :meth:`batch`: the severity and path it was made for, the text
        #: before the line number and the text between the column and the message (an
        #: enum member hashes in Python: a key of rule ids alone)
        self.heads: dict[str, tuple[Severity, str, str, str]] = {}
        #: the first link of a two-link chain: (the link, "\n    text → ")
        self.tails: dict[int, tuple[Link, str]] = {}

    def finding(self, finding: Finding) -> str:
        location = finding.location
        if location is None:
            where = "<account>:"
        else:
            path = self.paths.get(location.path)
            if path is None:
                path = self.paths[location.path] = _path_part(location.path)
            line = location.line
            if line is None:
                where = path
            elif location.column is None:
                where = f"{path}{line}:"
            else:
                where = f"{path}{line}:{location.column}:"
        key = (finding.severity, finding.rule_id)
        label = self.labels.get(key)
        if label is None:
            rule = _paint(key[1], "1", True) if self.color else key[1]
            label = self.labels[key] = f"{self.severities[key[0]]} {rule}"
        message = finding.message
        if not message.isprintable() or "::" in message or "##" in message:
            message = sanitize.line(message)  # else it is its own sanitised form
        chain = finding.chain
        if not chain:
            return f"{where} {label} {message}"
        shown = self.shown
        texts = []
        for link in chain:
            entry = shown.get(id(link))
            if entry is None:  # the entry holds the link, so its id stays its own
                entry = shown[id(link)] = (link, sanitize.line(str(link)))
            texts.append(entry[1])
        text = " → ".join(texts)
        if self.color:
            text = _paint(text, "2", True)
        return f"{where} {label} {message}\n    {text}"

    def batch(self, findings: Sequence[Finding]) -> str:
        """``"\\n".join(map(self.finding, findings))``, the common shape written from
        what was worked out before: a finding with a line and a column, a message that is
        its own sanitised form and a chain of two links, without colour. The rest go
        through :meth:`finding`."""
        if self.color:
            return "\n".join(map(self.finding, findings))
        finding = self.finding
        heads = self.heads
        tails = self.tails
        shown = self.shown
        out: list[str] = []
        append = out.append
        plain = _plain_messages(findings)
        # a role's findings stand together: most share the one before's first link
        last: Link | None = None
        tail = ""
        # and one rule's findings in one file, the one before's head
        rule: str | None = None
        severity: Severity | None = None
        path: str | None = None
        before = between = ""
        for f in findings:
            location = f.location
            chain = f.chain
            message = f.message
            if (
                location is None
                or location.line is None
                or location.column is None
                or len(chain) != 2
                or (not plain and (not message.isprintable() or "::" in message or "##" in message))
            ):
                append(finding(f))
                continue
            if f.rule_id is not rule or f.severity is not severity or location.path is not path:
                head = heads.get(f.rule_id)
                if head is None or head[0] is not f.severity or head[1] != location.path:
                    head = heads[f.rule_id] = self._head(f)
                rule, severity, path = f.rule_id, f.severity, location.path
                before, between = head[2], head[3]
            first, second = chain
            if first is not last:
                entry = tails.get(id(first))
                if entry is None:
                    entry = shown.get(id(first))
                    if entry is None:  # the entry holds the link, so its id stays its own
                        entry = shown[id(first)] = (first, sanitize.line(str(first)))
                    entry = tails[id(first)] = (first, f"\n    {entry[1]} → ")
                last, tail = first, entry[1]
            other = shown.get(id(second))
            if other is None:
                other = shown[id(second)] = (second, sanitize.line(str(second)))
            append(f"{before}{location.line}:{location.column}{between}{message}{tail}{other[1]}")
        return "\n".join(out)

    def _head(self, finding: Finding) -> tuple[Severity, str, str, str]:
        """What a finding's line has before its line number and between its column and
        its message, for the findings of one rule and severity in one file."""
        assert finding.location is not None
        path = self.paths.get(finding.location.path)
        if path is None:
            path = self.paths[finding.location.path] = _path_part(finding.location.path)
        key = (finding.severity, finding.rule_id)
        label = self.labels.get(key)
        if label is None:
            label = self.labels[key] = f"{self.severities[key[0]]} {key[1]}"
        return (finding.severity, finding.location.path, path, f": {label} ")


def _path_part(path: str) -> str:
    """A finding's path and the colon after it, sanitised together: a path that ends in a
    colon (``":"``) must not make a ``::`` with it (a workflow command at a line's start)."""
    return sanitize.line(path + ":")


#: the printable ASCII characters but the two a CI log command is made of
_PLAIN = bytes(range(0x20, 0x7F)).translate(None, b":#")
_MESSAGE = operator.attrgetter("message")


def _plain_messages(findings: Sequence[Finding]) -> bool:
    """Whether every finding's message is printable ASCII without "::" or "##" (then it
    is its own sanitised form), checked for the batch at once: its messages joined by NUL
    (a message holding one is not plain) and all but the NULs, colons, number signs and
    other controls taken out, in C. Two colons of one message left next to each other
    were not always so: such a batch is not plain, and its messages are checked one by
    one."""
    joined = "\0".join(map(_MESSAGE, findings))
    if not joined.isascii():
        return False
    left = joined.encode().translate(None, _PLAIN)
    return (
        left.count(b"\0") == len(findings) - 1
        and not left.translate(None, b":#\0")
        and b"::" not in left
        and b"##" not in left
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(report: Report) -> str:
    counts = report.counts()
    total = counts["error"] + counts["warning"] + counts["note"]
    parts = [
        _plural(counts["error"], "error"),
        _plural(counts["warning"], "warning"),
        _plural(counts["note"], "note"),
    ]
    text = f"{_plural(total, 'finding')} ({', '.join(parts)})"
    if counts["suppressed"]:
        kinds: dict[str, int] = {}
        for finding in report.suppressed:
            assert finding.suppression is not None
            kinds[finding.suppression.kind] = kinds.get(finding.suppression.kind, 0) + 1
        detail = ", ".join(f"{n} by {k}" for k, n in sorted(kinds.items()))
        text += f", {counts['suppressed']} suppressed ({detail})"
    checked = ", ".join(
        _plural(n, kind.removesuffix("s")) for kind, n in report.subjects_checked.items()
    )
    if checked:
        text += f"; checked {checked}"
    text += f"; catalog {report.catalog_version}"
    verdict = "FAIL" if report.failing else "OK"
    return f"{verdict}: {text}; failing at {report.fail_on.label} or above"


#: findings turned into text at a time by :func:`stream`
BATCH = 1024


def stream(report: Report, *, color: bool = False) -> Iterator[str]:
    """The report's text in pieces, as :func:`render` writes it whole: each piece is a
    batch of findings' blocks, each block ending in a newline."""
    formatter = _Formatter(color, {})
    active = report.active
    whole = len(active) - len(active) % BATCH
    for start in range(0, whole, BATCH):
        yield formatter.batch(active[start : start + BATCH]) + "\n"
    blocks = list(map(formatter.finding, active[whole:]))
    suppressed = report.suppressed
    if suppressed:
        lines = ["suppressed:"]
        for finding in suppressed:
            assert finding.suppression is not None
            where = str(finding.location) if finding.location else "<account>"
            lines.append(
                f"  {sanitize.line(where + ':')} {finding.rule_id} "
                f"{sanitize.line(finding.subject_name)} "
                f"({finding.suppression.kind}: {sanitize.line(finding.suppression.reason)})"
            )
        blocks.append("\n".join(lines))
    verdict = summary_line(report)
    blocks.append(_paint(verdict, "1;31" if report.failing else "1;32", color))
    yield "\n".join(blocks) + "\n"


def render(report: Report, *, color: bool = False) -> str:
    return "".join(stream(report, color=color))
