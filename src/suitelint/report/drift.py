"""``suitelint drift`` as text, Markdown and JSON: what the account changed by hand in the
roles the repo manages, which managed roles are not deployed, and which custom roles of the
account the repo does not manage. Account names are sanitised for terminals and Markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from suitelint import jsonout, sanitize
from suitelint.diff import PermissionChange, SubjectDiff
from suitelint.drift import Drift
from suitelint.model import Role

DRIFT_FORMAT_VERSION = 1


def _change(change: PermissionChange) -> str:
    text = f"{change.name} {change.kind} in the account: {change.old.name} → {change.new.name}"
    if change.gained:
        text += "; gains " + ", ".join(sorted(change.gained))
    if change.lost:
        text += "; loses " + ", ".join(sorted(change.lost))
    return text


def _changes(subject: SubjectDiff) -> list[str]:
    lines = [_change(p) for p in subject.permissions]
    lines += [
        f"{a.name}: {a.old} → {a.new}{' (loosens access)' if a.escalation else ''}"
        for a in subject.attributes
    ]
    return lines


def _role(role: Role) -> str:
    ref = role.scriptid or role.id
    return f"{role.name!r} [{ref}], {_count(len(role.permissions), 'permission')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _verdict(result: Drift) -> str:
    if result.clean:
        return f"no drift: the account matches the {result.managed} roles the repo manages"
    parts = [f"{_count(len(result.changed), 'managed role')} changed in the account"]
    if result.widened:
        parts[0] += f" ({len(result.widened)} widening access)"
    parts.append(f"{len(result.not_deployed)} not deployed")
    parts.append(_count(len(result.unmanaged), "unmanaged custom role"))
    head = "DRIFT WIDENS ACCESS" if result.widened else "drift"
    return f"{head}: " + ", ".join(parts)


def render_text(result: Drift) -> str:
    line = sanitize.line
    out = [line(f"Drift of {result.account} from {result.repo}: {_verdict(result)}")]
    if result.changed:
        out += ["", "Managed roles changed in the account since deploy"]
        for subject in result.changed:
            where = f"  {subject.location}" if subject.location is not None else ""
            out.append(line(f"  {subject.label}{where}"))
            out += [line(f"    {text}") for text in _changes(subject)]
    if result.not_deployed:
        out += ["", "Managed roles not in the account (not deployed)"]
        out += [line(f"  {_role(r)}") for r in result.not_deployed]
    if result.unmanaged:
        out += ["", "Custom roles of the account the repo does not manage"]
        out += [line(f"  {_role(r)}") for r in result.unmanaged]
    out.append(f"catalog {result.catalog_version}")
    return "\n".join(out) + "\n"


def render_markdown(result: Drift) -> str:
    md = sanitize.markdown
    out = [f"## suitelint drift: {md(_verdict(result))}", ""]
    if result.changed:
        out += ["| managed role | change in the account | widens |", "|---|---|---|"]
        for subject in result.changed:
            for permission in subject.permissions:
                out.append(
                    f"| {md(subject.label)} | {md(_change(permission))} | "
                    f"{'**yes**' if permission.escalation else 'no'} |"
                )
            for attribute in subject.attributes:
                out.append(
                    f"| {md(subject.label)} | {md(f'{attribute.name}: {attribute.old} → {attribute.new}')} | "
                    f"{'**yes**' if attribute.escalation else 'no'} |"
                )
        out.append("")
    for title, roles in (
        ("Not deployed", result.not_deployed),
        ("Unmanaged custom roles in the account", result.unmanaged),
    ):
        if roles:
            out += [f"**{title}:**", ""]
            out += [f"- {md(_role(r))}" for r in roles]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _role_data(role: Role) -> dict[str, Any]:
    return {"id": role.id, "scriptid": role.scriptid, "name": role.name}


def as_data(result: Drift) -> dict[str, Any]:
    return {
        "format": DRIFT_FORMAT_VERSION,
        "catalog": result.catalog_version,
        "repo": result.repo,
        "account": result.account,
        "managed": result.managed,
        "widened": bool(result.widened),
        "changed": [
            {
                "role": {"ref": s.ref, "name": s.name},
                "widens": s.escalated,
                "permissions": [
                    {
                        "permkey": p.permkey,
                        "name": p.name,
                        "repo": p.old.name,
                        "account": p.new.name,
                        "change": p.kind,
                        "widens": p.escalation,
                        "gains": sorted(p.gained),
                        "loses": sorted(p.lost),
                    }
                    for p in s.permissions
                ],
                "attributes": [
                    {"name": a.name, "repo": a.old, "account": a.new, "widens": a.escalation}
                    for a in s.attributes
                ],
            }
            for s in result.changed
        ],
        "not_deployed": [_role_data(r) for r in result.not_deployed],
        "unmanaged": [_role_data(r) for r in result.unmanaged],
    }


def render_json(result: Drift) -> str:
    return jsonout.dumps(as_data(result))


DRIFT_FORMATS: dict[str, Callable[[Drift], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
