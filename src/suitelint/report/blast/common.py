"""What the blast-radius formats share: the formula line, chains, sums, excess."""

from __future__ import annotations

from collections.abc import Sequence

from suitelint import sanitize
from suitelint.blast import (
    Exposure,
    Proposal,
    ScorePart,
)
from suitelint.findings import Link
from suitelint.sdfrole import ProposedPermission

BLAST_FORMAT_VERSION = 1
FORMULA_LINE = (
    "score = capabilities (weight × level) + administrator + not web-services-only "
    "+ token age + inactive user + unexplained + environment"
)


def chain_text(chain: Sequence[Link]) -> str:
    return " → ".join(sanitize.line(str(link)) for link in chain)


def link_of(chain: Sequence[Link], kind: str) -> Link | None:
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


def excess_text(exposure: Exposure) -> str:
    if exposure.excess_everything:
        return "every permission beyond the declaration (the role holds every permission)"
    if not exposure.excess:
        return "none: it holds nothing beyond its declaration"
    return "; ".join(
        f"{sanitize.line(e.name)} at {e.held.name} (allowed {e.allowed.name}, via {sanitize.line(e.via)})"
        for e in exposure.excess
    )


def compact_sum(parts: Sequence[ScorePart]) -> str:
    """``capabilities 248 + administrator 50 + … = 273``: the capability terms summed."""
    capabilities, held, total = 0, False, 0
    terms = [""]  # the capabilities' term goes first, if there is one
    for p in parts:
        total += p.points
        if p.name.startswith("capability "):
            capabilities += p.points
            held = True
        else:
            terms.append(f"{p.name} {p.points}")
    if held:
        terms[0] = f"capabilities {capabilities}"
    else:
        del terms[0]
    if not terms:
        return "0 (no active tokens)"
    return f"{' + '.join(terms).replace('+ environment -', '- environment ')} = {total}"
