"""Export a live account over SuiteQL into a :class:`~suitelint.model.Snapshot`.

What the REST API gives (suiteql-and-rest.md §3 and "Answers to open questions"):

* roles: ``role`` (``SELECT *``: which flag columns exist varies, §3.1);
* role permissions: ``rolepermissions`` (§3.2). It easily passes the 100,000-row cap
  of one REST query (§2, §A6), so suitelint first counts rows per role, then reads
  contiguous role-id ranges of at most 100,000 rows, every page of which is known up
  front and fetched concurrently;
* users: ``employee`` rows with login access (§3.3), their roles from
  ``employeerolesforsearch`` or else ``employeeroles`` (§A1), global permissions from
  ``employeeempperms`` (§A4, columns probed);
* integration records: ``integration`` or else ``integrationapp`` (§A2): id, name,
  application id, state. Which auth flows a record allows is **not** exposed: give it
  from CSV (``--csv``) or leave ``auth_flows`` empty;
* TBA access tokens: ``oauthtoken`` (§A3); when each was last used: ``loginaudit``,
  joined by token *name* (§A5), so a name two tokens share is left unset;
* OAuth 2.0 client-credentials (M2M) mappings are **not** exposed (§A3): CSV only.

Every query pages with a unique ``ORDER BY`` (§2). Pages run on a bounded thread pool;
the pool is kept busy by planning every page whose offset is known as soon as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import operator
import queue
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import msgspec

from suitelint.errors import SourceError, UsageError
from suitelint.model import (
    Account,
    Environment,
    Integration,
    Level,
    LevelName,
    Permission,
    Role,
    Snapshot,
    Token,
    User,
    id_order,
    parse_level,
)
from suitelint.netsuite.client import (
    MAX_PAGE_SIZE,
    MAX_QUERY_ROWS,
    DeadlineExceeded,
    Page,
    QueryError,
    Row,
    SuiteQLClient,
    host_of,
    pages_of,
)
from suitelint.restrictions import canonical

log = logging.getLogger(__name__)

#: Default worker count. NetSuite's account-wide limit is 5 + 10 per SuiteCloud Plus
#: licence on the standard tier (section_1525253248.html, suiteql-and-rest.md §5) and is
#: shared with every other integration; 4 stays inside the smallest limit.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 100

Progress = Callable[[int, int], None]

# --- the queries ------------------------------------------------------------------------

SQL_ROLES = "SELECT * FROM role ORDER BY id"
SQL_PERMISSION_COUNTS = (
    "SELECT role, COUNT(*) AS n FROM rolepermissions GROUP BY role ORDER BY role"
)
SQL_PERMISSIONS = (
    "SELECT role, permkey, permlevel, restriction FROM rolepermissions "
    "WHERE role >= {low} AND role <= {high} ORDER BY role, permkey"
)
SQL_EMPLOYEES = (
    "SELECT id, entityid, email, isinactive FROM employee WHERE giveaccess = 'T' ORDER BY id"
)
SQL_EMPLOYEE_ROLES = "SELECT entity, role FROM employeerolesforsearch ORDER BY entity, role"
SQL_EMPLOYEE_ROLES_SUBLIST = (
    "SELECT entity, selectedrole AS role FROM employeeroles ORDER BY entity, selectedrole"
)
SQL_GLOBAL_PROBE = "SELECT * FROM employeeempperms WHERE ROWNUM <= 1"
SQL_GLOBAL = (
    "SELECT {employee}, {permkey}, {level} FROM employeeempperms ORDER BY {employee}, {permkey}"
)
SQL_INTEGRATIONS = "SELECT id, name, applicationid, state FROM integration ORDER BY id"
SQL_INTEGRATION_APPS = "SELECT id, name, state FROM integrationapp ORDER BY id"
SQL_TOKENS = (
    "SELECT id, tba_token_name AS name, tba_app_name AS integration, "
    "BUILTIN.DF(tba_app_name) AS integrationname, entity_name AS entity, "
    "BUILTIN.DF(entity_name) AS entityname, role_name AS role, binactive, brevoked, "
    "TO_CHAR(dcreated, 'YYYY-MM-DD') AS created FROM oauthtoken ORDER BY id"
)
SQL_LAST_USED = (
    "SELECT oauthaccesstokenname AS name, TO_CHAR(MAX(date), 'YYYY-MM-DD') AS lastused "
    "FROM loginaudit WHERE status = 'Success' AND oauthaccesstokenname IS NOT NULL "
    "GROUP BY oauthaccesstokenname ORDER BY oauthaccesstokenname"
)

# Candidate column names for the probed employeeempperms table (§A4: by analogy with the
# REST sublist's permKey1/permLevel1).
_GLOBAL_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "employee": ("employee", "entity", "employeeid"),
    "permkey": ("permkey", "permkey1", "permission", "perm"),
    "level": ("permlevel", "permlevel1", "level", "permissionlevel"),
}
# Role flag columns are unverified (§3.1): take the first that the account returns.
_ROLE_FLAGS: Mapping[str, tuple[str, ...]] = {
    "web_services_only": ("iswebserviceonlyrole", "webserviceonlyrole", "iswebservicesonly"),
    "two_factor_required": ("tfarequired", "twofactorrequired", "istwofactorrequired"),
    "core_admin": ("coreadminpermission",),
}


@dataclass(frozen=True, slots=True)
class Query:
    key: str
    sql: str
    #: a refusal (table missing, no permission) is a result, not an error
    optional: bool = False
    #: when known, every page is planned at once
    expected_total: int | None = None
    #: tried instead when this one is refused
    fallback: Query | None = None
    #: turns each row into its model value on the worker thread, as pages arrive, so
    #: the conversion overlaps the network wait instead of following it
    convert: Callable[[Any], Any] | None = None
    #: decode items straight into this struct (large tables; see SuiteQLClient.page)
    row_type: type[msgspec.Struct] | None = None
    #: hand each page to the follow-up as it arrives, not the whole result at the end
    stream: bool = False


@dataclass(slots=True)
class _State:
    query: Query
    total: int | None = None
    submitted: set[int] = field(default_factory=set)
    pages: dict[int, tuple[Row, ...]] = field(default_factory=dict)
    failed: bool = False


#: rows (or what ``Query.convert`` made of them), or why the query was refused
Outcome = list[Any] | QueryError
Followup = Callable[[str, list[Row]], Sequence[Query]]


class Runner:
    """Runs queries on a bounded pool, page by page, keeping every worker busy."""

    def __init__(
        self,
        client: SuiteQLClient,
        workers: int,
        *,
        page_size: int = MAX_PAGE_SIZE,
        max_rows: int = MAX_QUERY_ROWS,
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.workers = workers
        self.page_size = page_size
        self.max_rows = max_rows
        self.progress = progress
        self.planned = 0
        self.done = 0

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.planned)

    def run(self, initial: Sequence[Query], followup: Followup) -> dict[str, Outcome]:
        results: dict[str, Outcome] = {}
        pending: dict[Future[Page], tuple[_State, int]] = {}
        # Finished futures arrive on a queue: O(1) per page, where concurrent.futures.wait
        # would lock every pending future (hundreds) on every completion.
        finished: queue.SimpleQueue[Future[Page]] = queue.SimpleQueue()
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="suiteql")

        def submit(state: _State, offset: int) -> None:
            state.submitted.add(offset)
            future = pool.submit(self._fetch, state.query, offset)
            pending[future] = (state, offset)
            future.add_done_callback(finished.put)
            self.planned += 1

        def plan(state: _State, total: int) -> None:
            if total > self.max_rows:
                raise SourceError(
                    f"query {state.query.key!r} returns {total} rows; REST SuiteQL serves at "
                    f"most {self.max_rows} rows per query",
                    self.client.url,
                )
            state.total = total
            for offset in pages_of(total, self.page_size):
                if offset not in state.submitted:
                    submit(state, offset)

        def start(query: Query) -> None:
            state = _State(query)
            log.info("query %s: %s", query.key, query.sql)
            if query.expected_total is not None:
                plan(state, query.expected_total)
            else:
                submit(state, 0)
            self._tick()

        try:
            for query in initial:
                start(query)
            while pending:
                left = self.client.remaining()
                try:
                    future = finished.get(timeout=None if left is None else max(left, 0.0))
                except queue.Empty:
                    raise DeadlineExceeded("the deadline passed", self.client.url) from None
                state, offset = pending.pop(future)
                if state.failed:
                    continue
                try:
                    page = future.result()
                except QueryError as exc:
                    query = state.query
                    # An optional query's refusal is a result (a note says why, a column
                    # NetSuite does not know included); a fallback is tried only when the
                    # table is not there, never because of a column: that would change the
                    # query read without a word.
                    if query.fallback is not None:
                        if not exc.not_available:
                            raise
                    elif not (query.optional and exc.status in (400, 403, 404)):
                        raise
                    state.failed = True
                    log.info("query %s refused: %s", query.key, exc)
                    if query.fallback is not None:
                        start(query.fallback)
                    else:
                        results[query.key] = exc
                    continue
                self.done += 1
                self._accept(state, offset, page, plan)
                if state.query.stream:
                    for query in followup(state.query.key, list(page.items)):
                        start(query)
                if state.total is not None and len(state.pages) == len(
                    pages_of(state.total, self.page_size)
                ):
                    rows = [row for off in sorted(state.pages) for row in state.pages[off]]
                    results[state.query.key] = rows
                    if not state.query.stream:
                        for query in followup(state.query.key, rows):
                            start(query)
                self._tick()
        except BaseException:
            self.client.cancel()  # running workers stop at their next request or wait
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return results

    def _fetch(self, query: Query, offset: int) -> Page:
        page = self.client.page(query.sql, offset, self.page_size, row_type=query.row_type)
        if query.convert is None:
            return page
        return dataclasses.replace(page, items=tuple(map(query.convert, page.items)))

    def _accept(
        self, state: _State, offset: int, page: Page, plan: Callable[[_State, int], None]
    ) -> None:
        if state.total is None:
            plan(state, page.total)
        elif page.total != state.total:
            raise _changed(state.query, state.total, page.total)
        assert state.total is not None
        expected = max(0, min(self.page_size, state.total - offset))
        if len(page.items) != expected:
            raise _changed(state.query, expected, len(page.items), what="rows on a page")
        state.pages[offset] = page.items


def _changed(query: Query, before: int, now: int, what: str = "rows") -> SourceError:
    return SourceError(
        f"the account changed during the export ({query.key}: {before} {what} became {now}); "
        "run the export again"
    )


# --- account ids ------------------------------------------------------------------------

_ACCOUNT = re.compile(r"^[0-9A-Za-z]+(?:[_-][A-Za-z]{2,4}\d*)?$")
_SANDBOX = re.compile(r"[_-]SB\d+$", re.IGNORECASE)


def normalise_account(raw: str, sandbox: bool) -> tuple[str, Environment]:
    """The account id as the OAuth realm spells it (upper case, ``_``: §1) and its
    environment. A sandbox id ends in ``_SB<n>``; ``--sandbox`` without one is an error,
    and an ``_SB<n>`` id is a sandbox even without the flag."""
    text = raw.strip()
    if not _ACCOUNT.match(text) or len(text) > 40:
        raise UsageError(
            f"--account {raw!r} is not a NetSuite account id (e.g. 1234567 or 1234567_SB1)"
        )
    realm = text.upper().replace("-", "_")
    is_sandbox = bool(_SANDBOX.search(realm))
    if sandbox and not is_sandbox:
        raise UsageError(
            f"--sandbox given but {raw!r} is not a sandbox account id; a sandbox's id ends "
            f"in _SB<n>, e.g. {realm}_SB1"
        )
    return realm, ("sandbox" if is_sandbox else "production")


# --- rows → model -----------------------------------------------------------------------

_TRUE = {"t", "true", "1", "y", "yes", "required"}
_FALSE = {"f", "false", "0", "n", "no", "", "not_required", "notrequired"}


def _flag(row: Row, column: str, where: str) -> bool:
    value = (row.get(column) or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SourceError(f"{where}: column {column} has {value!r}; expected T or F")


#: values seen in unverified columns (suiteql-and-rest.md §3.1) that still mean a flag
_TRUE_UNVERIFIED = _TRUE | {"on", "enabled"}
_FALSE_UNVERIFIED = _FALSE | {"off", "none", "disabled", "not required"}


class Unverified:
    """Tolerant decoding of columns whose names or values no source confirms (role flags,
    integration state, employeeempperms): a value that cannot be read leaves the field
    unknown, at its default, and is reported once per column and value, naming both;
    it never fails the export."""

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self.seen: dict[tuple[str, str], tuple[str, list[str]]] = {}

    def unexpected(self, column: str, value: str, subject: str, result: str) -> None:
        self.seen.setdefault((column, value), (result, []))[1].append(subject)

    def flag(self, row: Row, column: str, subject: str, field: str) -> bool:
        value = (row.get(column) or "").strip()
        if value.lower() in _TRUE_UNVERIFIED:
            return True
        if value.lower() not in _FALSE_UNVERIFIED:
            self.unexpected(column, value, subject, f"{field} is left unknown (false)")
        return False

    def flush(self) -> None:
        for (column, value), (result, subjects) in self.seen.items():
            shown = ", ".join(subjects[:3])
            if len(subjects) > 3:
                shown += f" and {len(subjects) - 3} more"
            self.notes.append(
                f"column {column} has the unexpected value {value!r} ({shown}); {result}; "
                "check it in the NetSuite UI"
            )
        self.seen.clear()


def _level(value: str, where: str) -> LevelName:
    try:
        return parse_level(value).name  # type: ignore[return-value]
    except ValueError:
        raise SourceError(
            f"{where}: permission level {value!r}; expected 0..4 or NONE..FULL"
        ) from None


def _date(value: str, where: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise SourceError(f"{where}: date {value!r} is not YYYY-MM-DD") from None


def _id(value: str, where: str) -> str:
    text = value.strip()
    if not text:
        raise SourceError(f"{where}: empty internal id")
    return text


def _require_columns(rows: Sequence[Row], columns: Iterable[str], what: str) -> None:
    if not rows:
        return
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise SourceError(
            f"{what}: NetSuite returned no column {', '.join(missing)} "
            f"(got {', '.join(sorted(rows[0])) or 'none'})"
        )


#: What the REST API never exposes (suiteql-and-rest.md §A2, §A3): said once per export
#: unless CSV exports supply it.
GAPS = (
    "integration auth flows (TBA, auth code grant, client credentials) are not exposed by the "
    "REST API; give them with --csv (Manage Integrations list export)",
    "OAuth 2.0 client-credentials (M2M) mappings are not exposed by the REST API; give them "
    "with --csv (OAuth 2.0 Client Credentials Setup list export)",
)


@dataclass(frozen=True, slots=True)
class ExportResult:
    snapshot: Snapshot
    #: what could not be exported and why (printed as warnings by the CLI)
    notes: tuple[str, ...]
    pages: int
    retries: int


def permission_ranges(counts: Sequence[Row], max_rows: int) -> list[tuple[str, str, int]]:
    """Contiguous role-id ranges holding at most ``max_rows`` permission rows each."""
    _require_columns(counts, ("role", "n"), "rolepermissions counts")
    parsed: list[tuple[int, int]] = []
    for row in counts:
        text = (row.get("role") or "").strip()
        if not text.isdigit():
            raise SourceError(f"rolepermissions: role id {text!r} is not numeric")
        rows = (row.get("n") or "0").strip()
        if not rows.isdigit():
            raise SourceError(f"rolepermissions: role {text} counts {rows!r} rows")
        parsed.append((int(text), int(rows)))
    parsed.sort()
    ranges: list[tuple[str, str, int]] = []
    low: int | None = None
    high = 0
    total = 0
    for role, count in parsed:
        if low is not None and total + count > max_rows:
            ranges.append((str(low), str(high), total))
            low = None
        if low is None:
            low, total = role, 0
        high = role
        total += count
    if low is not None:
        ranges.append((str(low), str(high), total))
    return ranges


def _global_query(
    probe: Sequence[Row], chosen: dict[str, str], notes: list[str] | None = None
) -> Query | None:
    """Pick the employeeempperms columns from a probe row; ``chosen`` receives them. The
    columns are unverified (§A4): when they cannot be told, a note says users carry no
    global permissions, and the export goes on."""
    if not probe:
        return None
    columns = set().union(*probe)
    for name, candidates in _GLOBAL_COLUMNS.items():
        found = next((c for c in candidates if c in columns), None)
        if found is None:
            if notes is not None:
                notes.append(
                    "employeeempperms: cannot tell which column holds the "
                    f"{name} (looked for {', '.join(candidates)}; got "
                    f"{', '.join(sorted(columns))}); users carry no global permissions"
                )
            chosen.clear()
            return None
        chosen[name] = found
    return Query("global", SQL_GLOBAL.format(**chosen), optional=True)


def export_account(
    client: SuiteQLClient,
    account: str,
    environment: Environment,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_query_rows: int = MAX_QUERY_ROWS,
    page_size: int = MAX_PAGE_SIZE,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Read the account and build its snapshot (sorted, so the same account gives the
    same snapshot apart from ``account.exported_at``)."""
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be 1..{MAX_CONCURRENCY}")
    runner = Runner(
        client, concurrency, page_size=page_size, max_rows=max_query_rows, progress=progress
    )

    global_columns: dict[str, str] = {}
    early_notes: list[str] = []

    def followup(key: str, rows: list[Row]) -> Sequence[Query]:
        if key == "counts":
            return [
                Query(
                    f"permissions:{low}-{high}",
                    SQL_PERMISSIONS.format(low=low, high=high),
                    expected_total=total,
                    convert=permission_of,
                    row_type=PermissionRow,
                )
                for low, high, total in permission_ranges(rows, max_query_rows)
            ]
        if key == "global-probe":
            query = _global_query(rows, global_columns, early_notes)
            return [query] if query else []
        return []

    # The count comes first: the permission pages it plans are most of the work. Each of
    # its pages holds whole roles (one row per role, ORDER BY role), so the ranges of a
    # page are planned as soon as it arrives.
    initial = [
        Query("counts", SQL_PERMISSION_COUNTS, stream=True),
        Query("roles", SQL_ROLES),
        Query("employees", SQL_EMPLOYEES),
        Query(
            "employee-roles",
            SQL_EMPLOYEE_ROLES,
            # refused too: _build_users fails with a message that says what to grant
            fallback=Query("employee-roles", SQL_EMPLOYEE_ROLES_SUBLIST, optional=True),
        ),
        Query("tokens", SQL_TOKENS),
        Query(
            "integrations",
            SQL_INTEGRATIONS,
            fallback=Query("integrations", SQL_INTEGRATION_APPS, optional=True),
        ),
        Query("global-probe", SQL_GLOBAL_PROBE, optional=True),
        Query("last-used", SQL_LAST_USED, optional=True),
    ]
    results = runner.run(initial, followup)
    notes: list[str] = list(early_notes)
    snapshot = build_snapshot(results, notes, global_columns)
    account_record = Account(
        id=account,
        environment=environment,
        exported_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        source=f"suitelint export (SuiteQL via {host_of(client.config.base_url)})",
    )
    snapshot = msgspec.structs.replace(snapshot, account=account_record)
    return ExportResult(snapshot, tuple(notes), runner.done, client.retries)


