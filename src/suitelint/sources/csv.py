"""CSV exports from NetSuite as a source (DESIGN.md §3).

Four layouts are recognised by their header row (see docs/export.md for the saved
search to create and the list pages to export):

* **role permissions** — a Role saved search with one row per role and permission:
  ``Internal ID`` (optional), ``Name``, ``Permission``, ``Level`` (optional
  ``Restriction``, ``Inactive``, ``Web Services Only Role``);
* **access tokens** — the Setup > Users/Roles > Access Tokens list: ``Token Name``,
  ``Application``, ``User``, ``Role`` (optional ``Internal ID``, ``Created``,
  ``Inactive``, ``Revoked``);
* **client-credentials mappings** — the OAuth 2.0 Client Credentials (M2M) Setup list:
  ``Application``, ``Entity``, ``Role``, ``Certificate ID`` (optional ``Created``,
  ``Revoked``, ``Inactive``);
* **integrations** — the Manage Integrations list: ``Name``, ``Application ID``,
  ``State`` (optional ``Internal ID`` and the auth-flow checkboxes ``Token-Based
  Authentication``, ``Authorization Code Grant``, ``Client Credentials (Machine to
  Machine) Grant``).

For the role search, Oracle's "Use Searches to Audit Roles" (section_N292328.html) names
the result fields: a Role advanced search with results Name, Permission and Level. The
header spellings of the three list-page exports are not in any source we have
(suiteql-and-rest.md §8). So headers are matched case-insensitively, ignoring spacing,
punctuation and a trailing colon, against the synonyms in ``_COLUMNS``; a file whose
headers fit no layout is an error that lists the headers it saw.

Text: UTF-8 with or without a BOM, UTF-16 with a BOM, else Windows-1252 (what Excel
writes when it re-saves a CSV on Windows). Delimiter: ``,``, ``;`` (Excel in locales
with a decimal comma) or tab, sniffed from the header row. A row with the wrong number
of fields, an unknown level, permission name or date is a :class:`SourceError` with
file and line.
"""

from __future__ import annotations

import csv as stdcsv
import dataclasses
import datetime as dt
import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import msgspec

from suitelint.errors import SourceError
from suitelint.fsutil import read_input
from suitelint.model import (
    LEVEL_BY_NAME,
    AuthFlow,
    Integration,
    LevelName,
    Permission,
    Role,
    Snapshot,
    Token,
    User,
    sort_snapshot,
)

log = logging.getLogger(__name__)

MAX_CSV_BYTES = 256 * 1024 * 1024

Kind = Literal["role-permissions", "access-tokens", "client-credentials", "integrations"]

#: Column → accepted header spellings (normalised: lower case, letters and digits only).
_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "internal_id": ("internal id", "internalid", "id", "role internal id", "token internal id"),
    "role_name": ("name", "role", "role name"),
    "permission": ("permission", "permission name", "permission key", "permkey", "permission id"),
    "level": ("level", "permission level", "access level"),
    "restriction": ("restriction", "restrict", "restrictions"),
    "inactive": ("inactive", "is inactive", "token inactive", "mapping inactive"),
    "revoked": ("revoked", "is revoked", "token revoked"),
    "web_services_only": ("web services only role", "web services only", "web services only role?"),
    "token_name": ("token name", "access token name", "token"),
    "application": ("application", "application name", "integration", "integration name", "app"),
    "user": ("user", "user name", "entity", "entity name", "employee"),
    "role": ("role", "role name"),
    "created": ("created", "date created", "created date", "created on", "creation date"),
    "certificate": ("certificate id", "certificate", "certificate identifier", "kid"),
    "application_id": ("application id", "applicationid", "app id"),
    "state": ("state", "status"),
    "flow_tba": ("token based authentication", "tba", "token based auth"),
    "flow_auth_code": ("authorization code grant", "auth code grant", "authorization code"),
    "flow_client_credentials": (
        "client credentials machine to machine grant",
        "client credentials grant",
        "client credentials m2m grant",
        "client credentials",
    ),
    "flow_user_credentials": ("user credentials", "user credentials grant"),
}


