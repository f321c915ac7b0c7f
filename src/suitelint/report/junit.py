"""JUnit XML (the Apache Ant schema CI systems read): one test suite per rule.

Each rule the run judged against is a ``<testsuite>``; each finding of that rule is a
failing ``<testcase>`` (suppressed findings are ``<skipped>`` with the waiver's or the
baseline's reason); a rule without findings has one passing test case, so a dashboard
shows what was checked, not only what failed. The schema requires a timestamp: it is the
``--as-of`` date the run was judged at (midnight), never the clock.
"""

from __future__ import annotations

from lxml import etree

from suitelint import sanitize
from suitelint.findings import Finding, Report, RuleDoc

_EPOCH = "1970-01-01"


_xml_text = sanitize.xml_chars  # XML 1.0 cannot carry most control characters


def _case_name(finding: Finding) -> str:
    name = f"{finding.subject_kind} {finding.subject_name} [{finding.subject_ref}]"
    if finding.permkey:
        name += f" {finding.permkey}"
    if finding.qualifier:
        name += f" ({finding.qualifier})"
    return name


def _detail(finding: Finding) -> str:
    lines = []
    if finding.location is not None:
        lines.append(f"{finding.location}: {finding.severity.label} {finding.rule_id}")
    lines.append(finding.message)
    if finding.chain:
        lines.append(" → ".join(str(link) for link in finding.chain))
    lines.append(f"fingerprint: {finding.fingerprint}")
    return "\n".join(lines) + "\n"


def _suite(
    report: Report, doc: RuleDoc, findings: list[Finding], index: int, timestamp: str
) -> etree._Element:
    failures = sum(1 for f in findings if f.suppression is None)
    skipped = len(findings) - failures
    suite = etree.Element(
        "testsuite",
        name=_xml_text(doc.id),
        package="suitelint",
        id=str(index),
        timestamp=timestamp,
        hostname="localhost",
        tests=str(max(len(findings), 1)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time="0",
    )
    properties = etree.SubElement(suite, "properties")
    for name, value in (
        ("title", doc.title),
        ("severity", doc.severity.label),
        ("pack", doc.pack),
        ("catalog", report.catalog_version),
    ):
        etree.SubElement(properties, "property", name=name, value=_xml_text(value))
    if not findings:
        etree.SubElement(suite, "testcase", name="no findings", classname=doc.id, time="0")
    for finding in findings:
        case = etree.SubElement(
            suite,
            "testcase",
            name=_xml_text(_case_name(finding)),
            classname=_xml_text(doc.id),
            time="0",
        )
        if finding.suppression is not None:
            reason = f"{finding.suppression.kind}: {finding.suppression.reason}"
            if finding.suppression.expires:
                reason += f" (until {finding.suppression.expires})"
            skipped_el = etree.SubElement(case, "skipped", message=_xml_text(reason))
            skipped_el.text = _xml_text(_detail(finding))
        else:
            failure = etree.SubElement(
                case,
                "failure",
                message=_xml_text(finding.message),
                type=finding.severity.label,
            )
            failure.text = _xml_text(_detail(finding))
    etree.SubElement(suite, "system-out")
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