def _rows(results: Mapping[str, Outcome], key: str) -> list[Row]:
    outcome = results.get(key, [])
    return [] if isinstance(outcome, QueryError) else outcome


def build_snapshot(
    results: Mapping[str, Outcome], notes: list[str], global_columns: Mapping[str, str]
) -> Snapshot:
    """Turn query results into a snapshot; ``notes`` collects what is missing and why."""
    roles = _build_roles(results, notes)
    users, user_ids = _build_users(results, notes, global_columns)
    integrations = _build_integrations(results, notes)
    tokens, extra_users, extra_integrations = _build_tokens(results, user_ids, integrations, notes)
    users.extend(extra_users)
    integrations.update(extra_integrations)
    return Snapshot(
        roles=tuple(sorted(roles, key=lambda r: id_order(r.id))),
        users=tuple(sorted(users, key=lambda u: id_order(u.id))),
        integrations=tuple(sorted(integrations.values(), key=lambda i: id_order(i.id))),
        tokens=tuple(sorted(tokens, key=lambda t: id_order(t.id))),
        # the login audit was read: a token without a date was not seen in it
        login_audit=not isinstance(results.get("last-used"), QueryError),
    )


class PermissionRow(msgspec.Struct):
    """A ``rolepermissions`` item (§3.2); ``name`` and ``links`` are ignored."""

    role: str
    permkey: str
    permlevel: str
    restriction: str | None = None


