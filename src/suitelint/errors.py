"""Typed, located errors.

The library raises these and never exits or prints; only ``cli`` turns them into a
message on stderr and exit code 2. Every problem names its file and, where the input
has one, its 1-based line and column, and says what was expected.
"""

import contextlib
from collections.abc import Iterable, Iterator

import msgspec


def did_you_mean(
    word: str, known: Iterable[str] = (), *, hints: Iterable[str] | None = None
) -> str:
    """``"; did you mean 'x'?"`` for the known word closest to ``word``, else ``""``.

    ``hints``: suggestions already worked out (the catalog's, for permission names),
    joined with "or"."""
    if hints is None:
        import difflib

        hints = difflib.get_close_matches(word, sorted(known), n=1)
    found = list(hints)
    return f"; did you mean {' or '.join(repr(h) for h in found)}?" if found else ""


class Problem(msgspec.Struct, frozen=True):
    """One located complaint about an input."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str:
        """``path:line:col`` as far as known."""
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class SuitelintError(Exception):
    """Base of every error suitelint raises on purpose: bad input, bad usage."""

    kind = "error"

    def __init__(
        self,
        message: str,
        path: str = "",
        line: int | None = None,
        column: int | None = None,
        *,
        problems: Iterable[Problem] = (),
        notices: Iterable[Problem] = (),
    ) -> None:
        listed = tuple(problems)
        self.problems: tuple[Problem, ...] = listed or (Problem(path, message, line, column),)
        #: what reading noticed on the way (info lines shown before the error: why an
        #: account came out empty, say), not problems themselves
        self.notices: tuple[Problem, ...] = tuple(notices)
        first = self.problems[0]
        self.path = first.path
        self.line = first.line
        self.column = first.column
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(SuitelintError):
    """The command line asks for something that cannot be done."""

    kind = "usage error"


class ConfigError(SuitelintError):
    """``.suitelint.yaml`` or ``[tool.suitelint]`` is wrong."""

    kind = "config error"


class PolicyError(SuitelintError):
    """A policy file is not valid: schema, unknown names, bad dates."""

    kind = "policy error"


class SnapshotError(SuitelintError):
    """An account snapshot is not valid: schema, dangling references, unknown permkeys."""

    kind = "snapshot error"


class SourceError(SuitelintError):
    """A source (SDF project, CSV export, live account, git) could not be read."""

    kind = "source error"


#: problems shown per run; the rest are counted ("... and 12 more")
MAX_PROBLEMS = 50


def _order(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.path, problem.line or 0, problem.column or 0, problem.message)


class Problems:
    """Every problem of independent inputs, so that one run reports all of them.

    A user fixing a project must not need one run per error. Read each independent unit
    (a file of a project, a source of a run, a row of an export) inside :meth:`collect`;
    an error it raises is kept and the reading goes on. At the end, :meth:`raise_if_any`
    raises one error holding every problem, sorted by ``file:line:col``, capped at
    :data:`MAX_PROBLEMS` with a last line saying how many more there were::

        problems = Problems()
        for file in files:
            with problems.collect():
                results.append(read(file))      # raises SourceError
        problems.raise_if_any(SourceError)

    Only :class:`SuitelintError` is collected: a bug still surfaces as itself.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notices: list[Problem] = []
        self._kinds: set[type[SuitelintError]] = set()

    def __bool__(self) -> bool:
        return bool(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def add(self, problem: Problem, kind: type[SuitelintError] | None = None) -> None:
        self.problems.append(problem)
        if kind is not None:
            self._kinds.add(kind)

    def extend(self, error: SuitelintError) -> None:
        """Keep every problem of ``error``."""
        self.problems.extend(error.problems)
        self.notices.extend(error.notices)
        self._kinds.add(type(error))

    @contextlib.contextmanager
    def collect(self) -> Iterator[None]:
        """Run the block; keep the problems of a :class:`SuitelintError` it raises."""
        try:
            yield
        except SuitelintError as error:
            self.extend(error)

    def raise_if_any(self, default: type[SuitelintError]) -> None:
        """Raise one error with every problem (sorted, capped); its class is the class
        every collected error had, else ``default``."""
        if not self.problems:
            return
        kind = next(iter(self._kinds)) if len(self._kinds) == 1 else default
        raise kind("", problems=capped(self.problems), notices=self.notices)


class Omitted(Problem, frozen=True):
    """The last line of a capped list: how many problems were not shown."""

    count: int = 0


def capped(problems: Iterable[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """``problems`` sorted by place, without repeats, at most ``limit`` of them plus a last
    line counting the rest. Capping a capped list again keeps one count of the rest."""
    listed = list(problems)
    omitted = sum(p.count for p in listed if isinstance(p, Omitted))
    unique = sorted({p for p in listed if not isinstance(p, Omitted)}, key=_order)
    rest = omitted + max(0, len(unique) - limit)
    if not rest:
        return unique
    more = f"... and {rest} more problem{'s' if rest != 1 else ''} not shown"
    return [*unique[:limit], Omitted("", more, count=rest)]
