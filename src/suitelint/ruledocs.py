"""Rule documentation as text: ``suitelint rules`` and ``suitelint explain RULE``.

Built-in rules are data (``policies/<pack>.yaml``) with their rationale beside them; this
module renders that same text, so the docs and the checks cannot drift apart.
"""

from __future__ import annotations

import json
import textwrap

from suitelint import sanitize
from suitelint.policy.compiler import CompiledRule, Policy


def _severity(rule: CompiledRule) -> str:
    if rule.severity_by_env:
        return ", ".join(f"{env}: {sev.label}" for env, sev in sorted(rule.severity_by_env.items()))
    return rule.severity.label


def render_rule_table(policy: Policy) -> str:
    rows = [("RULE", "SEVERITY", "APPLIES TO", "PACK", "TITLE")]
    for rule in sorted(policy.rules, key=lambda r: (r.pack or "~", r.id)):
        rows.append((rule.id, _severity(rule), rule.applies_to, rule.pack or "-", rule.title))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def rules_as_json(policy: Policy) -> str:
    data = [
        {
            "id": rule.id,
            "title": rule.title,
            "severity": _severity(rule),
            "applies_to": rule.applies_to,
            "pack": rule.pack or None,
            "aliases": list(rule.aliases),
            "checks": [a.describe() for a in rule.assertions],
            "why": rule.why,
            "fix": rule.fix,
            "references": list(rule.references),
        }
        for rule in sorted(policy.rules, key=lambda r: r.id)
    ]
    return sanitize.json_document(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _para(title: str, body: str) -> list[str]:
    if not body:
        return []
    wrapped = [
        textwrap.fill(part, width=88, initial_indent="  ", subsequent_indent="  ")
        for part in body.strip().split("\n\n")
    ]
    return [title, "\n\n".join(wrapped), ""]


def explain_rule(rule: CompiledRule) -> str:
    lines = [f"{rule.id}: {rule.title}", ""]
    meta = f"severity: {_severity(rule)}; applies to: {rule.applies_to}"
    if rule.pack:
        meta += f"; pack: builtin:{rule.pack}"
    if rule.aliases:
        meta += f"; former ids: {', '.join(rule.aliases)}"
    lines += [meta, ""]
    lines += ["What it checks:"]
    lines += [f"  - {a.describe()}" for a in rule.assertions]
    lines.append("")
    lines += _para("Why it matters:", rule.why)
    lines += _para("How to fix it:", rule.fix)
    for kind in ("fail", "pass"):
        example = rule.examples.get(kind)
        if example:
            label = "Example that fails:" if kind == "fail" else "Example that passes:"
            lines += [label, textwrap.indent(example.rstrip("\n"), "    "), ""]
    if rule.references:
        lines += ["References:"] + [f"  - {ref}" for ref in rule.references] + [""]
    if rule.location is not None:
        lines.append(f"Defined at {rule.location}")
    return "\n".join(lines).rstrip("\n") + "\n"


def engine_rule_text(rule_id: str) -> str | None:
    """Text for the rules the engine itself applies (``suitelint/...``), or None."""
    from suitelint.engine import ENGINE_RULES

    entry = ENGINE_RULES.get(rule_id)
    if entry is None:
        return None
    severity, title, why = entry
    lines = [f"{rule_id}: {title}", "", f"severity: {severity.label}; built into suitelint", ""]
    lines += _para("Why it matters:", why)
    return "\n".join(lines).rstrip("\n") + "\n"
