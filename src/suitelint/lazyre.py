"""Regular expressions compiled on first use.

Compiling a pattern costs about 0.4 M instructions; a check of a small SDF project with
its caches warm used 2 of the 20 patterns its modules compiled at import (7 M of its
start-up). A module-level pattern that many runs never use is made with :func:`lazy`
instead of :func:`re.compile`: it is compiled when one of its attributes is first read,
and from then on its methods are the compiled pattern's own, bound on the object (no
Python call between a caller and the match after the first).

Only what a :class:`re.Pattern` has as attributes works (``.match``, ``.sub``,
``.pattern``, ...): a lazy pattern is no ``re.Pattern`` instance, so it cannot be handed
to ``re.match(pattern, ...)`` or ``isinstance``. Every lazy pattern is listed in
:data:`MADE`; ``tests/test_lazyre.py`` compiles each of them (a typo fails the tests, not
a user's run) and holds them to ``re.compile``'s answers.
"""

from __future__ import annotations

import re
from typing import Any, cast

#: every lazy pattern made, in the order made
MADE: list[LazyPattern] = []


class LazyPattern:
    """A pattern and its flags, compiled when an attribute is first read (see the module)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def compile(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not); its attributes are bound here."""
        compiled = re.compile(*self._source)
        for name in dir(compiled):
            if not name.startswith("_"):
                setattr(self, name, getattr(compiled, name))
        return compiled

    @property
    def compiled(self) -> bool:
        """Whether the pattern was compiled."""
        return "match" in vars(self)

    def __getattr__(self, name: str) -> Any:  # only for attributes not bound yet
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.compile(), name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on first use (see the module)."""
    made = LazyPattern(pattern, flags)
    MADE.append(made)
    return cast("re.Pattern[str]", made)
