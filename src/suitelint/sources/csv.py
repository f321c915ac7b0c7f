"""CSV exports from NetSuite as a source (DESIGN.md §3; layouts in docs/export.md).

Six layouts are recognised by their header row:

* **role permissions**: a Role saved search, one row per role and permission
  (Oracle "Use Searches to Audit Roles", section_N292328.html);
* **access tokens**: Setup > Users/Roles > Access Tokens (labels of the Records
  Catalog's Access Token record: Application Name, Created, Created By, Inactive,
  Internal ID, Revocation Date, Revoked, Role, Token Name, User);
* **client-credentials mappings**: Setup > Integration > OAuth 2.0 Client Credentials
  (M2M) Setup (section_162686838198.html: entity, role, application, certificate,
  Revoked);
* **integrations**: Setup > Integration > Manage Integrations (Name, Application ID,
  State and the auth-flow boxes: section_157771733782.html);
* **employees**: an Employee search or the Employees list (Name, Email, Login
  Access / Give Access, Inactive, Role; one row per employee and role);
* **login audit trail**: Setup > Users/Roles > View Login Audit Trail, with the result
  fields Oracle says to add to track tokens (section_1534941538.html): Date, User,
  Role, Status, Token-based Access Token Name, Token-based Application Name.

Each layout has its own header spellings (matched case-insensitively, ignoring spacing,
punctuation and a trailing colon); columns a layout does not use are ignored, as
NetSuite lets a search carry any result field. Reading is in two phases so that one
run's files agree on the account's date format (:func:`read_csv_exports`), and every
problem of every file is reported at once, each with ``file:line``.
"""

from __future__ import annotations

import csv as stdcsv
import dataclasses
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import msgspec

from suitelint import errors
from suitelint.errors import Problem, SourceError, UsageError, did_you_mean
from suitelint.findings import Location
from suitelint.fsutil import read_input
from suitelint.model import (
    AuthFlow,
    Integration,
    LevelName,
    Permission,
    Role,
    Snapshot,
    Token,
    User,
    parse_level,
    sort_snapshot,
)
from suitelint.restrictions import canonical

log = logging.getLogger(__name__)

MAX_CSV_BYTES = 256 * 1024 * 1024

Kind = Literal[
    "role-permissions",
    "access-tokens",
    "client-credentials",
    "integrations",
    "employees",
    "login-audit",
]


def _norm(header: str) -> str:
    text = header.replace("\ufeff", "").strip().rstrip(":").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True, slots=True)
class Layout:
    """One NetSuite export: its columns, their header spellings, which are required,
    and which (any one of) tell it apart from the others."""

    kind: Kind
    title: str
    columns: Mapping[str, tuple[str, ...]]
    required: frozenset[str]
    signature: frozenset[str] = frozenset()

    def lookup(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for column, names in self.columns.items():
            for name in names:
                found.setdefault(_norm(name), column)
        return found


_INTERNAL_ID = ("internal id", "internalid")
_INACTIVE = ("inactive", "is inactive")
_REVOKED = ("revoked", "is revoked", "token revoked")
_CREATED = ("created", "date created", "created date", "created on", "creation date")
_ROLE = ("role", "role name")
_APPLICATION = ("application", "application name", "integration", "integration name")

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "login-audit",
        "the Login Audit Trail (Setup > Users/Roles > View Login Audit Trail)",
        {
            "date": ("date", "date time", "date and time", "login date", "time", "timestamp"),
            "user": ("user", "user name", "entity", "employee"),
            "role": _ROLE,
            "email": ("email address", "email", "e mail"),
            "ip_address": ("ip address", "ip", "ipaddress"),
            "status": ("status", "login status", "result"),
            "detail": ("detail", "details"),
            "token_name": (
                "token based access token name",
                "token based access token",
                "access token name",
                "token name",
                "oauth access token name",
            ),
            "application": (
                "token based application name",
                "token based application",
                "application name",
                "application",
                "oauth application name",
            ),
            "request_uri": ("request uri", "request url", "uri"),
            "user_agent": ("user agent", "useragent"),
            "security_challenge": ("security challenge",),
        },
        frozenset({"date"}),
        frozenset(
            {
                "status",
                "ip_address",
                "token_name",
                "request_uri",
                "user_agent",
                "detail",
                "security_challenge",
            }
        ),
    ),
    Layout(
        "client-credentials",
        "the OAuth 2.0 Client Credentials (M2M) Setup list",
        {
            "internal_id": (*_INTERNAL_ID, "id"),
            "application": _APPLICATION,
            "user": ("entity", "entity name", "user", "user name", "employee"),
            "role": _ROLE,
            "certificate": ("certificate id", "certificate", "certificate identifier", "kid"),
            "created": _CREATED,
            "inactive": _INACTIVE,
            "revoked": _REVOKED,
            "revocation_date": ("revocation date", "revoked on", "date revoked"),
        },
        frozenset({"application", "user", "role", "certificate"}),
    ),
    Layout(
        "access-tokens",
        "the Access Tokens list (Setup > Users/Roles > Access Tokens)",
        {
            "internal_id": (*_INTERNAL_ID, "id", "token internal id"),
            "token_name": ("token name", "access token name", "token", "name"),
            "application": _APPLICATION,
            "user": ("user", "user name", "entity", "entity name", "employee"),
            "role": _ROLE,
            "created": _CREATED,
            "inactive": (*_INACTIVE, "token inactive"),
            "revoked": _REVOKED,
            "revocation_date": ("revocation date", "revoked on", "date revoked"),
        },
        frozenset({"token_name", "user", "role"}),
    ),
    Layout(
        "integrations",
        "the Manage Integrations list (Setup > Integration > Manage Integrations)",
        {
            "internal_id": (*_INTERNAL_ID, "id"),
            "name": ("name", "integration name", "integration"),
            "application_id": ("application id", "applicationid", "app id"),
            "state": ("state", "status"),
            "flow_tba": ("token based authentication", "tba", "token based auth"),
            "flow_auth_code": ("authorization code grant", "auth code grant", "authorization code"),
            "flow_client_credentials": (
                "client credentials machine to machine grant",
                "client credentials m2m grant",
                "client credentials grant",
                "client credentials",
            ),
            "flow_user_credentials": ("user credentials", "user credentials grant"),
        },
        frozenset({"name"}),
        frozenset(
            {
                "application_id",
                "flow_tba",
                "flow_auth_code",
                "flow_client_credentials",
                "flow_user_credentials",
            }
        ),
    ),
    Layout(
        "role-permissions",
        "a Role saved search (Name, Permission, Level)",
        {
            "internal_id": (*_INTERNAL_ID, "role internal id", "role id"),
            "id": ("id",),
            "scriptid": ("script id", "scriptid"),
            "role_name": ("name", "role", "role name"),
            "permission": (
                "permission",
                "permission name",
                "permission key",
                "permkey",
                "permission id",
            ),
            "level": ("level", "permission level", "access level"),
            "restriction": ("restriction", "restrict", "restrictions"),
            "inactive": _INACTIVE,
            "web_services_only": (
                "web services only role",
                "web services only",
                "web service only role",
                "web services only role?",
            ),
            "two_factor_required": (
                "two factor authentication required",
                "2fa required",
                "two factor authentication",
            ),
            "center_type": ("center type", "centre type"),
            "subsidiary_option": (
                "subsidiary restrictions",
                "subsidiary restriction",
                "subsidiary option",
            ),
            "employee_restriction": ("employee restrictions", "employee restriction"),
        },
        frozenset({"role_name", "permission", "level"}),
    ),
    Layout(
        "employees",
        "the Employees list or an Employee search (Name, Email, Login Access, Role)",
        {
            "internal_id": (*_INTERNAL_ID, "employee internal id"),
            "name": ("name", "employee", "employee name", "entity", "full name"),
            "email": ("email", "e mail", "email address"),
            "inactive": _INACTIVE,
            "give_access": ("give access", "login access", "access"),
            "role": ("role", "roles", "role name"),
            "permission": ("global permission", "global permissions", "permission"),
            "level": ("global permission level", "level", "permission level", "access level"),
        },
        frozenset({"name"}),
        frozenset({"email", "give_access", "role"}),
    ),
)


