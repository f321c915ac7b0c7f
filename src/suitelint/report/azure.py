"""Azure DevOps logging commands: one ``##vso[task.logissue]`` per active finding.

``##vso[task.logissue type=error;sourcepath=PATH;linenumber=L;columnnumber=C;code=RULE]MSG``
shows a finding in the pipeline's summary and on the build's issues list (``ci-facts.md``
§4). Errors are ``type=error``; warnings and notes ``type=warning`` (Azure has no third
type; a note says so in its text). ``sourcepath`` is absolute, as the agent expects.

The agent finds a command anywhere in a line, so every value goes through
:func:`suitelint.sanitize.azure_message` / ``azure_property``: one printable line with any
``##vso[``/``##[`` defused, and ``%``, ``;`` and ``]`` escaped as the agent decodes them. No
``task.complete`` is written: suitelint's exit code decides the step's result. Suppressed
findings follow as plain lines, then the summary line.
"""

from __future__ import annotations

from pathlib import Path

from suitelint import sanitize
from suitelint.findings import Finding, Report, Severity
from suitelint.report.locations import in_repository
from suitelint.report.text import summary_line


def format_finding(finding: Finding) -> str:
    kind = "error" if finding.severity is Severity.ERROR else "warning"
    props = [("type", kind)]
    location = finding.location
    if location is not None and in_repository(location.path):
        props.append(("sourcepath", str(Path(location.path).absolute())))
        if location.line is not None:
            props.append(("linenumber", str(location.line)))
            if location.column is not None:
                props.append(("columnnumber", str(location.column)))
    props.append(("code", finding.rule_id))
    message = finding.message
    if finding.severity is Severity.NOTE:
        message = f"note: {message}"
    body = ";".join(f"{key}={sanitize.azure_property(value)}" for key, value in props)
    return f"##vso[task.logissue {body};]{sanitize.azure_message(message)}"


def render(report: Report, *, color: bool = False) -> str:
    lines = [format_finding(f) for f in report.active]
    for finding in report.suppressed:
        assert finding.suppression is not None
        lines.append(
            sanitize.line(
                f"suppressed ({finding.suppression.kind}): {finding.rule_id} "
                f"{finding.subject_kind} {finding.subject_name}: {finding.suppression.reason}"
            )
        )
    lines.append(sanitize.line(summary_line(report)))
    return "\n".join(lines) + "\n"
