"""Findings: what a rule says about one subject, with the chain that produced it.

A finding is a value, not an exception. Reporters only ever see :class:`Report`:
findings, the documentation of the rules that produced them, and what the run was
judged against (catalog version, sources).
"""

import enum
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import compress, repeat
from typing import Any

import msgspec


class Severity(enum.IntEnum):
    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}; expected error, warning or note"
            ) from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Location(msgspec.Struct, frozen=True, gc=False):
    """A place in an input file; line and column are 1-based."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


LinkKind = str  # "integration" | "token" | "user" | "role" | "permission" | "global_permission"


class Link(msgspec.Struct, frozen=True, gc=False):
    """One step of a chain: integration → token → user → role → permission = level."""

    kind: LinkKind
    id: str
    name: str
    detail: str = ""

    def __str__(self) -> str:
        if self.kind in ("permission", "global_permission"):
            label = "global permission" if self.kind == "global_permission" else "permission"
            text = f"{label} {self.name}"
            if self.id != "*" and self.id not in self.name:
                text += f" ({self.id})"
            return f"{text} = {self.detail}" if self.detail else text
        text = f"{self.kind} {self.name!r}"
        if self.id and self.id != self.name:
            text += f" [{self.id}]"
        return f"{text} {self.detail}" if self.detail else text


class Suppression(msgspec.Struct, frozen=True, gc=False):
    """Why a finding does not count: an active waiver, an inline suppression (a
    ``suitelint-disable`` comment), a baseline entry, or presence at ``--base``."""

    kind: str  # "waiver" | "inline" | "baseline" | "base"
    reason: str
    expires: str | None = None


class Finding(msgspec.Struct, frozen=True, gc=False):
    """One rule's verdict on one subject. A large account yields tens of thousands, each
    built and then placed: a frozen struct costs a tenth of a frozen dataclass to make.
    No cycles are possible (fields are strings, enums and other such values), so the
    garbage collector need not track them."""

    rule_id: str
    severity: Severity
    message: str
    subject_kind: str
    subject_id: str
    subject_name: str
    subject_scriptid: str | None = None
    permkey: str | None = None
    #: distinguishes findings of one rule on one subject beyond the permkey
    #: (e.g. the pair of a segregation-of-duties rule); stable, never a line number
    qualifier: str = ""
    chain: tuple[Link, ...] = ()
    location: Location | None = None
    suppression: Suppression | None = None

    @property
    def subject_ref(self) -> str:
        """Stable identity of the subject: scriptid where it has one, else id."""
        return self.subject_scriptid or self.subject_id

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        """Keys baselines and ``--base`` comparisons: rule + subject + permkey, never lines."""
        return (
            self.rule_id,
            self.subject_kind,
            self.subject_ref,
            self.permkey or "",
            self.qualifier,
        )

    @property
    def fingerprint(self) -> str:
        import hashlib  # machine-readable reports only: the text report need not load it

        return hashlib.sha256("\x1f".join(self.identity).encode()).hexdigest()[:32]

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def sort_key(self) -> tuple[str, int, int, str, str, str, str, str, str]:
        loc = self.location
        if loc is None:
            return (
                "",
                0,
                0,
                self.subject_kind,
                self.subject_name,
                self.subject_id,
                self.rule_id,
                self.permkey or "",
                self.qualifier + "\x1f" + self.message,
            )
        return (
            loc.path,
            loc.line or 0,
            loc.column or 0,
            self.subject_kind,
            self.subject_name,
            self.subject_id,
            self.rule_id,
            self.permkey or "",
            self.qualifier + "\x1f" + self.message,
        )

    def suppress(self, suppression: Suppression) -> "Finding":
        return msgspec.structs.replace(self, suppression=suppression)


class RuleDoc(msgspec.Struct, frozen=True):
    """What reporters need to know of a rule: SARIF rule metadata, ``explain``."""

    id: str
    title: str
    severity: Severity
    why: str = ""
    fix: str = ""
    pack: str = ""
    location: Location | None = None
    references: tuple[str, ...] = ()
    #: the rule's own risk, 0.1-10.0 as GitHub's ``security-severity`` bands read it (above
    #: 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, below low); None: not a security rule
    security_severity: float | None = None


class Report(msgspec.Struct, frozen=True, dict=True):
    """Everything a reporter renders. Pure data: no clocks, no environment.

    A copy with other values is ``msgspec.structs.replace(report, ...)``. (The records of
    the start-up are msgspec Structs, not dataclasses: a dataclass generates and compiles
    its methods at every start-up, several million instructions each.)"""

    findings: tuple[Finding, ...]
    rules: Mapping[str, RuleDoc] = msgspec.field(default_factory=dict)
    catalog_version: str = ""
    tool_version: str = ""
    sources: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    account_id: str = ""
    environment: str = ""
    fail_on: Severity = Severity.ERROR
    subjects_checked: Mapping[str, int] = msgspec.field(default_factory=dict)
    #: the date token ages and waiver expiry were judged at (ISO), as given by --as-of
    as_of: str = ""
    #: where each subject with findings is defined, by (subject kind, subject id): a role's
    #: element in its SDF file, a token's entry in the snapshot (SARIF's primary location)
    places: Mapping[tuple[str, str], Location] = msgspec.field(default_factory=dict)
    #: the folder SARIF paths are relative to: the repository root ("" = the working folder)
    root: str = ""
    #: how the sources were read, at info level, e.g. the objects an
    #: SDF project's deploy.xml leaves out (``path: info: message``); the CLI writes them
    #: to stderr
    notices: tuple[str, ...] = ()
    #: warnings about the sources (what a CSV export could not tell), for stderr
    notes: tuple[str, ...] = ()
    #: ``check --base``: what rose and fell since the base (a
    #: :class:`suitelint.diff.SnapshotDiff`), shown by the Markdown report
    changes: Any = None

    def _parts(self) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
        # (active, suppressed), split once on first use (reporters ask for both several
        # times) and kept in the instance's __dict__: not a field, so a copy made with
        # replace() splits its own findings, and equality and repr ignore it
        split: tuple[tuple[Finding, ...], tuple[Finding, ...]] | None = self.__dict__.get("_split")
        if split is None:
            findings = self.findings
            if not any(map(_SUPPRESSION, findings)):  # a Suppression is always true
                split = (tuple(findings), ())  # no copy of a tuple
            else:
                split = (
                    tuple(f for f in findings if f.suppression is None),
                    tuple(f for f in findings if f.suppression is not None),
                )
            self.__dict__["_split"] = split  # a cache of a frozen value
        return split

    @property
    def active(self) -> tuple[Finding, ...]:
        return self._parts()[0]

    @property
    def suppressed(self) -> tuple[Finding, ...]:
        return self._parts()[1]

    @property
    def failing(self) -> tuple[Finding, ...]:
        # worked out once (the verdict, the summary and the exit code all ask), in C-level
        # steps per finding, and kept in the instance's __dict__ as the split is
        failing: tuple[Finding, ...] | None = self.__dict__.get("_failing")
        if failing is None:
            active = self.active
            at_or_above = map(operator.ge, map(_SEVERITY, active), repeat(self.fail_on))
            failing = self.__dict__["_failing"] = tuple(compress(active, at_or_above))
        return failing

    def counts(self) -> dict[str, int]:
        """Active findings per severity label, plus ``suppressed``."""
        # counted by value: a Severity (an enum member) hashes in Python, an int in C
        counter = Counter(map(int, map(_SEVERITY, self.active)))
        result = {s.label: counter.get(s.value, 0) for s in sorted(Severity, reverse=True)}
        result["suppressed"] = len(self.suppressed)
        return result


_SEVERITY = operator.attrgetter("severity")
_SUPPRESSION = operator.attrgetter("suppression")


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=Finding.sort_key))
