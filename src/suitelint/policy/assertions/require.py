"""``require``: what a subject must be or hold.

```yaml
require:
  web_services_only: true           # roles, tokens, integrations: of each role used
  two_factor_required: true         # roles, tokens, integrations
  core_admin: false                 # roles, tokens, integrations
  state: enabled                    # integrations, tokens: of the integration record
  auth_flows: [client_credentials]  # integrations, tokens: only these flows
  user_active: true                 # tokens: the token's user is active
  can_log_in: true                  # tokens: the role holds what the token's auth flow
                                    # needs to log in (catalog: login)
  covered_by: allow_only            # tokens, integrations: some allow_only rule describes it
  permissions:                      # any subject: holds at least these levels
    Log in using Access Tokens: full
```

Each requirement a subject does not meet is a finding, and so is one that cannot be
checked: a token without an integration record fails ``state`` and ``auth_flows``, an
integration without recorded auth flows fails ``auth_flows``. A required permission names
the level the subject holds instead (``holds NONE``).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from suitelint.effective import Table, role_link, subject_roles
from suitelint.login import check_login
from suitelint.model import Integration, Level, Role, Token
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.compiling import Compiler
from suitelint.policy.selectors import LevelEntry
from suitelint.yamlsrc import PathKey

#: each key of ``require`` and the subjects it applies to
APPLIES: Mapping[str, frozenset[str]] = {
    "web_services_only": frozenset({"roles", "tokens", "integrations"}),
    "two_factor_required": frozenset({"roles", "tokens", "integrations"}),
    "core_admin": frozenset({"roles", "tokens", "integrations"}),
    "state": frozenset({"integrations", "tokens"}),
    "auth_flows": frozenset({"integrations", "tokens"}),
    "covered_by": frozenset({"tokens", "integrations"}),
    "user_active": frozenset({"tokens"}),
    "can_log_in": frozenset({"tokens"}),
    "permissions": frozenset({"roles", "tokens", "users", "integrations"}),
}

#: role attributes, as findings name them
_ROLE_ATTRIBUTES = {
    "web_services_only": "web-services-only",
    "two_factor_required": "two-factor authentication required",
    "core_admin": "Core Administration Permissions",
}


class Require(msgspec.Struct, frozen=True):
    #: a role attribute or user_active: a bool; state: a string; auth_flows: a tuple
    attributes: Mapping[str, bool | str | tuple[str, ...]] = msgspec.field(default_factory=dict)
    permissions: tuple[LevelEntry, ...] = ()
    covered_by_allow_only: bool = False

    @property
    def uses_table(self) -> bool:
        """Only held permissions and whether a token can log in read the table: a token
        rule on its user's state (token-user-active) builds none for each token."""
        return bool(self.permissions) or "can_log_in" in self.attributes

    def describe(self) -> str:
        parts = [f"{key} = {_value(value)}" for key, value in sorted(self.attributes.items())]
        parts += [f"holds {e.selector.text} ≥ {e.level.name}" for e in self.permissions]
        if self.covered_by_allow_only:
            parts.append("is described by an allow_only rule")
        return "requires: " + ", ".join(parts)

    def bind(self, ctx: Context, rule_id: str) -> Check:
        return self.check

    def check(self, em: Emitter, table: Table) -> None:
        for key, wanted in sorted(self.attributes.items()):
            if key in _ROLE_ATTRIBUTES:
                _role_attribute(em, key, wanted)
            elif key in ("state", "auth_flows"):
                _integration_attribute(em, key, wanted)
            elif key == "user_active":
                _user_active(em, wanted)
            elif key == "can_log_in":
                _can_log_in(em, table)
        if table.everything is None:
            for entry in self.permissions:
                _permission(em, table, entry)
        if self.covered_by_allow_only and not em.ctx.covered(em.subject):
            em.emit(
                f"{em.describe()} is described by no allow_only rule: nobody has declared "
                "what it needs (if you don't know what a token does, disable it)",
                qualifier="covered_by",
            )


def _role_attribute(em: Emitter, key: str, wanted: Any) -> None:
    own = isinstance(em.subject, Role)
    for _, role in subject_roles(em.ctx, em.subject):
        if getattr(role, key) == wanted:
            continue
        state = "is not" if wanted else "is"
        if own:
            text = f"{em.describe()} {state} {_ROLE_ATTRIBUTES[key]}"
        else:
            text = f"{em.describe()} uses role {role.name!r}, which {state} {_ROLE_ATTRIBUTES[key]}"
        em.emit(
            text,
            qualifier=f"{key}:{role.scriptid or role.id}",
            chain_tail=() if own else (role_link(role),),
            location=em.ctx.role_table(role).grant.location(),
        )


