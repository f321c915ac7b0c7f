"""Blast radius as text: the ranked tables, then each subject in detail."""

from __future__ import annotations

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
    removed_tags,
)


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
    integration, user, role = (link_of(chain, k) for k in ("integration", "user", "role"))
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


def _detail_lines(e: Exposure, report: BlastReport) -> list[str]:
    head = f"#{e.rank} {e.kind} {sanitize.line(e.name)!r} [{sanitize.line(e.id)}]: score {e.score}"
    if e.flags:
        head += f" ({', '.join(e.flags)})"
    lines = [head]
    for chain in e.chains:
        lines.append(f"  chain: {chain_text(chain)}")
    if not e.chains:
        lines.append("  chain: no active tokens")
    for role, text in e.restrictions:
        lines.append(f"  restrictions of role {sanitize.line(role)!r}: {sanitize.line(text)}")
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
        lines.append(f"  excess: {excess_text(e)}")
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


#: this format under the reporter contract (see suitelint.report.blast)
render = render_text
