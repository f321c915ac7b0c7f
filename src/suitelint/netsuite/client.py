"""The SuiteQL transport: one page per call, with retries, timeouts and clear errors.

* ``POST {base}/services/rest/query/v1/suiteql?limit=N&offset=M``, JSON body
  ``{"q": sql}``, header ``Prefer: transient`` (required; section_158394344595.html).
  The answer is ``{count, hasMore, items, offset, totalResults, links}`` and every value
  in ``items`` is a string (section_0210123130.html; suiteql-and-rest.md §2).
* At most 1000 rows per page and 100,000 rows per query (section_156414087576.html,
  suiteql-and-rest.md §A6): callers split larger reads by key range.
* Over the account's concurrency limit REST answers 429 (section_0827103226.html); 5xx
  and dropped connections are transient too. All are retried with exponential backoff
  and full jitter, honouring ``Retry-After`` when present (whether NetSuite sends it is
  unconfirmed: §5). A refusal carrying ``SSS_REQUEST_LIMIT_EXCEEDED`` or
  ``CONCURRENCY_LIMIT_EXCEEDED`` is treated the same, whatever its status.
* Errors follow the REST error format: ``o:errorDetails[{detail, o:errorCode}]``
  (section_156570709583.html). A 401/403 becomes an error that says which credential or
  permission to check, naming the permission when NetSuite's message does. A 400 search
  error is told apart by what it names (:func:`refusal_reason`): a table the role may not
  read (the error says what to grant), a table the account lacks, or a column.

Thread safety: one ``requests.Session`` per worker thread; the auth objects are safe
to share (TBA signs statelessly, the client-credentials token cache holds a lock).
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import msgspec
import requests

from suitelint.errors import SourceError, UsageError
from suitelint.netsuite.auth import ClientCredentialsAuth, TbaAuth, scrub
from suitelint.netsuite.responses import error_detail

log = logging.getLogger(__name__)

SUITEQL_PATH = "/services/rest/query/v1/suiteql"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
MAX_PAGE_SIZE = 1000
MAX_QUERY_ROWS = 100_000
#: Longest ``Retry-After`` we wait for; a longer one ends the export with an error.
MAX_RETRY_AFTER = 300.0

Row = dict[str, str]


class QueryError(SourceError):
    """NetSuite refused a query (after retries, if it was transient)."""

    def __init__(
        self,
        message: str,
        path: str = "",
        *,
        status: int | None = None,
        code: str = "",
        reason: Reason = "",
    ) -> None:
        super().__init__(message, path)
        self.status = status
        self.code = code
        self.reason = reason

    @property
    def not_available(self) -> bool:
        """The table is not there for this account or role: a permission error, or a 400
        naming the table ("Record 'x' was not found", "Invalid search type: x") or naming
        nothing suitelint can read. Never a column NetSuite does not know (``reason ==
        "column"``): that is this account's NetSuite differing from suitelint's query, and
        reading it as a missing table would switch to a fallback query without a word."""
        return self.status in (400, 403, 404) and self.reason != "column"


#: why NetSuite refused a query, as its message says (:func:`refusal_reason`):
#: ``"table-refused"`` the role may not read the table, ``"no-table"`` the account has no
#: such table, ``"column"`` the table has no such column, ``""`` none of these
Reason = Literal["table-refused", "no-table", "column", ""]

# SuiteQL search errors come as HTTP 400 INVALID_PARAMETER (o:errorQueryParam "q"), "Invalid
# search query. Detailed unprocessed description follows. ..." and then: "Invalid search
# type: x." for a table the account lacks and "Search error occurred: Unknown identifier 'c'.
# Available identifiers are: {...}" for a column (julbrs/netsuite-api-client's tests against
# a live account; a Databricks Lakeflow connector's tests quote the live answer); "Record 'x'
# was not found." for a table the role's permissions do not reach (practitioners' notes;
# suiteql-and-rest.md §A1: employeerolesforsearch under an integration role).
_UNKNOWN_COLUMN = re.compile(
    r"Unknown identifier '([^']{1,80})'|Field '([^']{1,80})' for record '[^']{1,80}' was not found",
    re.IGNORECASE,
)
_UNKNOWN_TABLE = re.compile(r"Invalid search type:?\s*'?(\w{1,80})", re.IGNORECASE)
_REFUSED_TABLE = re.compile(r"Record '([^']{1,80})' was not found", re.IGNORECASE)


def refusal_reason(detail: str) -> tuple[Reason, str]:
    """(why, the table or column named) from a SuiteQL error's detail."""
    found = _UNKNOWN_COLUMN.search(detail)
    if found:
        return "column", found.group(1) or found.group(2)
    found = _UNKNOWN_TABLE.search(detail)
    if found:
        return "no-table", found.group(1)
    found = _REFUSED_TABLE.search(detail)
    if found:
        return "table-refused", found.group(1)
    return "", ""