# --- problems ---------------------------------------------------------------------------


class _RowProblem(Exception):
    """One row cannot be read: recorded, and the row skipped (the run still fails)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Problems(errors.Problems):
    """:class:`suitelint.errors.Problems` (every problem of the run, sorted by place and
    capped), with rows added by file and line."""

    def row(self, path: str, message: str, line: int | None = None) -> None:
        self.add(Problem(path, message, line), SourceError)


# --- reading the table ------------------------------------------------------------------


#: a multi-byte UTF-8 sequence; Windows-1252 text almost never holds one ("Ã©")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _decode(data: bytes, path: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError("not valid UTF-16 text", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data):
            # Some rows UTF-8, some not (two exports pasted together): read as one
            # encoding, "Café" in one row and "Café" in another would be two roles.
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                "text mixes UTF-8 with another encoding (this line is not UTF-8, others "
                "are); export it again as UTF-8",
                path,
                line,
            ) from None
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
    #: why the row cannot be read as it stands (two columns of one heading that differ)
    clash: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV export read and its layout recognised, values still text."""

    path: str
    layout: Layout
    columns: Mapping[str, int]
    rows: tuple[_Row, ...]
    header_line: int

    @property
    def kind(self) -> Kind:
        return self.layout.kind


_TOTAL = re.compile(r"^(grand\s+)?totals?\s*:?\s*(\(\d+\))?$", re.IGNORECASE)
#: title lines a report export can carry above its header row
_MAX_TITLE_LINES = 5


def _map_layout(
    layout: Layout, header: Sequence[str]
) -> tuple[dict[str, int], dict[str, tuple[int, ...]], str | None]:
    """Columns of ``layout`` found in ``header`` → index; the other indices of each column
    whose heading the header repeats (a saved search may show one field twice, or a joined
    field under the same label: read when their values agree, see :func:`_twin_clash`);
    and the first problem (two different headings meaning one column). Every heading is
    mapped whatever the problem, so the layout is still recognised by its columns."""
    lookup = layout.lookup()
    found: dict[str, int] = {}
    twins: dict[str, tuple[int, ...]] = {}
    problem: str | None = None
    for index, cell in enumerate(header):
        column = lookup.get(_norm(cell))
        if column is None:
            continue
        if column not in found:
            found[column] = index
        elif _norm(header[found[column]]) == _norm(cell):
            twins[column] = (*twins.get(column, ()), index)
        elif problem is None:
            problem = (
                f"two columns mean {column.replace('_', ' ')}: "
                f"{header[found[column]].strip()!r} and {cell.strip()!r}; remove one"
            )
    return found, twins, problem


def _match(
    header: Sequence[str],
) -> tuple[Layout, dict[str, int], dict[str, tuple[int, ...]], str | None] | None:
    fallback: tuple[Layout, dict[str, int], dict[str, tuple[int, ...]], str | None] | None = None
    for layout in LAYOUTS:
        found, twins, problem = _map_layout(layout, header)
        if not layout.required <= set(found):
            continue
        if layout.signature and not layout.signature & set(found):
            continue
        if problem is None:
            return layout, found, twins, None
        fallback = fallback or (layout, found, twins, problem)
    return fallback


def _twin_clash(
    record: Sequence[str],
    header: Sequence[str],
    columns: Mapping[str, int],
    twins: Mapping[str, tuple[int, ...]],
) -> str | None:
    """Why ``record`` cannot be read when a column's heading stands more than once and the
    values under it differ (which one is meant cannot be told), else None."""
    for column, others in twins.items():
        first = columns[column]
        value = record[first].strip()
        for other in others:
            if record[other].strip() != value:
                return (
                    f"columns {first + 1} and {other + 1} are both headed "
                    f"{header[first].strip()!r} and differ on this row ({value!r} and "
                    f"{record[other].strip()!r}); which one is meant cannot be told: remove "
                    "one from the saved search, or give it another custom label"
                )
    return None


def _expected() -> str:
    return (
        "expected one of: a role-permission saved search (Name, Permission, Level), the "
        "Access Tokens list (Token Name, Application, User, Role), the OAuth 2.0 client "
        "credentials list (Application, Entity, Role, Certificate ID), the Manage "
        "Integrations list (Name, Application ID, State), the Employees list (Name, Email, "
        "Login Access, Role) or the Login Audit Trail (Date, User, Role, Status, "
        "Token-based Access Token Name); see docs/export.md"
    )


