"""``max_idle_days``: tokens nobody uses must be disabled (tokens only).

```yaml
applies_to: tokens
max_idle_days: 90
```

A token last used (login audit trail) more than this many days before the run's date is a
finding. When the sources include the login audit, a token with no recorded use is a
finding once it is older than the limit, or when its creation date is unknown: no
recorded use never passes for long. When they do not, a token's last use is unknown, not
never: the rule says so once (``suitelint/no-login-data``) instead of once per token.
"""

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import msgspec

from suitelint.effective import Table
from suitelint.model import Token
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.assertions.max_age_days import tokens_only
from suitelint.policy.compiling import Compiler
from suitelint.yamlsrc import PathKey


class MaxIdleDays(msgspec.Struct, frozen=True):
    days: int
    uses_table: ClassVar[bool] = False

    def describe(self) -> str:
        return f"tokens unused for more than {self.days} days must be disabled"

    def bind(self, ctx: Context, rule_id: str) -> Check:
        return self.check

    def check(self, em: Emitter, table: Table) -> None:
        token = em.subject
        assert isinstance(token, Token), "compile accepts max_idle_days on tokens only"
        ctx = em.ctx
        if token.last_used is None and not ctx.snapshot.has_login_audit:
            return  # unknown, not never: said once for the rule (engine: no-login-data)
        if token.last_used is not None:
            idle = ctx.days_since(token.last_used)
            if idle > self.days:
                em.emit(
                    f"{em.describe()} was last used {token.last_used.isoformat()}, "
                    f"{idle} days ago (limit {self.days}); "
                    "if nobody knows what it does, disable it"
                )
        elif token.created is None or ctx.days_since(token.created) > self.days:
            since = f" since it was created {token.created.isoformat()}" if token.created else ""
            em.emit(
                f"{em.describe()} has no recorded use in the login audit trail{since} "
                f"(limit {self.days} days idle)"
            )


def reads_last_use(assertions: Iterable[Assertion]) -> bool:
    """Whether any of ``assertions`` judges tokens by their last use (login audit data)."""
    return any(isinstance(a, MaxIdleDays) for a in assertions)


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    tokens_only(c, "max_idle_days", at, applies_to)
    return [MaxIdleDays(raw)]


KIND = Kind("max_idle_days", compile, __doc__ or "")
