"""Compiled selectors: which permissions and which subjects a rule names.

Permission names are resolved against the catalog when a policy is compiled
(:mod:`suitelint.policy.compiling`); names of roles, users and integrations are bound to an
account by the engine, because custom roles only exist in the account.
"""

import msgspec

from suitelint.catalog import Catalog, glob_matcher
from suitelint.findings import Location
from suitelint.model import Level
from suitelint.sdfref import SdfReference, reference_or_none

#: what makes a name a glob (the characters fnmatch gives a meaning)
GLOB_CHARACTERS = frozenset("*?[")


def is_glob(text: str) -> bool:
    return not GLOB_CHARACTERS.isdisjoint(text)


class PermSelector(msgspec.Struct, frozen=True):
    """Permissions picked by key/name/glob, category or capability, at or above ``level``."""

    text: str
    level: Level
    keys: frozenset[str] = frozenset()
    pattern: str | None = None
    category: str | None = None
    capability: str | None = None
    location: Location | None = None
    #: permissions this selector never matches (``except:`` in the policy)
    excluded: "tuple[PermSelector, ...]" = ()
    #: custom object references as the policy wrote them: a held permkey matches when one
    #: of them covers it (``cseg1`` covers ``[type=customsegment, scriptid=cseg1]``)
    refs: tuple[SdfReference, ...] = ()
    #: what :meth:`describe` says, worked out once (findings repeat it); never passed in
    described: str = ""

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(self, "described", self._describe())

    def describe(self) -> str:
        """What the selector picks, as findings and ``explain`` say it."""
        return self.described

    def _describe(self) -> str:
        if self.category:
            what = f"any {self.category.replace('_', ' ')} permission"
        elif self.capability:
            what = f"capability {self.capability}"
        else:
            what = self.text
        if self.excluded:
            shown = [e.text for e in self.excluded[:4]]
            more = len(self.excluded) - len(shown)
            what += f" (except {', '.join(shown)}{f' and {more} more' if more else ''})"
        return what if self.level <= Level.VIEW else f"{what} at {self.level.name} or above"

    def threshold(self, permkey: str, catalog: Catalog) -> Level | None:
        """The lowest level at which holding ``permkey`` matches this selector."""
        found = self._own_threshold(permkey, catalog)
        if found is None or not self.excluded:
            return found
        if any(e.threshold(permkey, catalog) is not None for e in self.excluded):
            return None
        return found

    def _own_threshold(self, permkey: str, catalog: Catalog) -> Level | None:
        """:meth:`threshold`, exceptions aside."""
        if self.keys:
            if permkey in self.keys:
                return self.level
            if self.refs:
                held = reference_or_none(permkey)
                if held is not None and any(ref.covers(held) for ref in self.refs):
                    return self.level
            return None
        if self.pattern is not None:
            match = glob_matcher(self.pattern)
            if match(permkey.lower()):
                return self.level
            held = reference_or_none(permkey) if "[" in permkey else None
            if held is not None and match(held.scriptid):
                return self.level
            name = catalog.name_of(permkey)
            if name and match(name.lower()):
                return self.level
            return None
        if self.category is not None:
            return self.level if catalog.category(permkey) == self.category else None
        assert self.capability is not None
        for level in Level:
            if level >= self.level and self.capability in catalog.capabilities_of(permkey, level):
                return level
        return None


# the annotation as an object, as it would be evaluated: decoding a PermSelector (the
# compiled policy cache) then makes no ForwardRef, which compiles its text
PermSelector.__annotations__["excluded"] = tuple[PermSelector, ...]


class LevelEntry(msgspec.Struct, frozen=True):
    """``permission: level`` in ``allow_only``, ``max_level`` or ``require.permissions``."""

    selector: PermSelector
    level: Level


class NameRef(msgspec.Struct, frozen=True):
    """A name, id, scriptid or glob that the engine binds to subjects of an account."""

    text: str
    location: Location | None

    @property
    def glob(self) -> bool:
        return is_glob(self.text)

    def matches(self, *values: str | None) -> bool:
        needle = self.text.casefold()
        for value in values:
            if value is None:
                continue
            if self.glob:
                # fnmatch.fnmatchcase, without a regex for "Shopify*" and the like
                if glob_matcher(needle)(value.casefold()):
                    return True
            elif value.casefold() == needle:
                return True
        return False


class Where(msgspec.Struct, frozen=True):
    name: tuple[NameRef, ...] = ()
    id: tuple[NameRef, ...] = ()
    scriptid: tuple[NameRef, ...] = ()
    integration: tuple[NameRef, ...] = ()
    role: tuple[NameRef, ...] = ()
    user: tuple[NameRef, ...] = ()
    type: str | None = None
    used_by_tokens: bool | None = None
    #: True: CloudExtend-style user-token roles only; False: every other role
    user_token_role: bool | None = None
    #: roles a token could use: used by one, or holding a log-in permission for
    #: integrations, or web-services-only (judged without token data)
    token_capable: bool | None = None
    #: custom roles (not a standard role of the catalog)
    custom: bool | None = None
    #: roles holding any of these permissions
    holds: tuple[PermSelector, ...] = ()
    #: users judged on their global permissions only (the employee record's)
    global_permissions: bool = False
    #: True: active only (the default); False: inactive only; None: both
    active: bool | None = True
    #: ``where: {restrictions: ...}``: aspect → "restricted", "unrestricted" or the
    #: (canonical) values to pick; all must hold for one role the subject acts in
    restrictions: tuple[tuple[str, str | tuple[str, ...]], ...] = ()
