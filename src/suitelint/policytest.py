"""Policy unit tests (``suitelint test``): fixture account + policy → the findings expected.

A test file (``*.test.yaml``) names the policies under test (files, or one written inline
under ``policy:``), a date to judge at, and cases; each case names fixture sources
(snapshot files or SDF folders) or writes its account inline under ``account:``, and the
findings it expects by rule id and subject (scriptid or id), optionally permkey, whether it
is waived, and the line and column it is reported at (for an inline account: in the test
file itself). A case passes when the findings equal the expectations, no more and no less
(``rules:`` narrows a case to the rules it is about). Paths are relative to the test file.

Like ``opa test`` or ``conftest verify`` for Rego: policies are code, and code has tests.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from suitelint.errors import PolicyError, Problem
from suitelint.findings import Finding
from suitelint.fsutil import input_rules, read_input, reading
from suitelint.yamlsrc import Positions, decode_text, load_yaml

if TYPE_CHECKING:
    from suitelint.policy.loader import PolicyDocument
    from suitelint.sources.snapshot import LoadedSnapshot

TEST_SUFFIX = ".test.yaml"
MAX_TEST_BYTES = 8 * 1024 * 1024
_SKIP_DIRS = {"node_modules", "__pycache__", "venv"}

_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_INLINE_POLICY = {
    "type": "object",
    "description": "A policy written here, in the policy file format (suitelint: 1, rules, "
    "waivers); its errors point into this file.",
}
_POSITION = {"type": "integer", "minimum": 1}
TEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "suitelint policy test file (*.test.yaml)",
    "type": "object",
    "additionalProperties": False,
    "required": ["suitelint_test", "cases"],
    "anyOf": [{"required": ["policies"]}, {"required": ["policy"]}],
    "properties": {
        "suitelint_test": {"const": 1},
        "description": {"type": "string"},
        "policies": {
            **_NAMES,
            "description": "Policy files (relative to this file) or builtin:<pack>.",
        },
        "policy": _INLINE_POLICY,
        "as_of": {**_DATE, "description": "Judge token ages and waiver expiry at this date."},
        "cases": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "expect"],
                "anyOf": [{"required": ["sources"]}, {"required": ["account"]}],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "sources": {**_NAMES, "description": "Snapshot files or SDF folders."},
                    "account": {
                        "type": "object",
                        "description": "An account written here, in the snapshot format "
                        "(roles, users, integrations, tokens); findings on it are placed in "
                        "this file.",
                    },
                    "policies": {
                        **_NAMES,
                        "description": "Instead of the file's policies (with 'policy').",
                    },
                    "policy": {
                        **_INLINE_POLICY,
                        "description": "Instead of the file's policies (with 'policies'): "
                        "a policy written here.",
                    },
                    "as_of": _DATE,
                    "rules": {**_NAMES, "description": "Compare only findings of these rules."},
                    "expect": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["rule", "subject"],
                            "properties": {
                                "rule": {"type": "string", "minLength": 1},
                                "subject": {
                                    "type": "string",
                                    "minLength": 1,
                                    "description": "The subject's scriptid, or its id.",
                                },
                                "permkey": {"type": "string", "minLength": 1},
                                "waived": {"type": "boolean"},
                                "line": {
                                    **_POSITION,
                                    "description": "The line the finding is reported at.",
                                },
                                "column": {
                                    **_POSITION,
                                    "description": "The column it is reported at.",
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True, slots=True)
class Expected:
    rule: str
    subject: str
    permkey: str | None = None
    waived: bool = False
    line: int | None = None
    column: int | None = None

    def matches(self, finding: Finding) -> bool:
        waived = finding.suppression is not None and finding.suppression.kind == "waiver"
        location = finding.location
        return (
            finding.rule_id == self.rule
            and self.subject in (finding.subject_ref, finding.subject_id)
            and (self.permkey is None or self.permkey == finding.permkey)
            and waived == self.waived
            and (self.line is None or (location is not None and location.line == self.line))
            and (self.column is None or (location is not None and location.column == self.column))
        )

    def __str__(self) -> str:
        return _line(self.rule, self.subject, self.permkey, self.waived, self.line, self.column)


def _line(
    rule: str,
    subject: str,
    permkey: str | None,
    waived: bool,
    line: int | None = None,
    column: int | None = None,
) -> str:
    text = f"{rule}  {subject}"
    if permkey:
        text += f"  {permkey}"
    if line is not None:
        text += f"  at {line}" + (f":{column}" if column is not None else "")
    return text + ("  (waived)" if waived else "")


def _describe(finding: Finding, *, at: bool = False) -> str:
    """A finding as the diff shows it; ``at``: with its line and column (when the case's
    expectations give them)."""
    waived = finding.suppression is not None and finding.suppression.kind == "waiver"
    location = finding.location if at else None
    return _line(
        finding.rule_id,
        finding.subject_ref,
        finding.permkey,
        waived,
        location.line if location is not None else None,
        location.column if location is not None else None,
    )


@dataclass(frozen=True, slots=True)
class Case:
    file: str
    line: int | None
    name: str
    sources: tuple[str, ...]
    policies: tuple[str, ...]
    as_of: dt.date
    rules: frozenset[str] | None
    expect: tuple[Expected, ...]
    #: each ``rules:`` entry with its line, to say where an unknown one is
    rule_lines: tuple[tuple[str, int | None], ...] = ()
    #: the account written in the test file, if any (merged after ``sources``)
    account: LoadedSnapshot | None = None
    #: policies written in the test file (besides ``policies``)
    inline_policies: tuple[PolicyDocument, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    #: (marker, text): " " matched, "-" expected but missing, "+" found but not expected
    lines: tuple[tuple[str, str], ...]

    @property
    def passed(self) -> bool:
        return all(marker == " " for marker, _ in self.lines)

    def diff(self) -> str:
        body = [f"    {marker} {text}" for marker, text in self.lines] or ["      (no findings)"]
        return "\n".join(["    --- expected", "    +++ actual", *body])


def compare(expect: Sequence[Expected], findings: Iterable[Finding]) -> tuple[tuple[str, str], ...]:
    """Pair expectations with findings; what is left over on either side is the diff."""
    remaining = list(findings)
    lines: list[tuple[str, str, str]] = []
    for expected in expect:
        match = next((f for f in remaining if expected.matches(f)), None)
        if match is None:
            lines.append((str(expected), "-", str(expected)))
        else:
            remaining.remove(match)
            lines.append((str(expected), " ", str(expected)))
    at = any(e.line is not None for e in expect)
    lines.extend((_describe(f, at=at), "+", _describe(f, at=at)) for f in remaining)
    return tuple((marker, text) for _, marker, text in sorted(lines, key=lambda x: (x[0], x[1])))


def _relocate(ref: str, base: Path) -> str:
    if ref.startswith("builtin:") or Path(ref).is_absolute():
        return ref
    return str(base / ref)


def _error(path: str, positions: Positions, at: tuple[str | int, ...], message: str) -> PolicyError:
    line, column = positions.of(at)
    return PolicyError(message, path, line, column)


def parse_test_file(text: str, path: str) -> tuple[Case, ...]:
    import jsonschema

    from suitelint.policy.loader import describe_schema_error

    data, positions = load_yaml(text, path, PolicyError)
    if not isinstance(data, dict):
        raise PolicyError(
            "expected a mapping with 'suitelint_test: 1', 'policies' and 'cases'", path, 1, 1
        )
    errors = sorted(
        jsonschema.Draft202012Validator(TEST_SCHEMA).iter_errors(data),
        key=lambda e: (*(p or 0 for p in positions.of(tuple(e.absolute_path))), e.message),
    )
    if errors:
        problems: list[Problem] = [describe_schema_error(e, path, positions) for e in errors]
        raise PolicyError("", problems=tuple(dict.fromkeys(problems)))
    base = Path(path).parent

    def date(value: str, at: tuple[str | int, ...]) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _error(
                path, positions, at, f"{value!r} is not a date; expected YYYY-MM-DD"
            ) from None

    from suitelint.policy.loader import policy_document
    from suitelint.sources.snapshot import snapshot_from_data

    def inline_policy(
        owner: dict[str, Any], at: tuple[str | int, ...]
    ) -> tuple[PolicyDocument, ...]:
        if "policy" not in owner:
            return ()
        return (policy_document(owner["policy"], positions.under((*at, "policy")), path),)

    default_as_of = date(data["as_of"], ("as_of",)) if "as_of" in data else None
    default_inline = inline_policy(data, ())
    cases = []
    for i, raw in enumerate(data["cases"]):
        as_of = date(raw["as_of"], ("cases", i, "as_of")) if "as_of" in raw else default_as_of
        if as_of is None:
            raise _error(
                path,
                positions,
                ("cases", i),
                "no as_of date for this case; tests must not depend on today",
            )
        line, _ = positions.of(("cases", i))
        own = "policies" in raw or "policy" in raw  # a case's policies replace the file's
        account = None
        if "account" in raw:
            account = snapshot_from_data(
                raw["account"], positions.under(("cases", i, "account")), path
            )
        cases.append(
            Case(
                file=path,
                line=line,
                name=raw["name"],
                sources=tuple(_relocate(s, base) for s in raw.get("sources", ())),
                policies=tuple(
                    _relocate(p, base)
                    for p in (raw.get("policies", ()) if own else data.get("policies", ()))
                ),
                as_of=as_of,
                rules=frozenset(raw["rules"]) if "rules" in raw else None,
                rule_lines=tuple(
                    (rule, positions.of(("cases", i, "rules", j))[0])
                    for j, rule in enumerate(raw.get("rules", ()))
                ),
                expect=tuple(
                    Expected(
                        e["rule"],
                        e["subject"],
                        e.get("permkey"),
                        e.get("waived", False),
                        e.get("line"),
                        e.get("column"),
                    )
                    for e in raw["expect"]
                ),
                account=account,
                inline_policies=inline_policy(raw, ("cases", i)) if own else default_inline,
            )
        )
    return tuple(cases)


def load_test_file(path: Path) -> tuple[Case, ...]:
    with reading(path):
        data = read_input(path, limit=MAX_TEST_BYTES, what="policy test file")
        return parse_test_file(decode_text(data, str(path), PolicyError), str(path))


def find_test_files(paths: Sequence[str]) -> tuple[Path, ...]:
    """``*.test.yaml`` files named or found under the named folders (hidden folders skipped)."""
    return tuple(_test_files(paths))


def _test_files(paths: Sequence[str]) -> dict[Path, Path]:
    """Each test file, with its project: the folder named on the command line it was
    found under (default: the working folder), or a named file's own folder."""
    found: dict[Path, Path] = {}
    for raw in paths or (".",):
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob(f"*{TEST_SUFFIX}")):
                parts = candidate.relative_to(path).parts[:-1]
                if not any(p.startswith(".") or p in _SKIP_DIRS for p in parts):
                    found.setdefault(candidate, path)
        elif path.is_file():
            found.setdefault(path, path.parent)
        else:
            from suitelint.errors import UsageError

            raise UsageError(f"{raw}: no such test file or folder")
    if not found:
        from suitelint.errors import UsageError

        where = ", ".join(paths) if paths else "the working folder"
        raise UsageError(f"no policy test files (*{TEST_SUFFIX}) found in {where}")
    return found


