"""``allow_only``: a declaration of everything a subject needs; the rest must be NONE.

```yaml
allow_only:                 # permission: the highest level allowed
  Invoice: view
  Customer Payment: create
```

Every held permission that no entry lists is a finding, and so is a listed one held above
its level (the first entry that names a permission decides). A subject that holds every
permission (Administrator, Full Access) is one finding, unless the same rule forbids that
role. A rule with ``allow_only`` also *describes* its subjects: ``require: {covered_by:
allow_only}`` and ``blast-radius`` (excess, proposed roles) read it.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar

import msgspec

from suitelint.effective import EVERY_PERMISSION, Table
from suitelint.findings import Finding
from suitelint.model import Level
from suitelint.policy.assertions._base import Assertion, Check, Context, Emitter, Kind
from suitelint.policy.assertions.restricted_to import reach_note
from suitelint.policy.compiling import Compiler
from suitelint.policy.selectors import LevelEntry
from suitelint.yamlsrc import PathKey


class AllowOnly(msgspec.Struct, frozen=True):
    entries: tuple[LevelEntry, ...]
    uses_table: ClassVar[bool] = True

    def describe(self) -> str:
        listed = ", ".join(f"{e.selector.text} ≤ {e.level.name}" for e in self.entries)
        return f"allows only: {listed}; everything else must be NONE"

    def bind(self, ctx: Context, rule_id: str) -> Check:
        note = reach_note(ctx)

        def check(em: Emitter, table: Table) -> None:
            cap_levels(
                em,
                table,
                self.entries,
                Level.NONE,
                "only the listed permissions are allowed",
                allow_list=True,
                note=note,
            )

        return check


def cap_levels(
    em: Emitter,
    table: Table,
    entries: Sequence[LevelEntry],
    default: Level | None,
    everything: str,
    *,
    allow_list: bool = False,
    note: Callable[[Emitter], str] | None = None,
) -> None:
    """Findings for each held permission above the level its first entry allows (or above
    ``default`` where no entry names it; None: unlisted permissions are not capped).
    ``everything`` ends the message for a subject that holds every permission;
    ``allow_list``: an unlisted permission is "not in its allow-list"; ``note``: what each
    message ends with, worked out once per subject (how far its role reaches,
    :func:`~suitelint.policy.assertions.restricted_to.reach_note`)."""
    ctx = em.ctx
    if table.everything is not None:
        if not em.role_forbidden:
            em.emit(
                f"{em.describe()} holds every permission through "
                f"{table.everything.via[-1].name!r}; {everything}"
                + (note(em) if note is not None else ""),
                grant=table.everything,
                chain_tail=(EVERY_PERMISSION,),
                qualifier="everything",
            )
        return
    above = list(_above(ctx, table, entries, default))
    if not above:
        return
    subject = em.describe()
    tail = note(em) if note is not None else ""  # once per subject, not per finding
    shared = em.one_grant(table)
    if shared is not None:
        # One grant for every permission and no file line per permission (a snapshot's
        # rows): the findings are made here, as forbid.permissions makes them.
        kind, subject_id, label, scriptid, chain, place, rows, links = shared
        grant, perm_link = table.grant, ctx.perm_link
        append, rule_id, severity = em.out.append, em.rule_id, em.severity
        for permkey, level, allowed in above:
            link = links[level].get(permkey)
            if link is None:
                link = links[level][permkey] = perm_link(permkey, level, grant)
            append(
                Finding(
                    rule_id,
                    severity,
                    _message(subject, link.name, link.detail, allowed, allow_list) + tail,
                    kind,
                    subject_id,
                    label,
                    scriptid,
                    permkey,
                    "",
                    (*chain, link),
                    rows.get(permkey, place),
                )
            )
        return
    for permkey, level, allowed in above:
        grant = table.grant_of(permkey)
        message = _message(subject, ctx.display(permkey), level.name, allowed, allow_list) + tail
        em.emit_held(message, permkey, grant, em.perm_link(permkey, level, grant))


def _above(
    ctx: Context, table: Table, entries: Sequence[LevelEntry], default: Level | None
) -> Iterator[tuple[str, Level, Level]]:
    """Each permkey ``table`` holds above what its first naming entry allows (or above
    ``default`` where no entry names it), with its level and the level allowed. Each
    permkey's entry is looked up once per entry list and account (a permkey is held by
    many roles), not once per role and permkey."""
    named: dict[str, Level | None] = ctx.memo("cap_levels", entries, dict)
    for permkey, level in table.levels.items():
        if level == Level.NONE:
            continue
        entry_level = named.get(permkey, _UNKNOWN)
        if entry_level is _UNKNOWN:
            entry_level = named[permkey] = _entry_level(ctx, entries, permkey)
        allowed = default if entry_level is None else entry_level
        if allowed is not None and level > allowed:
            yield permkey, level, allowed


def _message(subject: str, name: str, held: str, allowed: Level, allow_list: bool) -> str:
    if allowed == Level.NONE and allow_list:
        return f"{subject} holds {name} at {held}, which is not in its allow-list"
    return f"{subject} holds {name} at {held}; at most {allowed.name} is allowed"


#: a permkey no entry has been asked about yet (None: asked, and no entry names it)
_UNKNOWN: Any = object()


def _entry_level(ctx: Context, entries: Sequence[LevelEntry], permkey: str) -> Level | None:
    """The level of the first entry that names ``permkey``; None if none does (asked of
    the selectors directly: the caller keeps the answer per permkey)."""
    catalog = ctx.catalog
    for entry in entries:
        if entry.selector.threshold(permkey, catalog) is not None:
            return entry.level
    return None


def entry_for(ctx: Context, entries: Sequence[LevelEntry], permkey: str) -> LevelEntry | None:
    """The first entry that names ``permkey``."""
    for entry in entries:
        if ctx.threshold(entry.selector, permkey) is not None:
            return entry
    return None


def allow_lists(assertions: Iterable[Assertion]) -> tuple[tuple[LevelEntry, ...], ...]:
    """The entries of each ``allow_only`` among ``assertions``: what a rule declares its
    subjects need (empty: the rule declares nothing)."""
    return tuple(a.entries for a in assertions if isinstance(a, AllowOnly))


def compile(c: Compiler, raw: Any, at: PathKey, applies_to: str) -> Sequence[Assertion]:
    return [AllowOnly(c.entries(raw, at))]


KIND = Kind("allow_only", compile, __doc__ or "")
