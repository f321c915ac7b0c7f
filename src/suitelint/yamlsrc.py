"""Line-aware, safe YAML loading.

Policies, config and YAML snapshots are read with this loader: safe tags only, no
duplicate keys, a bound on the nodes an alias bomb can expand to, and a map from
every value's path to its 1-based (line, column), so errors point at the file.
Timestamps stay strings: the schemas say which strings must be ISO dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from suitelint.errors import SuitelintError

PathKey = tuple[str | int, ...]
MAX_NODES = 2_000_000
#: values reached through aliases; real policies and snapshots use few or none
MAX_ALIAS_VALUES = 100_000
MAX_DEPTH = 200


@dataclass(frozen=True, slots=True)
class Positions:
    """Where each value of a YAML document stands: path → (line, column), 1-based."""

    by_path: Mapping[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_by_path: Mapping[PathKey, tuple[int, int]] = field(default_factory=dict)

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


_SCALAR = yaml.constructor.SafeConstructor()
# The scalar constructors are pure functions of the node: no state is kept between calls.
_PLAIN_TAGS: dict[str, Any] = {
    "tag:yaml.org,2002:null": _SCALAR.construct_yaml_null,
    "tag:yaml.org,2002:bool": _SCALAR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _SCALAR.construct_yaml_int,
    "tag:yaml.org,2002:float": _SCALAR.construct_yaml_float,
}


_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


def load_yaml(
    text: str,
    path: str,
    error: type[SuitelintError] = SuitelintError,
    *,
    trusted: bool = False,
) -> tuple[Any, Positions]:
    """Parse one YAML document; raise ``error`` with file:line:col on any problem.

    ``trusted`` text (what ships with the package) is read by libyaml where PyYAML has
    it: twenty times faster than the pure-Python reader, which every other input goes
    through (its limits on nesting are the ones this module's errors speak of)."""
    loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = yaml.SafeLoader
    if trusted and yaml.__with_libyaml__:
        loader = yaml.CSafeLoader
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise error(
            f"invalid YAML: {message}",
            path,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path) from None
    except RecursionError:
        line, column = _too_deep(text)
        raise error(
            f"YAML is nested more than {MAX_DEPTH} levels deep", path, line, column
        ) from None
    if node is None:
        return None, Positions()
    by_path: dict[PathKey, tuple[int, int]] = {}
    key_by_path: dict[PathKey, tuple[int, int]] = {}
    budget = [MAX_NODES]
    # Alias bombs: an alias re-uses a node, so a few lines can stand for billions of values.
    # Each node's expanded size is computed once over the (small) graph of distinct nodes,
    # and the values reached through aliases are bounded before anything is built.
    sizes: dict[int, int] = {}
    visited: set[int] = set()
    through_aliases = [0]

    def size(n: yaml.Node) -> int:
        known = sizes.get(id(n))
        if known is None:
            if isinstance(n, yaml.MappingNode):
                known = 1 + sum(size(k) + size(v) for k, v in n.value)
            elif isinstance(n, yaml.SequenceNode):
                known = 1 + sum(size(item) for item in n.value)
            else:
                known = 1
            sizes[id(n)] = min(known, MAX_NODES + 1)
        return sizes[id(n)]

    def where(n: yaml.Node) -> tuple[int, int]:
        return (n.start_mark.line + 1, n.start_mark.column + 1)

    def build(n: yaml.Node, at: PathKey, depth: int) -> Any:
        if id(n) in visited and not isinstance(n, yaml.ScalarNode):
            through_aliases[0] += size(n)
            if through_aliases[0] > MAX_ALIAS_VALUES:
                line, col = where(n)
                raise error(
                    f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values (alias bomb?)",
                    path,
                    line,
                    col,
                )
        visited.add(id(n))
        budget[0] -= 1
        if budget[0] < 0:
            line, col = where(n)
            raise error(
                f"YAML expands to more than {MAX_NODES} values (alias bomb?)", path, line, col
            )
        if depth > MAX_DEPTH:
            line, col = where(n)
            raise error(f"YAML is nested more than {MAX_DEPTH} levels deep", path, line, col)
        by_path.setdefault(at, where(n))
        if not isinstance(n, yaml.ScalarNode) and n.tag not in _COLLECTION_TAGS:
            raise unsupported(n)
        if isinstance(n, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in n.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = where(key_node)
                    raise error("YAML merge keys (<<) are not supported", path, line, col)
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = where(key_node)
                    raise error("mapping keys must be plain scalars", path, line, col)
                key = str(key_node.value)
                if key in result:
                    line, col = where(key_node)
                    raise error(f"duplicate key {key!r}", path, line, col)
                key_by_path[(*at, key)] = where(key_node)
                result[key] = build(value_node, (*at, key), depth + 1)
            return result
        if isinstance(n, yaml.SequenceNode):
            return [build(item, (*at, i), depth + 1) for i, item in enumerate(n.value)]
        assert isinstance(n, yaml.ScalarNode)
        if n.tag in _PLAIN_TAGS:
            try:
                return _PLAIN_TAGS[n.tag](n)
            except (ValueError, OverflowError, yaml.YAMLError):
                line, col = where(n)
                raise error(f"cannot read scalar {n.value!r}", path, line, col) from None
        if n.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            return str(n.value)
        raise unsupported(n)

    def unsupported(n: yaml.Node) -> SuitelintError:
        line, col = where(n)
        message = f"unsupported YAML tag {n.tag}; expected plain YAML (mappings, lists, strings, numbers, booleans)"
        return error(message, path, line, col)

    try:
        data = build(node, (), 0)
    except RecursionError:
        raise error("invalid YAML: nested too deeply", path) from None
    return data, Positions(by_path, key_by_path)


def _too_deep(text: str) -> tuple[int | None, int | None]:
    """Where nesting first exceeds MAX_DEPTH, found with the event parser, which (unlike the
    composer) does not recurse. Error path only."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return (mark.line + 1, mark.column + 1) if mark else (None, None)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        pass
    return (None, None)


def decode_text(data: bytes, path: str, error: type[SuitelintError] = SuitelintError) -> str:
    """Decode UTF-8 (a BOM is allowed); anything else is an input error with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error("not valid UTF-8 text", path, line, column) from None
