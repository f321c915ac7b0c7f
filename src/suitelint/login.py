"""Can a token log in? NetSuite's log-in requirements per auth flow, as data.

A token authenticates, then acts in its role; the role must hold the permissions of the
token's own auth flow, or every request fails with "insufficient permission". The catalog
(``login`` in ``catalog.json``, from ``scripts/capabilities.yaml`` with sources) says, per
flow, which log-in permission and which web-services permission the role needs, which
roles are CloudExtend-style user-token roles, and which roles NetSuite does not let take
those permissions (so suitelint never advises adding them).

Pure: no I/O. The permission levels come from the caller (the engine's effective table:
the role's permissions plus the user's global permissions).
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from suitelint.catalog import Catalog, LoginFlow, LoginRefusal
from suitelint.model import Level, Role

LevelOf = Callable[[str], Level]


class LoginCheck(msgspec.Struct, frozen=True):
    """The verdict for one token: can its role log in with the token's auth flow?"""

    flow: LoginFlow | None
    ok: bool
    #: what is missing, one phrase per requirement ("Log in using Access Tokens or User
    #: Access Tokens")
    missing: tuple[str, ...] = ()
    #: the permkeys of each missing requirement (any one of them would do)
    missing_keys: tuple[tuple[str, ...], ...] = ()
    #: the role is one NetSuite does not let take the missing permissions
    refusal: LoginRefusal | None = None

    @property
    def problem(self) -> str:
        """Why it cannot log in: ``with TBA its role lacks ...`` ("" when it can)."""
        if self.ok:
            return ""
        title = self.flow.title if self.flow is not None else "an unknown auth flow"
        text = f"with {title} its role lacks {'; and '.join(self.missing)}"
        if self.refusal is not None:
            text += (
                f"; NetSuite does not let a {self.refusal.title} take them: {self.refusal.advice}"
            )
        return text

    @property
    def summary(self) -> str:
        """One line: ``yes (TBA)`` or ``no: lacks ...``."""
        title = self.flow.title if self.flow is not None else "unknown auth flow"
        if self.ok:
            return f"yes ({title})"
        text = f"no ({title}): lacks {'; and '.join(self.missing)}"
        if self.refusal is not None:
            text += (
                f"; NetSuite does not let a {self.refusal.title} take them: {self.refusal.advice}"
            )
        return text


def _name(catalog: Catalog, permkey: str) -> str:
    info = catalog.get(permkey)
    return info.name if info is not None and info.name else permkey


def refusal_for(catalog: Catalog, role: Role) -> LoginRefusal | None:
    """The refusal that applies to ``role`` (by standard script id or by name), if any."""
    for refusal in catalog.login.refusals:
        if role.scriptid is not None and role.scriptid.lower() in refusal.scriptids:
            return refusal
        if role.id.lower() in refusal.scriptids:
            return refusal
        if any(role.name.casefold() == n.casefold() for n in refusal.names):
            return refusal
    return None


def check_login(
    catalog: Catalog, role: Role, level_of: LevelOf, everything: bool, token_type: str
) -> LoginCheck:
    """Whether a token of ``token_type`` acting in ``role`` (holding ``level_of``) can log in."""
    flow = catalog.login.flow_for(token_type)
    if flow is None:
        return LoginCheck(flow=None, ok=False, missing=(f"a known auth flow for {token_type!r}",))
    if everything:
        return LoginCheck(flow=flow, ok=True)
    missing: list[str] = []
    keys: list[tuple[str, ...]] = []
    if not any(level_of(k) > Level.NONE for k in flow.login_any):
        missing.append(" or ".join(_name(catalog, k) for k in flow.login_any))
        keys.append(flow.login_any)
    if not any(level_of(k) >= level for k, level in flow.api_any):
        missing.append(
            " or ".join(f"{_name(catalog, k)} at {level.name}" for k, level in flow.api_any)
        )
        keys.append(tuple(k for k, _ in flow.api_any))
    refusal = None
    if missing:
        found = refusal_for(catalog, role)
        if found is not None and any(k in found.refuses for group in keys for k in group):
            refusal = found
    return LoginCheck(
        flow=flow,
        ok=not missing,
        missing=tuple(missing),
        missing_keys=tuple(keys),
        refusal=refusal,
    )


def is_user_token_role(catalog: Catalog, role: Role, level_of: LevelOf, everything: bool) -> bool:
    """A CloudExtend-style role: its users log in to NetSuite and their app makes a token
    for them (User Access Tokens and SOAP Web Services, not web-services-only). A role
    that holds every permission is never one: it is an administrator."""
    login = catalog.login
    if everything or not login.user_token_holds:
        return False
    if role.web_services_only != login.user_token_web_services_only:
        return False
    return all(level_of(k) > Level.NONE for k in login.user_token_holds)
