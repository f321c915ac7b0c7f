"""``forbid_together``: segregation of duties, permissions no subject may hold together.

```yaml
forbid_together:            # each group: no subject holds a match of every selector
  - [Vendor, {permission: Bill Payment, level: create}]
  - [{capability: manage-users}, {capability: manage-roles-and-permissions}]
```

A subject that holds a match of every selector of a group is one finding per group, naming
the first match (by permkey) of each selector. A subject that holds every permission
(Administrator, Full Access) combines every group, unless the same rule forbids that role.
"""

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import msgspec

from suitelint.effective import EVERY_PERMISSION, Table
from suitelint.model import Level
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.assertions.restricted_to import reach_note
from suitelint.policy.compiling import Compiler
from suitelint.policy.selectors import PermSelector
from suitelint.yamlsrc import PathKey


class ForbidTogether(msgspec.Struct, frozen=True):
    groups: tuple[tuple[PermSelector, ...], ...]
    uses_table: ClassVar[bool] = True
    #: each selector of each group alone: the selector sequences matched against tables
    #: (worked out from ``groups``; never passed in)
    _alone: tuple[tuple[tuple[PermSelector], ...], ...] = ()

    def __post_init__(self) -> None:
        alone = tuple(tuple((s,) for s in group) for group in self.groups)
        msgspec.structs.force_setattr(self, "_alone", alone)

    def describe(self) -> str:
        groups = [" + ".join(s.describe() for s in group) for group in self.groups]
        return "forbids together (segregation of duties): " + "; ".join(groups)

    def bind(self, ctx: Context, rule_id: str) -> Check:
        note = reach_note(ctx)
        return lambda em, table: self.check(em, table, note)

    def check(self, em: Emitter, table: Table, note: Callable[[Emitter], str]) -> None:
        ctx = em.ctx
        for group, singles in zip(self.groups, self._alone, strict=True):
            qualifier = " + ".join(s.text for s in group)
            if table.everything is not None:
                if not em.role_forbidden:
                    em.emit(
                        f"{em.describe()} holds every permission through "
                        f"{table.everything.via[-1].name!r}, "
                        f"so it combines {' and '.join(s.describe() for s in group)}" + note(em),
                        grant=table.everything,
                        chain_tail=(EVERY_PERMISSION,),
                        qualifier=qualifier,
                    )
                continue
            held: list[tuple[str, Level]] = []
            for single in singles:
                found = ctx.matches(table, single)
                if not found:
                    break
                held.append(min(found)[:2])  # the first by permkey: whatever the row order
            else:
                parts = " and ".join(f"{ctx.display(k)} at {lv.name}" for k, lv in held)
                tail = tuple(em.perm_link(k, lv, table.grant_of(k)) for k, lv in held)
                first = held[0][0]
                em.emit(
                    f"{em.describe()} combines {parts} (segregation of duties)" + note(em),
                    permkey=None,
                    grant=table.grant_of(first),
                    chain_tail=tail,
                    qualifier=qualifier,
                    location=table.grant_of(first).location(first),
                )


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    groups = tuple(
        tuple(c.selector(s, (*at, g, i)) for i, s in enumerate(group))
        for g, group in enumerate(raw)
    )
    return [ForbidTogether(groups)]


KIND = Kind("forbid_together", compile, __doc__ or "")
