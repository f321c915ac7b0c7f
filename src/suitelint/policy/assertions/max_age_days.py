"""``max_age_days``: tokens must be rotated (tokens only).

```yaml
applies_to: tokens
max_age_days: 365
```

A token created more than this many days before the run's date (``--as-of``, default
today) is a finding. A token without a creation date is a finding too: its age cannot be
checked, and an unknown age never passes.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

import msgspec

from suitelint.effective import Table
from suitelint.model import Token
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.compiling import Compiler
from suitelint.yamlsrc import PathKey


class MaxAgeDays(msgspec.Struct, frozen=True):
    days: int
    uses_table: ClassVar[bool] = False

    def describe(self) -> str:
        return f"tokens older than {self.days} days must be rotated"

    def bind(self, ctx: Context, rule_id: str) -> Check:
        return self.check

    def check(self, em: Emitter, table: Table) -> None:
        token = em.subject
        assert isinstance(token, Token), "compile accepts max_age_days on tokens only"
        if token.created is None:
            em.emit(
                f"{em.describe()} has no creation date, so its age cannot be checked "
                f"(limit {self.days} days)"
            )
            return
        age = em.ctx.days_since(token.created)
        if age > self.days:
            em.emit(
                f"{em.describe()} was created {token.created.isoformat()}, "
                f"{age} days ago (limit {self.days}); rotate it"
            )


def tokens_only(c: Compiler, key: str, at: PathKey, applies_to: str) -> None:
    """A token-age assertion on anything but tokens is a policy error."""
    if applies_to != "tokens":
        c.fail(f"{key} applies to tokens, not {applies_to}", at, key=True)


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    tokens_only(c, "max_age_days", at, applies_to)
    return [MaxAgeDays(raw)]


KIND = Kind("max_age_days", compile, __doc__ or "")
