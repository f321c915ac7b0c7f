"""Findings on a snapshot role's permissions are made placed when one snapshot file is the
only source (``Loaded.role_rows``): the engine then copies none of them to give it a
place. They must be placed exactly as placing them afterwards places them."""

from __future__ import annotations

from pathlib import Path

import msgspec

from conftest import FIXTURES, TODAY
from suitelint import runner
from suitelint.engine import evaluate
from suitelint.runner import load_checked, place_findings

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [FIXTURES / "ci" / "account.json", ROOT / "examples" / "account.json"]


def _both(source: Path) -> tuple[tuple, tuple, int]:
    catalog = runner.load_catalog()
    loaded, policy = load_checked([str(source)], ["builtin:baseline"], catalog)
    assert loaded.role_rows is not None
    made_placed = runner.evaluate_loaded(loaded, policy, catalog, TODAY)  # as check runs it
    placed_after = evaluate(
        policy,
        loaded.snapshot,
        catalog,
        TODAY,
        place=lambda found: place_findings(found, loaded),
        index=loaded.index,
    )
    laid_out = sum(loaded.role_rows(role.id) is not None for role in loaded.snapshot.roles)
    return made_placed, placed_after, laid_out


def test_findings_made_placed_are_placed_as_placing_them_afterwards_would() -> None:
    for source in SOURCES:
        made_placed, placed_after, laid_out = _both(source)
        assert laid_out  # the fast path ran
        assert any(f.subject_kind == "role" and f.permkey for f in made_placed)
        assert made_placed == placed_after, source


def test_with_several_sources_findings_are_placed_afterwards() -> None:
    # which source places a subject is the merge's business: Loaded.place_all decides
    loaded = runner.load_sources([str(SOURCES[0])], runner.load_catalog())
    assert loaded.role_rows is not None
    several = msgspec.structs.replace(loaded, locators=loaded.locators * 2)
    assert several.role_rows is None
