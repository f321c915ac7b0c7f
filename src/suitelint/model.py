"""The account snapshot: roles, users, integrations and tokens, as frozen values.

Every source (snapshot file, SDF project, CSV export, live account) produces a
:class:`Snapshot`. The types are ``msgspec`` structs: frozen, slotted and typed, so a
large snapshot decodes straight into them at C speed (DESIGN.md §7) and the same
types emit the published JSON Schema (``suitelint schema snapshot``).

Ids are strings throughout: NetSuite internal ids come back from SuiteQL as strings,
and SDF objects only have a scriptid.
"""

import datetime as dt
import enum
from collections.abc import Mapping
from itertools import chain
from typing import Annotated, Literal

import msgspec


class Level(enum.IntEnum):
    """Permission levels, ordered and cumulative: FULL includes delete.

    Source: Oracle "Access Levels for Permissions" (help page section_N326341).
    In SuiteQL ``rolepermissions.permlevel`` the same levels are the integers 0..4.
    """

    NONE = 0
    VIEW = 1
    CREATE = 2
    EDIT = 3
    FULL = 4


LEVEL_BY_NAME: dict[str, Level] = {level.name: level for level in Level}
_LEVEL_BY_TEXT = {**LEVEL_BY_NAME, **{str(level.value): level for level in Level}}


def parse_level(text: str) -> Level:
    """A level as NetSuite writes it anywhere: its name in any case (``View``, ``VIEW``:
    CSV exports, SDF, policies) or its number (``0``..``4``: SuiteQL ``permlevel``).
    Raise ``ValueError`` for anything else; callers say where."""
    try:
        return _LEVEL_BY_TEXT[text.strip().upper()]
    except KeyError:
        raise ValueError(
            f"unknown permission level {text!r}; expected one of {', '.join(LEVEL_BY_NAME)}"
        ) from None


LevelName = Literal["NONE", "VIEW", "CREATE", "EDIT", "FULL"]
TokenType = Literal["tba", "client_credentials"]
AuthFlow = Literal["tba", "auth_code", "client_credentials", "user_credentials"]
Environment = Literal["production", "sandbox", "unknown"]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Permission(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False
):
    """One permission row of a role or of an employee record (global permission)."""

    permkey: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    level: LevelName
    restriction: str | None = None
    #: line of the element in ``Role.path`` (SDF: the ``<permkey>`` line), set by loaders
    line: int | None = None
    #: the file of the row when it is not ``Role.path``: SDF grants a role a custom record
    #: in the record type's own permission list too (``<permittedrole>``, at ``line``)
    path: str | None = None

    @property
    def lvl(self) -> Level:
        return LEVEL_BY_NAME[self.level]


class RecordRestriction(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False
):
    """A record restriction on a role: segment DEPARTMENT, CLASS or LOCATION as SDF writes
    them (``role_restrictionsegment``). Another upper-case value (a segment NetSuite may add)
    is kept and shown, never counted as a restriction of a known segment."""

    segment: Annotated[str, msgspec.Meta(pattern=r"^[A-Z][A-Z0-9_]*$")]
    restriction: str
    viewing_allowed: bool = False
    items_restricted: bool = False


