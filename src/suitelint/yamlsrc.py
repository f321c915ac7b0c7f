"""Line-aware, safe YAML loading.

Policies, config and YAML snapshots are read with this loader: safe tags only, no
duplicate keys, a bound on the nodes an alias bomb can expand to, and a map from
every value's path to its 1-based (line, column), so errors point at the file.
Timestamps stay strings: the schemas say which strings must be ISO dates.

Every document is read by libyaml where PyYAML has it (twenty to fifty times faster than
the pure-Python reader: a YAML snapshot of the medium benchmark account took 10 s). A
document libyaml refuses is read again by the pure-Python reader, whose error (message,
line and column) is the one reported: the same error whichever reader PyYAML has.
Plain block YAML, as snapshots are written, is read line by line before that
(:mod:`suitelint.yamlblock`: the same values and positions, several times faster).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from suitelint.errors import SuitelintError

PathKey = tuple[str | int, ...]


class Positions(msgspec.Struct, frozen=True):
    """Where each value of a YAML document stands: path → (line, column), 1-based."""

    by_path: Mapping[PathKey, tuple[int, int]] = msgspec.field(default_factory=dict)
    key_by_path: Mapping[PathKey, tuple[int, int]] = msgspec.field(default_factory=dict)

    def of(self, path: PathKey, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of the value at ``path`` (or of its key), falling back to the
        nearest enclosing value that has one."""
        table = self.key_by_path if key else self.by_path
        probe = tuple(path)
        while True:
            if probe in table:
                return table[probe]
            if probe in self.by_path:
                return self.by_path[probe]
            if not probe:
                return (None, None)
            probe = probe[:-1]

    def under(self, prefix: PathKey) -> Positions:
        """The positions of the value at ``prefix``, as if it were the document (a
        policy test's inline account or policy): same lines and columns, shorter paths."""
        n = len(prefix)
        return Positions(
            {k[n:]: v for k, v in self.by_path.items() if k[:n] == prefix},
            {k[n:]: v for k, v in self.key_by_path.items() if k[:n] == prefix},
        )


def load_yaml(
    text: str,
    path: str,
    error: type[SuitelintError] = SuitelintError,
    *,
    positions_depth: int | None = None,
    pure: bool = False,
) -> tuple[Any, Positions]:
    """Parse one YAML document; raise ``error`` with file:line:col on any problem.

    ``positions_depth`` keeps the positions of values at most that deep only (a snapshot's
    locator asks for subjects and permission rows, depth 4; its errors read the file again
    in full). ``pure`` reads with the pure-Python reader (tests compare the two)."""
    from suitelint.yamlread import load_yaml as read  # PyYAML only when YAML is read

    data, (by_path, key_by_path) = read(
        text, path, error, positions_depth=positions_depth, pure=pure
    )
    return data, Positions(by_path, key_by_path)


def decode_text(data: bytes, path: str, error: type[SuitelintError] = SuitelintError) -> str:
    """Decode UTF-8 (a BOM is allowed); anything else is an input error with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error("not valid UTF-8 text", path, line, column) from None
