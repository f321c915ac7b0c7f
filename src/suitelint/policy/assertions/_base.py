"""What every assertion kind is made of, and what its check is given.

An assertion kind is one YAML key of a rule (``forbid``, ``allow_only``, ...) and one
module of this package. The module holds:

- its record types: frozen values that satisfy :class:`Assertion`;
- ``compile(compiler, raw, at, applies_to)``: the records for the key's YAML value;
- on each record, ``describe()`` (the line ``explain`` and ``rules --json`` print) and
  ``bind(ctx, rule_id)``: the check of one evaluation, called once per selected subject;
- its documentation: the module docstring;
- ``KIND``: its entry in the ordered registry (:data:`suitelint.policy.assertions.KINDS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import msgspec

from suitelint.catalog import Catalog
from suitelint.effective import ByIdentity, Effective, Grant, Table, role_link
from suitelint.findings import Finding, Link, Location, Severity
from suitelint.model import Index, Level, Role, Snapshot, Subject, subject_kind, subject_label
from suitelint.policy.compiling import Compiler
from suitelint.yamlsrc import PathKey


class Context(Effective):
    """One evaluation: the account's effective permissions, today, and which subjects an
    ``allow_only`` rule describes (set by the engine before any check runs)."""

    def __init__(
        self, snapshot: Snapshot, catalog: Catalog, today: dt.date, index: Index | None = None
    ) -> None:
        super().__init__(snapshot, catalog, index)
        self.today = today
        self.covered: Callable[[Subject], bool] = lambda subject: False
        #: where a snapshot role's permission rows are, by role id (``Loaded.role_rows``),
        #: when the engine is given it: findings on them are made placed
        self.role_rows: RoleRows | None = None
        self._heads: ByIdentity[Subject, _Head] = ByIdentity()

    def days_since(self, day: dt.date) -> int:
        return (self.today - day).days

    def head(self, subject: Subject) -> _Head:
        """What every finding on ``subject`` shares, worked out once per subject (not per
        rule and finding): a large account has hundreds of thousands of findings on a few
        thousand subjects."""
        return self._heads.get(subject, self._head)

    def _head(self, subject: Subject) -> _Head:
        prefix = self.prefix(subject)
        fallback = prefix
        if not prefix and isinstance(subject, Role):
            fallback = (role_link(subject),)  # every finding names at least its subject
        kind, label = subject_kind(subject), subject_label(subject)
        return (
            kind,
            subject.id,
            label,
            getattr(subject, "scriptid", None),
            prefix,
            fallback,
            _subject_location(subject),
            f"{kind} {label!r}",
        )


#: a role's rows' places by permkey (None: the role's own place), or None: not known
RoleRows = Callable[[str], Mapping[str | None, Location] | None]
_NO_ROWS: Mapping[str | None, Location] = {}
#: what :meth:`Emitter.one_grant` answers: kind, id, label, scriptid, chain before the
#: permission's link, place, rows' places, links by level
OneGrant = tuple[
    str,
    str,
    str,
    str | None,
    tuple[Link, ...],
    Location | None,
    Mapping[str | None, Location],
    tuple[dict[str, Link], ...],
]

#: a subject's kind, id, label, scriptid, chain prefix, chain when a finding adds nothing to
#: it, place in its file (when the model knows it), and ``kind 'label'`` (as messages start)
_Head = tuple[str, str, str, str | None, tuple[Link, ...], tuple[Link, ...], Location | None, str]


class Emitter(msgspec.Struct):
    """Findings of one rule on one subject."""

    ctx: Context
    rule_id: str
    severity: Severity
    subject: Subject
    out: list[Finding]
    #: a forbid-roles assertion of this rule already reported the subject's role; "holds
    #: every permission through that role" findings of the same rule would only repeat it
    role_forbidden: bool = False
    _head: _Head | None = None

    def emit(
        self,
        message: str,
        *,
        permkey: str | None = None,
        grant: Grant | None = None,
        chain_tail: tuple[Link, ...] = (),
        qualifier: str = "",
        location: Location | None = None,
    ) -> None:
        head = self._head
        if head is None:
            head = self._head = self.ctx.head(self.subject)
        kind, subject_id, label, scriptid, chain, fallback, place, _ = head
        if grant is not None:
            chain += grant.via
            if location is None:
                location = grant.location(permkey)
        if chain_tail:
            chain += chain_tail
        if not chain:
            chain = fallback
        self.out.append(
            Finding(
                rule_id=self.rule_id,
                severity=self.severity,
                message=message,
                subject_kind=kind,
                subject_id=subject_id,
                subject_name=label,
                subject_scriptid=scriptid,
                permkey=permkey,
                qualifier=qualifier,
                chain=chain,
                location=location if location is not None else place,
            )
        )

    def emit_held(self, message: str, permkey: str, grant: Grant, link: Link) -> None:
        """``emit(message, permkey=permkey, grant=grant, chain_tail=(link,))``: the finding
        about one held permission (``link``, its :meth:`perm_link`), the most common kind
        by far (hundreds of thousands in a large account), made without the general
        case's keyword arguments and branches."""
        head = self._head
        if head is None:
            head = self._head = self.ctx.head(self.subject)
        role = grant.role
        location = grant.location(permkey) if role is not None and role.path is not None else None
        self.out.append(
            Finding(
                self.rule_id,
                self.severity,
                message,
                head[0],
                head[1],
                head[2],
                head[3],
                permkey,
                "",
                head[4] + grant.via + (link,),
                location if location is not None else head[6],
            )
        )

    def perm_link(self, permkey: str, level: Level, grant: Grant) -> Link:
        return self.ctx.perm_link(permkey, level, grant)

    def head(self) -> _Head:
        """What every finding on the subject shares (:meth:`Context.head`)."""
        head = self._head
        if head is None:
            head = self._head = self.ctx.head(self.subject)
        return head

    def one_grant(self, table: Table) -> OneGrant | None:
        """What the findings on the subject's permissions in ``table`` share when every
        permission comes from one grant and none has a file line of its own (a
        snapshot's rows): the subject's kind, id, label and scriptid, the chain before a
        permission's link, the place of a finding whose row is not known, the role's
        rows' places (placed at creation, not copied when findings are placed later) and
        the grant's links by level (:meth:`Effective.level_links`). None otherwise: each
        finding is made by :meth:`emit_held`."""
        grant = table.grant
        if table.grants is not None or (grant.role is not None and grant.role.path is not None):
            return None
        ctx = self.ctx
        kind, subject_id, label, scriptid, prefix, _, place, _ = self.head()
        rows = ctx.role_rows(subject_id) if kind == "role" and ctx.role_rows is not None else None
        if rows is None:
            rows = _NO_ROWS
        else:
            place = rows[None]
        links = ctx.level_links(grant)
        return kind, subject_id, label, scriptid, prefix + grant.via, place, rows, links

    def describe(self) -> str:
        """``kind 'name'`` of the subject, as messages start (once per subject)."""
        head = self._head
        if head is None:
            head = self._head = self.ctx.head(self.subject)
        return head[7]


def _subject_location(subject: Subject) -> Location | None:
    path = getattr(subject, "path", None)
    return Location(path, getattr(subject, "line", None)) if path else None


#: the check of one assertion in one evaluation: run once per subject the rule selects
Check = Callable[[Emitter, Table], None]


class Assertion(Protocol):
    """One compiled assertion of a rule."""

    @property
    def uses_table(self) -> bool:
        """Whether the check reads the subject's effective permission table (a class
        attribute in most kinds; the engine builds no table for a rule whose assertions
        all say no)."""
        ...

    def describe(self) -> str:
        """One line saying what the assertion checks (``explain``, ``rules --json``)."""
        ...

    def bind(self, ctx: Context, rule_id: str) -> Check:
        """The check for one evaluation; raise ``PolicyError`` if the policy names what
        the account does not hold."""
        ...


#: compile(compiler, the key's YAML value, its path, the rule's applies_to) -> records
Compile = Callable[[Compiler, Any, PathKey, str], Sequence[Assertion]]


class Kind(msgspec.Struct, frozen=True):
    """An assertion kind's entry in the registry."""

    #: the YAML key of a rule
    key: str
    compile: Compile
    #: what the kind checks, for users and contributors (the module docstring)
    doc: str