def permission_of(row: PermissionRow) -> tuple[str, Permission]:
    """A rolepermissions row → (role id, permission)."""
    permkey = row.permkey.strip()
    if not permkey:
        raise SourceError(f"rolepermissions role {row.role}: empty permkey")
    restriction = row.restriction
    return row.role.strip(), Permission(
        permkey=permkey,
        level=_LEVEL_DIGITS.get(row.permlevel) or _level(row.permlevel, f"role {row.role}"),
        # "-1" means no restriction (§3.2)
        restriction=None if restriction in (None, "", "-1") else restriction,
    )


_PERMKEY = operator.attrgetter("permkey")
_LEVEL_DIGITS: dict[str, LevelName] = {str(level.value): level.name for level in Level}  # type: ignore[misc]


def _build_roles(results: Mapping[str, Outcome], notes: list[str]) -> list[Role]:
    rows = _rows(results, "roles")
    _require_columns(rows, ("id", "name"), "role")
    permissions: dict[str, list[Permission]] = {}
    for key in sorted(k for k in results if k.startswith("permissions:")):
        outcome = results[key]
        converted: list[tuple[str, Permission]] = [] if isinstance(outcome, QueryError) else outcome
        for role_id, permission in converted:
            permissions.setdefault(role_id, []).append(permission)
    # NetSuite leaves null columns out of an item: look at every row.
    columns: set[str] = set().union(*rows) if rows else set()
    flag_columns: dict[str, str | None] = {}
    unverified = Unverified(notes)
    for attr, candidates in _ROLE_FLAGS.items():
        found = next((c for c in candidates if c in columns), None)
        flag_columns[attr] = found
        if rows and found is None:
            notes.append(
                f"role: NetSuite returned none of the columns {', '.join(candidates)}; "
                f"{attr} is false for every role (check it in the UI or give it by hand)"
            )
    roles: list[Role] = []
    for row in rows:
        role_id = _id(row.get("id") or "", "role")
        where = f"role {role_id}"
        flags = {
            attr: unverified.flag(row, column, where, attr) if column else False
            for attr, column in flag_columns.items()
        }
        options = {
            column: _restriction_option(row, column, aspect, where, unverified)
            for column, aspect in _ROLE_OPTIONS.items()
        }
        subsidiaries: tuple[str, ...] = ()
        if options["subsidiaryoption"] == "SELECTED":
            subsidiaries = _effective_subsidiaries(row.get("effectivesubsidiaries") or "")
        roles.append(
            Role(
                id=role_id,
                name=(row.get("name") or "").strip() or role_id,
                scriptid=(row.get("scriptid") or "").strip() or None,
                inactive=_flag(row, "isinactive", where) if "isinactive" in row else False,
                center_type=(row.get("centertype") or "").strip() or None,
                subsidiary_option=options["subsidiaryoption"],
                employee_restriction=options["employeerestriction"],
                subsidiaries=subsidiaries,
                permissions=tuple(sorted(permissions.pop(role_id, ()), key=_PERMKEY)),
                web_services_only=flags["web_services_only"],
                two_factor_required=flags["two_factor_required"],
                core_admin=flags["core_admin"],
            )
        )
    unverified.flush()
    selected = [r.id for r in roles if r.subsidiary_option == "SELECTED" and not r.subsidiaries]
    if selected:
        shown = ", ".join(sorted(selected, key=id_order)[:5])
        more = f" and {len(selected) - 5} more" if len(selected) > 5 else ""
        notes.append(
            f"roles {shown}{more} reach SELECTED subsidiaries, but NetSuite returned no "
            "effectivesubsidiaries for them: which ones is not exported; add them as the "
            "role's subsidiaries in the snapshot if a policy needs them"
        )
    if rows:
        notes.append(
            "department, class and location restrictions of roles are not exported (no "
            "SuiteQL table for them is confirmed): every role is exported without them, so "
            "restricted_to on departments, classes or locations fails it; read them from "
            "the SDF project (suitelint check <project> <snapshot>) or add them to the snapshot"
        )
    if permissions:
        unknown = ", ".join(sorted(permissions, key=id_order)[:5])
        raise SourceError(f"rolepermissions name roles the role query did not return: {unknown}")
    return roles