def _norm(header: str) -> str:
    text = header.replace("\ufeff", "").strip().rstrip(":").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_LOOKUP: dict[str, list[str]] = {}
for _column, _names in _COLUMNS.items():
    for _name in _names:
        _LOOKUP.setdefault(_norm(_name), []).append(_column)


@dataclass(frozen=True, slots=True)
class CsvExport:
    """A parsed CSV export. References (roles, users, integrations) are kept as the
    file writes them — usually display names — until resolved against an account."""

    path: str
    kind: Kind
    snapshot: Snapshot
    #: token id → line of its row
    lines: Mapping[str, int] = dataclasses.field(default_factory=dict)


# --- reading the table ------------------------------------------------------------------


def _decode(data: bytes, path: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError("not valid UTF-16 text", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.info("%s is not UTF-8; reading it as Windows-1252", path)
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                "text is neither UTF-8 nor Windows-1252; export it again as UTF-8", path, line
            ) from None


def _delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    values: Mapping[str, str]


def _rows(text: str, path: str) -> tuple[dict[str, int], list[_Row]]:
    """Header → column mapping (our names → index) and the data rows."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise SourceError("empty file; expected a CSV export with a header row", path, 1)
    delimiter = _delimiter(lines[first])
    reader = stdcsv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[_Row] = []
    columns: dict[str, int] = {}
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header, header_line = record, line
                columns = _map_header(header, path, line)
                continue
            if len(record) != len(header):
                raise SourceError(
                    f"row has {len(record)} fields; the header has {len(header)}", path, line
                )
            rows.append(
                _Row(line, {name: record[index].strip() for name, index in columns.items()})
            )
    except stdcsv.Error as exc:
        raise SourceError(f"malformed CSV: {exc}", path, start) from None
    if header is None:
        raise SourceError("empty file; expected a CSV export with a header row", path, 1)
    if not rows:
        raise SourceError("the export has a header but no rows", path, header_line)
    return columns, rows


def _map_header(header: Sequence[str], path: str, line: int) -> dict[str, int]:
    """Our column names → index. A header that two columns could mean is decided by the
    layout later (``Name`` is a role name or an integration name; ``Role`` is a role name
    in either)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        for column in _LOOKUP.get(_norm(cell), ()):
            if column in found:
                raise SourceError(
                    f"two columns mean {column.replace('_', ' ')}: "
                    f"{header[found[column]]!r} and {cell!r}",
                    path,
                    line,
                )
            found[column] = index
    return found


def _kind(columns: Mapping[str, int], header_seen: str, path: str) -> Kind:
    has = set(columns)
    if {"permission", "level"} <= has and "role_name" in has:
        return "role-permissions"
    if "certificate" in has and {"application", "user", "role"} <= has:
        return "client-credentials"
    if {"token_name", "user", "role"} <= has:
        return "access-tokens"
    if "application_id" in has and "role_name" in has:
        return "integrations"
    raise SourceError(
        "cannot tell which NetSuite export this is from its headers "
        f"({header_seen}); expected a role-permission saved search (Name, Permission, Level), "
        "the Access Tokens list (Token Name, Application, User, Role), the OAuth 2.0 client "
        "credentials list (Application, Entity, Role, Certificate ID) or the Manage "
        "Integrations list (Name, Application ID, State); see docs/export.md",
        path,
        1,
    )


# --- values -----------------------------------------------------------------------------

_YES = {"yes", "y", "t", "true", "1", "x", "✓", "✔", "*", "checked", "on"}
_NO = {"no", "n", "f", "false", "0", "", "-", "unchecked", "off"}
_LEVEL_WORDS = {"none": "NONE", "view": "VIEW", "create": "CREATE", "edit": "EDIT", "full": "FULL"}


def _yes(value: str, what: str, path: str, line: int) -> bool:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise SourceError(f"{what} {value!r}: expected Yes or No", path, line)


def _level(value: str, path: str, line: int) -> LevelName:
    text = value.strip()
    if text.isdigit() and 0 <= int(text) <= 4:
        return list(LEVEL_BY_NAME)[int(text)]  # type: ignore[return-value]
    found = _LEVEL_WORDS.get(text.lower())
    if found is None:
        raise SourceError(
            f"permission level {value!r}: expected None, View, Create, Edit or Full", path, line
        )
    return found  # type: ignore[return-value]


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


@dataclass(frozen=True, slots=True)
class _DateOrder:
    """How a file writes numeric dates: NetSuite follows each user's date preference."""

    day_first: bool | None  # None: nothing in the file tells


def _date_order(values: Sequence[str]) -> _DateOrder:
    day_first = month_first = False
    for value in values:
        match = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})", value.strip())
        if match:
            a, b = int(match.group(1)), int(match.group(2))
            day_first |= a > 12
            month_first |= b > 12
            if "." in value[:6]:
                day_first = True  # 01.03.2025 is day-first wherever it is written
    if day_first and month_first:
        return _DateOrder(None)
    if day_first or month_first:
        return _DateOrder(day_first)
    return _DateOrder(None)


