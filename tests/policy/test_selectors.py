"""What makes a name a glob (a character fnmatch gives a meaning: ``*``, ``?``, ``[``), and how
a ``where`` name or glob matches."""

from __future__ import annotations

import fnmatch
import re

from hypothesis import given
from hypothesis import strategies as st

from suitelint.policy.selectors import NameRef, is_glob


@given(st.text(alphabet="ab *?[]!\\-.\n", max_size=20) | st.text(max_size=20))
def test_a_name_is_a_glob_exactly_when_it_holds_a_star_a_question_mark_or_a_bracket(
    name: str,
) -> None:
    assert is_glob(name) == (re.search(r"[*?\[]", name) is not None)


def test_names_as_policies_write_them() -> None:
    assert is_glob("Shopify*") and is_glob("TRAN_?") and is_glob("[Cc]ustomers")
    assert not is_glob("Sales Order") and not is_glob("Log In using OAuth 2.0 Access Tokens]")


@given(
    st.text(alphabet="ab*?[]!-A ", max_size=6),
    st.text(alphabet="ab*?[]!-A ", max_size=6) | st.text(max_size=8),
)
def test_a_where_name_glob_matches_as_fnmatch_does(pattern: str, value: str) -> None:
    """``where: {name: Shopify*}`` is matched without compiling a pattern where it can be."""
    ref = NameRef(pattern, None)
    expected = is_glob(pattern) and fnmatch.fnmatchcase(value.casefold(), pattern.casefold())
    expected = expected or (not is_glob(pattern) and value.casefold() == pattern.casefold())
    assert ref.matches(value) == expected
