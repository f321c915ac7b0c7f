"""SDF references: the one parser for how SDF names another object.

A role permission on a custom record type, custom transaction type or custom segment is
written as a reference in ``<permkey>``. The SDF loader, the policy compiler, the catalog
and every report read those references through :func:`parse_reference`, so that a form one
of them knows is never "malformed" to another.

Forms (Oracle "SuiteCloud Development Framework references", help page
``bridgehead_24076946.html``; the ``type=`` descriptor in permkeys as Salto's NetSuite
adapter parses it, salto-io/salto ``packages/netsuite-adapter/src/service_id_info.ts``
@ 8696742b05b7349720f73ce100a5d984e1f2a659; summarised in shared/netsuite/round2-facts.md §1):

==========================================  =================================================
``customrecord_x``                          a bare scriptid (Oracle's SDF skill shows one)
``[customtransaction2]``                    a bracketed scriptid (Oracle ``section_1520439382``)
``[scriptid=customrecord_x]``               an object of the same project
``[appid=com.acme.app, scriptid=...]``      an object of another SuiteApp
``[bundleid=123, scriptid=...]``            an object of a bundle
``[type=customsegment, scriptid=cseg1]``    typed: tells apart objects sharing a scriptid
==========================================  =================================================

Descriptors may come in any order with any spacing around ``,`` and ``=`` (Salto writes
``bundleid, appid, type, scriptid`` joined by ``", "``; Oracle publishes no grammar, so we
parse leniently and canonicalise). Values are case-insensitive and kept lower-case.

The identity of a reference keeps its appid, bundleid and type: two SuiteApps may reuse a
scriptid. Its canonical text (:attr:`SdfReference.key`) is the bare scriptid when nothing
else is given (as snapshots, diffs and golden files have always written it), otherwise the
bracket form in Salto's descriptor order.

This module imports nothing of suitelint: every layer may use it.
"""

import functools
import re
from typing import Literal

import msgspec

from suitelint.lazyre import lazy

__all__ = [
    "CUSTOM_PREFIXES",
    "KNOWN_FORMS",
    "CustomKind",
    "SdfReference",
    "SdfReferenceError",
    "custom_kind",
    "glob_may_name_custom",
    "looks_like_reference",
    "parse_reference",
    "reference_or_none",
]

CustomKind = Literal["customrecordtype", "customtransactiontype", "customsegment"]

#: Scriptid prefixes by custom object type: customrecord… (custom record types),
#: customtransaction… / custompurchase… / customsale… (custom transaction types by class),
#: cseg… (custom segments). Oracle "SDF Custom Object File Structure" (subsect_1537555588)
#: and the scriptid patterns of Salto's generated SDF types.
CUSTOM_PREFIXES: tuple[tuple[str, CustomKind], ...] = (
    ("customrecord", "customrecordtype"),
    ("customtransaction", "customtransactiontype"),
    ("custompurchase", "customtransactiontype"),
    ("customsale", "customtransactiontype"),
    ("cseg", "customsegment"),
)
_TYPE_KINDS: dict[str, CustomKind] = {
    "customrecordtype": "customrecordtype",
    "customtransactiontype": "customtransactiontype",
    "customsegment": "customsegment",
}

#: the forms an error message lists
KNOWN_FORMS = (
    "customrecord_x",
    "[customrecord_x]",
    "[scriptid=customrecord_x]",
    "[appid=com.vendor.app, scriptid=customrecord_x]",
    "[bundleid=123, scriptid=customrecord_x]",
    "[type=customsegment, scriptid=cseg_x]",
)

# Value grammars: Salto's (scriptid [a-z0-9_]+ with dotted children, type [a-z_]+,
# bundleid digits) made case-insensitive; appids are reverse domain names, and real
# publisher ids carry digits and hyphens, so the appid grammar is a little wider than Salto's.
_SCRIPTID = lazy(r"[a-z0-9_]{1,99}(?:\.[a-z0-9_]{1,99}){0,9}", re.IGNORECASE | re.ASCII)
_APPID = lazy(r"[a-z0-9_][a-z0-9_.-]{0,199}", re.IGNORECASE | re.ASCII)
_TYPE = lazy(r"[a-z_]{1,60}", re.IGNORECASE | re.ASCII)
_BUNDLEID = lazy(r"[0-9]{1,20}", re.ASCII)
_GRAMMARS = {"bundleid": _BUNDLEID, "appid": _APPID, "type": _TYPE, "scriptid": _SCRIPTID}
_ORDER = ("bundleid", "appid", "type", "scriptid")
_CUSTOM_SCRIPTID = lazy(
    r"(customrecord|customtransaction|custompurchase|customsale|cseg)[a-z0-9_]{1,92}",
    re.IGNORECASE | re.ASCII,
)
#: a prefix (as :data:`_CUSTOM_SCRIPTID` matched it, lower-cased) → its kind; the prefixes
#: never overlap, so the group is the one prefix a scriptid starts with
_PREFIX_KINDS: dict[str, CustomKind] = dict(CUSTOM_PREFIXES)


class SdfReferenceError(ValueError):
    """A text that is no SDF reference suitelint knows; the message lists the forms."""