def _date(value: str, order: _DateOrder, path: str, line: int) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    text = re.sub(r"[ T]+\d{1,2}:\d{2}.*$", "", text)  # a time of day after the date
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text[:10])
        named = re.match(r"^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ,]+(\d{4})$", text)
        if named and named.group(2).lower() in _MONTHS:
            return dt.date(
                int(named.group(3)), _MONTHS[named.group(2).lower()], int(named.group(1))
            )
        numeric = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", text)
        if numeric:
            a, b, year = int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3))
            if a != b and a <= 12 and b <= 12 and order.day_first is None:
                raise SourceError(
                    f"date {value!r} could be day/month or month/day and no other date in the "
                    "file tells; export with an unambiguous date format (Home > Set "
                    "Preferences > Date Format, e.g. YYYY-MM-DD or DD-Mon-YYYY)",
                    path,
                    line,
                )
            day, month = (a, b) if order.day_first else (b, a)
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise SourceError(f"date {value!r}: expected e.g. 2025-03-01 or 1-Mar-2025", path, line)


def _permkey(value: str, path: str, line: int) -> str:
    from suitelint.catalog import load_catalog

    catalog = load_catalog()
    found = catalog.lookup(value)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise SourceError(
            f"permission {value!r} is ambiguous: {', '.join(found)}; export the permission key "
            "(e.g. a formula column) instead of the name",
            path,
            line,
        )
    hints = catalog.suggest(value)
    hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
    raise SourceError(f"unknown permission {value!r}{hint}", path, line)


# --- layouts ----------------------------------------------------------------------------


def _required(row: _Row, column: str, path: str) -> str:
    value = row.values.get(column, "")
    if not value:
        raise SourceError(f"empty {column.replace('_', ' ')}", path, row.line)
    return value


def _role_permissions(rows: Sequence[_Row], path: str) -> Snapshot:
    roles: dict[str, dict[str, object]] = {}
    perms: dict[str, dict[str, Permission]] = {}
    for row in rows:
        name = _required(row, "role_name", path)
        role_id = row.values.get("internal_id") or name
        attrs: dict[str, object] = {"name": name}
        if "inactive" in row.values:
            attrs["inactive"] = _yes(row.values["inactive"], "Inactive", path, row.line)
        if "web_services_only" in row.values:
            attrs["web_services_only"] = _yes(
                row.values["web_services_only"], "Web Services Only Role", path, row.line
            )
        known = roles.setdefault(role_id, attrs)
        if known != attrs:
            raise SourceError(
                f"role {role_id!r} is described differently here than on an earlier row",
                path,
                row.line,
            )
        permission = row.values.get("permission", "")
        if not permission:
            continue  # a role without permissions (saved searches list it once, empty)
        key = _permkey(permission, path, row.line)
        restriction = row.values.get("restriction") or None
        entry = Permission(
            permkey=key,
            level=_level(_required(row, "level", path), path, row.line),
            restriction=None if restriction in (None, "-1", "-None-") else restriction,
            line=row.line,
        )
        existing = perms.setdefault(role_id, {}).get(key)
        if existing is not None and (existing.level, existing.restriction) != (
            entry.level,
            entry.restriction,
        ):
            raise SourceError(
                f"role {role_id!r} lists {key} twice with different levels", path, row.line
            )
        perms[role_id].setdefault(key, entry)
    result = tuple(
        Role(
            id=role_id,
            path=path,
            permissions=tuple(sorted(perms.get(role_id, {}).values(), key=lambda p: p.permkey)),
            **attrs,  # type: ignore[arg-type]
        )
        for role_id, attrs in roles.items()
    )
    return Snapshot(roles=result)


