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

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import msgspec

from suitelint.effective import Table, role_link, subject_roles
from suitelint.model import Role
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.compiling import Compiler
from suitelint.restrictions import (
    FIELD,
    RESTRICTING,
    UNRESTRICTED,
    describe,
    restricts,
    shown,
    subsidiary_access,
    value_of,
)
from suitelint.yamlsrc import PathKey

#: the report line for a role (kept here for callers of the assertion's module)
describe_restrictions = describe


def knows_subsidiaries(ctx: Context) -> bool:
    """The account's data records subsidiary access (some role has a subsidiary option or
    accessible subsidiaries): a OneWorld account, where "all subsidiaries" is a risk worth
    saying in findings. Without OneWorld there is nothing to restrict to."""
    return any(r.subsidiary_option or r.subsidiaries for r in ctx.snapshot.roles)


def reach_note(ctx: Context) -> Callable[[Emitter], str]:
    """What a finding about held permissions adds on how far the subject's role reaches:
    :func:`subsidiary_note` on OneWorld data (:func:`knows_subsidiaries`, judged once,
    when a rule is bound), else nothing."""
    if knows_subsidiaries(ctx):
        return subsidiary_note
    return _no_note


def _no_note(em: Emitter) -> str:
    return ""


def subsidiary_note(em: Emitter) -> str:
    """``; unrestricted: all subsidiaries`` (or ``; subsidiaries OWN``) for a finding on a
    subject that acts in one role; empty when it acts in several (a user, an integration)."""
    roles = subject_roles(em.ctx, em.subject)
    if len(roles) != 1:
        return ""
    role = roles[0][1]
    return f"; {subsidiary_access(role, em.ctx.everything_role(role))}"


class RestrictedTo(msgspec.Struct, frozen=True):
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
                value = value_of(role, aspect)
                if not everything and value is not None and value in values:
                    continue
                if everything:
                    state = f"unrestricted: {UNRESTRICTED[aspect]} (it holds every permission)"
                elif not restricts(aspect, value):
                    state = f"unrestricted: {UNRESTRICTED[aspect]} ({shown(aspect, value)})"
                else:
                    state = f"restricted by {FIELD[aspect]} {value}, which is not enough"
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
        if value == "restricted":
            wanted.append((aspect, RESTRICTING[aspect]))
            continue
        wanted.append((aspect, c.restriction_values(aspect, value, (*at, aspect))))
    return [RestrictedTo(tuple(wanted))]


KIND = Kind("restricted_to", compile, __doc__ or "")