def _effective_subsidiaries(text: str) -> tuple[str, ...]:
    """``role.effectivesubsidiaries``: the internal ids of the subsidiaries the role reaches,
    comma-separated ("1, 3"), as three public SuiteScript and Python clients read it (a
    SELECTED role's are its selected ones). Each once, ids in numeric order; a value that
    is no id is kept as written (the snapshot takes names or ids)."""
    ids = {part.strip() for part in text.split(",") if part.strip()}
    return tuple(sorted(ids, key=id_order))


#: role columns holding a restriction (§3.1: ``subsidiaryoption`` is a CData-listed column,
#: ``employeerestriction`` unverified) → the aspect of suitelint.restrictions
_ROLE_OPTIONS = {"subsidiaryoption": "subsidiaries", "employeerestriction": "employees"}


def _restriction_option(
    row: Row, column: str, aspect: str, where: str, unverified: Unverified
) -> str | None:
    """A role's restriction column: its SDF value when the account writes it as SDF does or
    as the role page labels it (any case); a value suitelint does not know is kept as
    written (shown in findings and reports, never a restriction) and named in a warning."""
    text = (row.get(column) or "").strip()
    if not text:
        return None
    found = canonical(aspect, text)
    if found is not None:
        return found
    unverified.unexpected(
        column, text, where, "kept as written and treated as no restriction (unknown to suitelint)"
    )
    return text


