"""The YAML reading behind :func:`suitelint.yamlsrc.load_yaml` (PyYAML and libyaml).

Its own module so that importing :mod:`suitelint.yamlsrc` (``PathKey``, ``Positions``,
which every layer names) does not import PyYAML: a check whose policies come from the
policy cache never reads YAML, and PyYAML's import alone is a fifth of such a check's
start-up (``yaml.reader`` compiles a Unicode-range pattern when imported).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from suitelint import yamlprime  # noqa: F401  # before PyYAML: its import compiles less

# isort: split
import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from suitelint import yamlblock
from suitelint.errors import SuitelintError

PathKey = tuple[str | int, ...]  # as suitelint.yamlsrc names it (which imports this module)
#: path → (line, column), 1-based, of each value and of each key (yamlsrc.Positions)
Places = tuple[dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]
MAX_NODES = 2_000_000
#: values reached through aliases; real policies and snapshots use few or none
MAX_ALIAS_VALUES = 100_000
MAX_DEPTH = 200

_SCALAR = yaml.constructor.SafeConstructor()
# The scalar constructors are pure functions of the node: no state is kept between calls.
_PLAIN_TAGS: dict[str, Any] = {
    "tag:yaml.org,2002:null": _SCALAR.construct_yaml_null,
    "tag:yaml.org,2002:bool": _SCALAR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _SCALAR.construct_yaml_int,
    "tag:yaml.org,2002:float": _SCALAR.construct_yaml_float,
}


_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_FLOW_ENDS = frozenset({",", "}", "]"})
_STR_TAG = "tag:yaml.org,2002:str"
_STR_TAGS = frozenset({_STR_TAG, "tag:yaml.org,2002:timestamp"})
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _plain_resolver() -> Callable[[str], str]:
    """The tag PyYAML's SafeLoader gives a plain scalar, in fewer steps than its resolver
    (which ran once per scalar and was a third of the load)."""
    resolvers: dict[str | None, list[tuple[str, Any]]] = (
        yaml.resolver.Resolver.yaml_implicit_resolvers
    )
    wildcard = resolvers.get(None, [])
    by_first = {first: tuple(found + wildcard) for first, found in resolvers.items() if first}
    none = tuple(wildcard)
    empty = tuple(resolvers.get("", []) + wildcard)
    scalar = str(yaml.resolver.Resolver.DEFAULT_SCALAR_TAG)

    def resolve(value: str) -> str:
        for tag, regexp in by_first.get(value[0], none) if value else empty:
            if regexp.match(value):
                return str(tag)
        return scalar

    return resolve


_resolve_scalar = _plain_resolver()


def _plain_value(value: str) -> Any:
    """A plain scalar's value as the event reader builds it, or yamlblock.NO where that
    reader would leave the document to the node reader (an unsupported tag, a value
    that does not construct)."""
    tag = _resolve_scalar(value)
    if tag in _STR_TAGS:
        return value
    construct = _PLAIN_TAGS.get(tag)
    if construct is None:
        return yamlblock.NO
    try:
        return construct(ScalarNode(tag, value))
    except (ValueError, OverflowError, yaml.YAMLError):
        return yamlblock.NO


def _fast_loader() -> type[Any] | None:
    """A loader on libyaml that resolves tags as PyYAML's SafeLoader does, in fewer steps,
    or None without libyaml. libyaml before 0.2.5 does not bound nesting (its composer
    recurses in C): such builds are not used."""
    if not yaml.__with_libyaml__:
        return None
    from yaml import _yaml

    if tuple(_yaml.get_version()) < (0, 2, 5):
        return None
    sequence = yaml.resolver.Resolver.DEFAULT_SEQUENCE_TAG
    mapping = yaml.resolver.Resolver.DEFAULT_MAPPING_TAG

    class FastLoader(yaml.CSafeLoader):
        # The same answers as yaml.resolver.BaseResolver's (safe loading registers no
        # path resolvers, so descending and ascending do nothing there either).
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                return _resolve_scalar(value) if implicit[0] else _STR_TAG
            return str(sequence if kind is SequenceNode else mapping)

    if FastLoader.yaml_path_resolvers:  # pragma: no cover - nothing registers them
        return yaml.CSafeLoader
    return FastLoader


_FAST_LOADER = _fast_loader()


def load_yaml(
    text: str,
    path: str,
    error: type[SuitelintError] = SuitelintError,
    *,
    positions_depth: int | None = None,
    pure: bool = False,
) -> tuple[Any, Places]:
    """Parse one YAML document; raise ``error`` with file:line:col on any problem.

    ``positions_depth`` keeps the positions of values at most that deep only (a snapshot's
    locator asks for subjects and permission rows, depth 4; its errors read the file again
    in full). ``pure`` reads with the pure-Python reader (tests compare the two)."""
    loader = yaml.SafeLoader
    if not (pure or _FAST_LOADER is None or "\t" in text or "\ufeff" in text):
        # libyaml accepts tabs where the pure-Python reader refuses them and skips byte
        # order marks inside the text; such (rare) documents keep the reader they had.
        loader = _FAST_LOADER
    # A document is hundreds of thousands of acyclic nodes and values: the collector's
    # passes over them while they are built cost more than building them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if loader is _FAST_LOADER and "&" not in text:
            keep = MAX_DEPTH + 1 if positions_depth is None else positions_depth
            # Plain block YAML (as yaml.safe_dump writes snapshots) line by line; anything
            # else from libyaml's events (see suitelint.yamlblock: a fast path only).
            loaded = yamlblock.read_block(text, keep, _plain_value, MAX_NODES, MAX_DEPTH)
            if loaded is None:
                loaded = _load_from_events(text, loader, keep)
            if loaded is not None:
                return loaded
        return _load(text, path, error, loader, positions_depth)
    finally:
        if collecting:
            gc.enable()


def _compose(text: str, path: str, error: type[SuitelintError], loader: Any) -> Any:
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        if loader is yaml.SafeLoader:
            raise
    # libyaml refused the text: the pure-Python reader says why, and where, in the words
    # it always has (and if it reads the text after all, its reading is the one kept).
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _load(
    text: str,
    path: str,
    error: type[SuitelintError],
    loader: Any,
    positions_depth: int | None,
) -> tuple[Any, Places]:
    try:
        node = _compose(text, path, error, loader)
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
        return None, ({}, {})
    by_path: dict[PathKey, tuple[int, int]] = {}
    key_by_path: dict[PathKey, tuple[int, int]] = {}
    keep = MAX_DEPTH + 1 if positions_depth is None else positions_depth
    remaining = MAX_NODES
    # Alias bombs: an alias re-uses a node, so a few lines can stand for billions of values.
    # Each node's expanded size is computed once over the (small) graph of distinct nodes,
    # and the values reached through aliases are bounded before anything is built. A text
    # without "&" has no anchor, so no alias: every node is reached once.
    aliases = "&" in text
    sizes: dict[int, int] = {}
    visited: set[int] = set()
    through_aliases = 0

    def size(n: yaml.Node) -> int:
        known = sizes.get(id(n))
        if known is None:
            if isinstance(n, MappingNode):
                known = 1 + sum(size(k) + size(v) for k, v in n.value)
            elif isinstance(n, SequenceNode):
                known = 1 + sum(size(item) for item in n.value)
            else:
                known = 1
            sizes[id(n)] = min(known, MAX_NODES + 1)
        return sizes[id(n)]

    fast = loader is not yaml.SafeLoader
    end = len(text)
    at_end: list[tuple[int, int]] = []

    def where(n: yaml.Node) -> tuple[int, int]:
        mark = n.start_mark
        if mark.index == end:  # an empty value at the very end: see _end_position
            if not at_end:
                at_end.append(_end_position(text))
            return at_end[0]
        return (mark.line + 1, mark.column + 1)

    def build(n: yaml.Node, at: PathKey, depth: int) -> Any:
        nonlocal remaining, through_aliases
        if aliases:
            if id(n) in visited and not isinstance(n, ScalarNode):
                through_aliases += size(n)
                if through_aliases > MAX_ALIAS_VALUES:
                    line, col = where(n)
                    raise error(
                        f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values (alias bomb?)",
                        path,
                        line,
                        col,
                    )
            visited.add(id(n))
        remaining -= 1
        if remaining < 0:
            line, col = where(n)
            raise error(
                f"YAML expands to more than {MAX_NODES} values (alias bomb?)", path, line, col
            )
        kind = type(n)
        if depth >= MAX_DEPTH and kind is not ScalarNode:
            # the collection that opens level MAX_DEPTH + 1, as _too_deep finds it
            line, col = where(n)
            raise error(f"YAML is nested more than {MAX_DEPTH} levels deep", path, line, col)
        if depth <= keep:
            by_path.setdefault(at, where(n))
        tag = n.tag
        if kind is ScalarNode:
            if (
                fast
                and not n.value
                and not getattr(n, "style", None)
                and text[n.start_mark.index : n.start_mark.index + 1] in _FLOW_ENDS
            ):
                # An empty value before "," "}" or "]": libyaml puts it at that indicator,
                # the pure-Python reader after the ":" before it. Rare: read again.
                raise _ReadAgain
            if tag in _STR_TAGS:
                return str(n.value)
            if tag in _PLAIN_TAGS:
                try:
                    return _PLAIN_TAGS[tag](n)
                except (ValueError, OverflowError, yaml.YAMLError):
                    line, col = where(n)
                    raise error(f"cannot read scalar {n.value!r}", path, line, col) from None
            raise unsupported(n)
        if tag not in _COLLECTION_TAGS:
            raise unsupported(n)
        inner = depth + 1
        # Paths below the kept depth are not built: nothing records them.
        deeper = inner <= keep
        if kind is MappingNode:
            result: dict[str, Any] = {}
            for key_node, value_node in n.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = where(key_node)
                    raise error("YAML merge keys (<<) are not supported", path, line, col)
                if not isinstance(key_node, ScalarNode):
                    line, col = where(key_node)
                    raise error("mapping keys must be plain scalars", path, line, col)
                key = str(key_node.value)
                if key in result:
                    line, col = where(key_node)
                    raise error(f"duplicate key {key!r}", path, line, col)
                if deeper:
                    below: PathKey = (*at, key)
                    key_by_path[below] = where(key_node)
                    result[key] = build(value_node, below, inner)
                else:
                    result[key] = build(value_node, at, inner)
            return result
        if deeper:
            return [build(item, (*at, i), inner) for i, item in enumerate(n.value)]
        return [build(item, at, inner) for item in n.value]

    def unsupported(n: yaml.Node) -> SuitelintError:
        line, col = where(n)
        message = f"unsupported YAML tag {n.tag}; expected plain YAML (mappings, lists, strings, numbers, booleans)"
        return error(message, path, line, col)

    try:
        data = build(node, (), 0)
    except RecursionError:
        raise error("invalid YAML: nested too deeply", path) from None
    except _ReadAgain:
        return _load(text, path, error, yaml.SafeLoader, positions_depth)
    return data, (by_path, key_by_path)


def _load_from_events(text: str, loader: Any, keep: int) -> tuple[Any, Places] | None:
    """The fast path of a document without anchors (``&``): values and positions built
    straight from libyaml's events, in one loop, without a node tree, a resolver call per
    scalar or a call per value. None when the document is anything but plainly valid (a
    syntax error, several documents, an alias, a duplicate or merge key, a tag or value
    not supported, too deep, too big): the node path then reads it and reports exactly
    what it always has."""
    parser = loader(text)
    try:
        return _events(parser.get_event, text, keep)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


def _events(get: Any, text: str, keep: int) -> tuple[Any, Places] | None:
    if type(get()) is not StreamStartEvent:
        return None  # pragma: no cover - libyaml always starts a stream
    event = get()
    if type(event) is StreamEndEvent:
        return None, ({}, {})
    if type(event) is not DocumentStartEvent:
        return None  # pragma: no cover
    end = len(text)
    by_path: dict[PathKey, tuple[int, int]] = {}
    key_by_path: dict[PathKey, tuple[int, int]] = {}
    remaining = MAX_NODES
    resolved: dict[str, str] = {}
    # One frame per open collection: its value, whether it is a mapping, its path, its
    # depth, whether its children's paths are kept, and (mappings) the key whose value
    # comes next, None while a key is expected.
    stack: list[list[Any]] = []
    root: Any = None
    container: Any = None
    is_map = False
    frame_at: PathKey = ()
    depth = -1
    deeper = True
    key: Any = None  # str once a key is read
    while True:
        event = get()
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            if not stack:
                break
            container, is_map, frame_at, depth, deeper, key = stack[-1]
            continue
        if is_map and key is None:
            # a key: a plain scalar, not "<<", not seen before in this mapping
            if kind is not ScalarEvent:
                return None
            tag = event.tag
            value = event.value
            if tag is None or tag == "!":
                if event.implicit[0] and value[:1] == "<" and _resolve_scalar(value) == _MERGE_TAG:
                    return None
            elif tag == _MERGE_TAG:
                return None
            if value in container:
                return None
            key = value
            stack[-1][5] = key
            if deeper:
                mark = event.start_mark
                key_by_path[(*frame_at, key)] = (
                    _end_position(text) if mark.index == end else (mark.line + 1, mark.column + 1)
                )
            continue
        # a value, at the path and depth build() gives it
        if kind is AliasEvent or event.anchor is not None:
            return None
        remaining -= 1
        if remaining < 0:
            return None
        inner = depth + 1
        if stack:
            if deeper:
                at: PathKey = (*frame_at, key) if is_map else (*frame_at, len(container))
            else:
                at = frame_at
        else:
            at = ()
        mark = event.start_mark
        if inner <= keep and at not in by_path:
            by_path[at] = (
                _end_position(text) if mark.index == end else (mark.line + 1, mark.column + 1)
            )
        tag = event.tag
        if kind is ScalarEvent:
            value = event.value
            if tag is None or tag == "!":
                if event.implicit[0]:
                    # a snapshot repeats few plain values (keys, levels): resolve each once
                    tag = resolved.get(value)
                    if tag is None:
                        tag = _resolve_scalar(value)
                        if len(resolved) < 10_000:
                            resolved[value] = tag
                else:
                    tag = _STR_TAG
            if not value and not event.style and text[mark.index : mark.index + 1] in _FLOW_ENDS:
                return None
            if tag in _STR_TAGS:
                built: Any = value
            elif tag in _PLAIN_TAGS:
                try:
                    built = _PLAIN_TAGS[tag](ScalarNode(tag, value, mark, mark, event.style))
                except (ValueError, OverflowError, yaml.YAMLError):
                    return None
            else:
                return None
            if not stack:
                root = built
                break
            if is_map:
                container[key] = built
                key = stack[-1][5] = None
            else:
                container.append(built)
            continue
        if kind is MappingStartEvent:
            opened: Any = {}
        elif kind is SequenceStartEvent:
            opened = []
        else:
            return None  # pragma: no cover - nothing else comes inside a document
        if inner >= MAX_DEPTH or not (tag is None or tag == "!" or tag in _COLLECTION_TAGS):
            return None
        if stack:
            if is_map:
                container[key] = opened
                stack[-1][5] = None
            else:
                container.append(opened)
        else:
            root = opened
        container, is_map, frame_at, depth, deeper, key = (
            opened,
            kind is MappingStartEvent,
            at,
            inner,
            inner + 1 <= keep,
            None,
        )
        stack.append([container, is_map, frame_at, depth, deeper, key])
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        return None  # another document follows: yaml.compose refuses that
    return root, (by_path, key_by_path)


class _ReadAgain(Exception):
    """The fast reader met a construct whose position it reports differently."""


def _end_position(text: str) -> tuple[int, int]:
    """The 1-based line and column of the end of ``text``, counted as the pure-Python
    reader counts them (yaml.reader.Reader.forward). libyaml puts an empty value at the
    end of a text without a final line break on a line of its own."""
    line = column = 0
    for k, ch in enumerate(text):
        if ch in "\n\x85\u2028\u2029" or (ch == "\r" and text[k + 1 : k + 2] != "\n"):
            line += 1
            column = 0
        elif ch != "\ufeff":
            column += 1
    return (line + 1, column + 1)


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