def read_table(path: Path) -> Table:
    """Read one CSV export and recognise its layout; a file that cannot be an export
    raises :class:`SourceError` (``file:line``). Row values are checked later."""
    label = str(path)
    text = _decode(read_input(path, limit=MAX_CSV_BYTES, what="CSV export"), label)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise SourceError("empty file; expected a CSV export with a header row", label, 1)
    delimiter = _delimiter(lines[first])
    reader = stdcsv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = 0
    layout: Layout | None = None
    columns: dict[str, int] = {}
    twins: dict[str, tuple[int, ...]] = {}
    rows: list[_Row] = []
    titles: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                matched = _match(record)
                if matched is None:
                    if (
                        len([c for c in record if c.strip()]) == 1
                        and len(titles) < _MAX_TITLE_LINES
                    ):
                        titles.append((line, record))  # a report title above the header
                        continue
                    seen = delimiter.join(c.strip() for c in record)[:200]
                    raise SourceError(
                        f"cannot tell which NetSuite export this is from its headers ({seen}); "
                        + _expected(),
                        label,
                        line,
                    )
                layout, columns, twins, problem = matched
                if problem is not None:
                    raise SourceError(problem, label, line)
                header, header_line = record, line
                continue
            if len(record) != len(header):
                if len(record) < len(header) and _is_total(record):
                    continue
                raise SourceError(
                    f"row has {len(record)} fields; the header has {len(header)}", label, line
                )
            if _is_total(record):
                continue
            rows.append(
                _Row(
                    line,
                    {name: record[index].strip() for name, index in columns.items()},
                    _twin_clash(record, header, columns, twins) if twins else None,
                )
            )
    except stdcsv.Error as exc:
        raise SourceError(f"malformed CSV: {exc}", label, start) from None
    if header is None or layout is None:
        at, record = titles[0] if titles else (1, [])
        seen = ",".join(c.strip() for c in record)[:200]
        raise SourceError(
            f"cannot tell which NetSuite export this is from its headers ({seen}); " + _expected(),
            label,
            at,
        )
    if not rows:
        raise SourceError("the export has a header but no rows", label, header_line)
    return Table(label, layout, columns, tuple(rows), header_line)


def _is_total(record: Sequence[str]) -> bool:
    """A summary search's last row: ``Total`` (or ``Totals``) and counts."""
    cells = [c.strip() for c in record if c.strip()]
    return bool(cells) and bool(_TOTAL.match(cells[0])) and len(cells) <= max(2, len(record) // 2)


# --- values -----------------------------------------------------------------------------

_YES = {"yes", "y", "t", "true", "1", "x", "✓", "✔", "*", "checked", "on", "required"}
_NO = {"no", "n", "f", "false", "0", "", "-", "unchecked", "off", "-none-", "not required"}


def _yes(value: str, what: str) -> bool:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _RowProblem(f"{what} {value!r}: expected Yes or No")


def _level(value: str) -> LevelName:
    try:
        return parse_level(value).name  # type: ignore[return-value]
    except ValueError:
        raise _RowProblem(
            f"permission level {value!r}: expected None, View, Create, Edit or Full"
        ) from None


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_TIME = re.compile(
    r"(?:[ T]+|,\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?\s?m\.?)?"
    r"(?:\s*(?:Z|(?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?|[A-Z]{2,5}))?$",
    re.IGNORECASE,
)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,})\.?[- ,]+(\d{4})$")
_NAMED_MONTH_FIRST = re.compile(r"^([A-Za-z]{3,})\.? (\d{1,2}),? (\d{4})$")

DateOrder = Literal["day-first", "month-first"]

#: ``--date-format`` values: the sixteen choices of NetSuite's Date Format preference
#: (Home > Set Preferences; Oracle section_N249143.html shows six of them, SuiteScript's
#: ``runtime.getCurrentUser().getPreference({name: 'DATEFORMAT'})`` returns any of them),
#: plus ``month-first`` and ``day-first``. None: a format whose dates tell their order
#: themselves (the year first, or the month named).
DATE_FORMATS: Mapping[str, DateOrder | None] = {
    "m/d/yyyy": "month-first",
    "mm/dd/yyyy": "month-first",
    "d/m/yyyy": "day-first",
    "dd/mm/yyyy": "day-first",
    "d.m.yyyy": "day-first",
    "dd.mm.yyyy": "day-first",
    "month-first": "month-first",
    "day-first": "day-first",
    "yyyy/m/d": None,
    "yyyy/mm/dd": None,
    "yyyy-m-d": None,
    "yyyy-mm-dd": None,
    "d-mon-yyyy": None,
    "dd-mon-yyyy": None,
    "d-month-yyyy": None,
    "dd-month-yyyy": None,
    "d month, yyyy": None,
    "dd month, yyyy": None,
}


def parse_date_format(text: str, what: str = "--date-format") -> DateOrder | None:
    """``--date-format`` (or the setting ``what``) → the order of numeric dates;
    :class:`UsageError` if unknown."""
    found = DATE_FORMATS.get(" ".join(text.split()).lower(), "?")
    if found == "?":
        raise UsageError(
            f"{what} {text!r}: expected a NetSuite date format such as M/D/YYYY, "
            "D/M/YYYY, DD.MM.YYYY or YYYY-MM-DD (or month-first / day-first)"
        )
    return found  # type: ignore[return-value]


def _strip_time(value: str) -> str:
    return _TIME.sub("", value.strip())


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What one file's slash dates say about their order: the first line showing each."""

    day_first: int | None = None
    month_first: int | None = None


def _evidence(table: Table) -> _Evidence:
    day_first = month_first = None
    for row in table.rows:
        if row.clash is not None:
            continue  # reported, and not read
        for column in _DATE_COLUMNS:
            value = row.values.get(column, "")
            match = _NUMERIC.match(_strip_time(value)) if value else None
            if match is None or match.group(2) == ".":
                continue
            a, b = int(match.group(1)), int(match.group(3))
            if a > 12 and b <= 12 and day_first is None:
                day_first = row.line
            if b > 12 and a <= 12 and month_first is None:
                month_first = row.line
    return _Evidence(day_first, month_first)


_DATE_COLUMNS = ("created", "date", "revocation_date")


@dataclass(slots=True)
class DateReading:
    """How one file's numeric dates are read, and why."""

    order: DateOrder | None
    why: str
    #: nothing in the run told the order: read as NetSuite's default, M/D/YYYY
    assumed: bool = False
    #: the first date that assumption decided (a warning says so)
    relied: str | None = None


