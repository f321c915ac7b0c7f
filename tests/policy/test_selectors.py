"""What makes a name a glob: a character fnmatch gives a meaning (``*``, ``?``, ``[``)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from suitelint.policy.selectors import is_glob


@given(st.text(alphabet="ab *?[]!\\-.\n", max_size=20) | st.text(max_size=20))
def test_a_name_is_a_glob_exactly_when_it_holds_a_star_a_question_mark_or_a_bracket(
    name: str,
) -> None:
    assert is_glob(name) == (re.search(r"[*?\[]", name) is not None)


def test_names_as_policies_write_them() -> None:
    assert is_glob("Shopify*") and is_glob("TRAN_?") and is_glob("[Cc]ustomers")
    assert not is_glob("Sales Order") and not is_glob("Log In using OAuth 2.0 Access Tokens]")
