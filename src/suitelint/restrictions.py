"""What records a role reaches: its subsidiary, department, class, location and employee
restrictions, in one vocabulary for every source, the policy language and every report.

Values are SDF's (``../shared/netsuite/sdf-customrole.md`` §2 and §4, Oracle's SDF ``role``
reference): ``subsidiaryoption`` ALL, ALLACTIVE, OWN, SELECTED (absent = ALL, the SDF
default); ``recordrestriction/restriction`` DEFAULTTOOWN, OWNONLY, UNASSIGNED per segment
DEPARTMENT, CLASS, LOCATION; ``employeerestriction`` NONE, DEFAULTTOOWN, OWNONLY,
UNASSIGNED (absent = NONE). The role page's labels for the subsidiary options (Oracle help
"Restricting Role Access to Subsidiaries", ``bridgehead_N286421.html``: All, Active, User
Subsidiary, Selected) and for the employee restriction ("Setting Employee Restrictions",
``bridgehead_4637690919.html``: none - no default, none - default to own, own, subordinate,
and unassigned, own and subordinates only) are accepted as the same values, in policies,
CSV exports and the live export.

A value NetSuite writes that suitelint does not know (a newer option, a code an API
returns) is kept as written and shown, never an error: "unknown to us" is not "malformed".
It never counts as a restriction, so it never lets a role pass a policy (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping

from suitelint.lazyre import lazy
from suitelint.model import Role

SUBSIDIARY_OPTIONS = ("ALL", "ALLACTIVE", "OWN", "SELECTED")
RECORD_RESTRICTIONS = ("DEFAULTTOOWN", "OWNONLY", "UNASSIGNED")
EMPLOYEE_RESTRICTIONS = ("NONE", "DEFAULTTOOWN", "OWNONLY", "UNASSIGNED")
#: per-permission ``<restriction>`` (``role_restrict``: the Restrict column)
PERMISSION_RESTRICTIONS = ("EDIT", "VIEWANDEDIT")

#: the aspects a policy names, in report order
ASPECTS = ("subsidiaries", "departments", "classes", "locations", "employees")
#: aspect → what the role's value is called in messages
FIELD = {
    "subsidiaries": "subsidiaryoption",
    "departments": "department restriction",
    "classes": "class restriction",
    "locations": "location restriction",
    "employees": "employeerestriction",
}
#: aspect → the values NetSuite documents
VALUES: Mapping[str, tuple[str, ...]] = {
    "subsidiaries": SUBSIDIARY_OPTIONS,
    "departments": RECORD_RESTRICTIONS,
    "classes": RECORD_RESTRICTIONS,
    "locations": RECORD_RESTRICTIONS,
    "employees": EMPLOYEE_RESTRICTIONS,
}
#: aspect → the documented values that restrict what the role reaches
RESTRICTING: Mapping[str, tuple[str, ...]] = {
    "subsidiaries": ("OWN", "SELECTED"),
    "departments": RECORD_RESTRICTIONS,
    "classes": RECORD_RESTRICTIONS,
    "locations": RECORD_RESTRICTIONS,
    "employees": ("DEFAULTTOOWN", "OWNONLY", "UNASSIGNED"),
}
#: aspect → the SDF ``<segment>`` of its record restriction
SEGMENT = {"departments": "DEPARTMENT", "classes": "CLASS", "locations": "LOCATION"}
_KNOWN_SEGMENTS = frozenset(SEGMENT.values())
UNRESTRICTED = {
    "subsidiaries": "all subsidiaries",
    "departments": "all departments",
    "classes": "all classes",
    "locations": "all locations",
    "employees": "all employees",
}
#: the role page's labels (bridgehead_N286421.html) → SDF values
SUBSIDIARY_LABELS = {
    "all": "ALL",
    "active": "ALLACTIVE",
    "all active": "ALLACTIVE",
    "user subsidiary": "OWN",
    "selected": "SELECTED",
}
#: the role page's Employee Restrictions labels (Oracle help "Setting Employee
#: Restrictions", ``bridgehead_4637690919.html``) → SDF values, punctuation ignored
EMPLOYEE_LABELS = {
    "none no default": "NONE",
    "none default to own": "DEFAULTTOOWN",
    "own subordinate and unassigned": "UNASSIGNED",
    "own subordinates and unassigned": "UNASSIGNED",
    "own and subordinates only": "OWNONLY",
    "own and subordinate only": "OWNONLY",
}
#: what an SDF-style value looks like: an upper-case token (a value suitelint does not know
#: yet is kept when it has this shape; anything else in SDF XML is malformed)
VALUE_SHAPE = lazy(r"^[A-Z][A-Z0-9_]*$")
_SPACES = lazy(r"[\s_-]+")
_PUNCTUATION = lazy(r"[^a-z0-9]+")


def canonical(aspect: str, text: str) -> str | None:
    """The SDF value for ``text`` as a user or a NetSuite export writes it (any case; the
    subsidiary labels of the role page too), or None when suitelint does not know it."""
    value = text.strip().upper()
    if value in VALUES[aspect]:
        return value
    if aspect == "subsidiaries":
        return SUBSIDIARY_LABELS.get(_SPACES.sub(" ", text.strip().lower()))
    if aspect == "employees":
        return EMPLOYEE_LABELS.get(_PUNCTUATION.sub(" ", text.lower()).strip())
    return None


def known_forms(aspect: str) -> str:
    """The forms :func:`canonical` accepts, for error messages."""
    forms = list(VALUES[aspect])
    if aspect == "subsidiaries":
        forms += ["All", "Active", "User Subsidiary", "Selected"]
    if aspect == "employees":
        forms += ["none - no default", "none - default to own", "own, subordinate, and unassigned"]
        forms += ["own and subordinates only"]
    return ", ".join(forms)


def value_of(role: Role, aspect: str) -> str | None:
    """The role's value for one aspect: as the data gives it, the SDF default when the data
    leaves it out (subsidiaries ALL, employees NONE), or None for "no record restriction"."""
    if aspect == "subsidiaries":
        return role.subsidiary_option or "ALL"
    if aspect == "employees":
        return role.employee_restriction or "NONE"
    segment = SEGMENT[aspect]
    for restriction in role.restrictions:
        if restriction.segment == segment:
            return restriction.restriction
    return None


def restricts(aspect: str, value: str | None) -> bool:
    """Does this value restrict the aspect? An unknown value does not (fail closed)."""
    return value is not None and value in RESTRICTING[aspect]


def is_unknown(aspect: str, value: str | None) -> bool:
    return value is not None and value not in VALUES[aspect]


def shown(aspect: str, value: str | None) -> str:
    """``subsidiaryoption ALL``; an unknown value says so."""
    if value is None:
        return f"no {FIELD[aspect]}"
    if is_unknown(aspect, value):
        return f"{FIELD[aspect]} {value!r}, unknown to suitelint"
    return f"{FIELD[aspect]} {value}"


def reaches_all_subsidiaries(role: Role) -> bool:
    """The role's subsidiary access is not restricted as far as the data says: ALL,
    ALLACTIVE, a value suitelint does not know, or none recorded (SDF's default is ALL)."""
    return not restricts("subsidiaries", value_of(role, "subsidiaries"))


def subsidiary_access(role: Role, everything: bool = False) -> str:
    """The short form reports put next to a role: ``unrestricted: all subsidiaries`` or
    ``restricted: subsidiaries OWN`` (an unknown value is shown, and counts as
    unrestricted)."""
    if everything:
        return "unrestricted: all subsidiaries"
    value = value_of(role, "subsidiaries")
    if restricts("subsidiaries", value):
        return f"restricted: subsidiaries {value}"
    if is_unknown("subsidiaries", value):
        return f"unrestricted: all subsidiaries ({shown('subsidiaries', value)})"
    return "unrestricted: all subsidiaries"


def describe(role: Role, everything: bool = False) -> str:
    """One line for reports: ``unrestricted: all subsidiaries; departments OWNONLY``."""
    if everything:
        return "unrestricted: every record (holds every permission)"
    parts: list[str] = []
    loose: list[str] = []
    for aspect in ASPECTS:
        value = value_of(role, aspect)
        if restricts(aspect, value):
            parts.append(f"{aspect} {value}")
        elif is_unknown(aspect, value):
            loose.append(f"{UNRESTRICTED[aspect]} ({shown(aspect, value)})")
        else:
            loose.append(UNRESTRICTED[aspect])
    text = "; ".join(parts)
    if loose:
        text = f"unrestricted: {', '.join(loose)}" + (f"; {text}" if text else "")
    for restriction in role.restrictions:
        if restriction.segment not in _KNOWN_SEGMENTS:
            text += (
                f"; segment {restriction.segment} {restriction.restriction} "
                "(a segment unknown to suitelint, not counted)"
            )
    return text
