"""JUnit XML (the Apache Ant schema CI systems read): one test case per rule.

A CI dashboard counts failed tests, so a test fails only when the run fails: each rule the
run judged against is a ``<testsuite>`` holding one ``<testcase>`` (the rule), which fails
when the rule has active findings at or above ``--fail-on`` (listed in the failure). Its
findings below the threshold and its suppressed findings (with the waiver's or the
baseline's reason) are the suite's ``<system-out>``, text beside a passing test; the Ant
schema allows output only per suite. A run that exits 0 has no failed test. Past
:data:`MAX_LISTED` findings a rule's text says how many more the JSON report lists. The
schema requires a timestamp: it is the ``--as-of`` date the run was judged at (midnight),
never the clock.
"""

from __future__ import annotations

from lxml import etree

from suitelint import sanitize
from suitelint.findings import Finding, Report, RuleDoc

_EPOCH = "1970-01-01"


_xml_text = sanitize.xml_chars  # XML 1.0 cannot carry most control characters


#: findings written out per rule and per part (failure, output); the JSON report has all
MAX_LISTED = 1000


def _subject(finding: Finding) -> str:
    name = f"{finding.subject_kind} {finding.subject_name} [{finding.subject_ref}]"
    if finding.permkey:
        name += f" {finding.permkey}"
    if finding.qualifier:
        name += f" ({finding.qualifier})"
    return name


def _detail(finding: Finding) -> str:
    where = f"{finding.location}: " if finding.location is not None else ""
    lines = [f"{where}{finding.severity.label} {finding.rule_id}: {_subject(finding)}"]
    lines.append(f"  {finding.message}")
    if finding.chain:
        lines.append("  " + " → ".join(str(link) for link in finding.chain))
    if finding.suppression is not None:
        by = f"{finding.suppression.kind}: {finding.suppression.reason}"
        if finding.suppression.expires:
            by += f" (until {finding.suppression.expires})"
        lines.append(f"  suppressed by {by}")
    lines.append(f"  fingerprint: {finding.fingerprint}")
    return "\n".join(lines)


def _listing(findings: list[Finding]) -> str:
    text = "\n".join(_detail(f) for f in findings[:MAX_LISTED])
    if len(findings) > MAX_LISTED:
        text += f"\n… and {len(findings) - MAX_LISTED} more (the JSON report lists every finding)"
    return _xml_text(text + "\n")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _suite(
    report: Report, doc: RuleDoc, findings: list[Finding], index: int, timestamp: str
) -> etree._Element:
    failing = [f for f in findings if f.suppression is None and f.severity >= report.fail_on]
    below = [f for f in findings if f.suppression is None and f.severity < report.fail_on]
    suppressed = [f for f in findings if f.suppression is not None]
    suite = etree.Element(
        "testsuite",
        name=_xml_text(doc.id),
        package="suitelint",
        id=str(index),
        timestamp=timestamp,
        hostname="localhost",
        tests="1",
        failures="1" if failing else "0",
        errors="0",
        skipped="0",
        time="0",
    )
    properties = etree.SubElement(suite, "properties")
    for name, value in (
        ("title", doc.title),
        ("severity", doc.severity.label),
        ("pack", doc.pack),
        ("catalog", report.catalog_version),
        ("fail_on", report.fail_on.label),
        ("findings", str(len(failing) + len(below))),
        ("suppressed", str(len(suppressed))),
    ):
        etree.SubElement(properties, "property", name=name, value=_xml_text(value))
    case = etree.SubElement(
        suite,
        "testcase",
        name=_xml_text(doc.id),
        classname=_xml_text(f"suitelint.{doc.pack}" if doc.pack else "suitelint.policy"),
        time="0",
    )
    if failing:
        worst = max(f.severity for f in failing)
        failure = etree.SubElement(
            case,
            "failure",
            message=_xml_text(
                f"{_plural(len(failing), 'finding')} at or above {report.fail_on.label}: "
                f"{doc.title or doc.id}"
            ),
            type=worst.label,
        )
        failure.text = _listing(failing)
    out = etree.SubElement(suite, "system-out")
    parts = []
    if below:
        parts.append(
            f"{_plural(len(below), 'finding')} below --fail-on {report.fail_on.label}:\n"
            + _listing(below)
        )
    if suppressed:
        parts.append(f"{_plural(len(suppressed), 'suppressed finding')}:\n" + _listing(suppressed))
    if parts:
        out.text = "\n".join(parts)
    etree.SubElement(suite, "system-err")
    return suite


def render(report: Report, *, color: bool = False) -> str:
    docs: dict[str, RuleDoc] = dict(report.rules)
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        docs.setdefault(
            finding.rule_id, RuleDoc(finding.rule_id, finding.rule_id, finding.severity)
        )
        by_rule.setdefault(finding.rule_id, []).append(finding)
    timestamp = f"{report.as_of or _EPOCH}T00:00:00"
    root = etree.Element("testsuites")
    for index, rule_id in enumerate(sorted(docs)):
        root.append(_suite(report, docs[rule_id], by_rule.get(rule_id, []), index, timestamp))
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    # printed to a CI log, no value may be read as a workflow command: the same data,
    # with "::", "##[" and invisible characters as character references
    return sanitize.xml_document(body.decode("utf-8"))
