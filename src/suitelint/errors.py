"""Typed, located errors.

The library raises these and never exits or prints; only ``cli`` turns them into a
message on stderr and exit code 2. Every problem names its file and, where the input
has one, its 1-based line and column, and says what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
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
    ) -> None:
        listed = tuple(problems)
        self.problems: tuple[Problem, ...] = listed or (Problem(path, message, line, column),)
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
