"""A fast yes/no JSON Schema check for the schemas suitelint publishes.

Importing jsonschema (and referencing, attrs, rpds) cost a third of a small ``check`` with
a policy file of its own: the pull-request case. This module answers only "valid or
not", for the keywords suitelint's own schemas use (JSON Schema 2020-12, local ``$ref``),
compiled once into nested functions. A document it calls invalid goes to jsonschema,
which describes every error (and whose verdict stands if the two ever differ); a schema
with a keyword this module does not know is not compiled at all (:func:`compile_schema`
returns None), so nothing is ever passed on a guess. The two are held together by
property tests (tests/test_schemacheck.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

#: keywords that say nothing about validity
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "$defs"}
)


class _Unsupported(Exception):
    pass


def compile_schema(schema: Mapping[str, Any]) -> Check | None:
    """A function telling whether an instance is valid against ``schema``, or None when
    the schema uses something this module does not implement."""
    defs: dict[str, Check] = {}
    raw_defs = schema.get("$defs", {})

    def ref(target: str) -> Check:
        prefix = "#/$defs/"
        if not target.startswith(prefix) or target[len(prefix) :] not in raw_defs:
            raise _Unsupported(target)
        name = target[len(prefix) :]

        def check(instance: Any) -> bool:  # bound late: definitions may refer to each other
            return defs[name](instance)

        return check

    def build(node: Any) -> Check:
        if node is True:
            return _always
        if node is False:
            return _never
        if not isinstance(node, Mapping):
            raise _Unsupported(node)
        checks: list[Check] = []
        for key, value in node.items():
            if key in _ANNOTATIONS:
                continue
            maker = _KEYWORDS.get(key)
            if maker is None:
                if key in ("additionalProperties", "items", "not"):
                    checks.append(_SUBSCHEMA[key](build(value), node))
                elif key in ("anyOf", "oneOf"):
                    checks.append(_COMBINATORS[key]([build(part) for part in value]))
                elif key == "properties":
                    checks.append(_properties({k: build(v) for k, v in value.items()}))
                elif key == "$ref":
                    checks.append(ref(value))
                else:
                    raise _Unsupported(key)
            else:
                checks.append(maker(value))
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        every = tuple(checks)
        return lambda instance: all(check(instance) for check in every)

    try:
        for name, definition in raw_defs.items():
            defs[name] = build(definition)
        return build(schema)
    except (_Unsupported, re.error, TypeError, AttributeError, KeyError):
        return None


def _always(instance: Any) -> bool:
    return True


def _never(instance: Any) -> bool:
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # 2020-12: an integer is a number with no fractional part (1.0 is one)
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, and containers compare member by member."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return bool(a == b)
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_equal(a[k], b[k]) for k in a)
        )
    return bool(a == b)


def _type(value: Any) -> Check:
    names = [value] if isinstance(value, str) else list(value)
    checks = tuple(_TYPES[name] for name in names)
    return lambda instance: any(check(instance) for check in checks)


def _enum(value: Any) -> Check:
    options = list(value)
    return lambda instance: any(_equal(instance, option) for option in options)


def _const(value: Any) -> Check:
    return lambda instance: _equal(instance, value)


def _required(value: Any) -> Check:
    names = tuple(value)
    return lambda instance: not isinstance(instance, dict) or all(n in instance for n in names)


def _min_properties(value: Any) -> Check:
    return lambda instance: not isinstance(instance, dict) or len(instance) >= value


def _min_items(value: Any) -> Check:
    return lambda instance: not isinstance(instance, list) or len(instance) >= value


def _unique_items(value: Any) -> Check:
    if not value:
        return _always

    def check(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        return not any(
            _equal(instance[i], instance[j])
            for i in range(len(instance))
            for j in range(i + 1, len(instance))
        )

    return check


def _min_length(value: Any) -> Check:
    return lambda instance: not isinstance(instance, str) or len(instance) >= value


def _max_length(value: Any) -> Check:
    return lambda instance: not isinstance(instance, str) or len(instance) <= value


def _pattern(value: Any) -> Check:
    regex = re.compile(value)
    return lambda instance: not isinstance(instance, str) or regex.search(instance) is not None


def _minimum(value: Any) -> Check:
    return lambda instance: not _is_number(instance) or instance >= value


def _maximum(value: Any) -> Check:
    return lambda instance: not _is_number(instance) or instance <= value


def _exclusive_minimum(value: Any) -> Check:
    return lambda instance: not _is_number(instance) or instance > value


_KEYWORDS: dict[str, Callable[[Any], Check]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "required": _required,
    "minProperties": _min_properties,
    "minItems": _min_items,
    "uniqueItems": _unique_items,
    "minLength": _min_length,
    "maxLength": _max_length,
    "pattern": _pattern,
    "minimum": _minimum,
    "maximum": _maximum,
    "exclusiveMinimum": _exclusive_minimum,
}


def _properties(checks: dict[str, Check]) -> Check:
    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for name, value in instance.items():
            sub = checks.get(name)
            if sub is not None and not sub(value):
                return False
        return True

    return check


def _additional_properties(sub: Check, node: Mapping[str, Any]) -> Check:
    if "patternProperties" in node:
        raise _Unsupported("patternProperties")
    known = frozenset(node.get("properties", {}))

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(sub(value) for name, value in instance.items() if name not in known)

    return check


def _items(sub: Check, node: Mapping[str, Any]) -> Check:
    if "prefixItems" in node:
        raise _Unsupported("prefixItems")
    return lambda instance: not isinstance(instance, list) or all(sub(item) for item in instance)


def _not(sub: Check, node: Mapping[str, Any]) -> Check:
    return lambda instance: not sub(instance)


_SUBSCHEMA: dict[str, Callable[[Check, Mapping[str, Any]], Check]] = {
    "additionalProperties": _additional_properties,
    "items": _items,
    "not": _not,
}


def _any_of(parts: list[Check]) -> Check:
    checks = tuple(parts)
    return lambda instance: any(check(instance) for check in checks)


def _one_of(parts: list[Check]) -> Check:
    checks = tuple(parts)
    return lambda instance: sum(1 for check in checks if check(instance)) == 1


_COMBINATORS: dict[str, Callable[[list[Check]], Check]] = {"anyOf": _any_of, "oneOf": _one_of}