def _date(value: str, reading: DateReading) -> dt.date | None:
    order, why = reading.order, reading.why
    text = _strip_time(value)
    if not text:
        return None
    try:
        iso = _ISO.match(text)
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        named = _NAMED.match(text)
        if named and named.group(2)[:3].lower() in _MONTHS:
            return dt.date(
                int(named.group(3)), _MONTHS[named.group(2)[:3].lower()], int(named.group(1))
            )
        named = _NAMED_MONTH_FIRST.match(text)
        if named and named.group(1)[:3].lower() in _MONTHS:
            return dt.date(
                int(named.group(3)), _MONTHS[named.group(1)[:3].lower()], int(named.group(2))
            )
        numeric = _NUMERIC.match(text)
        if numeric:
            a, sep, b, year = (
                int(numeric.group(1)),
                numeric.group(2),
                int(numeric.group(3)),
                int(numeric.group(4)),
            )
            if sep == ".":
                return dt.date(year, b, a)  # D.M.YYYY: the only dotted NetSuite format
            if a > 12 or b > 12:
                shown: DateOrder = "day-first" if a > 12 else "month-first"
                if order is not None and order != shown:
                    raise _RowProblem(
                        f"date {value!r} is written {shown}, but this file's dates are "
                        f"{order} ({why}); check the Date Format of the user who exported it"
                    )
                return dt.date(year, b, a) if a > 12 else dt.date(year, a, b)
            if a != b and reading.assumed and reading.relied is None:
                reading.relied = value
            if a != b and order is None:
                raise _RowProblem(
                    f"date {value!r} could be day/month or month/day, and no date in the "
                    "run's files tells which; pass --date-format M/D/YYYY or D/M/YYYY (the "
                    "Date Format at Home > Set Preferences of the user who exported it)"
                )
            return dt.date(year, b, a) if order == "day-first" else dt.date(year, a, b)
    except ValueError:
        pass
    raise _RowProblem(f"date {value!r}: expected e.g. 3/1/2025, 2025-03-01 or 1-Mar-2025")


def _order_of_run(
    tables: Sequence[Table], override: DateOrder | None, forced: bool, problems: Problems
) -> dict[str, DateReading]:
    """The order of slash dates per file, and why: ``--date-format``, else the file's
    own dates, else the other files of the run (NetSuite writes every date of a user in
    one format, and one person usually exports a run's files)."""
    if forced:
        why = "--date-format"
        return {t.path: DateReading(override, why) for t in tables}
    evidence = {t.path: _evidence(t) for t in tables}
    result: dict[str, DateReading] = {}
    day = [(p, e.day_first) for p, e in evidence.items() if e.day_first is not None]
    month = [(p, e.month_first) for p, e in evidence.items() if e.month_first is not None]
    run: DateOrder | None = None
    run_why = ""
    if day and not month:
        run, run_why = "day-first", f"as {day[0][0]}:{day[0][1]} shows"
    elif month and not day:
        run, run_why = "month-first", f"as {month[0][0]}:{month[0][1]} shows"
    for table in tables:
        own = evidence[table.path]
        if own.day_first is not None and own.month_first is not None:
            problems.row(
                table.path,
                f"dates are written day first (line {own.day_first}) and month first (line "
                f"{own.month_first}) in one file; export it again, or pass --date-format",
                max(own.day_first, own.month_first),
            )
            result[table.path] = DateReading(None, "")
        elif own.day_first is not None:
            result[table.path] = DateReading("day-first", f"as line {own.day_first} shows")
        elif own.month_first is not None:
            result[table.path] = DateReading("month-first", f"as line {own.month_first} shows")
        else:
            result[table.path] = (
                DateReading(run, run_why)
                if run is not None
                else DateReading("month-first", "NetSuite's default Date Format", assumed=True)
            )
    return result


def _permkey(value: str) -> str:
    from suitelint.catalog import load_catalog

    catalog = load_catalog()
    found = catalog.lookup(value)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise _RowProblem(
            f"permission {value!r} is ambiguous: {', '.join(found)}; export the permission key "
            "(e.g. a formula column) instead of the name"
        )
    # A key or a name the catalog does not know is a permission of a newer release (or one
    # the catalog lacks: Oracle's worksheet names 41 it has no key for): valid data, kept as
    # written, that the engine reports (suitelint/unknown-permission).
    text = value.strip()
    if catalog.unlisted(text) is not None:
        return text
    from suitelint.catalog import named_permkey

    named = named_permkey(text)
    if catalog.unlisted(named) is not None:
        return named
    hints = catalog.suggest(value)
    hint = did_you_mean(value, hints=hints)
    raise _RowProblem(
        f"{value!r} is no permission name (no NetSuite permission's name holds a bracket or a "
        f"control character, or runs past 100 characters){hint}"
    )


def _required(row: _Row, column: str) -> str:
    value = row.values.get(column, "")
    if not value:
        raise _RowProblem(f"empty {column.replace('_', ' ')}")
    return value


# --- layouts → snapshots ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Login:
    """One successful login of the audit trail that names an access token."""

    token_name: str
    application: str | None
    day: dt.date
    line: int


@dataclass(frozen=True, slots=True)
class CsvExport:
    """A parsed CSV export. References (roles, users, integrations) are kept as the
    file writes them, usually display names, until :func:`combine` resolves them."""

    path: str
    kind: Kind
    snapshot: Snapshot
    #: token id → line of its row
    lines: Mapping[str, int] = dataclasses.field(default_factory=dict)
    #: user id → line of its first row (employees)
    user_lines: Mapping[str, int] = dataclasses.field(default_factory=dict)
    #: login audit: successful token logins, and whether the file names tokens at all
    logins: tuple[Login, ...] = ()
    names_tokens: bool = False
    notes: tuple[str, ...] = ()
    #: the layout's columns the file has, and the line of its header row
    columns: frozenset[str] = frozenset()
    header_line: int = 1


def _rows_of(table: Table, problems: Problems, build: Callable[[_Row], None]) -> None:
    for row in table.rows:
        if row.clash is not None:
            problems.row(table.path, row.clash, row.line)
            continue
        try:
            build(row)
        except _RowProblem as problem:
            problems.row(table.path, problem.message, row.line)


