"""Ids sort the way export writes them: numeric ids in numeric order, then the rest, and
the order is total on any text an account or a CSV file can hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from suitelint.model import id_order


def test_numeric_ids_sort_numerically_before_the_rest() -> None:
    ids = ["customrole_x", "10", "9", "0010", "100", "Ⅻ", "²", "3"]
    assert sorted(ids, key=id_order) == ["3", "9", "0010", "10", "100", "customrole_x", "²", "Ⅻ"]


def test_ids_int_refuses_are_sorted_not_raised() -> None:
    """``str.isdigit`` accepts superscripts int() refuses; int() refuses > 4,300 digits."""
    huge = "9" * 5000
    assert sorted([huge, "²", "1"], key=id_order) == ["1", huge, "²"]


@given(st.lists(st.integers(min_value=0, max_value=10**30)))
def test_ascii_digit_ids_follow_their_numbers(numbers: list[int]) -> None:
    ids = [str(n) for n in numbers]
    assert [int(i) for i in sorted(ids, key=id_order)] == sorted(numbers)


@given(st.lists(st.text(max_size=12)))
def test_any_text_sorts_deterministically(ids: list[str]) -> None:
    """Equal keys only for equal ids: the input's order never shows in the output."""
    backwards = ids[::-1]
    assert sorted(backwards, key=id_order) == sorted(ids, key=id_order)
