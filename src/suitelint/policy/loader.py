"""Read policy files: safe, line-aware YAML validated against the published schema.

Every error names file:line:col and what was expected; misspelt keys get a
"did you mean". Built-in packs are named ``builtin:<pack>``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import msgspec

from suitelint.errors import PolicyError, Problem, did_you_mean
from suitelint.fsutil import read_input, reading
from suitelint.yamlsrc import PathKey, Positions, decode_text, load_yaml

BUILTIN_PREFIX = "builtin:"
MAX_POLICY_BYTES = 8 * 1024 * 1024


class PolicyDocument(msgspec.Struct, frozen=True):
    """A policy file as data, with the position of every value."""

    path: str
    data: dict[str, Any]
    positions: Positions
    builtin: bool = False
    #: (key, entry) for the policy cache, written once the policy set compiles without
    #: error (:func:`remember`); None for a document read from the cache or not cacheable
    cache_entry: tuple[str, bytes] | None = None

    def where(self, at: PathKey, *, key: bool = False) -> tuple[int | None, int | None]:
        return self.positions.of(at, key=key)

    def error(self, message: str, at: PathKey, *, key: bool = False) -> PolicyError:
        line, column = self.where(at, key=key)
        return PolicyError(message, self.path, line, column)


@functools.cache
def policy_schema() -> dict[str, Any]:
    from suitelint.catalog import package_bytes

    schema: dict[str, Any] = msgspec.json.decode(
        package_bytes(__file__, "policy.schema.json", __package__)
    )
    return schema


@functools.cache
def _quick_check() -> Callable[[Any], bool] | None:
    """The policy schema compiled by :mod:`suitelint.schemacheck`: a valid policy never
    imports jsonschema (a third of a small check's start-up)."""
    from suitelint.schemacheck import compile_schema

    return compile_schema(policy_schema())


def builtin_packs() -> tuple[str, ...]:
    from importlib import resources

    folder = resources.files("suitelint").joinpath("policies")
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in folder.iterdir()
            if entry.name.endswith(".yaml") and not entry.name.endswith(".test.yaml")
        )
    )


def _read_builtin(name: str) -> tuple[str, str]:
    pack = name.removeprefix(BUILTIN_PREFIX)
    if pack not in builtin_packs():
        known = ", ".join(BUILTIN_PREFIX + p for p in builtin_packs())
        raise PolicyError(f"unknown built-in pack {name!r}; available: {known}", name)
    from importlib import resources

    text = resources.files("suitelint").joinpath("policies", f"{pack}.yaml").read_text("utf-8")
    return text, f"{BUILTIN_PREFIX}{pack}"


def describe_schema_error(error: Any, doc_path: str, positions: Positions) -> Problem:
    """Turn one jsonschema error into a located, readable problem."""
    import difflib  # error path only

    at: PathKey = tuple(error.absolute_path)
    validator = error.validator
    message: str
    on_key = False
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extras = (
            sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        )
        parts = []
        for extra in extras:
            hint = did_you_mean(extra, allowed)
            parts.append(f"unknown key {extra!r}{hint}")
        if extras:
            at = (*at, extras[0])
            on_key = True
        message = "; ".join(parts) + f" (expected one of: {', '.join(allowed)})"
    elif validator == "required":
        message = error.message.replace("is a required property", "is required here")
    elif validator == "enum":
        options = ", ".join(repr(v) for v in error.validator_value)
        message = f"{error.instance!r} is not allowed; expected one of {options}"
        close = difflib.get_close_matches(
            str(error.instance), [str(v) for v in error.validator_value]
        )
        if close:
            message += f" (did you mean {close[0]!r}?)"
    elif (
        validator == "anyOf"
        and error.schema.get("anyOf")
        and all("required" in branch for branch in error.schema["anyOf"])
    ):
        names = ", ".join(branch["required"][0] for branch in error.schema["anyOf"])
        message = f"a rule needs at least one assertion: {names}"
    elif validator == "pattern" and at and at[-1] == "expires":
        message = f"{error.instance!r} is not an ISO date; expected YYYY-MM-DD"
    elif validator == "pattern" and at and at[-1] == "id":
        message = f"{error.instance!r} is not a valid rule id; expected kebab-case (a-z, 0-9, -)"
    elif validator in ("oneOf", "anyOf") and error.context:
        # The branch that failed for a reason other than the instance's type is the one
        # the author meant (a string against {enum, object} means the enum).
        best = min(error.context, key=lambda e: (e.validator == "type", -len(e.absolute_path)))
        return describe_schema_error(best, doc_path, positions)
    else:
        message = error.message
    where = "/".join(str(p) for p in error.absolute_path)
    if where:
        message = f"{message} (at {where})"
    line, column = positions.of(at, key=on_key)
    return Problem(doc_path, message, line, column)