def _integration_attribute(em: Emitter, key: str, wanted: Any) -> None:
    subject = em.subject
    if isinstance(subject, Integration):
        integration = subject
    elif isinstance(subject, Token):
        found = em.ctx.token_parts(subject)[2]
        if found is None:  # fail closed: what cannot be checked does not pass
            em.emit(
                f"{em.describe()} has no integration record, so its "
                f"{key.replace('_', ' ')} cannot be checked",
                qualifier=key,
            )
            return
        integration = found
    else:
        return
    if key == "state":
        if integration.state != wanted:
            em.emit(
                f"integration {integration.name!r} is {integration.state}; required: {wanted}",
                qualifier=key,
            )
        return
    if not integration.auth_flows:  # fail closed: no recorded flows is not "only these"
        em.emit(
            f"integration {integration.name!r} has no recorded auth flows; "
            f"required: only {', '.join(wanted)}",
            qualifier=key,
        )
    extra = [f for f in integration.auth_flows if f not in wanted]
    if extra:
        em.emit(
            f"integration {integration.name!r} allows {', '.join(extra)}; "
            f"only {', '.join(wanted)} is allowed",
            qualifier=key,
        )


def _user_active(em: Emitter, wanted: Any) -> None:
    subject = em.subject
    if isinstance(subject, Token):
        user = em.ctx.token_parts(subject)[1]
        if user.named_only:
            return  # unknown, not active: said once for the rule (engine: no-user-data)
        if user.inactive == wanted:
            em.emit(
                f"{em.describe()} belongs to inactive user {user.name!r}; revoke it",
                qualifier="user_active",
            )


#: the memo name of each token type's log-in verdicts
_LOGIN_MEMO = {kind: "can_log_in:" + kind for kind in ("tba", "client_credentials")}


def _can_log_in(em: Emitter, table: Table) -> None:
    subject = em.subject
    if not isinstance(subject, Token):
        return
    ctx = em.ctx
    role = ctx.token_parts(subject)[0]
    # Once per table and token type: thousands of tokens share their role's table (a
    # table is its role's, or one token's own when its user has global permissions).
    verdict = ctx.memo(
        _LOGIN_MEMO.get(subject.type) or "can_log_in:" + subject.type,
        table,
        lambda: check_login(
            ctx.catalog, role, table.level, table.everything is not None, subject.type
        ),
    )
    if verdict.ok:
        return
    flow = verdict.flow.title if verdict.flow is not None else subject.type
    message = (
        f"{em.describe()} cannot log in: it uses {flow}, and its role {role.name!r} lacks "
        f"{'; and '.join(verdict.missing)}"
    )
    if verdict.refusal is not None:
        message += (
            f"; NetSuite does not let a {verdict.refusal.title} take these permissions: "
            f"{verdict.refusal.advice}"
        )
    group = verdict.missing_keys[0] if len(verdict.missing_keys) == 1 else ()
    em.emit(message, permkey=group[0] if len(group) == 1 else None, qualifier="can_log_in")


def _permission(em: Emitter, table: Table, entry: LevelEntry) -> None:
    ctx = em.ctx
    held = [
        k
        for k, lv in table.levels.items()
        if lv >= entry.level and ctx.threshold(entry.selector, k) is not None
    ]
    if held:
        return
    keys = sorted(entry.selector.keys)
    best = max((table.level(k) for k in keys), default=Level.NONE)
    em.emit(
        f"{em.describe()} lacks {entry.selector.text} at {entry.level.name} "
        f"(holds {best.name}); the integration will fail without it",
        permkey=keys[0] if len(keys) == 1 else None,
        qualifier=f"missing:{entry.selector.text}",
    )


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def reads_user_state(assertions: Iterable[Assertion]) -> bool:
    """Whether any of ``assertions`` judges tokens by whether their user is active."""
    return any(isinstance(a, Require) and "user_active" in a.attributes for a in assertions)


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    for key in raw:
        if applies_to not in APPLIES[key]:
            c.fail(f"'require: {key}' does not apply to {applies_to}", (*at, key), key=True)
    attributes = {
        k: (tuple(v) if isinstance(v, list) else v)
        for k, v in raw.items()
        if k not in ("permissions", "covered_by")
    }
    permissions = (
        c.entries(raw["permissions"], (*at, "permissions")) if "permissions" in raw else ()
    )
    return [Require(attributes, permissions, raw.get("covered_by") == "allow_only")]


KIND = Kind("require", compile, __doc__ or "")