def _build_users(
    results: Mapping[str, Outcome], notes: list[str], global_columns: Mapping[str, str]
) -> tuple[list[User], set[str]]:
    rows = _rows(results, "employees")
    _require_columns(rows, ("id", "entityid"), "employee")
    links = results.get("employee-roles", [])
    if isinstance(links, QueryError):
        raise SourceError(
            "cannot read which roles each employee has: neither employeerolesforsearch nor "
            f"employeeroles is available to this role ({links}); grant the role view access "
            "to Employees (Lists > Employees) and Employee Record access"
        )
    _require_columns(links, ("entity", "role"), "employee roles")
    roles_of: dict[str, set[str]] = {}
    for row in links:
        entity = _id(row.get("entity") or "", "employee roles")
        roles_of.setdefault(entity, set()).add(_id(row.get("role") or "", "employee roles"))
    global_rows = results.get("global")
    probe = results.get("global-probe")
    if isinstance(probe, QueryError):
        notes.append(
            "global permissions (employeeempperms) are not available to this role or the "
            f"Global Permissions feature is off ({probe}); users carry none"
        )
    perms_of: dict[str, list[Permission]] = {}
    if isinstance(global_rows, QueryError):
        notes.append(
            f"global permissions (employeeempperms) could not be read ({global_rows}); "
            "users carry none"
        )
    elif global_rows and global_columns:
        employee, permkey, level = (global_columns[k] for k in ("employee", "permkey", "level"))
        unverified = Unverified(notes)
        for row in global_rows:
            who = (row.get(employee) or "").strip()
            key = (row.get(permkey) or "").strip()
            raw_level = (row.get(level) or "").strip()
            subject = f"employee {who or '?'}"
            if not who or not key:
                unverified.unexpected(
                    employee if not who else permkey,
                    "",
                    subject,
                    "the global permission is left out",
                )
                continue
            try:
                parsed = _level(raw_level, subject)
            except SourceError:
                unverified.unexpected(
                    level, raw_level, f"{subject} {key}", "the global permission is left out"
                )
                continue
            perms_of.setdefault(who, []).append(Permission(permkey=key, level=parsed))
        unverified.flush()
    users: list[User] = []
    ids: set[str] = set()
    for row in rows:
        user_id = _id(row.get("id") or "", "employee")
        ids.add(user_id)
        users.append(
            User(
                id=user_id,
                name=(row.get("entityid") or "").strip() or user_id,
                email=(row.get("email") or "").strip() or None,
                inactive=_flag(row, "isinactive", f"employee {user_id}")
                if "isinactive" in row
                else False,
                roles=tuple(sorted(roles_of.get(user_id, ()), key=id_order)),
                global_permissions=tuple(sorted(perms_of.get(user_id, ()), key=_PERMKEY)),
            )
        )
    return users, ids


