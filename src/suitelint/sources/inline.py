"""Inline suppressions: an XML comment in an SDF object file that disables rules there.

A developer who must keep a risky grant says so beside it, in the file the pull request
changes, as checkov's ``#checkov:skip=``, semgrep's ``# nosemgrep`` and ruff's ``# noqa``
do in theirs::

    <permission>
      <!-- suitelint-disable role-escalation-manage-users reason="FIN-123: approved by the CISO" expires=2027-03-31 -->
      <permkey>ADMI_MANAGEUSERS</permkey>
      <permlevel>FULL</permlevel>
    </permission>

Syntax: ``suitelint-disable`` first in the comment, then one or more rule ids or globs
(as ``--select``/``--ignore`` take them; separated by spaces or commas), then
``reason="..."`` (required, not empty) and ``expires=YYYY-MM-DD`` (required; active
through that day), in either order. Scope: a comment inside a ``<permission>`` or right
before one (only comments and white space between) covers that permission's findings;
elsewhere inside ``<permissions>`` it is an error (which permission is meant?); any other
comment in the file covers every finding of the object (the role or the integration). A comment that starts with ``suitelint`` but is not a well-formed
``suitelint-disable`` is an error, never ignored: a typo must not silently leave a
finding active or look like a suppression that works. Every problem of every file is
reported at once, each at its comment's line.

This module only reads the comments; :mod:`suitelint.policy.inline` checks their rule ids
against the policy and applies them.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from suitelint.errors import Problem
from suitelint.findings import Location
from suitelint.lazyre import lazy

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["DIRECTIVE", "InlineSuppression", "parse_directive", "read_inline"]

DIRECTIVE = "suitelint-disable"
_RULE = lazy(r"[A-Za-z0-9_*?\[\]/.:-]+")
_FIELD = lazy(r'(reason|expires)=("[^"]*"?|\S*)')
_DATE = lazy(r"\d{4}-\d{2}-\d{2}")
_WORD = lazy(r"\S+")
#: a comment meant for suitelint, well formed or not: ``suitelint-disable``, and near misses
#: (``suitelint:disable``, ``SuiteLint ignore``, ``suitelint-disable-next-line``)
_FOR_SUITELINT = lazy(
    r"suitelint(?:[-_:=]\S|\s*(?:disable|enable|ignore|skip|noqa|off)\b)", re.IGNORECASE
)


class InlineSuppression(msgspec.Struct, frozen=True):
    """One ``suitelint-disable`` comment: what it disables, on what, why and until when."""

    #: rule ids or globs, as written
    rules: tuple[str, ...]
    reason: str
    expires: dt.date
    #: the object the comment sits in: its root tag (``role``, ``integration``...) and scriptid
    object_kind: str
    scriptid: str
    #: the permission it covers (canonical permkey), or None: the whole object
    permkey: str | None
    #: the comment itself
    location: Location

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...], str, str]:
        """What ``check --base`` compares: never the file's path or line."""
        return (
            self.object_kind,
            self.scriptid.casefold(),
            self.permkey or "",
            self.rules,
            self.reason,
            self.expires.isoformat(),
        )


def parse_directive(text: str) -> tuple[tuple[str, ...], str, dt.date] | None:
    """``(rules, reason, expires)`` of a comment's text; None when the comment is
    not meant for suitelint. :class:`ValueError` says what is wrong with one that is."""
    body = text.strip()
    if not _FOR_SUITELINT.match(body):
        return None
    head = body.split(None, 1)[0]
    rest = body[len(head) :]
    if head != DIRECTIVE:
        raise ValueError(
            f"unknown suitelint directive {head!r}; expected "
            f'<!-- {DIRECTIVE} RULE reason="..." expires=YYYY-MM-DD -->'
        )
    fields: dict[str, str] = {}
    rules: list[str] = []
    position = 0
    while position < len(rest):
        if rest[position] in " \t\r\n,":
            position += 1
            continue
        field = _FIELD.match(rest, position)
        if field is not None:
            name, value = field.group(1), field.group(2)
            if name in fields:
                raise ValueError(f"{name}= given twice")
            if name == "reason":
                if len(value) < 2 or not (value.startswith('"') and value.endswith('"')):
                    raise ValueError('reason= must be quoted: reason="why it is accepted"')
                value = value[1:-1]
            fields[name] = value
            position = field.end()
            continue
        word = _WORD.match(rest, position)
        assert word is not None
        token = word.group(0).rstrip(",")
        if "=" in token:
            key = token.split("=", 1)[0]
            raise ValueError(f"unknown field {key + '='!r}; expected reason= and expires=")
        if fields:
            raise ValueError(f"rule {token!r} after reason=/expires=; name the rules first")
        for part in token.split(","):
            if part:
                if not _RULE.fullmatch(part):
                    raise ValueError(f"{part!r} is not a rule id or glob")
                rules.append(part)
        position = word.end()
    if not rules:
        raise ValueError(f"{DIRECTIVE} names no rule; name the rule ids (or globs) it disables")
    reason = " ".join(fields.get("reason", "").split())
    if not reason:
        raise ValueError(f'{DIRECTIVE} needs a reason: reason="why this is accepted"')
    if "expires" not in fields:
        raise ValueError(f"{DIRECTIVE} needs an expiry: expires=YYYY-MM-DD")
    raw = fields["expires"]
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        expires = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"expires={raw!r} is not a valid date; expected YYYY-MM-DD") from None
    return tuple(rules), reason, expires


def read_inline(
    root: "etree._Element",
    scriptid: str,
    shown: str,
    permkey_of: "Callable[[etree._Element], str | None]",
    line_of: "Callable[[etree._Element], int | None]",
) -> tuple[list[InlineSuppression], list[Problem]]:
    """The suppressions of one object file (``root`` and the comments beside it) and the
    problems of the malformed ones. ``permkey_of`` gives a ``<permission>`` element's
    canonical permkey (None if it has none: its own error is reported elsewhere)."""
    from lxml import etree as lx

    object_kind = str(root.tag)
    comments = [
        *reversed(list(root.itersiblings(lx.Comment, preceding=True))),
        *root.iter(lx.Comment),
        *root.itersiblings(lx.Comment),
    ]
    found: list[InlineSuppression] = []
    problems: list[Problem] = []
    for comment in comments:
        line = line_of(comment)
        try:
            parsed = parse_directive(str(comment.text or ""))
        except ValueError as exc:
            problems.append(Problem(shown, f"inline suppression: {exc}", line))
            continue
        if parsed is None:
            continue
        rules, reason, expires = parsed
        permkey = None
        target = _permission_of(comment)
        parent = comment.getparent()
        if target is None and parent is not None and parent.tag == "permissions":
            # between or after permissions: which one was meant is a guess, and the whole
            # role is more than anyone asked for
            problems.append(
                Problem(
                    shown,
                    f"inline suppression: a {DIRECTIVE} inside <permissions> must stand "
                    "right before a <permission> or inside one (before the role: the whole role)",
                    line,
                )
            )
            continue
        if target is not None:
            permkey = permkey_of(target)
            if permkey is None:
                continue  # the permission itself is broken, and reported as such
        found.append(
            InlineSuppression(
                rules, reason, expires, object_kind, scriptid, permkey, Location(shown, line)
            )
        )
    return found, problems


def _permission_of(comment: "etree._Element") -> "etree._Element | None":
    """The ``<permission>`` a comment covers: the one it is in, or the next element after
    it when that is one."""
    parent = comment.getparent()
    if parent is not None and parent.tag == "permission":
        return parent
    following = comment.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()  # other comments
    if following is not None and following.tag == "permission":
        return following
    return None
