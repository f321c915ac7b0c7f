"""``max_level``: caps on the levels a subject holds.

```yaml
max_level: view             # every permission at VIEW or below
max_level:                  # or per permission; unlisted permissions are not capped
  Journal Entry: view
  Vendor Bill: create
```

Every held permission above its cap is a finding (the first entry that names a permission
decides). A subject that holds every permission (Administrator, Full Access) is one
finding, unless the same rule forbids that role.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

import msgspec

from suitelint.effective import Table
from suitelint.model import Level, parse_level
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.assertions.allow_only import cap_levels
from suitelint.policy.assertions.restricted_to import reach_note
from suitelint.policy.compiling import Compiler
from suitelint.policy.selectors import LevelEntry
from suitelint.yamlsrc import PathKey


class MaxLevel(msgspec.Struct, frozen=True):
    entries: tuple[LevelEntry, ...]
    #: the cap of every permission no entry names (None: not capped)
    default: Level | None = None
    uses_table: ClassVar[bool] = True

    def describe(self) -> str:
        parts = [f"{e.selector.text} ≤ {e.level.name}" for e in self.entries]
        if self.default is not None:
            parts.append(f"any permission ≤ {self.default.name}")
        return "caps levels: " + ", ".join(parts)

    def bind(self, ctx: Context, rule_id: str) -> Check:
        note = reach_note(ctx)

        def check(em: Emitter, table: Table) -> None:
            cap_levels(
                em, table, self.entries, self.default, "levels are capped by this rule", note=note
            )

        return check


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    if isinstance(raw, str):
        return [MaxLevel((), parse_level(raw))]
    return [MaxLevel(c.entries(raw, at))]


KIND = Kind("max_level", compile, __doc__ or "")
