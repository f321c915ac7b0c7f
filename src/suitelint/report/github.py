"""GitHub Actions workflow commands: one annotation per active finding.

``::error file=PATH,line=L,col=C,title=RULE::MESSAGE`` shows the finding on the changed
line of a pull request. Account data is attacker-controllable, so every value is escaped
as the Actions runner expects (actions/toolkit ``command.ts``): ``%``, CR and LF in the
message; additionally ``:`` and ``,`` in properties. An unescaped newline would let a
role name start a workflow command of its own. Suppressed findings are listed as plain
log lines after the annotations, with a summary line, so they never vanish.
"""

from __future__ import annotations

from suitelint.findings import Finding, Report, Severity
from suitelint.report.locations import in_repository, relative_path
from suitelint.report.text import summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _plain(text: str) -> str:
    """A log line that can never be read as a workflow command."""
    if text.isprintable():  # the common case, checked in C: nothing to replace
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def format_finding(finding: Finding) -> str:
    props: list[tuple[str, str]] = []
    location = finding.location
    if location is not None and in_repository(location.path):
        path = relative_path(location.path)
        if path:
            props.append(("file", path))
            if location.line is not None:
                props.append(("line", str(location.line)))
                if location.column is not None:
                    props.append(("col", str(location.column)))
    props.append(("title", f"{finding.rule_id} ({finding.severity.label})"))
    message = finding.message
    if finding.chain:
        message += "\n" + " → ".join(str(link) for link in finding.chain)
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMAND[finding.severity]} {joined}::{escape_data(message)}"


def render(report: Report, *, color: bool = False) -> str:
    lines = [format_finding(f) for f in report.active]
    for finding in report.suppressed:
        assert finding.suppression is not None
        where = str(finding.location) if finding.location else "<account>"
        lines.append(
            _plain(
                f"suppressed: {where}: {finding.rule_id} {finding.subject_name} "
                f"({finding.suppression.kind}: {finding.suppression.reason})"
            )
        )
    lines.append(_plain(summary_line(report)))
    return "\n".join(lines) + "\n"