_ENABLED = {"enabled", "enable", "active", "t", "true", "1", ""}
_BLOCKED = {"blocked", "block", "disabled", "inactive", "f", "false", "0"}


def _integration_state(value: str, where: str, unverified: Unverified) -> str:
    """``integration.state`` as SuiteQL gives it: a label or a raw key (``ENABLED``,
    ``STATE_BLOCKED``...); its values are unverified (§A2), so an unknown one is a note."""
    text = value.strip().lower()
    bare = re.sub(r"^(integration_?)?state_?", "", text)
    if text in _ENABLED or bare in _ENABLED:
        return "enabled"
    if text in _BLOCKED or bare in _BLOCKED:
        return "blocked"
    unverified.unexpected("state", value, where, "the state is left as enabled")
    return "enabled"


def _build_integrations(results: Mapping[str, Outcome], notes: list[str]) -> dict[str, Integration]:
    outcome = results.get("integrations", [])
    if isinstance(outcome, QueryError):
        notes.append(
            "integration records are not queryable here (integration, integrationapp: "
            f"{outcome}); integrations are named from their tokens only"
        )
        return {}
    _require_columns(outcome, ("id",), "integration")
    found: dict[str, Integration] = {}
    unverified = Unverified(notes)
    for row in outcome:
        integration_id = _id(row.get("id") or "", "integration")
        found[integration_id] = Integration(
            id=integration_id,
            name=(row.get("name") or "").strip() or integration_id,
            application_id=(row.get("applicationid") or "").strip() or None,
            state=_integration_state(  # type: ignore[arg-type]
                row.get("state") or "", f"integration {integration_id}", unverified
            ),
        )
    unverified.flush()
    return found


