"""One level parser for every source: names in any case, SuiteQL's digits, nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitelint.model import LEVEL_BY_NAME, Level, parse_level


@pytest.mark.parametrize("level", list(Level))
def test_a_level_reads_back_from_its_name_in_any_case_and_from_its_number(level: Level) -> None:
    for text in (level.name, level.name.lower(), level.name.title(), f" {level.name} "):
        assert parse_level(text) is level
    assert parse_level(str(level.value)) is level


@given(st.text(max_size=12))
def test_anything_else_is_refused_with_the_expected_names(text: str) -> None:
    word = text.strip().upper()
    if word in LEVEL_BY_NAME or word in {"0", "1", "2", "3", "4"}:
        return
    with pytest.raises(ValueError, match="expected one of NONE, VIEW, CREATE, EDIT, FULL"):
        parse_level(text)


def test_numbers_beyond_full_and_non_ascii_digits_are_not_levels() -> None:
    for text in ("5", "-1", "04", "²", "١"):
        with pytest.raises(ValueError):
            parse_level(text)