def _role_permissions(table: Table, problems: Problems) -> CsvExport:
    path = table.path
    roles: dict[str, dict[str, object]] = {}
    first_line: dict[str, int] = {}
    perms: dict[str, dict[str, Permission]] = {}

    def build(row: _Row) -> None:
        name = _required(row, "role_name")
        raw_id = row.values.get("id", "")
        scriptid = row.values.get("scriptid") or (
            raw_id if raw_id and not raw_id.isdigit() else None
        )
        role_id = row.values.get("internal_id") or (raw_id if raw_id.isdigit() else None) or name
        attrs: dict[str, object] = {"name": name}
        if scriptid:
            attrs["scriptid"] = scriptid
        for column, label in (
            ("inactive", "Inactive"),
            ("web_services_only", "Web Services Only Role"),
            ("two_factor_required", "Two-Factor Authentication Required"),
        ):
            if column in row.values:
                attrs[column] = _yes(row.values[column], label)
        if row.values.get("center_type"):
            attrs["center_type"] = row.values["center_type"]
        for column, aspect in (
            ("subsidiary_option", "subsidiaries"),
            ("employee_restriction", "employees"),
        ):
            text = row.values.get(column, "").strip()
            if text:
                # as SDF writes it or as the role page labels it; a value suitelint does
                # not know is kept as written: shown, never a restriction, never an error
                attrs[column] = canonical(aspect, text) or text
        known = roles.setdefault(role_id, attrs)
        first_line.setdefault(role_id, row.line)
        if known != attrs:
            raise _RowProblem(
                f"role {role_id!r} is described differently here than on line {first_line[role_id]}"
            )
        permission = row.values.get("permission", "")
        if not permission:
            return  # a role without permissions: the search lists it once, empty
        key = _permkey(permission)
        restriction = row.values.get("restriction") or None
        entry = Permission(
            permkey=key,
            level=_level(_required(row, "level")),
            restriction=None if restriction in (None, "-1", "-None-") else restriction,
            line=row.line,
        )
        existing = perms.setdefault(role_id, {}).get(key)
        if existing is not None and (existing.level, existing.restriction) != (
            entry.level,
            entry.restriction,
        ):
            raise _RowProblem(
                f"role {role_id!r} lists {key} twice with different levels (line {existing.line})"
            )
        perms[role_id].setdefault(key, entry)

    _rows_of(table, problems, build)
    result = tuple(
        Role(
            id=role_id,
            path=path,
            line=first_line[role_id],
            permissions=tuple(sorted(perms.get(role_id, {}).values(), key=lambda p: p.permkey)),
            **attrs,  # type: ignore[arg-type]
        )
        for role_id, attrs in roles.items()
    )
    return CsvExport(path, table.kind, Snapshot(roles=result))


def _tokens(table: Table, order: DateReading, problems: Problems) -> CsvExport:
    path, kind = table.path, table.kind
    tokens: list[Token] = []
    seen: dict[str, int] = {}

    def build(row: _Row) -> None:
        user = _required(row, "user")
        role = _required(row, "role")
        application = row.values.get("application") or None
        if kind == "client-credentials":
            certificate = _required(row, "certificate")
            token_id = row.values.get("internal_id") or f"m2m:{certificate}"
            name = f"{application or 'M2M'} ({certificate})"
        else:
            name = _required(row, "token_name")
            token_id = row.values.get("internal_id") or name
        if token_id in seen:
            raise _RowProblem(
                f"token {token_id!r} appears twice (first on line {seen[token_id]}); add the "
                "Internal ID column to tell tokens with the same name apart"
            )
        inactive = any(
            _yes(row.values[c], c.title()) for c in ("inactive", "revoked") if c in row.values
        )
        if row.values.get("revocation_date"):
            _date(row.values["revocation_date"], order)
            inactive = True
        created = _date(row.values.get("created", ""), order)
        seen[token_id] = row.line
        tokens.append(
            Token(
                id=token_id,
                user=user,
                role=role,
                type="client_credentials" if kind == "client-credentials" else "tba",
                name=name,
                integration=application,
                inactive=inactive,
                created=created,
            )
        )

    _rows_of(table, problems, build)
    return CsvExport(path, kind, Snapshot(tokens=tuple(tokens)), seen)


_FLOWS: Mapping[str, AuthFlow] = {
    "flow_tba": "tba",
    "flow_auth_code": "auth_code",
    "flow_client_credentials": "client_credentials",
    "flow_user_credentials": "user_credentials",
}
_FLOW_LABELS = {
    "flow_tba": "Token-Based Authentication",
    "flow_auth_code": "Authorization Code Grant",
    "flow_client_credentials": "Client Credentials (Machine to Machine) Grant",
    "flow_user_credentials": "User Credentials",
}


def _integrations(table: Table, problems: Problems) -> CsvExport:
    found: list[Integration] = []
    seen: dict[str, int] = {}

    def build(row: _Row) -> None:
        name = _required(row, "name")
        integration_id = row.values.get("internal_id") or name
        if integration_id in seen:
            raise _RowProblem(
                f"integration {integration_id!r} appears twice (first on line "
                f"{seen[integration_id]})"
            )
        state_text = row.values.get("state", "").strip().lower()
        if state_text.startswith("blocked"):
            state: Literal["enabled", "blocked"] = "blocked"
        elif state_text in ("", "enabled") or state_text.startswith("enabled"):
            state = "enabled"
        else:
            raise _RowProblem(f"state {row.values['state']!r}: expected Enabled or Blocked")
        flows = tuple(
            flow
            for column, flow in _FLOWS.items()
            if column in row.values and _yes(row.values[column], _FLOW_LABELS[column])
        )
        seen[integration_id] = row.line
        found.append(
            Integration(
                id=integration_id,
                name=name,
                application_id=row.values.get("application_id") or None,
                state=state,
                auth_flows=flows,
                path=table.path,
                line=row.line,
            )
        )

    _rows_of(table, problems, build)
    return CsvExport(table.path, table.kind, Snapshot(integrations=tuple(found)))


def _employees(table: Table, problems: Problems) -> CsvExport:
    """One row per employee and role (a search with a Role column lists an employee once
    per role); an employee without Login Access keeps no roles: it cannot log in."""
    users: dict[str, dict[str, object]] = {}
    roles: dict[str, list[str]] = {}
    perms: dict[str, dict[str, Permission]] = {}
    lines: dict[str, int] = {}

    def build(row: _Row) -> None:
        name = _required(row, "name")
        user_id = row.values.get("internal_id") or name
        attrs: dict[str, object] = {"name": name}
        if row.values.get("email"):
            attrs["email"] = row.values["email"]
        if "inactive" in row.values:
            attrs["inactive"] = _yes(row.values["inactive"], "Inactive")
        access = (
            _yes(row.values["give_access"], "Login Access") if "give_access" in row.values else True
        )
        attrs["access"] = access
        known = users.setdefault(user_id, attrs)
        lines.setdefault(user_id, row.line)
        if known != attrs:
            raise _RowProblem(
                f"employee {user_id!r} is described differently here than on line {lines[user_id]}"
            )
        role = row.values.get("role", "")
        if role and role not in roles.setdefault(user_id, []):
            roles[user_id].append(role)
        permission = row.values.get("permission", "")
        if permission:
            key = _permkey(permission)
            level = _level(_required(row, "level"))
            held = perms.setdefault(user_id, {}).get(key)
            if held is not None and held.level != level:
                raise _RowProblem(
                    f"employee {user_id!r} holds global permission {key} at two levels "
                    f"(line {held.line})"
                )
            perms[user_id].setdefault(key, Permission(permkey=key, level=level, line=row.line))

    _rows_of(table, problems, build)
    result = []
    for user_id, attrs in users.items():
        access = attrs.pop("access")
        result.append(
            User(
                id=user_id,
                roles=tuple(roles.get(user_id, ())) if access else (),
                global_permissions=tuple(
                    sorted(perms.get(user_id, {}).values(), key=lambda p: p.permkey)
                ),
                **attrs,  # type: ignore[arg-type]
            )
        )
    return CsvExport(table.path, table.kind, Snapshot(users=tuple(result)), user_lines=lines)