def _build_tokens(
    results: Mapping[str, Outcome],
    user_ids: set[str],
    integrations: Mapping[str, Integration],
    notes: list[str],
) -> tuple[list[Token], list[User], dict[str, Integration]]:
    rows = _rows(results, "tokens")
    _require_columns(rows, ("id", "entity", "role"), "oauthtoken")
    last_used: dict[str, dt.date | None] = {}
    usage = results.get("last-used")
    if isinstance(usage, QueryError):
        notes.append(
            f"the login audit trail (loginaudit) is not available ({usage}); tokens carry no "
            "last-used date"
        )
    else:
        for row in usage or []:
            last_used[row.get("name") or ""] = _date(row.get("lastused") or "", "loginaudit")
    name_counts: dict[str, int] = {}
    for row in rows:
        name = (row.get("name") or "").strip()
        name_counts[name] = name_counts.get(name, 0) + 1
    tokens: list[Token] = []
    extra_users: dict[str, User] = {}
    extra_integrations: dict[str, Integration] = {}
    for row in rows:
        token_id = _id(row.get("id") or "", "oauthtoken")
        where = f"oauthtoken {token_id}"
        name = (row.get("name") or "").strip()
        user = _id(row.get("entity") or "", f"{where} entity")
        integration = (row.get("integration") or "").strip() or None
        if user not in user_ids and user not in extra_users:
            extra_users[user] = User(id=user, name=(row.get("entityname") or "").strip() or user)
            notes.append(
                f"token {name or token_id!r} acts as entity {user}, which has no employee login "
                "access; added as a user without roles"
            )
        if (
            integration
            and integration not in integrations
            and integration not in extra_integrations
        ):
            extra_integrations[integration] = Integration(
                id=integration, name=(row.get("integrationname") or "").strip() or integration
            )
        used: dt.date | None = None
        if name and name in last_used:
            if name_counts[name] > 1:
                notes.append(
                    f"{name_counts[name]} tokens are named {name!r}; the login audit trail names "
                    "tokens, so their last-used dates are left unset"
                )
            else:
                used = last_used[name]
        tokens.append(
            Token(
                id=token_id,
                user=user,
                role=_id(row.get("role") or "", f"{where} role"),
                type="tba",
                name=name or None,
                integration=integration,
                inactive=_flag(row, "binactive", where) or _flag(row, "brevoked", where),
                created=_date(row.get("created") or "", where),
                last_used=used,
            )
        )
    return tokens, list(extra_users.values()), extra_integrations
