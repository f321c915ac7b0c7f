"""``restricted_to``: the roles a subject acts in must restrict what records it reaches.

The seed's question "what restrictions apply? subsidiary, department, segmentation" as an
assertion. Each key names one restriction of a role and what it must be:

```yaml
applies_to: roles            # or tokens, users, integrations: the roles they act in
restricted_to:
  subsidiaries: restricted   # not ALL / ALLACTIVE (or a list: [OWN, SELECTED])
  departments: [OWNONLY]     # a DEPARTMENT record restriction with one of these values
  classes: restricted        # any CLASS record restriction
  locations: restricted      # any LOCATION record restriction
  employees: restricted      # employeerestriction other than NONE
```

``restricted`` means "any restriction"; a list names the values that are enough. Values
are SDF's (sdf-customrole.md §2 and §4, Oracle SDF ``role`` reference via Salto's generated
types): ``subsidiaryoption`` ALL, ALLACTIVE, OWN, SELECTED (absent = ALL, the SDF default);
``recordrestriction/restriction`` DEFAULTTOOWN, OWNONLY, UNASSIGNED per segment DEPARTMENT,
CLASS, LOCATION; ``employeerestriction`` NONE, DEFAULTTOOWN, OWNONLY, UNASSIGNED (absent =
NONE). Administrator and Full Access reach every record: always unrestricted.

Finding: one per role and restriction that falls short, at the role's line, e.g.
``role 'AP Clerk' is unrestricted: all subsidiaries (subsidiaryoption ALL); required: OWN
or SELECTED``. Data that does not say (a snapshot without ``subsidiary_option``) is
unrestricted: an unknown restriction never passes.

Subjects: roles, tokens, users, integrations. Cases: ``tests/policy/test_restricted_to.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from suitelint.effective import Table, role_link, subject_roles
from suitelint.model import Role
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.compiling import Compiler
from suitelint.yamlsrc import PathKey

SUBSIDIARY_OPTIONS = ("ALL", "ALLACTIVE", "OWN", "SELECTED")
RECORD_RESTRICTIONS = ("DEFAULTTOOWN", "OWNONLY", "UNASSIGNED")
EMPLOYEE_RESTRICTIONS = ("NONE", "DEFAULTTOOWN", "OWNONLY", "UNASSIGNED")
#: policy key → (what the role's value is called, the values that restrict, the SDF segment)
ASPECTS: Mapping[str, tuple[str, tuple[str, ...], str | None]] = {
    "subsidiaries": ("subsidiaryoption", ("OWN", "SELECTED"), None),
    "departments": ("department restriction", RECORD_RESTRICTIONS, "DEPARTMENT"),
    "classes": ("class restriction", RECORD_RESTRICTIONS, "CLASS"),
    "locations": ("location restriction", RECORD_RESTRICTIONS, "LOCATION"),
    "employees": ("employeerestriction", ("DEFAULTTOOWN", "OWNONLY", "UNASSIGNED"), None),
}
_VALUES = {
    "subsidiaries": SUBSIDIARY_OPTIONS,
    "departments": RECORD_RESTRICTIONS,
    "classes": RECORD_RESTRICTIONS,
    "locations": RECORD_RESTRICTIONS,
    "employees": EMPLOYEE_RESTRICTIONS,
}
_UNRESTRICTED = {
    "subsidiaries": "all subsidiaries",
    "departments": "all departments",
    "classes": "all classes",
    "locations": "all locations",
    "employees": "all employees",
}


def role_restriction(role: Role, aspect: str) -> str | None:
    """The role's value for one aspect (``subsidiaries``, ``departments``, ...): the SDF
    value, the SDF default when the data leaves it out, or None for "no restriction"."""
    if aspect == "subsidiaries":
        return role.subsidiary_option or "ALL"
    if aspect == "employees":
        return role.employee_restriction or "NONE"
    segment = ASPECTS[aspect][2]
    for restriction in role.restrictions:
        if restriction.segment == segment:
            return restriction.restriction
    return None


def describe_restrictions(role: Role, everything: bool = False) -> str:
    """One line for reports: ``unrestricted: all subsidiaries; departments OWNONLY``."""
    if everything:
        return "unrestricted: every record (holds every permission)"
    parts: list[str] = []
    loose: list[str] = []
    for aspect, (_, restricting, _segment) in ASPECTS.items():
        value = role_restriction(role, aspect)
        if value is None or value not in restricting:
            loose.append(_UNRESTRICTED[aspect])
        else:
            parts.append(f"{aspect} {value}")
    text = "; ".join(parts)
    if loose:
        text = f"unrestricted: {', '.join(loose)}" + (f"; {text}" if text else "")
    return text


@dataclass(frozen=True, slots=True)
class RestrictedTo:
    #: aspect → the values that satisfy it
    wanted: tuple[tuple[str, tuple[str, ...]], ...]
    uses_table: ClassVar[bool] = False

    def describe(self) -> str:
        return "the role must restrict " + ", ".join(
            f"{aspect} ({' or '.join(values)})" for aspect, values in self.wanted
        )

    def bind(self, ctx: Context, rule_id: str) -> Check:
        return self.check

    def check(self, em: Emitter, table: Table) -> None:
        own = isinstance(em.subject, Role)
        for _, role in subject_roles(em.ctx, em.subject):
            role_table = em.ctx.role_table(role)
            everything = role_table.everything is not None
            for aspect, values in self.wanted:
                value = role_restriction(role, aspect)
                if not everything and value is not None and value in values:
                    continue
                field = ASPECTS[aspect][0]
                if everything:
                    state = f"unrestricted: {_UNRESTRICTED[aspect]} (it holds every permission)"
                elif value is None or value not in ASPECTS[aspect][1]:
                    shown = f" ({field} {value})" if value is not None else f" (no {field})"
                    state = f"unrestricted: {_UNRESTRICTED[aspect]}{shown}"
                else:
                    state = f"restricted by {field} {value}, which is not enough"
                who = em.describe() if own else f"{em.describe()} uses role {role.name!r}, which"
                em.emit(
                    f"{who} is {state}; required: {' or '.join(values)}",
                    qualifier=f"restricted_to:{aspect}:{role.scriptid or role.id}",
                    chain_tail=() if own else (role_link(role),),
                    location=role_table.grant.location(),
                )


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    wanted: list[tuple[str, tuple[str, ...]]] = []
    for aspect, value in raw.items():
        allowed = _VALUES[aspect]
        if value == "restricted":
            wanted.append((aspect, ASPECTS[aspect][1]))
            continue
        values = tuple(str(v).upper() for v in value)
        for i, item in enumerate(values):
            if item not in allowed:
                c.fail(
                    f"{item!r} is not a value of {ASPECTS[aspect][0]}; expected one of "
                    f"{', '.join(allowed)}",
                    (*at, aspect, i),
                )
        wanted.append((aspect, values))
    return [RestrictedTo(tuple(wanted))]


KIND = Kind("restricted_to", compile, __doc__ or "")