_SUCCESS = {"success", "successful", "succeeded", "ok"}


def _login_audit(table: Table, order: DateReading, problems: Problems) -> CsvExport:
    logins: list[Login] = []
    notes: list[str] = []
    names_tokens = "token_name" in table.columns
    if not names_tokens:
        notes.append(
            f"{table.path}: the login audit has no 'Token-based Access Token Name' column, so "
            "it tells no token's last use; add that result field (Oracle: 'TBA and the Login "
            "Audit Trail') and export it again"
        )
    if "status" not in table.columns:
        notes.append(
            f"{table.path}: the login audit has no Status column; every row is counted as a "
            "successful login (filter the search on Status: Success, or add the column)"
        )

    def build(row: _Row) -> None:
        day = _date(_required(row, "date"), order)
        status = row.values.get("status", "success").strip().lower()
        name = row.values.get("token_name", "")
        if day is None or not name or status not in _SUCCESS:
            return
        logins.append(Login(name, row.values.get("application") or None, day, row.line))

    _rows_of(table, problems, build)
    return CsvExport(
        table.path,
        table.kind,
        Snapshot(),
        logins=tuple(logins),
        names_tokens=names_tokens,
        notes=tuple(notes),
    )


def build_export(table: Table, order: DateReading, problems: Problems) -> CsvExport:
    kind = table.kind
    if kind == "role-permissions":
        export = _role_permissions(table, problems)
    elif kind == "integrations":
        export = _integrations(table, problems)
    elif kind == "employees":
        export = _employees(table, problems)
    elif kind == "login-audit":
        export = _login_audit(table, order, problems)
    else:
        export = _tokens(table, order, problems)
    notes = export.notes
    if order.relied:
        notes += (
            f"{table.path}: dates such as {order.relied!r} could be day/month or month/day and no "
            "date of the run tells which, so they are read month first (M/D/YYYY, "
            "NetSuite's default Date Format); pass --date-format D/M/YYYY if the exporting "
            "user's Date Format is day first",
        )
    return dataclasses.replace(
        export, columns=frozenset(table.columns), header_line=table.header_line, notes=notes
    )


def read_csv_exports(paths: Sequence[Path], *, date_format: str | None = None) -> list[CsvExport]:
    """Read the CSV exports of one run. Their numeric dates share one order: the
    ``--date-format`` given, else what any date of the run shows (a day above 12). Every
    problem of every file is raised at once."""
    override = parse_date_format(date_format) if date_format else None
    problems = Problems()
    tables: list[Table] = []
    for path in paths:
        try:
            tables.append(read_table(path))
        except SourceError as error:
            problems.extend(error)
    orders = _order_of_run(tables, override, date_format is not None, problems)
    exports = [build_export(t, orders[t.path], problems) for t in tables]
    problems.raise_if_any(SourceError)
    return exports


def read_csv_export(path: Path, *, date_format: str | None = None) -> CsvExport:
    """One CSV export on its own (its dates tell their own order)."""
    return read_csv_exports([path], date_format=date_format)[0]


def load_csv(path: Path) -> Snapshot:
    """A CSV export as a snapshot on its own, names unresolved (see :func:`combine`)."""
    return read_csv_export(path).snapshot


# --- resolving names: CSV rows against the other sources ---------------------------------


#: one role of a cell listing several (split at newlines, semicolons and commas)
_ROLE_PART = re.compile(r"[^\n;,]+")


class _Names:
    """Find an object by id, scriptid, name, email or application id: one or none; two
    is a problem (the file must say which)."""

    def __init__(self, what: str, items: Iterable[Role | User | Integration] = ()) -> None:
        self.what = what
        self.by_key: dict[str, list[str]] = {}
        self._longest: int | None = None
        for item in items:
            self.add(item)

    def add(self, item: Role | User | Integration) -> None:
        self._longest = None
        keys = {item.id, item.id.casefold(), item.name.casefold()}
        for attr in ("scriptid", "email", "application_id"):
            value = getattr(item, attr, None)
            if value:
                keys.add(value.casefold())
        for key in keys:
            ids = self.by_key.setdefault(key, [])
            if item.id not in ids:
                ids.append(item.id)

    def longest(self) -> int:
        """The length of the longest key (a reference longer than it, spacing folded,
        finds nothing)."""
        if self._longest is None:
            self._longest = max(map(len, self.by_key), default=0)
        return self._longest

    def find(self, ref: str) -> str | None:
        found = self.by_key.get(ref) or self.by_key.get(" ".join(ref.split()).casefold())
        if not found:
            return None
        if len(found) > 1:
            raise _RowProblem(
                f"{self.what} {ref!r} is ambiguous in the sources ({', '.join(found)}); add "
                "the Internal ID column to the export"
            )
        return found[0]


@dataclass(frozen=True, slots=True)
class CsvLocator:
    """Where each subject read from a CSV export is: its file and (first) row."""

    path: str
    places: Mapping[tuple[str, str], tuple[str, int]]
    permission_lines: Mapping[tuple[str, str, str], tuple[str, int]]

    def permission_place(self, section: str, subject_id: str, permkey: str) -> Location | None:
        """The row permission ``permkey`` of the subject was read from, or None."""
        place = self.permission_lines.get((section, subject_id, permkey))
        return Location(place[0], place[1]) if place is not None else None

    def locate(self, section: str, subject_id: str, permkey: str | None = None) -> Location:
        if permkey is not None:
            found = self.permission_place(section, subject_id, permkey)
            if found is not None:
                return found
        place = self.places.get((section, subject_id))
        if place is None:
            return Location(self.path)
        return Location(place[0], place[1])


@dataclass(frozen=True, slots=True)
class Combined:
    snapshot: Snapshot
    notes: tuple[str, ...]
    locator: CsvLocator


def _standard(ref: str) -> bool:
    from suitelint.catalog import load_catalog

    return load_catalog().standard_role(ref) is not None