def _tokens(rows: Sequence[_Row], path: str, kind: Kind) -> tuple[Snapshot, dict[str, int]]:
    order = _date_order([row.values.get("created", "") for row in rows])
    tokens: list[Token] = []
    users: dict[str, User] = {}
    integrations: dict[str, Integration] = {}
    seen: dict[str, int] = {}
    for row in rows:
        user = _required(row, "user", path)
        role = _required(row, "role", path)
        application = row.values.get("application") or None
        if kind == "client-credentials":
            certificate = _required(row, "certificate", path)
            token_id = row.values.get("internal_id") or f"m2m:{certificate}"
            name = row.values.get("token_name") or f"{application or 'M2M'} ({certificate})"
        else:
            name = _required(row, "token_name", path)
            token_id = row.values.get("internal_id") or name
        if token_id in seen:
            raise SourceError(
                f"token {token_id!r} appears twice (first on line {seen[token_id]}); add the "
                "Internal ID column to tell tokens with the same name apart",
                path,
                row.line,
            )
        seen[token_id] = row.line
        inactive = any(
            _yes(row.values[c], c.title(), path, row.line)
            for c in ("inactive", "revoked")
            if c in row.values
        )
        tokens.append(
            Token(
                id=token_id,
                user=user,
                role=role,
                type="client_credentials" if kind == "client-credentials" else "tba",
                name=name,
                integration=application,
                inactive=inactive,
                created=_date(row.values.get("created", ""), order, path, row.line),
            )
        )
        users.setdefault(user, User(id=user, name=user))
        if application:
            integrations.setdefault(application, Integration(id=application, name=application))
    snapshot = Snapshot(
        users=tuple(users.values()),
        integrations=tuple(integrations.values()),
        tokens=tuple(tokens),
    )
    return snapshot, seen


_FLOWS: Mapping[str, AuthFlow] = {
    "flow_tba": "tba",
    "flow_auth_code": "auth_code",
    "flow_client_credentials": "client_credentials",
    "flow_user_credentials": "user_credentials",
}


def _integrations(rows: Sequence[_Row], path: str) -> Snapshot:
    found: list[Integration] = []
    seen: set[str] = set()
    for row in rows:
        name = _required(row, "role_name", path)  # the list's Name column
        integration_id = row.values.get("internal_id") or name
        if integration_id in seen:
            raise SourceError(f"integration {integration_id!r} appears twice", path, row.line)
        seen.add(integration_id)
        state_text = row.values.get("state", "enabled").strip().lower()
        if state_text not in ("enabled", "blocked", ""):
            raise SourceError(
                f"state {row.values['state']!r}: expected Enabled or Blocked", path, row.line
            )
        flows = tuple(
            flow
            for column, flow in _FLOWS.items()
            if column in row.values and _yes(row.values[column], column, path, row.line)
        )
        found.append(
            Integration(
                id=integration_id,
                name=name,
                application_id=row.values.get("application_id") or None,
                state="blocked" if state_text == "blocked" else "enabled",
                auth_flows=flows,
                path=path,
                line=row.line,
            )
        )
    return Snapshot(integrations=tuple(found))


def read_csv_export(path: Path) -> CsvExport:
    """Parse a NetSuite CSV export; raise :class:`SourceError` with file:line."""
    label = str(path)
    text = _decode(read_input(path, limit=MAX_CSV_BYTES, what="CSV export"), label)
    columns, rows = _rows(text, label)
    first_line = next(line for line in text.splitlines() if line.strip())
    kind = _kind(columns, first_line.strip()[:200], label)
    if kind == "role-permissions":
        return CsvExport(label, kind, _role_permissions(rows, label))
    if kind == "integrations":
        return CsvExport(label, kind, _integrations(rows, label))
    snapshot, lines = _tokens(rows, label, kind)
    return CsvExport(label, kind, snapshot, lines)


