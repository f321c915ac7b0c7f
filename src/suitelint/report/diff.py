"""``suitelint diff`` as text (a terminal, a CI log) and Markdown (a PR comment a reviewer
reads in ten seconds: verdict, capabilities gained, then one table row per change)."""

from __future__ import annotations

from suitelint import sanitize
from suitelint.diff import PermissionChange, SnapshotDiff, SubjectDiff
from suitelint.sanitize import markdown as _md

_ARROW = "→"


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _caps(change: PermissionChange) -> str:
    parts = []
    if change.gained:
        parts.append("gains " + ", ".join(sorted(change.gained)))
    if change.lost:
        parts.append("loses " + ", ".join(sorted(change.lost)))
    return "; ".join(parts)


def _verdict(diff: SnapshotDiff) -> str:
    if not diff.subjects:
        return "no permission changes"
    escalated = [s for s in diff.subjects if s.escalated]
    if not escalated:
        return f"{len(diff.subjects)} changed, nothing escalated"
    return f"ESCALATED: {len(escalated)} of {len(diff.subjects)} changed subjects gain access"


def _subject_head(subject: SubjectDiff) -> str:
    text = f"{subject.label} ({subject.status})"
    if subject.via:
        text += f" via {subject.via}"
    if subject.location is not None:
        text += f"  {subject.location}"
    return sanitize.line(text)


def render_text(diff: SnapshotDiff, *, color: bool = False) -> str:
    lines = [
        sanitize.line(
            f"suitelint diff {diff.old} {_ARROW} {diff.new} (catalog {diff.catalog_version})"
        )
    ]
    for subject in diff.subjects:
        lines.append(_paint(_subject_head(subject), "1", color))
        for change in subject.permissions:
            text = f"  {change.kind:<8} {change.name}: {change.old.name} {_ARROW} {change.new.name}"
            if change.location is not None:
                text += f"  {change.location}"
            caps = _caps(change)
            if caps:
                text += f"  [{caps}]"
            lines.append(_paint(sanitize.line(text), "31" if change.escalation else "32", color))
        for attr in subject.attributes:
            text = f"  {'loosened' if attr.escalation else 'changed':<8} {attr.name}: "
            text += f"{attr.old} {_ARROW} {attr.new}"
            lines.append(_paint(sanitize.line(text), "31" if attr.escalation else "2", color))
    gained = diff.capabilities()
    for tag, who in gained.items():
        lines.append(sanitize.line(f"gains {tag}: {', '.join(who)}"))
    verdict = _verdict(diff)
    lines.append(_paint(verdict, "1;31" if diff.escalated else "1;32", color))
    return "\n".join(lines) + "\n"


def render_markdown(diff: SnapshotDiff, *, color: bool = False) -> str:
    del color  # Markdown has no colour
    icon = ":warning:" if diff.escalated else ":white_check_mark:"
    lines = [f"### {icon} suitelint diff: {_md(_verdict(diff))}", ""]
    lines.append(
        f"<code>{_md(diff.old)}</code> {_ARROW} <code>{_md(diff.new)}</code> "
        f"(catalog <code>{_md(diff.catalog_version)}</code>)"
    )
    gained = diff.capabilities()
    if gained:
        lines.append("")
        for tag, who in gained.items():
            lines.append(f"- **gains `{tag}`**: {_md(', '.join(who))}")
    lost = diff.capabilities(gained=False)
    for tag, who in lost.items():
        lines.append(f"- loses `{tag}`: {_md(', '.join(who))}")
    if diff.subjects:
        lines += [
            "",
            "| | Subject | Change | Level | Capabilities | Where |",
            "|---|---|---|---|---|---|",
        ]
        for subject in diff.subjects:
            head = f"{subject.label}" + (f" via {subject.via}" if subject.via else "")
            for change in subject.permissions:
                mark = ":arrow_up:" if change.escalation else ":arrow_down:"
                lines.append(
                    f"| {mark} | {_md(head)} | {change.kind} {_md(change.name)} | "
                    f"{change.old.name} {_ARROW} **{change.new.name}** | {_md(_caps(change))} | "
                    f"{_md(str(change.location or subject.location or ''))} |"
                )
            for attr in subject.attributes:
                mark = ":arrow_up:" if attr.escalation else ":left_right_arrow:"
                lines.append(
                    f"| {mark} | {_md(head)} | {_md(attr.name)} | "
                    f"{_md(attr.old)} {_ARROW} **{_md(attr.new)}** | | "
                    f"{_md(str(subject.location or ''))} |"
                )
            if not subject.permissions and not subject.attributes:
                lines.append(f"| | {_md(head)} | {subject.status} | | | |")
    return "\n".join(lines) + "\n"