def _role_keys(ref: str) -> tuple[str, ...]:
    """The ids a role reference can end up as: itself, or a standard role's id and
    script id (``add_standard_roles`` adds those)."""
    from suitelint.catalog import load_catalog

    standard = load_catalog().standard_role(ref)
    if standard is None:
        return (ref,)
    return tuple(k for k in (ref, standard.id, standard.scriptid) if k)


def _merge_global_permissions(
    base: User, listed: User, path: str, problems: Problems
) -> User | None:
    """``base`` (the user as the other sources give it) with the global permissions the
    employees export lists for it and the sources do not, or None when it lists none
    new. A permission held at another level than the sources say is a conflict, reported
    at its row: neither level is a guess."""
    held = {perm.permkey: perm for perm in base.global_permissions}
    added: list[Permission] = []
    for perm in listed.global_permissions:
        known = held.get(perm.permkey)
        if known is None:
            added.append(perm)
        elif known.level != perm.level:
            problems.row(
                path,
                f"user {listed.name!r} holds global permission {perm.permkey} at "
                f"{perm.level} here and at {known.level} in another source; a conflict "
                "between sources is not resolved silently",
                perm.line,
            )
    if not added:
        return None
    permissions = sorted((*base.global_permissions, *added), key=lambda p: p.permkey)
    return msgspec.structs.replace(base, global_permissions=tuple(permissions))


def combine(base: Snapshot, exports: Sequence[CsvExport], *, account: bool = False) -> Combined:
    """Add CSV exports to the other sources' merged snapshot ``base``.

    * integration lists fill in state and auth flows (only the columns the file has) of
      the integration with the same application id or name, or add it;
    * employees join by internal id, name or email; their roles resolve by id,
      scriptid or name;
    * token and M2M lists resolve their role, user and application the same way; a
      token already in ``base`` (same id, or same name, user and role) is not added;
    * the login audit gives each token, by name, its latest successful login.

    ``account``: ``base`` is a whole exported account (``export --csv``), so every name
    must be in it. Otherwise a token list without any users in the sources makes its
    users from the names it gives, and an application no source lists becomes a bare
    integration. Every problem is raised at once, each at its file and line.
    """
    problems = Problems()
    notes: list[str] = []
    places: dict[tuple[str, str], tuple[str, int]] = {}
    permission_lines: dict[tuple[str, str, str], tuple[str, int]] = {}
    integrations = {i.id: i for i in base.integrations}
    users = {u.id: u for u in base.users}
    roles = _Names("role", base.roles)
    for role in base.roles:
        if role.path is not None and role.line is not None:
            places.setdefault(("roles", role.id), (role.path, role.line))
        for perm in role.permissions:
            if role.path is not None and perm.line is not None:
                permission_lines.setdefault(
                    ("roles", role.id, perm.permkey), (perm.path or role.path, perm.line)
                )

    def role_refs(ref: str) -> list[str]:
        found = roles.find(ref)
        if found is not None:
            return [found]
        if _standard(ref):
            return [ref]
        spans = [m.span() for m in _ROLE_PART.finditer(ref) if m.group().strip()]
        parts = [ref[a:b].strip() for a, b in spans]
        if len(parts) > 1:
            resolved = [roles.find(p) or (p if _standard(p) else None) for p in parts]
            if all(resolved):
                # A role whose name holds the separator ("Sales, West") beside roles named
                # as its parts: the cell reads more than one way, and neither is a guess.
                # A name of n characters spans at most n // 2 + 1 parts (each part is a
                # character and a separator at least): each part starts a few candidates.
                widest = roles.longest() // 2 + 1
                for i in range(len(spans)):
                    for j in range(i + 2, min(len(spans), i + widest) + 1):
                        joined = ref[spans[i][0] : spans[j - 1][1]].strip()
                        if roles.find(joined):
                            raise _RowProblem(
                                f"roles {ref!r} read more than one way: {joined!r} is a "
                                "role, and so is each part of it, so which roles are meant "
                                "cannot be told; export one role per row"
                            )
                return [r for r in resolved if r]
        raise _RowProblem(
            f"role {ref!r} is not in the exported account"
            if account
            else f"role {ref!r} is not among the roles of the sources"
        )

    # integrations
    for part in (e for e in exports if e.kind == "integrations"):
        names = _Names("integration", integrations.values())
        for row in part.snapshot.integrations:
            assert row.line is not None
            try:
                found = (names.find(row.application_id) if row.application_id else None) or (
                    names.find(row.name)
                )
            except _RowProblem as problem:
                problems.row(part.path, problem.message, row.line)
                continue
            if found is None:
                added = msgspec.structs.replace(row, path=None, line=None) if account else row
                integrations[row.id] = added
                places[("integrations", row.id)] = (part.path, row.line)
                continue
            base_integration = integrations[found]
            changes: dict[str, object] = {}
            if "state" in part.columns:
                changes["state"] = row.state
            if any(c in part.columns for c in _FLOWS):
                changes["auth_flows"] = row.auth_flows
            if row.application_id:
                if (
                    base_integration.application_id
                    and base_integration.application_id.casefold()
                    != (row.application_id.casefold())
                ):
                    problems.row(
                        part.path,
                        f"integration {row.name!r} has application id {row.application_id!r} "
                        f"here and {base_integration.application_id!r} in another source",
                        row.line,
                    )
                    continue
                changes["application_id"] = base_integration.application_id or row.application_id
            integrations[found] = msgspec.structs.replace(base_integration, **changes)
            places.setdefault(("integrations", found), (part.path, row.line))

    # employees
    user_names = _Names("user", users.values())
    for part in (e for e in exports if e.kind == "employees"):
        for user in part.snapshot.users:
            line = part.user_lines.get(user.id, part.header_line)
            try:
                resolved: list[str] = []
                for ref in user.roles:
                    for role_id in role_refs(ref):
                        if role_id not in resolved:
                            resolved.append(role_id)
                candidate = msgspec.structs.replace(user, roles=tuple(resolved))
                for role_id in resolved:
                    for role_key in _role_keys(role_id):
                        places.setdefault(("roles", role_key), (part.path, line))
                found = user_names.find(user.id) if user.id != user.name else None
                found = found or user_names.find(user.name)
                if found is None and user.email:
                    found = user_names.find(user.email)
            except _RowProblem as problem:
                problems.row(part.path, problem.message, line)
                continue
            # a finding on a global permission is placed at the export's row, unless
            # another source gave the permission first (then at that source's place)
            given = {p.permkey for p in users[found].global_permissions} if found else set()
            for perm in candidate.global_permissions:
                if perm.line is not None and perm.permkey not in given:
                    permission_lines.setdefault(
                        ("users", found or candidate.id, perm.permkey), (part.path, perm.line)
                    )
            if found is None:
                users[candidate.id] = candidate
                user_names.add(candidate)
                places[("users", candidate.id)] = (part.path, line)
                continue
            base_user = users[found]
            merged = _merge_global_permissions(base_user, candidate, part.path, problems)
            if merged is not None:
                base_user = users[found] = merged
            if base_user.inactive != candidate.inactive or set(base_user.roles) != set(
                candidate.roles
            ):
                what = (
                    f"inactive {base_user.inactive} vs {candidate.inactive}"
                    if base_user.inactive != candidate.inactive
                    else f"roles {sorted(base_user.roles)} vs {sorted(candidate.roles)}"
                )
                problems.row(
                    part.path,
                    f"user {user.name!r} is described differently by another source: {what}; "
                    "a conflict between sources is not resolved silently",
                    line,
                )
            places.setdefault(("users", found), (part.path, line))

    # tokens and M2M mappings
    tokens = list(base.tokens)
    by_id = {t.id: t for t in tokens}
    exported = {(t.name, t.user, t.role) for t in tokens}
    have_users = bool(users)
    made_users: set[str] = set()
    for part in (e for e in exports if e.kind in ("access-tokens", "client-credentials")):
        for token in part.snapshot.tokens:
            line = part.lines.get(token.id, part.header_line)
            try:
                role_ids = role_refs(token.role)
                if len(role_ids) != 1:
                    raise _RowProblem(f"role {token.role!r} names more than one role")
                user_id = user_names.find(token.user)
                if user_id is None:
                    if have_users or account:
                        raise _RowProblem(
                            f"user {token.user!r} is not in the exported account"
                            if account
                            else f"user {token.user!r} is not among the users of the "
                            "sources; export the Employees list with Show Inactives "
                            "checked, so departed users are in it too"
                        )
                    user_id = token.user
                    if user_id not in users:
                        users[user_id] = User(id=user_id, name=user_id, named_only=True)
                        user_names.add(users[user_id])
                        made_users.add(user_id)
                        places[("users", user_id)] = (part.path, line)
                app: str | None = None
                if token.integration:
                    app = _Names("integration", integrations.values()).find(token.integration)
                    if app is None:
                        if account:
                            raise _RowProblem(
                                f"integration {token.integration!r} is not in the exported account"
                            )
                        app = token.integration
                        integrations[app] = Integration(id=app, name=app)
                        places[("integrations", app)] = (part.path, line)
            except _RowProblem as problem:
                problems.row(part.path, problem.message, line)
                continue
            resolved_token = msgspec.structs.replace(
                token, role=role_ids[0], user=user_id, integration=app
            )
            for role_key in _role_keys(role_ids[0]):  # a role no file defines: its first user
                places.setdefault(("roles", role_key), (part.path, line))
            key = (resolved_token.name, resolved_token.user, resolved_token.role)
            if key in exported:
                continue  # the API (or a snapshot) has it already
            if token.id in by_id:
                problems.row(
                    part.path,
                    f"token id {token.id!r} is already in another source as "
                    f"{by_id[token.id].label!r}",
                    line,
                )
                continue
            tokens.append(resolved_token)
            by_id[token.id] = resolved_token
            exported.add(key)
            places[("tokens", token.id)] = (part.path, line)
    if made_users:
        notes.append(
            f"no Employees export among the sources: {len(made_users)} user(s) are known "
            "only by the name a token list gives, so whether they are still active is "
            "unknown (add the Employees list, Show Inactives checked)"
        )

    # the login audit trail
    audits = [e for e in exports if e.kind == "login-audit"]
    login_audit = base.login_audit
    for part in exports:
        notes.extend(part.notes)
    for part in audits:
        if part.names_tokens:
            login_audit = True
    if audits:
        tokens = _last_use(tokens, integrations, audits, notes)
    problems.raise_if_any(SourceError)
    snapshot = msgspec.structs.replace(
        base,
        users=tuple(users.values()),
        integrations=tuple(integrations.values()),
        tokens=tuple(tokens),
        login_audit=login_audit,
    )
    first = exports[0].path if exports else ""
    return Combined(snapshot, tuple(notes), CsvLocator(first, places, permission_lines))


