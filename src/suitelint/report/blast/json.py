"""Blast radius as JSON: a stable, versioned shape (BLAST_FORMAT_VERSION)."""

from __future__ import annotations

from typing import Any

from suitelint import jsonout
from suitelint.blast import (
    BlastReport,
    CapabilityHeld,
    Exposure,
    Proposal,
    explain_risk,
)
from suitelint.findings import Link
from suitelint.report.blast.common import BLAST_FORMAT_VERSION


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
        "restrictions": [{"role": role, "text": text} for role, text in e.restrictions],
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


#: this format under the reporter contract (see suitelint.report.blast)
render = render_json