# -- machine formats ----------------------------------------------------------------------
def _where(location: object) -> dict[str, object] | None:
    if location is None:
        return None
    path, line = getattr(location, "path", ""), getattr(location, "line", None)
    return {"path": path, "line": line}


def diff_to_dict(diff: SnapshotDiff) -> dict[str, object]:
    """The diff as data: every changed subject, its permission and attribute changes."""
    return {
        "format": 1,
        "old": diff.old,
        "new": diff.new,
        "catalog": diff.catalog_version,
        "escalated": diff.escalated,
        "gained": {tag: list(who) for tag, who in diff.capabilities().items()},
        "lost": {tag: list(who) for tag, who in diff.capabilities(gained=False).items()},
        "subjects": [
            {
                "kind": s.kind,
                "ref": s.ref,
                "name": s.name,
                "status": s.status,
                "via": s.via,
                "escalated": s.escalated,
                "location": _where(s.location),
                "permissions": [
                    {
                        "permkey": p.permkey,
                        "name": p.name,
                        "change": p.kind,
                        "old": p.old.name,
                        "new": p.new.name,
                        "escalation": p.escalation,
                        "gained": sorted(p.gained),
                        "lost": sorted(p.lost),
                        "location": _where(p.location),
                    }
                    for p in s.permissions
                ],
                "attributes": [
                    {"name": a.name, "old": a.old, "new": a.new, "escalation": a.escalation}
                    for a in s.attributes
                ],
            }
            for s in diff.subjects
        ],
    }


def render_json(diff: SnapshotDiff, *, color: bool = False) -> str:
    del color
    from suitelint import jsonout

    return jsonout.dumps(diff_to_dict(diff))


ESCALATION_RULE = "suitelint/escalation"


def render_sarif(diff: SnapshotDiff, *, color: bool = False) -> str:
    """Each escalation (a permission added or raised, an attribute loosened) as a SARIF
    result at the line that made it (the <permkey> line of an SDF role), so code
    scanning shows it on the pull request; lowerings are not results."""
    del color
    from suitelint import __version__, jsonout
    from suitelint.report.sarif import INFORMATION_URI, SCHEMA_URI, artifact_location

    results: list[dict[str, object]] = []
    for subject in diff.subjects:
        head = subject.label + (f" via {subject.via}" if subject.via else "")
        changes: list[tuple[str, str, object]] = [
            (
                f"{head}: {p.kind} {p.name} {p.old.name} {_ARROW} {p.new.name}"
                + (f" ({_caps(p)})" if _caps(p) else ""),
                p.permkey,
                p.location or subject.location,
            )
            for p in subject.permissions
            if p.escalation
        ]
        changes += [
            (f"{head}: {a.name} {a.old} {_ARROW} {a.new}", a.name, subject.location)
            for a in subject.attributes
            if a.escalation
        ]
        for text, key, location in changes:
            result: dict[str, object] = {
                "ruleId": ESCALATION_RULE,
                "ruleIndex": 0,
                "level": "warning",
                "message": {"text": text},
                "partialFingerprints": {
                    "suitelint/escalation/v1": f"{subject.kind}/{subject.ref}/{key}"
                },
            }
            artifact = (
                artifact_location(getattr(location, "path", "")) if location is not None else None
            )
            if artifact is not None:
                physical: dict[str, object] = {"artifactLocation": artifact}
                line = getattr(location, "line", None)
                if line:
                    physical["region"] = {"startLine": line}
                result["locations"] = [{"physicalLocation": physical}]
            results.append(result)
    run = {
        "tool": {
            "driver": {
                "name": "suitelint",
                "informationUri": INFORMATION_URI,
                "version": __version__,
                "rules": [
                    {
                        "id": ESCALATION_RULE,
                        "name": "SuitelintEscalation",
                        "shortDescription": {"text": "A permission rose in the change"},
                        "fullDescription": {
                            "text": "A role gained a permission or a higher level, or an "
                            "attribute that loosens access, between the two sides of the diff."
                        },
                        "defaultConfiguration": {"level": "warning"},
                    }
                ],
            }
        },
        "results": results,
    }
    return jsonout.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})


RENDERERS = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "sarif": render_sarif,
}
