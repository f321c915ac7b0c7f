"""Account data is attacker-controllable: no control character of it reaches a terminal,
a CI log or a one-line field of a report."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with every non-printable character (a control character, a line or
    paragraph separator, a bidirectional override) replaced by U+FFFD."""
    if text.isprintable():  # the common case, checked in C: nothing to replace
        return text
    return "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)
