"""Blast radius as text: the ranked tables, then each subject in detail."""

from __future__ import annotations

from collections.abc import Sequence

from suitelint import sanitize
from suitelint.blast import (
    BlastReport,
    Exposure,
)
from suitelint.effective import LEVEL_NAMES
from suitelint.findings import Link
from suitelint.report.blast.common import (
    FORMULA_LINE,
    compact_sum,
    excess_text,
    permission_phrase,
    removed_tags,
)


def _fit(text: str, width: int) -> str:
    text = sanitize.line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    # one format per table: each cell padded to its column's width, right-aligned if numeric
    template = "  ".join(
        f"{{:{'>' if i in numeric else '<'}{w}}}" for i, w in enumerate(widths)
    ).format
    return [template(*cells).rstrip() for cells in (headers, *rows)]


_CHAIN_KINDS = ("integration", "user", "role")


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


class _Shared:
    """Parts of the sections that many subjects share, written once per report: every
    token of a role has the same capabilities (one tuple, from one table), and a role's
    restrictions, a role's, user's or integration's link in a chain, are one object
    wherever they are shown. Keyed by identity: the report keeps every key alive."""

    __slots__ = ("cells", "chains", "links", "proposals", "restrictions", "shown")

    def __init__(self, report: BlastReport) -> None:
        #: by the capabilities tuple and whether it is everything: the lines, joined
        self.shown: dict[tuple[int, bool], str] = {}
        self.chains: dict[int, str] = {}
        self.links: dict[int, str] = {}
        self.cells: dict[tuple[int, int], str] = {}
        self.restrictions: dict[int, list[str]] = {}
        self.proposals = {p.scriptid: p for p in report.proposals}

    def chain(self, chain: Sequence[Link]) -> str:
        text = self.chains.get(id(chain))
        if text is None:
            parts = []
            for link in chain:  # as common.chain_text, each link's text once
                shown = self.links.get(id(link))
                if shown is None:
                    shown = self.links[id(link)] = sanitize.line(str(link))
                parts.append(shown)
            text = self.chains[id(chain)] = f"  chain: {' → '.join(parts)}"
        return text

    def capability_lines(self, e: Exposure) -> str:
        key = (id(e.capabilities), e.everything)
        found = self.shown.get(key)
        if found is None:
            found = self.shown[key] = "\n".join(_capability_lines(e))
        return found

    def restriction_lines(self, e: Exposure) -> list[str]:
        found = self.restrictions.get(id(e.restrictions))
        if found is None:
            found = self.restrictions[id(e.restrictions)] = [
                f"  restrictions of role {sanitize.line(role)!r}: {sanitize.line(text)}"
                for role, text in e.restrictions
            ]
        return found

    def token_row(self, e: Exposure) -> list[str]:
        cells = {}
        for link in e.chains[0] if e.chains else ():
            if link.kind in _CHAIN_KINDS and link.kind not in cells:
                cells[link.kind] = link
        return [
            str(e.rank),
            str(e.score),
            _fit(e.name, 32),
            self.cell(cells.get("integration"), 24),
            self.cell(cells.get("user"), 24),
            self.cell(cells.get("role"), 28),
            ", ".join(e.flags) or "-",
        ]

    def cell(self, link: Link | None, width: int) -> str:
        if link is None:
            return _fit("-", width)
        found = self.cells.get((id(link), width))
        if found is None:
            found = self.cells[id(link), width] = _fit(link.name, width)
        return found


def _capability_lines(e: Exposure) -> list[str]:
    lines = [f"  can: {', '.join(e.tags) or 'nothing the catalog tags'}"]
    if e.everything and e.capabilities:
        via = e.capabilities[0].conferred_by[0].via
        lines.append(f"    every capability at FULL: {sanitize.line(via)} holds every permission")
    for cap in e.capabilities:
        level = LEVEL_NAMES[cap.level]
        if e.everything:
            lines.append(f"    {cap.tag:<29} {cap.weight} × {level} = {cap.points:>2}")
            continue
        via = "; ".join(
            f"{sanitize.line(c.name)} = {LEVEL_NAMES[c.level]}"
            + (f" via {sanitize.line(c.via)}" if c.via else "")
            for c in cap.conferred_by[:3]
        )
        more = len(cap.conferred_by) - 3
        if more > 0:
            via += f"; and {more} more"
        lines.append(f"    {cap.tag:<29} {cap.weight} × {level} = {cap.points:>2}  {via}")
    return lines


def _detail_lines(e: Exposure, report: BlastReport, shared: _Shared | None = None) -> list[str]:
    if shared is None:
        shared = _Shared(report)
    head = f"#{e.rank} {e.kind} {sanitize.line(e.name)!r} [{sanitize.line(e.id)}]: score {e.score}"
    if e.flags:
        head += f" ({', '.join(e.flags)})"
    lines = [head]
    for chain in e.chains:
        lines.append(shared.chain(chain))
    if not e.chains:
        lines.append("  chain: no active tokens")
    lines += shared.restriction_lines(e)
    lines.append(shared.capability_lines(e))
    lines.append(f"  score: {compact_sum(e.parts)}")
    for part in e.parts:
        if not part.name.startswith("capability "):
            lines.append(f"    {part.name}: {part.points:+d} ({sanitize.line(part.reason)})")
    if e.declared_by:
        lines.append(f"  declared by: {', '.join(sanitize.line(r) for r in e.declared_by)}")
        lines.append(f"  excess: {excess_text(e)}")
    elif e.kind == "token" or e.chains:
        lines.append(f"  unexplained {e.kind}: no allow_only rule declares what it needs")
    proposal = shared.proposals.get(e.proposal) if e.proposal is not None else None
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
    shared = _Shared(report)
    if report.tokens:
        lines += _table(
            ["rank", "score", "token", "integration", "user", "role", "flags"],
            [shared.token_row(e) for e in report.tokens],
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
        lines.append("")
        lines += _detail_lines(e, report, shared)
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