def _last_use(
    tokens: Sequence[Token],
    integrations: Mapping[str, Integration],
    audits: Sequence[CsvExport],
    notes: list[str],
) -> list[Token]:
    """Each token's latest successful login. The audit names tokens, not ids: a name two
    tokens share (and the application does not tell apart) leaves both unknown."""
    by_name: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        if token.name:
            by_name.setdefault(token.name.casefold(), []).append(index)
    latest: dict[int, dt.date] = {}
    ambiguous: dict[str, tuple[str, int]] = {}
    for part in audits:
        for login in part.logins:
            candidates = by_name.get(login.token_name.casefold(), [])
            if len(candidates) > 1 and login.application:
                app = login.application.casefold()
                candidates = [
                    i
                    for i in candidates
                    if (integration := integrations.get(tokens[i].integration or "")) is not None
                    and integration.name.casefold() == app
                ]
            if len(candidates) == 1:
                index = candidates[0]
                if index not in latest or latest[index] < login.day:
                    latest[index] = login.day
            elif len(candidates) > 1:
                ambiguous.setdefault(login.token_name, (part.path, login.line))
    for name, (path, line) in sorted(ambiguous.items()):
        notes.append(
            f"{path}:{line}: the login audit names token {name!r}, which more than one token "
            "is called; their last use is left unknown (rename one of them)"
        )
    result = list(tokens)
    for index, day in latest.items():
        token = result[index]
        if token.last_used is None or token.last_used < day:
            result[index] = msgspec.structs.replace(token, last_used=day)
    return result


def merge_into_account(snapshot: Snapshot, parts: Sequence[tuple[str, CsvExport]]) -> Snapshot:
    """``export --csv``: add CSV exports to an exported account (integration auth flows
    and state, M2M mappings, tokens the API did not return, logins). Every name must
    resolve to exactly one role, user or integration of the account (fail closed)."""
    return into_account(snapshot, parts)[0]


def into_account(
    snapshot: Snapshot, parts: Sequence[tuple[str, CsvExport]]
) -> tuple[Snapshot, tuple[str, ...]]:
    """:func:`merge_into_account`, and the warnings the CSV files gave."""
    for label, part in parts:
        if part.kind == "role-permissions":
            raise SourceError(
                "role permissions come from the account itself; a role-permission CSV is for "
                "'suitelint check', not 'export --csv'",
                label,
            )
    combined = combine(snapshot, [part for _, part in parts], account=True)
    return sort_snapshot(combined.snapshot), combined.notes
