"""Render a blast-radius report: text, Markdown (with a Mermaid diagram), JSON, HTML.

Every renderer is ``render_*(report) -> str``; :data:`BLAST_FORMATS` lists them, and
``suitelint blast-radius --format`` takes its choices from it. Names, ids and everything
else from the account are attacker-controllable: text output drops control characters
(no terminal escapes), Markdown escapes Markdown, HTML and Mermaid syntax, and the HTML
report is rendered by Jinja2 with autoescaping on, under a Content-Security-Policy that
only lets the report's own inline script and style run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

from suitelint import jsonout, sanitize
from suitelint.blast import (
    BlastReport,
    CapabilityHeld,
    Exposure,
    Proposal,
    ScorePart,
    explain_risk,
)
from suitelint.findings import Link
from suitelint.sdfrole import ProposedPermission

BLAST_FORMAT_VERSION = 1
FORMULA_LINE = (
    "score = capabilities (weight × level) + administrator + not web-services-only "
    "+ token age + inactive user + unexplained + environment"
)


# -- shared helpers --------------------------------------------------------------------------
def _chain_text(chain: Sequence[Link]) -> str:
    return " → ".join(sanitize.line(str(link)) for link in chain)


def _link(chain: Sequence[Link], kind: str) -> Link | None:
    return next((link for link in chain if link.kind == kind), None)


def permission_phrase(perm: ProposedPermission) -> str:
    """``View Invoice (TRAN_CUSTINVC)``."""
    return f"{perm.level.name.capitalize()} {perm.name}"


def parts_sum(parts: Sequence[ScorePart]) -> str:
    """``16 capability delete-records + … + 5 token age = 273``."""
    if not parts:
        return "0 (no active tokens)"
    terms = " + ".join(f"{p.points} {p.name}" for p in parts).replace("+ -", "- ")
    return f"{terms} = {sum(p.points for p in parts)}"


def removed_tags(exposure: Exposure, proposal: Proposal | None) -> tuple[str, ...]:
    """Capabilities held now that the proposed role would no longer confer."""
    if proposal is None:
        return ()
    return tuple(t for t in exposure.tags if t not in proposal.capabilities)


def _excess_text(exposure: Exposure) -> str:
    if exposure.excess_everything:
        return "every permission beyond the declaration (the role holds every permission)"
    if not exposure.excess:
        return "none: it holds nothing beyond its declaration"
    return "; ".join(
        f"{sanitize.line(e.name)} at {e.held.name} (allowed {e.allowed.name}, via {sanitize.line(e.via)})"
        for e in exposure.excess
    )


# -- text --------------------------------------------------------------------------------------
def _fit(text: str, width: int) -> str:
    text = sanitize.line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        out = [
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(headers)] + [line(row) for row in rows]


def _token_row(e: Exposure) -> list[str]:
    chain = e.chains[0] if e.chains else ()
    integration, user, role = (_link(chain, k) for k in ("integration", "user", "role"))
    return [
        str(e.rank),
        str(e.score),
        _fit(e.name, 32),
        _fit(integration.name if integration else "-", 24),
        _fit(user.name if user else "-", 24),
        _fit(role.name if role else "-", 28),
        ", ".join(e.flags) or "-",
    ]


def _integration_row(e: Exposure) -> list[str]:
    return [
        str(e.rank),
        str(e.score),
        _fit(e.name, 32),
        str(len(e.chains)),
        _fit(", ".join(e.declared_by), 32) or "-",
        e.proposal or "-",
        ", ".join(e.flags) or "-",
    ]


def compact_sum(parts: Sequence[ScorePart]) -> str:
    """``capabilities 248 + administrator 50 + … = 273``: the capability terms summed."""
    caps = [p for p in parts if p.name.startswith("capability ")]
    terms = [f"capabilities {sum(p.points for p in caps)}"] if caps else []
    terms += [f"{p.name} {p.points}" for p in parts if not p.name.startswith("capability ")]
    if not terms:
        return "0 (no active tokens)"
    return f"{' + '.join(terms).replace('+ environment -', '- environment ')} = {sum(p.points for p in parts)}"


def _detail_lines(e: Exposure, report: BlastReport) -> list[str]:
    head = f"#{e.rank} {e.kind} {sanitize.line(e.name)!r} [{sanitize.line(e.id)}]: score {e.score}"
    if e.flags:
        head += f" ({', '.join(e.flags)})"
    lines = [head]
    for chain in e.chains:
        lines.append(f"  chain: {_chain_text(chain)}")
    if not e.chains:
        lines.append("  chain: no active tokens")
    lines.append(f"  can: {', '.join(e.tags) or 'nothing the catalog tags'}")
    if e.everything and e.capabilities:
        via = e.capabilities[0].conferred_by[0].via
        lines.append(f"    every capability at FULL: {sanitize.line(via)} holds every permission")
    for cap in e.capabilities:
        if e.everything:
            lines.append(f"    {cap.tag:<29} {cap.weight} × {cap.level.name} = {cap.points:>2}")
            continue
        via = "; ".join(
            f"{sanitize.line(c.name)} = {c.level.name}"
            + (f" via {sanitize.line(c.via)}" if c.via else "")
            for c in cap.conferred_by[:3]
        )
        more = len(cap.conferred_by) - 3
        if more > 0:
            via += f"; and {more} more"
        lines.append(f"    {cap.tag:<29} {cap.weight} × {cap.level.name} = {cap.points:>2}  {via}")
    lines.append(f"  score: {compact_sum(e.parts)}")
    for part in e.parts:
        if not part.name.startswith("capability "):
            lines.append(f"    {part.name}: {part.points:+d} ({sanitize.line(part.reason)})")
    if e.declared_by:
        lines.append(f"  declared by: {', '.join(sanitize.line(r) for r in e.declared_by)}")
        lines.append(f"  excess: {_excess_text(e)}")
    elif e.kind == "token" or e.chains:
        lines.append(f"  unexplained {e.kind}: no allow_only rule declares what it needs")
    proposal = report.proposal(e.proposal)
    if proposal is not None:
        held = " + ".join(permission_phrase(p) for p in proposal.permissions) or "nothing"
        lines.append(f"  proposed role: {proposal.scriptid} ({sanitize.line(held)})")
        removed = removed_tags(e, proposal)
        if removed:
            lines.append(f"    it would no longer: {', '.join(removed)}")
    return lines


def render_text(report: BlastReport) -> str:
    lines = [
        f"Blast radius of account {sanitize.line(report.account_id)} ({report.environment}), "
        f"as of {report.as_of}; catalog {report.catalog_version}",
        f"{FORMULA_LINE}  (suitelint explain risk)",
        "",
        "Tokens, highest risk first",
    ]
    if report.tokens:
        lines += _table(
            ["rank", "score", "token", "integration", "user", "role", "flags"],
            [_token_row(e) for e in report.tokens],
            {0, 1},
        )
    else:
        lines.append("  no active tokens")
    lines += ["", "Integrations, highest risk first"]
    if report.integrations:
        lines += _table(
            [
                "rank",
                "score",
                "integration",
                "active tokens",
                "declared by",
                "proposed role",
                "flags",
            ],
            [_integration_row(e) for e in report.integrations],
            {0, 1, 3},
        )
    else:
        lines.append("  no integrations")
    for e in report.tokens:
        lines += ["", *_detail_lines(e, report)]
    if report.proposals:
        lines += ["", "Proposed roles (write them with --write-roles DIR)"]
        for p in report.proposals:
            lines.append(
                f"  {p.filename}: {sanitize.line(p.name)!r} for {', '.join(sanitize.line(s) for s in p.subjects)}"
                f" (from {', '.join(sanitize.line(r) for r in p.rules)})"
            )
            for perm in p.permissions:
                lines.append(f"    {sanitize.line(perm.name)} = {perm.level.name}")
            for note in p.notes:
                lines.append(f"    note: {sanitize.line(note)}")
    unexplained = [e for e in report.tokens if not e.explained]
    lines += [
        "",
        f"{len(report.tokens)} active tokens, {len(unexplained)} unexplained"
        + (f" ({', '.join(sanitize.line(e.name) for e in unexplained)})" if unexplained else "")
        + f"; {len(report.proposals)} proposed roles",
    ]
    return "\n".join(lines) + "\n"


# -- JSON ----------------------------------------------------------------------------------------
def _link_data(link: Link) -> dict[str, str]:
    return {"kind": link.kind, "id": link.id, "name": link.name, "detail": link.detail}


def _capability_data(cap: CapabilityHeld) -> dict[str, Any]:
    return {
        "tag": cap.tag,
        "title": cap.title,
        "level": cap.level.name,
        "weight": cap.weight,
        "points": cap.points,
        "conferred_by": [
            {"permkey": c.permkey, "name": c.name, "level": c.level.name, "via": c.via}
            for c in cap.conferred_by
        ],
    }


def _exposure_data(e: Exposure) -> dict[str, Any]:
    return {
        "rank": e.rank,
        "kind": e.kind,
        "id": e.id,
        "name": e.name,
        "score": e.score,
        "score_parts": [{"name": p.name, "points": p.points, "reason": p.reason} for p in e.parts],
        "flags": list(e.flags),
        "chains": [[_link_data(link) for link in chain] for chain in e.chains],
        "everything": e.everything,
        "capabilities": [_capability_data(c) for c in e.capabilities],
        "explained": e.explained,
        "declared_by": list(e.declared_by),
        "excess": [
            {
                "permkey": x.permkey,
                "name": x.name,
                "held": x.held.name,
                "allowed": x.allowed.name,
                "via": x.via,
                "global_permission": x.global_permission,
            }
            for x in e.excess
        ],
        "excess_everything": e.excess_everything,
        "proposal": e.proposal,
    }


def _proposal_data(p: Proposal) -> dict[str, Any]:
    return {
        "scriptid": p.scriptid,
        "file": p.filename,
        "name": p.name,
        "rules": list(p.rules),
        "subjects": list(p.subjects),
        "permissions": [
            {"permkey": q.permkey, "name": q.name, "level": q.level.name} for q in p.permissions
        ],
        "capabilities": list(p.capabilities),
        "notes": list(p.notes),
        "xml": p.xml,
    }


def as_data(report: BlastReport) -> dict[str, Any]:
    return {
        "suitelint_blast_radius": BLAST_FORMAT_VERSION,
        "tool_version": report.tool_version,
        "catalog_version": report.catalog_version,
        "account": {"id": report.account_id, "environment": report.environment},
        "as_of": report.as_of,
        "sources": list(report.sources),
        "policies": list(report.policies),
        "formula": explain_risk(),
        "tokens": [_exposure_data(e) for e in report.tokens],
        "integrations": [_exposure_data(e) for e in report.integrations],
        "proposals": [_proposal_data(p) for p in report.proposals],
    }


def render_json(report: BlastReport) -> str:
    return jsonout.dumps(as_data(report))


# -- Markdown ------------------------------------------------------------------------------------
md = sanitize.markdown  # account text as inert Markdown: no HTML, links, mentions or table breaks


def mermaid_label(text: str) -> str:
    """A Mermaid node label: every character but letters, digits and spaces as an entity
    code (``#35;``), so no label can close its node or inject syntax."""
    return "".join(
        ch if (ch.isascii() and ch.isalnum()) or ch == " " else f"#{ord(ch)};"
        for ch in sanitize.line(text)
    )


def _fence(text: str, lang: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


#: Mermaid's defaults, which a diagram cannot raise (ci-facts §6): 50,000 characters of
#: source and 500 edges; the diagram stays under both with room to spare
MERMAID_MAX_CHARS = 45_000
MERMAID_MAX_EDGES = 450
#: GitHub drops a step summary over 1 MiB (ci-facts §2); the Markdown stays under this
MARKDOWN_MAX_BYTES = 1_000_000
#: rows of each table and tokens described in detail, highest risk first
MARKDOWN_MAX_ROWS = 1000
MARKDOWN_MAX_DETAILS = 100


def mermaid(report: BlastReport) -> tuple[str, int]:
    """A flowchart of the chains of the riskiest active tokens (shared users and roles are
    one node), as many as fit Mermaid's limits; and how many tokens it shows."""
    ids: dict[tuple[str, str], str] = {}
    lines = ["flowchart LR"]
    admin_nodes: list[str] = []
    size, edges, shown = len(lines[0]) + 1, 0, 0
    tail = 200  # the class lines at the end

    for e in report.tokens:
        added: list[str] = []
        fresh: dict[tuple[str, str], str] = {}
        new_edges = 0
        names_of_chains = []
        for chain in e.chains:
            names = []
            for link in chain:
                key = (link.kind, link.id)
                node = ids.get(key) or fresh.get(key)
                if node is None:
                    node = fresh[key] = f"n{len(ids) + len(fresh) + 1}"
                    label = mermaid_label(f"{link.kind}: {link.name}")
                    added.append(f'  {node}["{label}"]')
                names.append(node)
            added.append("  " + " --> ".join(names))
            new_edges += max(len(names) - 1, 0)
            names_of_chains.append(names)
        cost = sum(len(line) + 1 for line in added)
        if size + cost + tail > MERMAID_MAX_CHARS or edges + new_edges > MERMAID_MAX_EDGES:
            break
        ids.update(fresh)
        lines += added
        size += cost
        edges += new_edges
        shown += 1
        if e.everything:
            for names in names_of_chains:
                if names and names[-1] not in admin_nodes:
                    admin_nodes.append(names[-1])
    if admin_nodes:
        lines.append("  classDef everything fill:#fde2e1,stroke:#b42318,color:#7a271a")
        lines.append(f"  class {','.join(admin_nodes)} everything")
    return "\n".join(lines), shown


class _Budget:
    """Markdown lines within a byte budget (UTF-8, as GitHub measures the step summary)."""

    def __init__(self, limit: int) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.limit = limit

    def fits(self, text: str, reserve: int) -> bool:
        return self.size + len(text.encode("utf-8")) + 1 + reserve <= self.limit

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(line)
            self.size += len(line.encode("utf-8")) + 1


_MORE = "… and {n} more {what} in the JSON and HTML reports (`-f json=FILE`, `-f html=FILE`)."


def _token_details(e: Exposure, report: BlastReport) -> list[str]:
    out = ["", f"#### {e.rank}\\. {md(e.name)}: score {e.score}", ""]
    for chain in e.chains:
        out.append(f"- Chain: {md(_chain_text(chain))}")
    out.append(f"- Can: {md(', '.join(e.tags)) or 'nothing the catalog tags'}")
    out.append(f"- Score: {md(compact_sum(e.parts))}")
    for part in e.parts:
        if not part.name.startswith("capability "):
            out.append(f"  - {md(part.name)} {part.points:+d}: {md(part.reason)}")
    if e.declared_by:
        out.append(f"- Declared by: {md(', '.join(e.declared_by))}")
        out.append(f"- Excess: {md(_excess_text(e))}")
    else:
        out.append("- **Unexplained token**: no allow_only rule declares what it needs")
    proposal = report.proposal(e.proposal)
    if proposal is not None:
        held = " + ".join(permission_phrase(p) for p in proposal.permissions) or "nothing"
        out.append(f"- Proposed role `{proposal.scriptid}`: {md(held)}")
    return out


def render_markdown(report: BlastReport) -> str:
    """Within GitHub's 1 MiB step summary at any account size: the riskiest tokens first,
    each section as long as the budget allows, then how many more the JSON and HTML
    reports hold; the diagram shows only the riskiest chains (Mermaid's limits)."""
    page = _Budget(MARKDOWN_MAX_BYTES)
    reserve = 4000  # every later section's heading and "N more" line
    page.add(
        f"## Blast radius of account {md(report.account_id)} ({report.environment})",
        "",
        f"As of {report.as_of} · catalog `{report.catalog_version}` · {md(FORMULA_LINE)} "
        "(`suitelint explain risk`)",
        "",
        "### Tokens, highest risk first",
        "",
    )

    def rows(items: Sequence[str], total: int, what: str, room: int = 0) -> None:
        shown = 0
        for row in items:
            if shown == MARKDOWN_MAX_ROWS or not page.fits(row, reserve + room):
                break
            page.add(row)
            shown += 1
        if shown < total:
            page.add("", _MORE.format(n=total - shown, what=what))

    if report.tokens:
        diagram, shown = mermaid(report)
        fenced = _fence(diagram, "mermaid")
        page.add(
            "| Rank | Score | Token | Integration | User | Role | Can | Flags |",
            "|---:|---:|---|---|---|---|---|---|",
        )
        token_rows = []
        for e in report.tokens[: MARKDOWN_MAX_ROWS + 1]:
            chain = e.chains[0] if e.chains else ()
            cells = [
                md(link.name) if (link := _link(chain, kind)) else "–"
                for kind in ("integration", "user", "role")
            ]
            token_rows.append(
                f"| {e.rank} | {e.score} | {md(e.name)} | {' | '.join(cells)} | "
                f"{md(', '.join(e.tags)) or '–'} | {md(', '.join(e.flags)) or '–'} |"
            )
        # the diagram of the riskiest chains has its room kept: it comes right after
        rows(token_rows, len(report.tokens), "tokens", len(fenced.encode("utf-8")) + 200)
        if page.fits(fenced, reserve):
            scope = (
                "every token"
                if shown == len(report.tokens)
                else f"the {shown} riskiest of {len(report.tokens)} tokens"
            )
            page.add("", "### Chains", "", f"The chains of {scope}.", "", fenced)
    else:
        page.add("No active tokens.")
    if report.integrations:
        page.add(
            "",
            "### Integrations",
            "",
            "| Rank | Score | Integration | Active tokens | Flags |",
            "|---:|---:|---|---:|---|",
        )
        rows(
            [
                f"| {e.rank} | {e.score} | {md(e.name)} | {len(e.chains)} | "
                f"{md(', '.join(e.flags)) or '–'} |"
                for e in report.integrations[: MARKDOWN_MAX_ROWS + 1]
            ],
            len(report.integrations),
            "integrations",
        )
    detailed = 0
    for e in report.tokens[:MARKDOWN_MAX_DETAILS]:
        lines = _token_details(e, report)
        if not page.fits("\n".join(lines), reserve):
            break
        page.add(*lines)
        detailed += 1
    if detailed < len(report.tokens):
        page.add("", _MORE.format(n=len(report.tokens) - detailed, what="tokens described"))
    if report.proposals:
        page.add("", "### Proposed roles", "")
        written = 0
        for p in report.proposals:
            lines = [
                f"`{p.filename}` for {md(', '.join(p.subjects))} (from {md(', '.join(p.rules))}):",
                "",
            ]
            lines += [f"- {md(note)}" for note in p.notes]
            if p.notes:
                lines.append("")
            lines += [_fence(sanitize.xml_document(p.xml), "xml"), ""]
            if not page.fits("\n".join(lines), 1000):
                break
            page.add(*lines)
            written += 1
        if written < len(report.proposals):
            page.add(
                _MORE.format(n=len(report.proposals) - written, what="proposed roles")
                + " `--write-roles DIR` writes every one."
            )
    return "\n".join(page.lines).rstrip("\n") + "\n"


# -- HTML ----------------------------------------------------------------------------------------
def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(report: BlastReport) -> str:
    """A self-contained page: no external asset, script and style inline and pinned by hash
    in the Content-Security-Policy, every account value autoescaped."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("suitelint.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # autoescaping stops markup; this stops escapes, bidi controls and log commands
        finalize=lambda value: (
            value
            if isinstance(value, Markup) or not isinstance(value, str)
            else sanitize.lines(value)
        ),
    )
    loader = env.loader
    assert loader is not None
    script = loader.get_source(env, "blast.js")[0]
    style = loader.get_source(env, "blast.css")[0]
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = env.get_template("blast.html.j2")
    return template.render(
        report=report,
        script=Markup(script),
        style=Markup(style),
        csp=csp,
        formula=explain_risk(),
        formula_line=FORMULA_LINE,
        parts_sum=parts_sum,
        permission_phrase=permission_phrase,
        removed_tags=removed_tags,
        excess_text=_excess_text,
        link_of=_link,
    )


BLAST_FORMATS: dict[str, Callable[[BlastReport], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