def parse_policy(text: str, path: str, *, builtin: bool = False) -> PolicyDocument:
    """Parse and validate a policy. Built-in packs ship with the package and are validated
    against the schema by the test suite (tests/policy/test_builtin_packs.py), so they
    skip the validator. Other files are checked by the quick check first; jsonschema
    (whose import alone costs a third of a small check) describes what is invalid."""
    data, positions = load_yaml(text, path, PolicyError)
    if data is None:
        raise PolicyError("empty policy file; expected 'suitelint: 1' and rules", path, 1, 1)
    if not isinstance(data, dict):
        raise PolicyError("expected a mapping with 'suitelint: 1' and 'rules'", path, 1, 1)
    if builtin:
        return PolicyDocument(path, data, positions, builtin)
    return policy_document(data, positions, path)


def policy_document(data: dict[str, Any], positions: Positions, path: str) -> PolicyDocument:
    """Validate a policy read already (a file's, or one written inline in a policy test,
    whose ``positions`` point into that file)."""
    builtin = False
    check = _quick_check()
    if check is not None and check(data):
        return PolicyDocument(path, data, positions, builtin)
    # Invalid (or a schema the quick check cannot read): jsonschema says what is wrong,
    # and where; if it finds nothing, its verdict stands.
    import jsonschema  # imported lazily (start-up)

    validator = jsonschema.Draft202012Validator(policy_schema())

    def order(error: Any) -> tuple[int, int, str]:
        line, column = positions.of(tuple(error.absolute_path))
        return (line or 0, column or 0, str(error.message))

    errors = sorted(validator.iter_errors(data), key=order)
    if errors:
        problems = [describe_schema_error(e, path, positions) for e in errors]
        unique = tuple(sorted(dict.fromkeys(problems), key=lambda p: (p.line or 0, p.column or 0)))
        raise PolicyError("", problems=unique)
    return PolicyDocument(path, data, positions, builtin)


class PolicyFile(msgspec.Struct, frozen=True):
    """A policy file's bytes as read (or a built-in pack's text), before parsing."""

    ref: str
    #: as errors name it (``builtin:<pack>`` for a pack)
    name: str
    content: bytes
    builtin: bool = False
    #: the text of a built-in pack (read as text)
    text: str = ""
    #: the key of its document in the policy cache; None when the cache is off
    key: str | None = None


def read_policy(ref: str) -> PolicyFile:
    """The bytes of a policy file, or of a built-in pack named ``builtin:<pack>``, and their
    key in the policy cache (reading errors are raised here)."""
    from suitelint.policy import cache

    cached = cache.folder() is not None
    if ref.startswith(BUILTIN_PREFIX):
        text, name = _read_builtin(ref)
        content = text.encode("utf-8")
        key = cache.key_of(name, content) if cached else None
        return PolicyFile(ref, name, content, True, text, key)
    path = Path(ref)
    with reading(path):
        data = read_input(path, limit=MAX_POLICY_BYTES, what="policy file")
    return PolicyFile(ref, ref, data, key=cache.key_of(ref, data) if cached else None)


def load_policy(ref: str) -> PolicyDocument:
    """Load a policy file, or a built-in pack named ``builtin:<pack>``: from the policy
    cache when it holds these very bytes (:mod:`suitelint.policy.cache`), else read."""
    return document_of(read_policy(ref))


def document_of(file: PolicyFile) -> PolicyDocument:
    """The document of a policy file read by :func:`read_policy`: from the policy cache
    when it holds it, else parsed and validated (errors are raised here)."""
    from suitelint.policy import cache

    key = file.key
    if file.builtin:
        if key is None:
            return parse_policy(file.text, file.name, builtin=True)
        hit = cache.lookup(key)
        if hit is not None:
            return PolicyDocument(file.name, hit[0], hit[1], builtin=True)
        return _with_entry(parse_policy(file.text, file.name, builtin=True), key)
    ref = file.ref
    with reading(Path(ref)):
        if key is None:
            return parse_policy(decode_text(file.content, ref, PolicyError), ref)
        hit = cache.lookup(key)
        if hit is not None:
            return PolicyDocument(ref, hit[0], hit[1])
        return _with_entry(parse_policy(decode_text(file.content, ref, PolicyError), ref), key)


def _with_entry(doc: PolicyDocument, key: str) -> PolicyDocument:
    from suitelint.policy import cache

    blob = cache.entry(key, doc.data, doc.positions)
    return doc if blob is None else msgspec.structs.replace(doc, cache_entry=(key, blob))


def remember(docs: Iterable[PolicyDocument]) -> None:
    """Keep in the policy cache the documents of a policy set that compiled without
    error (a policy with an error is never cached: it is read, and reported, every run)."""
    from suitelint.policy import cache

    for doc in docs:
        if doc.cache_entry is not None:
            cache.store(*doc.cache_entry)
