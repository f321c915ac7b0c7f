"""Blast radius as Markdown, with a Mermaid diagram, within GitHub's size limits.

Account text is made inert Markdown (no HTML, links, mentions or table breaks), and
Mermaid labels cannot break out of their node."""

from __future__ import annotations

import re
from collections.abc import Sequence

from suitelint import sanitize
from suitelint.blast import (
    BlastReport,
    Exposure,
)
from suitelint.report.blast.common import (
    FORMULA_LINE,
    chain_text,
    compact_sum,
    excess_text,
    link_of,
    permission_phrase,
)

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
        out.append(f"- Chain: {md(chain_text(chain))}")
    for role, text in e.restrictions:
        out.append(f"- Restrictions of role {md(role)}: {md(text)}")
    out.append(f"- Can: {md(', '.join(e.tags)) or 'nothing the catalog tags'}")
    out.append(f"- Score: {md(compact_sum(e.parts))}")
    for part in e.parts:
        if not part.name.startswith("capability "):
            out.append(f"  - {md(part.name)} {part.points:+d}: {md(part.reason)}")
    if e.declared_by:
        out.append(f"- Declared by: {md(', '.join(e.declared_by))}")
        out.append(f"- Excess: {md(excess_text(e))}")
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
                md(link.name) if (link := link_of(chain, kind)) else "–"
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


#: this format under the reporter contract (see suitelint.report.blast)
render = render_markdown
