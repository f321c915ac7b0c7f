"""Render the audit: text, Markdown, JSON and a self-contained HTML report.

Every renderer is ``render_*(report) -> str``; :data:`AUDIT_FORMATS` lists them. Account
values are attacker-controllable: text drops control characters and log commands
(:mod:`suitelint.sanitize`), Markdown escapes markup, the HTML is rendered by Jinja2 with
autoescaping under a Content-Security-Policy that runs only the report's own script.

The HTML stays small at tens of thousands of tokens: one table row per token, and what a
role lets its holder do written once per distinct permission set, linked from the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from suitelint import jsonout, sanitize
from suitelint.audit import ACTION_ORDER, ACTION_TITLES, AuditEntry, AuditReport, Doing
from suitelint.report.blast import compact_sum
from suitelint.report.htmlpage import page

AUDIT_FORMAT_VERSION = 1


#: names per verb in the HTML's permission sets (the JSON lists all): a role of 300
#: permissions written out in full, for every distinct set of a large account, would
#: make the page too big to open
SET_LIMIT = 12


def _doing_short(doing: Doing) -> str:
    """``everything`` or ``views 12 · creates 3 · edits 1 · deletes 0 · setup 2``."""
    if doing.everything:
        return "everything"
    return (
        f"views {len(doing.views)} · creates {len(doing.creates)} · edits {len(doing.edits)} "
        f"· deletes {len(doing.deletes)} · setup {len(doing.setup)}"
    )


def _user_state(entry: AuditEntry) -> str:
    if entry.need.user_active is False:
        return "; user inactive"
    if entry.need.user_active is None:
        return "; user state unknown (add the Employees export)"
    return ""


def _used(entry: AuditEntry) -> str:
    need = entry.need
    if need.last_used is not None:
        text = need.last_used.isoformat()
    else:
        text = "never" if need.usage_known else "unknown"
    if need.state not in ("active", "enabled"):
        text = f"{need.state}; {text}"
    text += _user_state(entry)
    return text


def _restricted(entry: AuditEntry) -> str:
    if entry.restrictions and entry.restrictions[0].startswith("none"):
        return "-"
    return "; ".join(entry.restrictions) or "-"


def _login(entry: AuditEntry) -> str:
    return f"yes ({entry.login})" if entry.can_log_in else f"no: {entry.login}"


def _score(entry: AuditEntry) -> str:
    if entry.exposure is None:
        return "0"
    return compact_sum(entry.exposure.parts)


def _names(names: Sequence[str], limit: int = 4) -> str:
    """``A, B, C, D and 12 more``; ``-`` for none."""
    if not names:
        return "-"
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _who(entry: AuditEntry) -> str:
    users = _names(entry.users)
    roles = _names(entry.roles)
    return f"user {users} in role {roles}"


def _summary_line(report: AuditReport, entries: Sequence[AuditEntry]) -> str:
    counts = report.counts(entries)
    return ", ".join(f"{ACTION_TITLES[a]} {counts[a]}" for a in ACTION_ORDER)


# -- text ------------------------------------------------------------------------------------
def _entry_lines(entry: AuditEntry) -> list[str]:
    line = sanitize.line
    head = f"{entry.kind} {entry.name!r} [{entry.id}]"
    if entry.kind == "token" and entry.integration:
        head += f" of integration {entry.integration!r}"
    return [
        line(f"{head}: {entry.action.title.upper()}"),
        line(f"  still needed?  {entry.need.state}; {entry.need.verdict}") + _user_state(entry),
        line(f"  runs as        {_who(entry)}"),
        line(f"  what it does   {entry.doing.sentence()}"),
        line(f"  restrictions   {'; '.join(entry.restrictions) or '-'}"),
        line(f"  can log in     {_login(entry)}"),
        line(f"  risk           {_score(entry)}"),
        line(f"  action         {entry.action.title}: {entry.action.reason}"),
    ]


def render_text(report: AuditReport) -> str:
    blast = report.blast
    out = [
        sanitize.line(
            f"Audit of account {blast.account_id} ({blast.environment}) as of {blast.as_of}: "
            f"{len(report.integrations)} integrations, {len(report.tokens)} active tokens"
            + (f" ({report.inactive_tokens} revoked left out)" if report.inactive_tokens else "")
        ),
        f"Integrations: {_summary_line(report, report.integrations)}",
        f"Tokens: {_summary_line(report, report.tokens)}",
        f"Idle after {report.idle_days} days; catalog {blast.catalog_version}",
        "",
    ]
    for title, entries in (("Integrations", report.integrations), ("Tokens", report.tokens)):
        out.append(f"{title}, most urgent action first")
        if not entries:
            out.append("  none")
        for entry in entries:
            out.extend(_entry_lines(entry))
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# -- Markdown ------------------------------------------------------------------------------
def _md_rows(entries: Sequence[AuditEntry]) -> list[str]:
    md = sanitize.markdown
    rows = [
        "| action | score | name | runs as | still needed? | what it does | can log in | why |",
        "|---|---:|---|---|---|---|---|---|",
    ]
    for e in entries:
        rows.append(
            "| "
            + " | ".join(
                [
                    f"**{md(e.action.title)}**",
                    str(e.score),
                    md(e.name),
                    md(_who(e)),
                    md(f"{e.need.state}; {e.need.verdict}"),
                    md(e.doing.sentence(limit=4)),
                    "yes" if e.can_log_in else "**no**: " + md(e.login),
                    md(e.action.reason),
                ]
            )
            + " |"
        )
    return rows


def render_markdown(report: AuditReport) -> str:
    blast = report.blast
    md = sanitize.markdown
    out = [
        f"## Audit of account {md(blast.account_id)} ({md(blast.environment)})",
        "",
        f"As of {blast.as_of}; {len(report.integrations)} integrations, "
        f"{len(report.tokens)} active tokens; catalog <code>{md(blast.catalog_version)}</code>.",
        "",
        "| | " + " | ".join(ACTION_TITLES[a] for a in ACTION_ORDER) + " |",
        "|---|" + "---:|" * len(ACTION_ORDER),
    ]
    for title, entries in (("integrations", report.integrations), ("tokens", report.tokens)):
        counts = report.counts(entries)
        out.append(f"| {title} | " + " | ".join(str(counts[a]) for a in ACTION_ORDER) + " |")
    for title, entries in (("Integrations", report.integrations), ("Tokens", report.tokens)):
        out += ["", f"### {title}", ""]
        out += _md_rows(entries) if entries else ["None."]
    return "\n".join(out) + "\n"


# -- JSON ----------------------------------------------------------------------------------
def _doing_data(doing: Doing) -> dict[str, Any]:
    return {
        "everything": doing.everything,
        "sentence": doing.sentence(limit=None),
        "views": list(doing.views),
        "creates": list(doing.creates),
        "edits": list(doing.edits),
        "deletes": list(doing.deletes),
        "setup": list(doing.setup),
    }


def _entry_data(e: AuditEntry) -> dict[str, Any]:
    need = e.need
    data: dict[str, Any] = {
        "kind": e.kind,
        "id": e.id,
        "name": e.name,
        "integration": e.integration,
        "users": list(e.users),
        "roles": list(e.roles),
        "still_needed": {
            "state": need.state,
            "last_used": need.last_used.isoformat() if need.last_used else None,
            "idle_days": need.idle_days,
            "user_active": need.user_active,
            "created": need.created.isoformat() if need.created else None,
            "age_days": need.age_days,
            "verdict": need.verdict,
        },
        "does": _doing_data(e.doing),
        "restrictions": list(e.restrictions),
        "can_log_in": e.can_log_in,
        "login": e.login,
        "score": e.score,
        "score_parts": [
            {"name": p.name, "points": p.points, "reason": p.reason}
            for p in (e.exposure.parts if e.exposure else ())
        ],
        "flags": list(e.exposure.flags) if e.exposure else [],
        "action": {"action": e.action.action, "reason": e.action.reason, "role": e.action.target},
    }
    if e.kind == "integration":
        data["tokens"] = list(e.tokens)
    return data


def as_data(report: AuditReport) -> dict[str, Any]:
    blast = report.blast
    return {
        "format": AUDIT_FORMAT_VERSION,
        "tool": {"name": "suitelint", "version": blast.tool_version},
        "catalog": blast.catalog_version,
        "account": {"id": blast.account_id, "environment": blast.environment},
        "as_of": blast.as_of,
        "sources": list(blast.sources),
        "policies": list(blast.policies),
        "idle_days": report.idle_days,
        "summary": {
            "integrations": report.counts(report.integrations),
            "tokens": report.counts(report.tokens),
            "inactive_tokens": report.inactive_tokens,
            "cannot_log_in": sum(1 for e in report.tokens if not e.can_log_in),
        },
        "integrations": [_entry_data(e) for e in report.integrations],
        "tokens": [_entry_data(e) for e in report.tokens],
        "proposals": [
            {"scriptid": p.scriptid, "file": p.filename, "subjects": list(p.subjects), "xml": p.xml}
            for p in blast.proposals
        ],
    }


def render_json(report: AuditReport) -> str:
    return jsonout.dumps(as_data(report))


# -- HTML ----------------------------------------------------------------------------------
def render_html(report: AuditReport) -> str:
    """One self-contained page: a summary, filters and sortable tables; what each distinct
    permission set does is written once and linked from the rows, so the page stays small
    for tens of thousands of tokens."""
    from markupsafe import Markup

    shell = page("audit")
    doings: dict[Doing, int] = {}
    for entry in (*report.integrations, *report.tokens):
        doings.setdefault(entry.doing, len(doings) + 1)
    return shell.template.render(
        report=report,
        blast=report.blast,
        script=Markup(shell.script),
        style=Markup(shell.style),
        csp=shell.csp,
        actions=ACTION_ORDER,
        titles=ACTION_TITLES,
        doings=doings,
        score_of=_score,
        used=_used,
        restricted=_restricted,
        doing_short=_doing_short,
        names=_names,
        set_limit=SET_LIMIT,
    )


AUDIT_FORMATS: dict[str, Callable[[AuditReport], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
