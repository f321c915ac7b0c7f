"""Blast radius as text: the ranked tables, then each subject in detail."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from suitelint import sanitize
from suitelint.blast import (
    BlastReport,
    Exposure,
)
from suitelint.effective import LEVEL_NAMES
from suitelint.findings import Link
from suitelint.report.blast.common import (
    FORMULA_LINE,
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

    __slots__ = (
        "cells",
        "chains",
        "flags",
        "links",
        "proposals",
        "restrictions",
        "shown",
        "terms",
        "unexplained",
    )

    def __init__(self, report: BlastReport) -> None:
        #: by the capabilities tuple and whether it is everything: the lines, joined
        self.shown: dict[tuple[int, bool], str] = {}
        self.chains: dict[int, str] = {}
        self.links: dict[int, str] = {}
        self.cells: dict[tuple[int, int], str] = {}
        #: by the restrictions tuple: its lines, joined
        self.restrictions: dict[int, str] = {}
        #: by the flags tuple (blast_radius makes one per distinct answer): joined
        self.flags: dict[int, tuple[tuple[str, ...], str]] = {}
        #: by score part: None for a capability's, else its term of the sum and its line
        self.terms: dict[int, tuple[str, str] | None] = {}
        self.proposals = {p.scriptid: p for p in report.proposals}
        self.unexplained = tuple(
            f"  unexplained {kind}: no allow_only rule declares what it needs"
            for kind in ("integration", "token")
        )

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

    def restriction_block(self, e: Exposure) -> str:
        """The restrictions' lines, joined ("" when there are none)."""
        found = self.restrictions.get(id(e.restrictions))
        if found is None:
            found = self.restrictions[id(e.restrictions)] = "\n".join(
                f"  restrictions of role {sanitize.line(role)!r}: {sanitize.line(text)}"
                for role, text in e.restrictions
            )
        return found

    def flag_text(self, flags: tuple[str, ...]) -> str:
        found = self.flags.get(id(flags))
        if found is None:
            found = self.flags[id(flags)] = (flags, ", ".join(flags))
        return found[1]

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
            self.flag_text(e.flags) or "-",
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


def _detail_block(e: Exposure, shared: _Shared) -> str:
    """The detail section of one subject: its lines joined, each shared piece (chain links,
    restrictions, capabilities, score terms, flags) written once per report."""
    flags = shared.flag_text(e.flags)
    head = f"#{e.rank} {e.kind} {sanitize.line(e.name)!r} [{sanitize.line(e.id)}]: score {e.score}"
    out = [f"{head} ({flags})" if e.flags else head]
    for chain in e.chains:
        out.append(shared.chain(chain))
    if not e.chains:
        out.append("  chain: no active tokens")
    restrictions = shared.restriction_block(e)
    if restrictions:
        out.append(restrictions)
    out.append(shared.capability_lines(e))
    # common.compact_sum and the terms' lines in one pass, each term's texts once
    terms = shared.terms
    capabilities, held, total = 0, False, 0
    summed: list[str] = [""]  # the capabilities' term goes first, if there is one
    explained: list[str] = []
    for part in e.parts:
        total += part.points
        found = terms.get(id(part))
        if found is None:
            found = terms[id(part)] = (
                None
                if part.name.startswith("capability ")
                else (
                    f"{part.name} {part.points}",
                    f"    {part.name}: {part.points:+d} ({sanitize.line(part.reason)})",
                )
            )
        if found is None:
            capabilities += part.points
            held = True
        else:
            summed.append(found[0])
            explained.append(found[1])
    if held:
        summed[0] = f"capabilities {capabilities}"
    else:
        del summed[0]
    if summed:
        joined = " + ".join(summed).replace("+ environment -", "- environment ")
        out.append(f"  score: {joined} = {total}")
    else:
        out.append("  score: 0 (no active tokens)")
    out += explained
    if e.declared_by:
        out.append(f"  declared by: {', '.join(sanitize.line(r) for r in e.declared_by)}")
        out.append(f"  excess: {excess_text(e)}")
    elif e.kind == "token" or e.chains:
        out.append(shared.unexplained[e.kind == "token"])
    proposal = shared.proposals.get(e.proposal) if e.proposal is not None else None
    if proposal is not None:
        held_text = " + ".join(permission_phrase(p) for p in proposal.permissions) or "nothing"
        out.append(f"  proposed role: {proposal.scriptid} ({sanitize.line(held_text)})")
        removed = removed_tags(e, proposal)
        if removed:
            out.append(f"    it would no longer: {', '.join(removed)}")
    return "\n".join(out)


def stream_text(report: BlastReport) -> Iterator[str]:
    """The text report in pieces, as they are written (joined: :func:`render_text`)."""
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
    yield "\n".join(lines)
    del lines
    # each subject after an empty line; written a batch at a time
    batch: list[str] = []
    for e in report.tokens:
        batch.append(_detail_block(e, shared))
        if len(batch) == _BATCH:
            yield "\n\n" + "\n\n".join(batch)
            batch = []
    if batch:
        yield "\n\n" + "\n\n".join(batch)
    tail: list[str] = []
    if report.proposals:
        tail += ["", "Proposed roles (write them with --write-roles DIR)"]
        for p in report.proposals:
            tail.append(
                f"  {p.filename}: {sanitize.line(p.name)!r} for {', '.join(sanitize.line(s) for s in p.subjects)}"
                f" (from {', '.join(sanitize.line(r) for r in p.rules)})"
            )
            for perm in p.permissions:
                tail.append(f"    {sanitize.line(perm.name)} = {perm.level.name}")
            for note in p.notes:
                tail.append(f"    note: {sanitize.line(note)}")
    unexplained = [e for e in report.tokens if not e.explained]
    tail += [
        "",
        f"{len(report.tokens)} active tokens, {len(unexplained)} unexplained"
        + (f" ({', '.join(sanitize.line(e.name) for e in unexplained)})" if unexplained else "")
        + f"; {len(report.proposals)} proposed roles",
    ]
    yield "\n" + "\n".join(tail) + "\n"


#: subjects' detail sections per piece of :func:`stream_text` (about 300 kB)
_BATCH = 100


def render_text(report: BlastReport) -> str:
    return "".join(stream_text(report))


#: this format under the reporter contract (see suitelint.report.blast)
render = render_text