class Role(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """A role and its permissions. Standard roles have no ``customrole`` scriptid."""

    id: Id
    name: str
    scriptid: str | None = None
    inactive: bool = False
    web_services_only: bool = False
    two_factor_required: bool = False
    core_admin: bool = False
    center_type: str | None = None
    #: SDF ``subsidiaryoption``: ALL, ALLACTIVE, OWN or SELECTED; absent = ALL (the SDF default)
    subsidiary_option: Annotated[
        str | None,
        msgspec.Meta(
            description="Subsidiary access (SDF subsidiaryoption): ALL, ALLACTIVE, OWN or "
            "SELECTED; absent = ALL. Another value is kept and counts as no restriction."
        ),
    ] = None
    #: SDF ``employeerestriction``: NONE, DEFAULTTOOWN, OWNONLY or UNASSIGNED; absent = NONE
    employee_restriction: Annotated[
        str | None,
        msgspec.Meta(
            description="Employee restriction (SDF employeerestriction): NONE, DEFAULTTOOWN, "
            "OWNONLY or UNASSIGNED; absent = NONE. Another value counts as no restriction."
        ),
    ] = None
    subsidiaries: Annotated[
        tuple[str, ...],
        msgspec.Meta(description="The subsidiaries a SELECTED role reaches (names or ids)."),
    ] = ()
    restrictions: tuple[RecordRestriction, ...] = ()
    permissions: tuple[Permission, ...] = ()
    #: where the role was defined (SDF file), set by loaders
    path: str | None = None
    line: int | None = None
    #: the line of SDF ``<coreadminpermission>T``, set by loaders: where the ADMI_KERNEL
    #: that field grants is placed
    core_admin_line: int | None = None


class User(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """An employee or other entity that logs in, with its roles and global permissions."""

    id: Id
    name: str
    email: str | None = None
    inactive: bool = False
    roles: tuple[str, ...] = ()
    #: permissions on the employee record itself: they apply in every role the user uses
    global_permissions: tuple[Permission, ...] = ()
    #: known only by the name a token list gives (no Employees export, no snapshot user):
    #: whether it is active, and its roles, are unknown
    named_only: bool = False


class Integration(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False
):
    """An integration record (Setup > Integration > Manage Integrations)."""

    id: Id
    name: str
    scriptid: str | None = None
    application_id: str | None = None
    state: Literal["enabled", "blocked"] = "enabled"
    auth_flows: tuple[AuthFlow, ...] = ()
    path: str | None = None
    line: int | None = None


class Token(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """A credential that acts as a user in a role: a TBA access token or an OAuth 2.0
    client-credentials (M2M) mapping."""

    id: Id
    user: Id
    role: Id
    type: TokenType = "tba"
    name: str | None = None
    integration: str | None = None
    inactive: bool = False
    created: dt.date | None = None
    last_used: dt.date | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


class Account(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False
):
    id: str = "unknown"
    environment: Environment = "unknown"
    exported_at: dt.datetime | None = None
    source: str | None = None


class CustomObject(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False
):
    """A custom record type, custom transaction type or custom segment, known by scriptid:
    it names the account-specific permkeys that refer to it."""

    scriptid: Id
    name: str | None = None
    kind: Literal["customrecordtype", "customtransactiontype", "customsegment"] = "customrecordtype"
    path: str | None = None
    line: int | None = None


class Snapshot(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, gc=False
):
    """The normalised picture of an account that every source produces."""

    suitelint_snapshot: Literal[1] = 1
    account: Account = Account()
    roles: tuple[Role, ...] = ()
    users: tuple[User, ...] = ()
    integrations: tuple[Integration, ...] = ()
    tokens: tuple[Token, ...] = ()
    custom_objects: tuple[CustomObject, ...] = ()
    #: whether the sources include the login audit trail, which gives tokens their
    #: ``last_used``: true when it was read (``export``, a Login Audit Trail CSV); when
    #: not said, a snapshot in which any token has ``last_used`` counts as having it.
    #: Without it a token's last use is unknown, not "never".
    login_audit: bool | None = None

    @property
    def has_login_audit(self) -> bool:
        if self.login_audit is not None:
            return self.login_audit
        return any(token.last_used is not None for token in self.tokens)

    @property
    def is_empty(self) -> bool:
        return not (self.roles or self.users or self.integrations or self.tokens)


SubjectKind = Literal["role", "token", "user", "integration"]
#: what a policy's ``applies_to`` says: the plural of a subject kind
SubjectKinds = Literal["roles", "tokens", "users", "integrations"]
Subject = Role | Token | User | Integration
#: the one map between a kind and its plural (``role`` ↔ ``roles``), in report order
PLURAL: Mapping[SubjectKind, SubjectKinds] = {
    "role": "roles",
    "user": "users",
    "integration": "integrations",
    "token": "tokens",
}
SINGULAR: Mapping[SubjectKinds, SubjectKind] = {plural: kind for kind, plural in PLURAL.items()}


def subject_kind(subject: Subject) -> SubjectKind:
    """``role``, ``token``, ``user`` or ``integration``."""
    if isinstance(subject, Role):
        return "role"
    if isinstance(subject, Token):
        return "token"
    if isinstance(subject, User):
        return "user"
    return "integration"


def subject_label(subject: Subject) -> str:
    """The name a subject is shown by: its name, else its id (tokens are often unnamed)."""
    if isinstance(subject, Token):
        return subject.label
    return subject.name or subject.id


def subject_names(subject: Subject) -> tuple[str | None, ...]:
    """What a policy may call a subject by: name and id, and its scriptid or email."""
    if isinstance(subject, Token):
        return (subject.name, subject.id)
    if isinstance(subject, User):
        return (subject.name, subject.id, subject.email)
    return (subject.name, subject.id, subject.scriptid)


class Index(msgspec.Struct, frozen=True):
    """Lookups by id, built once per snapshot."""

    snapshot: Snapshot
    roles: Mapping[str, Role] = msgspec.field(default_factory=dict)
    users: Mapping[str, User] = msgspec.field(default_factory=dict)
    integrations: Mapping[str, Integration] = msgspec.field(default_factory=dict)
    tokens_by_role: Mapping[str, tuple[Token, ...]] = msgspec.field(default_factory=dict)
    tokens_by_integration: Mapping[str, tuple[Token, ...]] = msgspec.field(default_factory=dict)
    #: what :func:`role_permission_values` collected, kept for the next caller
    seen_rows: dict[str, frozenset[Permission]] = msgspec.field(default_factory=dict)


def role_permission_values(snapshot: Snapshot, index: Index | None = None) -> frozenset[Permission]:
    """Every distinct permission row of the snapshot's roles. A large account's 600,000
    rows are a few thousand values: validation (is each permkey known?) and the engine
    (is each level documented?) judge each value once, and this one pass over the rows
    (hashing in C) is shared through ``index`` when it is the snapshot's."""
    if index is None or index.snapshot is not snapshot:
        return frozenset(chain.from_iterable(role.permissions for role in snapshot.roles))
    found = index.seen_rows.get("roles")
    if found is None:
        rows = chain.from_iterable(role.permissions for role in snapshot.roles)
        found = index.seen_rows["roles"] = frozenset(rows)
    return found


def build_index(snapshot: Snapshot) -> Index:
    """Index a snapshot by id. Roles are found by id and by scriptid (case-insensitive),
    integrations by id and scriptid, so sources can refer to either. On a large account a
    build costs a tenth of a second: loading builds it once, validation uses it, and the
    engine gets it with the snapshot (``Loaded.index``)."""
    roles: dict[str, Role] = {}
    for role in snapshot.roles:
        roles[role.id] = role
        if role.scriptid:
            roles.setdefault(role.scriptid.lower(), role)
    integrations: dict[str, Integration] = {}
    for integration in snapshot.integrations:
        integrations[integration.id] = integration
        if integration.scriptid:
            integrations.setdefault(integration.scriptid.lower(), integration)
    users = {user.id: user for user in snapshot.users}

    # Tokens are grouped under the canonical id of what they point at.
    def canonical(mapping: Mapping[str, Role | Integration], ref: str | None) -> str | None:
        if ref is None:
            return None
        found = mapping.get(ref) or mapping.get(ref.lower())
        return found.id if found is not None else ref

    by_role: dict[str, list[Token]] = {}
    by_integration: dict[str, list[Token]] = {}
    for token in snapshot.tokens:
        role_id = canonical(roles, token.role)
        if role_id is not None:
            by_role.setdefault(role_id, []).append(token)
        integration_id = canonical(integrations, token.integration)
        if integration_id is not None:
            by_integration.setdefault(integration_id, []).append(token)
    return Index(
        snapshot=snapshot,
        roles=roles,
        users=users,
        integrations=integrations,
        tokens_by_role={k: tuple(v) for k, v in by_role.items()},
        tokens_by_integration={k: tuple(v) for k, v in by_integration.items()},
    )


def find_role(index: Index, ref: str) -> Role | None:
    return index.roles.get(ref) or index.roles.get(ref.lower())


def find_integration(index: Index, ref: str) -> Integration | None:
    return index.integrations.get(ref) or index.integrations.get(ref.lower())


# --- canonical order ------------------------------------------------------------------


def id_order(value: str) -> tuple[int, int, str, str]:
    """Numeric ids (ASCII digits) in numeric order, then the rest; total on any text.

    Compared as digit strings, never converted: ``int()`` refuses some characters
    ``str.isdigit`` accepts (``"²"``) and strings of more than 4,300 digits."""
    if value.isascii() and value.isdigit():
        digits = value.lstrip("0")
        return (0, len(digits), digits, value)
    return (1, 0, value, "")


def _by_permkey(permission: Permission) -> str:
    return permission.permkey


def sort_snapshot(snapshot: Snapshot) -> Snapshot:
    """The canonical order export writes: ids in natural order, permissions by permkey."""
    return msgspec.structs.replace(
        snapshot,
        roles=tuple(
            sorted(
                (
                    msgspec.structs.replace(
                        r, permissions=tuple(sorted(r.permissions, key=_by_permkey))
                    )
                    for r in snapshot.roles
                ),
                key=lambda r: id_order(r.id),
            )
        ),
        users=tuple(
            sorted(
                (
                    msgspec.structs.replace(
                        u,
                        roles=tuple(sorted(u.roles, key=id_order)),
                        global_permissions=tuple(sorted(u.global_permissions, key=_by_permkey)),
                    )
                    for u in snapshot.users
                ),
                key=lambda u: id_order(u.id),
            )
        ),
        integrations=tuple(sorted(snapshot.integrations, key=lambda i: id_order(i.id))),
        tokens=tuple(sorted(snapshot.tokens, key=lambda t: id_order(t.id))),
    )