def load_csv(path: Path) -> Snapshot:
    """A CSV export as a snapshot on its own (``suitelint check export.csv``).

    References stay as the file writes them: a token's role, user and application are
    names, and the users and integrations it names are added as stubs keyed by name, so
    a token list pairs with a role-permission export that has no Internal ID column.
    ``suitelint export --csv`` resolves names against the live account instead.
    """
    return read_csv_export(path).snapshot


# --- joining CSV data to an exported account --------------------------------------------


class _Names:
    """Find an account object by id, scriptid, name (or email) — exactly one or error."""

    def __init__(self, what: str, items: Sequence[Role | User | Integration]) -> None:
        self.what = what
        self.by_key: dict[str, list[str]] = {}
        for item in items:
            keys = {item.id, item.name.casefold()}
            scriptid = getattr(item, "scriptid", None)
            email = getattr(item, "email", None)
            app = getattr(item, "application_id", None)
            keys.update(k.casefold() for k in (scriptid, email, app) if k)
            for key in keys:
                ids = self.by_key.setdefault(key, [])
                if item.id not in ids:
                    ids.append(item.id)

    def find(self, ref: str, path: str, line: int | None) -> str | None:
        found = self.by_key.get(ref) or self.by_key.get(ref.strip().casefold())
        if not found:
            return None
        if len(found) > 1:
            raise SourceError(
                f"{self.what} {ref!r} is ambiguous in the account ({', '.join(found)}); give "
                "internal ids in the CSV",
                path,
                line,
            )
        return found[0]

    def require(self, ref: str, path: str, line: int | None) -> str:
        found = self.find(ref, path, line)
        if found is None:
            raise SourceError(f"{self.what} {ref!r} is not in the exported account", path, line)
        return found


def merge_into_account(snapshot: Snapshot, parts: Sequence[tuple[str, CsvExport]]) -> Snapshot:
    """Add CSV exports to an exported account: integration auth flows and state, M2M
    mappings, and TBA tokens the API did not return. Every name must resolve to exactly
    one role, user or integration of the account (fail closed)."""
    integrations = {i.id: i for i in snapshot.integrations}
    tokens = list(snapshot.tokens)
    for label, part in parts:
        if part.kind == "role-permissions":
            raise SourceError(
                "role permissions come from the account itself; a role-permission CSV is for "
                "'suitelint check', not 'export --csv'",
                label,
            )
        if part.kind == "integrations":
            names = _Names("integration", tuple(integrations.values()))
            for row in part.snapshot.integrations:
                ref = row.application_id or row.name
                found = names.find(ref, label, row.line) or names.find(row.name, label, row.line)
                base = integrations.get(found) if found else None
                if base is None:
                    integrations[row.id] = msgspec.structs.replace(row, path=None, line=None)
                else:
                    integrations[base.id] = msgspec.structs.replace(
                        base,
                        auth_flows=row.auth_flows,
                        state=row.state,
                        application_id=base.application_id or row.application_id,
                    )
            continue
        roles = _Names("role", snapshot.roles)
        users = _Names("user", snapshot.users)
        apps = _Names("integration", tuple(integrations.values()))
        exported = {(t.name, t.user, t.role) for t in tokens}
        for token in part.snapshot.tokens:
            line = part.lines.get(token.id)
            resolved = msgspec.structs.replace(
                token,
                role=roles.require(token.role, label, line),
                user=users.require(token.user, label, line),
                integration=apps.require(token.integration, label, line)
                if token.integration
                else None,
            )
            if (resolved.name, resolved.user, resolved.role) in exported:
                continue  # the API returned it already
            tokens.append(resolved)
    return sort_snapshot(
        msgspec.structs.replace(
            snapshot, integrations=tuple(integrations.values()), tokens=tuple(tokens)
        )
    )