class SdfReference(msgspec.Struct, frozen=True):
    """One parsed reference. Every value is lower-case."""

    scriptid: str
    appid: str | None = None
    bundleid: str | None = None
    type: str | None = None

    @property
    def key(self) -> str:
        """The canonical text: the identity of the permission it names."""
        if self.appid is None and self.bundleid is None and self.type is None:
            return self.scriptid
        parts = [
            f"{name}={value}"
            for name, value in (
                ("bundleid", self.bundleid),
                ("appid", self.appid),
                ("type", self.type),
                ("scriptid", self.scriptid),
            )
            if value is not None
        ]
        return "[" + ", ".join(parts) + "]"

    @property
    def kind(self) -> CustomKind | None:
        """The custom object type it names: from ``type=`` when given, else from the
        scriptid's prefix; None when neither says."""
        if self.type is not None:
            return _TYPE_KINDS.get(self.type)
        return custom_kind(self.scriptid)

    def covers(self, other: "SdfReference") -> bool:
        """Whether this reference, as a policy writes it, names ``other``: the scriptids
        are equal and every descriptor this one gives is the same in ``other`` (a bare
        ``cseg1`` names ``[type=customsegment, scriptid=cseg1]``; ``[appid=a, ...]``
        does not name the same scriptid of app ``b``)."""
        return (
            self.scriptid == other.scriptid
            and (self.appid is None or self.appid == other.appid)
            and (self.bundleid is None or self.bundleid == other.bundleid)
            and (self.type is None or self.type == other.type)
        )


def custom_kind(scriptid: str) -> CustomKind | None:
    """The custom object type a scriptid's prefix implies, or None."""
    matched = _CUSTOM_SCRIPTID.fullmatch(scriptid)
    return None if matched is None else _PREFIX_KINDS[matched[1].lower()]


def looks_like_reference(text: str) -> bool:
    """True when ``text`` is written as a bracket reference (it may still be invalid)."""
    stripped = text.strip()
    return stripped.startswith("[") or stripped.endswith("]")


def _unknown(text: str, why: str) -> SdfReferenceError:
    forms = ", ".join(KNOWN_FORMS)
    return SdfReferenceError(f"unknown reference form {text!r} ({why}); suitelint reads {forms}")


@functools.lru_cache(maxsize=65536)
def parse_reference(text: str) -> SdfReference:
    """Parse a custom object reference in any known form; raise :class:`SdfReferenceError`
    naming the known forms for anything else.

    A reference must name a custom record type, custom transaction type or custom
    segment: by its scriptid's prefix, or by ``type=`` (a typed reference may name any
    scriptid, since ``type`` is what tells objects apart)."""
    stripped = text.strip()
    if not looks_like_reference(stripped):
        if _CUSTOM_SCRIPTID.fullmatch(stripped):
            return SdfReference(stripped.lower())
        raise _unknown(text, "not a custom record, custom transaction type or custom segment")
    if not (stripped.startswith("[") and stripped.endswith("]")) or len(stripped) < 3:
        raise _unknown(text, "unbalanced brackets")
    inner = stripped[1:-1].strip()
    if "=" not in inner:
        if _CUSTOM_SCRIPTID.fullmatch(inner):
            return SdfReference(inner.lower())
        if inner.startswith("/"):
            raise _unknown(text, "a file reference names no permission")
        raise _unknown(text, "not a custom record, custom transaction type or custom segment")
    fields: dict[str, str] = {}
    for part in inner.split(","):
        name, sep, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not sep or not value:
            raise _unknown(text, f"expected name=value, found {part.strip()!r}")
        grammar = _GRAMMARS.get(name)
        if grammar is None:
            raise _unknown(text, f"unknown descriptor {name!r}; known: {', '.join(_ORDER)}")
        if name in fields:
            raise _unknown(text, f"{name} given twice")
        if not grammar.fullmatch(value):
            raise _unknown(text, f"bad {name} {value!r}")
        fields[name] = value.lower()
    if "scriptid" not in fields:
        raise _unknown(text, "no scriptid")
    reference = SdfReference(
        scriptid=fields["scriptid"],
        appid=fields.get("appid"),
        bundleid=fields.get("bundleid"),
        type=fields.get("type"),
    )
    if reference.type is None and custom_kind(reference.scriptid) is None:
        raise SdfReferenceError(
            f"reference {text!r} does not name a custom record (customrecord...), custom "
            "transaction type (customtransaction..., custompurchase..., customsale...) or "
            "custom segment (cseg...); add type= for an object of another kind"
        )
    return reference


def reference_or_none(text: str) -> SdfReference | None:
    """:func:`parse_reference`, or None instead of an error."""
    if _CUSTOM_SCRIPTID.fullmatch(text):
        # a bare scriptid, the form of nearly every custom permkey: it always parses
        return parse_reference(text)
    stripped = text.strip()
    if not (stripped.startswith("[") or stripped.endswith("]")) and not _CUSTOM_SCRIPTID.fullmatch(
        stripped
    ):
        # what parse_reference refuses first (every standard permkey): without building
        # and raising its error, which listed the known forms for each such key
        return None
    try:
        return parse_reference(text)
    except SdfReferenceError:
        return None


def glob_may_name_custom(pattern: str) -> bool:
    """Whether a glob could match some custom object scriptid: its literal head (before
    the first wildcard) starts with a custom prefix, or is the start of one
    (``customrecord*``, ``cseg*``, ``custom*``)."""
    head = re.split(r"[*?\[]", pattern.strip(), maxsplit=1)[0].lower()
    if not head:
        return False
    return any(head.startswith(p) or p.startswith(head) for p, _ in CUSTOM_PREFIXES)