#: what a role needs to read each table the export queries (docs/export.md, "Permissions
#: the export role needs"; the oauthtoken and loginaudit ones are inferred there)
_ROLES = "Manage Roles (ADMI_MANAGEROLES)"
_EMPLOYEES = "Employees (LIST_EMPLOYEE) and Employee Record (LIST_EMPLOYEE_RECORD), View"
TABLE_PERMISSIONS: dict[str, str] = {
    "role": _ROLES,
    "rolepermissions": _ROLES,
    "employee": _EMPLOYEES,
    "employeerolesforsearch": _EMPLOYEES,
    "employeeroles": _EMPLOYEES,
    "employeeempperms": _EMPLOYEES,
    "oauthtoken": "Access Token Management (ADMI_MANAGE_OAUTH_TOKENS)",
    "loginaudit": "View Login Audit Trail (ADMI_AUDITLOGIN)",
}


@dataclass(frozen=True, slots=True)
class ClientConfig:
    base_url: str
    #: (connect, read) timeout in seconds for every request
    timeout: float = 120.0
    connect_timeout: float = 15.0
    max_retries: int = 8
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    #: ``time.monotonic()`` by which every request, retry and wait must be over
    #: (``--deadline``); ``None``: no overall limit
    deadline: float | None = None


class DeadlineExceeded(QueryError):
    """The export ran past ``--deadline``: no new request, retry or wait is started."""


class Cancelled(QueryError):
    """The export already failed elsewhere (``SuiteQLClient.cancel``): this worker's
    request, retry or wait is not started."""


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Row, ...]
    total: int
    has_more: bool
    offset: int


#: error codes of a refusal to be retried like a 429, whatever the status: the request limit
#: (400 SSS_REQUEST_LIMIT_EXCEEDED, Oracle for RESTlets) and the concurrency refusal
#: (CONCURRENCY_LIMIT_EXCEEDED, which public clients meet with 429 and with 400)
_LIMIT_CODES = frozenset({"SSS_REQUEST_LIMIT_EXCEEDED", "CONCURRENCY_LIMIT_EXCEEDED"})


def base_url_for(account: str) -> str:
    """``https://<host label>.suitetalk.api.netsuite.com``: the account id lower-cased
    with ``_`` as ``-`` (third-party practice, suiteql-and-rest.md §1; Oracle advises
    reading the domain from Company URLs, hence ``--base-url``)."""
    return f"https://{account.lower().replace('_', '-')}.suitetalk.api.netsuite.com"


_PERMISSION = re.compile(
    r"(?:need|require[sd]?)\s+(?:a\s+higher\s+level\s+of\s+)?(?:the\s+)?"
    r"[\"'‘’“”]([^\"'‘’“”]{2,80})[\"'‘’“”]\s+permission",
    re.IGNORECASE,
)


def missing_permission(detail: str) -> str | None:
    """The permission a NetSuite permission error names ("You need the 'Lists ->
    Employees' permission to access this page"), if it names one."""
    match = _PERMISSION.search(detail)
    return match.group(1).strip() if match else None


class _Body(msgspec.Struct):
    """A SuiteQL answer (section_0210123130.html); other members are ignored."""

    items: list[Any]
    totalResults: int | None = None
    hasMore: bool = False


_GENERIC = msgspec.json.Decoder(_Body)
_DECODERS: dict[type[msgspec.Struct], msgspec.json.Decoder[_Body]] = {}


def _decoder(row_type: type[msgspec.Struct]) -> msgspec.json.Decoder[_Body]:
    """A decoder whose items are ``row_type`` structs (msgspec builds it once)."""
    found = _DECODERS.get(row_type)
    if found is None:
        typed = msgspec.defstruct(
            f"Body_{row_type.__name__}",
            [
                ("items", list[row_type]),  # type: ignore[valid-type]
                ("totalResults", int | None, None),
                ("hasMore", bool, False),
            ],
            bases=(_Body,),
        )
        found = _DECODERS[row_type] = msgspec.json.Decoder(typed)
    return found


def _row(item: dict[str, Any]) -> Row:
    """An item as a row of strings (NetSuite sends strings; be safe about the rest)."""
    item.pop("links", None)
    for key, value in item.items():
        if type(value) is not str:
            item[key] = "" if value is None else str(value)
    return item


