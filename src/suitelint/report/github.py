"""GitHub Actions workflow commands: one annotation per active finding.

``::error file=PATH,line=L,col=C,title=RULE::MESSAGE`` shows the finding on the changed
line of a pull request. Account data is attacker-controllable, so every value is escaped
as the Actions runner expects (actions/toolkit ``command.ts``): ``%``, CR and LF in the
message; additionally ``:`` and ``,`` in properties. An unescaped newline would let a
role name start a workflow command of its own; every value passes through
:mod:`suitelint.sanitize` first, so none holds a command in either syntax. Suppressed findings are listed as plain
log lines after the annotations, with a summary line, so they never vanish.
"""

from __future__ import annotations

from suitelint import sanitize
from suitelint.findings import Finding, Report, Severity
from suitelint.report.locations import in_repository, relative_path
from suitelint.report.text import summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_finding(finding: Finding) -> str:
    props: list[tuple[str, str]] = []
    location = finding.location
    message = sanitize.line(finding.message)
    if location is not None and in_repository(location.path):
        path = relative_path(location.path)
        if path != sanitize.line(path):  # no file of the checkout, and a runner would
            message = f"{sanitize.line(str(location))}: {message}"  # read it: text only
        elif path:
            props.append(("file", path))
            if location.line is not None:
                props.append(("line", str(location.line)))
                if location.column is not None:
                    props.append(("col", str(location.column)))
    props.append(("title", f"{finding.rule_id} ({finding.severity.label})"))
    if finding.chain:
        message += "\n" + " → ".join(sanitize.line(str(link)) for link in finding.chain)
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMAND[finding.severity]} {joined}::{escape_data(message)}"


def render(report: Report, *, color: bool = False) -> str:
    lines = [format_finding(f) for f in report.active]
    for finding in report.suppressed:
        assert finding.suppression is not None
        where = str(finding.location) if finding.location else "<account>"
        lines.append(
            f"suppressed: {sanitize.line(where)}: {finding.rule_id} "
            f"{sanitize.line(finding.subject_name)} "
            f"({finding.suppression.kind}: {sanitize.line(finding.suppression.reason)})"
        )
    lines.append(sanitize.line(summary_line(report)))
    return "\n".join(lines) + "\n"