@functools.cache
def _catalog() -> Any:
    from suitelint.catalog import load_catalog

    return load_catalog()


#: what a policy test's file that leaves its project should do instead
STAY_INSIDE = "a policy test's sources and policies must stay inside its project"


def run_case(case: Case, project: Path | None = None) -> Outcome:
    """Run one case. Its sources and policies (and symlinks on the way) must stay inside
    ``project`` (default: the test file's folder), as a config file's paths must stay
    inside its folder: a test file from a pull request must not read the runner's files."""
    from suitelint.ruledocs import engine_rule_text
    from suitelint.runner import evaluate_loaded, load_checked

    catalog = _catalog()
    files = [*case.sources, *(p for p in case.policies if not p.startswith("builtin:"))]
    within = project if project is not None else Path(case.file).parent
    with input_rules(confine=files, project=within, remedy=STAY_INSIDE):
        loaded, policy = load_checked(
            case.sources,
            case.policies,
            catalog,
            inline=(case.account,) if case.account is not None else (),
            inline_policies=case.inline_policies,
        )
    for rule_id, line in case.rule_lines:
        # a misspelt filter would compare nothing and pass vacuously
        if policy.rule(rule_id) is None and engine_rule_text(rule_id) is None:
            raise PolicyError(
                f"rules: names {rule_id!r}, which neither this case's policies nor the "
                "engine define; the case would compare nothing and pass",
                case.file,
                line,
            )
    findings = evaluate_loaded(loaded, policy, catalog, case.as_of)
    considered = [
        f
        for f in findings
        if (case.rules is None or f.rule_id in case.rules)
        and (f.suppression is None or f.suppression.kind == "waiver")
    ]
    return Outcome(case, compare(case.expect, considered))


def run_tests(paths: Sequence[str]) -> tuple[Outcome, ...]:
    """Load every test file first (a bad file is an error before any case runs), then run."""
    cases = [
        (case, project)
        for path, project in _test_files(paths).items()
        for case in load_test_file(path)
    ]
    return tuple(run_case(case, project) for case, project in cases)


def render_outcomes(outcomes: Sequence[Outcome], *, verbose: bool = False) -> str:
    lines = []
    for outcome in outcomes:
        if not outcome.passed:
            lines.append(f"FAIL {outcome.case.where}: {outcome.case.name}")
            lines.append(outcome.diff())
        elif verbose:
            lines.append(f"ok   {outcome.case.where}: {outcome.case.name}")
    failed = sum(1 for o in outcomes if not o.passed)
    verdict = "FAIL" if failed else "OK"
    lines.append(
        f"{verdict}: {len(outcomes)} cases, {len(outcomes) - failed} passed, {failed} failed"
    )
    return "\n".join(lines) + "\n"