def _retry_after(response: requests.Response, now: float) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class SuiteQLClient:
    """Fetches SuiteQL pages. ``sleep`` and ``rng`` are injectable for tests; the default
    sleep is a wait that ``cancel`` cuts short."""

    def __init__(
        self,
        config: ClientConfig,
        auth: TbaAuth | ClientCredentialsAuth,
        *,
        sleep: Callable[[float], object] | None = None,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
        pool_size: int = 10,
    ) -> None:
        self.config = config
        self.auth = auth
        self._cancelled = threading.Event()
        self._sleep = self._cancelled.wait if sleep is None else sleep
        self._rng = rng
        self._clock = clock
        self._pool_size = pool_size
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self.retries = 0  # transient failures retried, across threads (approximate)
        self._logged_in = False  # a request has succeeded with these credentials

    def __repr__(self) -> str:
        return f"SuiteQLClient(base_url={self.config.base_url!r}, auth={self.auth!r})"

    @property
    def url(self) -> str:
        return self.config.base_url.rstrip("/") + SUITEQL_PATH

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_maxsize=self._pool_size)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            # Credentials come from our auth object only, never from ~/.netrc or proxies'
            # environment-provided auth.
            session.trust_env = False
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def scrub(self, text: str) -> str:
        """Remove every credential value from ``text`` (defence in depth for messages
        built from server answers)."""
        return scrub(text, self.auth.secrets())

    def cancel(self) -> None:
        """The export has failed: every worker stops before its next request, retry or
        wait (a request already sent runs to its answer or timeout). Without this, workers
        kept retrying 429s for minutes after the error was reported, loading the account
        and holding the process open."""
        self._cancelled.set()

    def _check_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled("the export stopped after another query failed", self.url)

    def remaining(self) -> float | None:
        """Seconds left before the deadline (``None``: no deadline)."""
        if self.config.deadline is None:
            return None
        return self.config.deadline - time.monotonic()

    def _check_deadline(self) -> float | None:
        left = self.remaining()
        if left is not None and left <= 0:
            raise DeadlineExceeded("the deadline passed", self.url)
        return left

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * 2.0**attempt)
        return float(ceiling * self._rng())  # "full jitter"

    def page(
        self,
        sql: str,
        offset: int,
        limit: int = MAX_PAGE_SIZE,
        *,
        row_type: type[msgspec.Struct] | None = None,
    ) -> Page:
        """One page of ``sql``; retries transient failures, raises ``QueryError``.

        Items are rows of strings, or instances of ``row_type`` (a struct naming the
        columns) decoded straight from the JSON at C speed: the large tables use that.
        """
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError(f"limit must be 1..{MAX_PAGE_SIZE}")
        params = {"limit": str(limit), "offset": str(offset)}
        content = self._post_json(sql, params)
        body: _Body | None = None
        if row_type is not None:
            try:
                body = _decoder(row_type).decode(content)
            except msgspec.ValidationError:
                body = None  # e.g. a number where a string was expected: the slow path
        if body is None:
            try:
                body = _GENERIC.decode(content)
            except msgspec.ValidationError:
                raise QueryError(
                    "NetSuite answered a SuiteQL query with an unexpected body (no items list)",
                    self.url,
                ) from None
            rows: tuple[Any, ...] = tuple(_row(item) for item in body.items)
            if row_type is not None:
                try:
                    rows = tuple(msgspec.convert(row, row_type) for row in rows)
                except msgspec.ValidationError as exc:
                    raise QueryError(
                        f"NetSuite answered with rows of an unexpected shape: {exc}", self.url
                    ) from None
        else:
            rows = tuple(body.items)
        total = len(rows) if body.totalResults is None else body.totalResults
        return Page(rows, total, body.hasMore, offset)

    def _post_json(self, sql: str, params: dict[str, str]) -> bytes:
        """The body of a 200 answer that is a JSON object; retries and errors as above."""
        attempt = 0
        refreshed = False
        while True:
            delay: float | None
            why: str
            self._check_cancelled()
            left = self._check_deadline()
            connect, read = self.config.connect_timeout, self.config.timeout
            if left is not None:  # no request outlives the deadline
                connect, read = min(connect, left), min(read, left)
            try:
                response = self._session().post(
                    self.url,
                    params=params,
                    json={"q": sql},
                    headers={"Prefer": "transient", "Accept": "application/json"},
                    auth=self.auth,
                    timeout=(connect, read),
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                delay, why = self._backoff(attempt), type(exc).__name__
            except requests.RequestException as exc:
                raise QueryError(
                    self.scrub(f"request failed: {type(exc).__name__}"), self.url
                ) from None
            else:
                status = response.status_code
                if status == 200:
                    content = response.content
                    if content.lstrip()[:1] == b"{":
                        self._logged_in = True
                        return content
                    delay, why = self._backoff(attempt), "unreadable JSON body"
                else:
                    code, detail = error_detail(response)
                    transient = status == 429 or status >= 500 or code in _LIMIT_CODES
                    if status == 401 and not refreshed and self.auth.invalidate():
                        refreshed = True  # an expired bearer token: get a new one, once
                        continue
                    if status == 401 and self._logged_in:
                        # The same credentials worked before in this export: under load
                        # NetSuite can answer "Invalid login attempt" for a concurrency
                        # overload (suiteql-and-rest.md §5), so retry it like a 429.
                        transient = True
                    if not transient:
                        raise self._refusal(status, code, detail)
                    why = f"HTTP {status}{' ' + code if code else ''}"
                    after = _retry_after(response, self._clock())
                    if after is not None and after > MAX_RETRY_AFTER:
                        raise QueryError(
                            f"NetSuite asked to wait {after:.0f} s before retrying ({why}); "
                            "try again later",
                            self.url,
                            status=status,
                            code=code,
                        )
                    delay = after if after is not None else self._backoff(attempt)
            if attempt >= self.config.max_retries:
                raise QueryError(
                    f"gave up after {attempt + 1} attempts; last failure: {why}",
                    self.url,
                )
            left = self._check_deadline()
            if left is not None and delay >= left:
                raise DeadlineExceeded(f"the deadline passes before a retry ({why})", self.url)
            attempt += 1
            self.retries += 1
            log.info("SuiteQL %s; retry %d in %.2f s", why, attempt, delay)
            self._sleep(delay)
            self._check_cancelled()

    def _refusal(self, status: int, code: str, detail: str) -> QueryError:
        detail = self.scrub(detail)
        reason, subject = refusal_reason(detail) if status == 400 else ("", "")
        said = f" ({code}{': ' + detail if detail else ''})" if code or detail else ""
        if status == 401:
            if isinstance(self.auth, TbaAuth):
                check = (
                    "check SUITELINT_CONSUMER_KEY/SECRET and SUITELINT_TOKEN_ID/SECRET, that "
                    f"the account id (realm {self.auth.realm}) is right, that the token and its "
                    "integration are active, and that the token's role has 'Log in using Access "
                    "Tokens' (ADMI_LOGIN_OAUTH) and 'REST Web Services' (ADMI_RESTWEBSERVICES); "
                    "NetSuite's Login Audit Trail says which"
                )
            else:
                check = (
                    "the access token was refused; check that the mapping in OAuth 2.0 Client "
                    "Credentials Setup is active and the role has 'REST Web Services' "
                    "(ADMI_RESTWEBSERVICES) and 'Log in using OAuth 2.0 Access Tokens' "
                    "(ADMI_LOGIN_OAUTH2)"
                )
            message = f"NetSuite rejected the login (HTTP 401{said}); {check}"
        elif reason == "table-refused":
            grant = TABLE_PERMISSIONS.get(subject.lower())
            message = (
                f"the role cannot read {subject!r} (HTTP {status}{said}): NetSuite answers "
                "so when the role's permissions do not reach that table; "
                + (f"grant it {grant}" if grant else "grant it view access to that record")
                + " (see docs/export.md)"
            )
        elif reason == "no-table":
            message = (
                f"this account has no table {subject!r} (HTTP {status}{said}): a feature that "
                "is off, or a NetSuite version without it"
            )
        elif reason == "column":
            message = (
                f"NetSuite does not know the column {subject!r} here (HTTP {status}{said}): "
                "this account's NetSuite differs from the query suitelint sends; please report "
                "it, with the query from --debug-log"
            )
        elif status == 403 or "permission" in detail.lower():
            permission = missing_permission(detail)
            if permission:
                message = (
                    f"the role lacks the NetSuite permission {permission!r} (HTTP {status}{said}); "
                    "add it to the role the token or mapping logs in with"
                )
            else:
                message = (
                    f"NetSuite refused the query (HTTP {status}{said}); the role needs 'REST Web "
                    "Services' and view access to the records queried (see docs/export.md)"
                )
        else:
            message = f"NetSuite refused the query (HTTP {status}{said})"
        return QueryError(self.scrub(message), self.url, status=status, code=code, reason=reason)


def token_url_for(base_url: str) -> str:
    return base_url.rstrip("/") + TOKEN_PATH


def host_of(url: str) -> str:
    return urlsplit(url).netloc


def check_base_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise UsageError("--base-url is not a URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise UsageError(f"--base-url {parts.scheme}://{host or ''}: expected an http(s) URL")
    if parts.username or parts.password:
        # never echo the URL: it carries what looks like a credential
        raise UsageError("--base-url must not carry credentials; use the environment")
    if parts.scheme == "http" and host not in ("127.0.0.1", "localhost", "::1"):
        raise UsageError("--base-url must be https (plain http only for a local test server)")
    return url.rstrip("/")


def pages_of(total: int, page_size: int = MAX_PAGE_SIZE) -> Sequence[int]:
    """Offsets of the pages holding ``total`` rows (one page even when empty)."""
    return range(0, max(total, 1), page_size)
