"""A fake NetSuite REST endpoint for tests and benchmarks (127.0.0.1 only).

It serves SuiteQL pages built from a fixture :class:`~suitelint.model.Snapshot` in the
shape NetSuite uses (``items``/``totalResults``/``hasMore``, every value a string,
suiteql-and-rest.md §2), and checks every request as NetSuite would:

* OAuth 1.0a: with oauthlib's **server-side** ``ResourceEndpoint`` and a
  ``RequestValidator`` (signature method HMAC-SHA256 only, realm = account id, nonce
  replay and timestamp window) — independent of the client code that signed;
* OAuth 2.0 client credentials: the JWT assertion is verified with PyJWT against the
  public key of the certificate (``kid`` = certificate id, ``aud`` = token URL,
  ``iss`` = client id, at most 60 minutes between ``iat`` and ``exp``); the bearer tokens
  it hands out are checked on every SuiteQL call.

Faults are injected on demand: ``inject(Fault(...))`` queues one for the next SuiteQL
request(s): an HTTP status (429 with ``Retry-After``, 5xx), a dropped connection, or a
slow answer. ``latency`` delays every page.

Run standalone (the benchmark does): ``python fakeserver.py --synthetic ROLES PERMS``.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import contextlib
import dataclasses
import re
import secrets
import socket
import string
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import msgspec
from oauthlib.oauth1 import RequestValidator, ResourceEndpoint

from suitelint.model import Permission, Role, Snapshot, User

SUITEQL_PATH = "/services/rest/query/v1/suiteql"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
JWT_ALGORITHMS = ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


@dataclasses.dataclass(frozen=True)
class TbaKeys:
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str


@dataclasses.dataclass(frozen=True)
class ClientCredentialKeys:
    client_id: str
    certificate_id: str
    public_key_pem: bytes  # the certificate (or bare public key), PEM


@dataclasses.dataclass(frozen=True)
class Fault:
    """``kind``: "status" (answer ``status``), "drop" (close without answering) or "slow"
    (answer normally after ``delay`` seconds)."""

    kind: str
    status: int = 503
    retry_after: str | None = None
    delay: float = 0.0
    code: str = ""
    detail: str = "Transient failure (injected)"
    #: only a SuiteQL request whose query is this one takes the fault (others pass it by);
    #: empty: the next request, whichever it is
    only_query: str = ""


@dataclasses.dataclass
class Stats:
    pages: int = 0  # SuiteQL pages answered 200
    suiteql_requests: int = 0
    rejected_signatures: int = 0
    rejected_tokens: int = 0
    token_grants: int = 0
    rejected_assertions: int = 0
    faults: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    queries: list[str] = dataclasses.field(default_factory=list)


def _tf(value: bool) -> str:
    return "T" if value else "F"


class _Validator(RequestValidator):  # type: ignore[misc]
    """Accepts exactly one consumer and one token, HMAC-SHA256, the account's realm."""

    enforce_ssl = False  # the fake listens on plain http on 127.0.0.1
    allowed_signature_methods = ("HMAC-SHA256",)
    safe_characters: ClassVar[set[str]] = set(string.ascii_letters + string.digits + "-_")
    client_key_length = (1, 128)
    access_token_length = (1, 128)
    nonce_length = (8, 64)
    timestamp_lifetime = 300
    dummy_client = "dummy-client"
    dummy_access_token = "dummy-token"

    def __init__(self, keys: TbaKeys, realm: str) -> None:
        super().__init__()
        self.keys = keys
        self.realm = realm
        self.seen: set[tuple[str, str, str]] = set()
        self.lock = threading.Lock()

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return secrets.compare_digest(client_key, self.keys.consumer_key)

    def get_client_secret(self, client_key: str, request: Any) -> str:
        if client_key == self.keys.consumer_key:
            return self.keys.consumer_secret
        return "dummy-secret"

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        return secrets.compare_digest(token, self.keys.token_id)

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        return self.keys.token_secret if token == self.keys.token_id else "dummy-secret"

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        if abs(time.time() - int(timestamp)) > self.timestamp_lifetime:
            return False
        with self.lock:
            key = (client_key, timestamp, nonce)
            if key in self.seen:
                return False  # replayed
            self.seen.add(key)
        return True

    def validate_realms(
        self, client_key: str, token: str, request: Any, uri: str | None = None, realms: Any = None
    ) -> bool:
        return bool(request.realm == self.realm)


class _Tables:
    """The fixture account as SuiteQL tables (rows of strings, None columns omitted)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.roles = [self._role_row(r) for r in sorted(snapshot.roles, key=_id_order)]
        # rolepermissions sorted by (role, permkey), with a role-id index for ranges
        perms = sorted(
            ((int(r.id), p) for r in snapshot.roles for p in r.permissions),
            key=lambda rp: (rp[0], rp[1].permkey),
        )
        self.perm_roles = [role for role, _ in perms]
        self.perms = perms
        # every rolepermissions row encoded once, up front
        self.encoded: list[bytes] = [
            msgspec.json.encode(dict(row, links=[]))
            for row in _PermissionRows(perms, 0, len(perms), [])
        ]
        counts = collections.Counter(self.perm_roles)
        self.counts = [{"role": str(k), "n": str(v)} for k, v in sorted(counts.items())]
        users = sorted(snapshot.users, key=_id_order)
        self.employees = [self._employee_row(u) for u in users]
        self.employee_roles = sorted(
            ({"entity": u.id, "role": r} for u in users for r in u.roles),
            key=lambda row: (int(row["entity"]), int(row["role"])),
        )
        self.global_perms = [
            {"employee": u.id, "permkey": p.permkey, "permlevel": str(p.lvl.value)}
            for u in users
            for p in sorted(u.global_permissions, key=lambda p: p.permkey)
        ]
        integrations = {i.id: i for i in snapshot.integrations}
        self.integrations = [
            _compact(
                {
                    "id": i.id,
                    "name": i.name,
                    "applicationid": i.application_id,
                    "state": "Enabled" if i.state == "enabled" else "Blocked",
                }
            )
            for i in sorted(snapshot.integrations, key=_id_order)
        ]
        names = {u.id: u.name for u in users}
        self.tokens = [
            _compact(
                {
                    "id": t.id,
                    "name": t.name,
                    "integration": t.integration,
                    "integrationname": integrations[t.integration].name
                    if t.integration in integrations
                    else None,
                    "entity": t.user,
                    "entityname": names.get(t.user),
                    "role": t.role,
                    "binactive": _tf(t.inactive),
                    "brevoked": "F",
                    "created": t.created.isoformat() if t.created else None,
                }
            )
            for t in sorted(snapshot.tokens, key=_id_order)
            if t.type == "tba"
        ]
        self.last_used = sorted(
            (
                {"name": t.name, "lastused": t.last_used.isoformat()}
                for t in snapshot.tokens
                if t.type == "tba" and t.name and t.last_used
            ),
            key=lambda row: row["name"],
        )

    @staticmethod
    def _role_row(role: Role) -> dict[str, str]:
        return _compact(
            {
                "id": role.id,
                "scriptid": role.scriptid,
                "name": role.name,
                "isinactive": _tf(role.inactive),
                "centertype": role.center_type,
                "subsidiaryoption": role.subsidiary_option,
                # the ids of the subsidiaries the role reaches, comma-separated
                "effectivesubsidiaries": ", ".join(role.subsidiaries) or None,
                "employeerestriction": role.employee_restriction,
                "coreadminpermission": _tf(role.core_admin),
                "iswebserviceonlyrole": _tf(role.web_services_only),
                "tfarequired": _tf(role.two_factor_required),
                "issalesrole": "F",
            }
        )

    @staticmethod
    def _employee_row(user: User) -> dict[str, str]:
        return _compact(
            {
                "id": user.id,
                "entityid": user.name,
                "email": user.email,
                "isinactive": _tf(user.inactive),
                "giveaccess": "T",
            }
        )

    def permission_range(self, low: int, high: int) -> list[dict[str, str]]:
        start = bisect.bisect_left(self.perm_roles, low)
        end = bisect.bisect_right(self.perm_roles, high)
        return _PermissionRows(self.perms, start, end, self.encoded)  # type: ignore[return-value]


class _PermissionRows(Sequence[dict[str, str]]):
    """A lazy slice of rolepermissions rows (the benchmark serves 600k of them)."""

    def __init__(
        self, perms: list[tuple[int, Permission]], start: int, end: int, encoded: list[bytes]
    ) -> None:
        self.perms, self.start, self.end = perms, start, end
        self.encoded = encoded

    def page_bytes(self, offset: int, limit: int) -> bytes:
        """The items of a page as a JSON array, from rows encoded once up front (keeps the
        fake's CPU out of the benchmark's way)."""
        lo = self.start + offset
        hi = min(self.end, lo + limit)
        return b"[" + b",".join(self.encoded[lo:hi]) + b"]"

    def __len__(self) -> int:
        return self.end - self.start

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            lo, hi, _ = index.indices(len(self))
            return [self[i] for i in range(lo, hi)]
        role, perm = self.perms[self.start + index]
        return {
            "role": str(role),
            "permkey": perm.permkey,
            "name": perm.permkey,
            "permlevel": str(perm.lvl.value),
            "restriction": perm.restriction or "-1",
        }

    def __iter__(self) -> Iterator[dict[str, str]]:
        for i in range(len(self)):
            yield self[i]


def _compact(row: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in row.items() if v is not None}


def _id_order(item: Any) -> tuple[int, int, str]:
    value = item.id
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


class _Server(ThreadingHTTPServer):
    """The fake's HTTP server: its request threads are kept track of (not daemons) and
    its open connections too, so that stopping it ends them all. No thread outlives the
    test that started it: one waiting for a kept-alive connection's next request is woken
    by the connection's close, one in a slow fault's sleep is waited for (its delay)."""

    daemon_threads = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._stopping = False

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection (its thread's next read or write fails, as a client's
        hang-up would make it)."""
        with self._open_lock:
            self._stopping = True
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not self._stopping:  # a connection ended by close_connections is no error
            super().handle_error(request, client_address)


class FakeNetSuite:
    """``with FakeNetSuite(snapshot, tba=keys) as server: server.base_url ...``"""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        realm: str = "1234567",
        tba: TbaKeys | None = None,
        client_credentials: ClientCredentialKeys | None = None,
        latency: float = 0.0,
        max_query_rows: int = 100_000,
        missing_tables: Sequence[str] = (),
        refused_tables: Sequence[str] = (),
        unknown_columns: Mapping[str, Sequence[str]] | None = None,
        token_lifetime: int = 3600,
    ) -> None:
        self.tables = _Tables(snapshot)
        self.realm = realm
        self.tba = tba
        self.cc = client_credentials
        self.latency = latency
        self.max_query_rows = max_query_rows
        #: tables the account lacks ("Invalid search type")
        self.missing_tables = set(missing_tables)
        #: tables the role's permissions do not reach ("Record 'x' was not found")
        self.refused_tables = set(refused_tables)
        #: per table, columns NetSuite does not know there ("Unknown identifier")
        self.unknown_columns = {t: set(c) for t, c in (unknown_columns or {}).items()}
        self.token_lifetime = token_lifetime
        self.stats = Stats()
        self.faults: collections.deque[Fault] = collections.deque()
        #: status faults for the token endpoint (client credentials)
        self.token_faults: collections.deque[Fault] = collections.deque()
        self._lock = threading.Lock()
        self._bearer: dict[str, float] = {}
        self._validator = _Validator(tba, realm) if tba else None
        self._endpoint = ResourceEndpoint(self._validator) if self._validator else None
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> str:
        server = self

        class Handler(_Handler):
            fake = server

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving, close the socket, and wait for the serving thread and for every
        request's thread to end."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.close_connections()
            self._httpd.server_close()  # joins the request threads (block_on_close)
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakeNetSuite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def _next_fault(self, sql: str | None = None) -> Fault | None:
        """The first injected fault that applies to a request for ``sql``, taken."""
        with self._lock:
            for fault in self.faults:
                if not fault.only_query or fault.only_query == sql:
                    self.faults.remove(fault)
                    return fault
            return None

    # --- authentication ----------------------------------------------------------------

    def check_tba(self, uri: str, method: str, body: str, headers: dict[str, str]) -> bool:
        if self._endpoint is None:
            return False
        valid, _ = self._endpoint.validate_protected_resource_request(
            uri, http_method=method, body=body, headers=headers, realms=[self.realm]
        )
        return bool(valid)

    def check_bearer(self, token: str) -> bool:
        with self._lock:
            expires = self._bearer.get(token)
        return expires is not None and time.time() < expires

    def grant(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        import jwt
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        def refuse(description: str) -> tuple[int, dict[str, Any]]:
            with self._lock:
                self.stats.rejected_assertions += 1
            return 400, {"error": "invalid_grant", "error_description": description}

        if self.cc is None:
            return refuse("client credentials are not set up")
        if form.get("grant_type") != ["client_credentials"] or form.get(
            "client_assertion_type"
        ) != ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]:
            return refuse("wrong grant_type or client_assertion_type")
        assertion = (form.get("client_assertion") or [""])[0]
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            return refuse("malformed assertion")
        if header.get("kid") != self.cc.certificate_id or header.get("typ") != "JWT":
            return refuse("unknown certificate id (kid) or typ")
        pem = self.cc.public_key_pem
        if b"CERTIFICATE" in pem:
            key: Any = x509.load_pem_x509_certificate(pem).public_key()
        else:
            key = serialization.load_pem_public_key(pem)
        from cryptography.hazmat.primitives.asymmetric import rsa

        # Only the algorithms the certificate's key type can verify (PS* for RSA, ES* for EC).
        prefix = "PS" if isinstance(key, rsa.RSAPublicKey) else "ES"
        try:
            claims = jwt.decode(
                assertion,
                key,
                algorithms=[a for a in JWT_ALGORITHMS if a.startswith(prefix)],
                audience=self.token_url,
                issuer=self.cc.client_id,
                options={"require": ["iss", "aud", "iat", "exp", "scope"]},
            )
        except (jwt.PyJWTError, TypeError, ValueError) as exc:
            return refuse(f"assertion rejected: {type(exc).__name__}")
        if int(claims["exp"]) - int(claims["iat"]) > 3600:
            return refuse("exp more than 60 minutes after iat")
        scope = claims["scope"]
        scopes = scope if isinstance(scope, list) else str(scope).split(",")
        if "rest_webservices" not in scopes:
            return refuse("scope lacks rest_webservices")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._bearer[token] = time.time() + self.token_lifetime
            self.stats.token_grants += 1
        return 200, {
            "access_token": token,
            "expires_in": str(self.token_lifetime),
            "token_type": "Bearer",
        }

    def expire_tokens(self) -> None:
        with self._lock:
            self._bearer.clear()

    # --- SuiteQL -----------------------------------------------------------------------

    def rows_for(self, sql: str) -> list[dict[str, str]] | str:
        """Rows for a query, or an error detail (the query or table is unknown)."""
        t = self.tables
        table = re.search(r"\bFROM\s+(\w+)", sql, re.IGNORECASE)
        # the shapes public clients record from live accounts (client.refusal_reason)
        said = "Invalid search query. Detailed unprocessed description follows. "
        name = table.group(1).lower() if table else ""
        if name in self.missing_tables:
            return f"{said}Invalid search type: {name}."
        if name in self.refused_tables:
            return f"{said}Search error occurred: Record '{name}' was not found."
        for column in sorted(self.unknown_columns.get(name, ())):
            if re.search(rf"\b{re.escape(column)}\b", sql):
                return (
                    f"{said}Search error occurred: Unknown identifier '{column}'. Available "
                    f"identifiers are: {{{name}={name}}}."
                )
        routes: list[tuple[str, Any]] = [
            (r"^SELECT \* FROM role ORDER BY id$", lambda m: t.roles),
            (
                r"^SELECT role, COUNT\(\*\) AS n FROM rolepermissions GROUP BY role ORDER BY role$",
                lambda m: t.counts,
            ),
            (
                r"^SELECT role, permkey, permlevel, restriction FROM rolepermissions "
                r"WHERE role >= (\d+) AND role <= (\d+) ORDER BY role, permkey$",
                lambda m: t.permission_range(int(m.group(1)), int(m.group(2))),
            ),
            (
                r"^SELECT id, entityid, email, isinactive FROM employee "
                r"WHERE giveaccess = 'T' ORDER BY id$",
                lambda m: t.employees,
            ),
            (
                r"^SELECT entity, role FROM employeerolesforsearch ORDER BY entity, role$",
                lambda m: t.employee_roles,
            ),
            (
                r"^SELECT entity, selectedrole AS role FROM employeeroles "
                r"ORDER BY entity, selectedrole$",
                lambda m: t.employee_roles,
            ),
            (
                r"^SELECT \* FROM employeeempperms WHERE ROWNUM <= 1$",
                lambda m: t.global_perms[:1],
            ),
            (
                r"^SELECT employee, permkey, permlevel FROM employeeempperms "
                r"ORDER BY employee, permkey$",
                lambda m: t.global_perms,
            ),
            (
                r"^SELECT id, name, applicationid, state FROM integration ORDER BY id$",
                lambda m: t.integrations,
            ),
            (
                r"^SELECT id, name, state FROM integrationapp ORDER BY id$",
                lambda m: [
                    {k: v for k, v in r.items() if k != "applicationid"} for r in t.integrations
                ],
            ),
            (
                r"^SELECT id, tba_token_name AS name, .* FROM oauthtoken ORDER BY id$",
                lambda m: t.tokens,
            ),
            (
                r"^SELECT oauthaccesstokenname AS name, TO_CHAR\(MAX\(date\), 'YYYY-MM-DD'\) "
                r"AS lastused FROM loginaudit WHERE status = 'Success' AND oauthaccesstokenname "
                r"IS NOT NULL GROUP BY oauthaccesstokenname ORDER BY oauthaccesstokenname$",
                lambda m: t.last_used,
            ),
        ]
        for pattern, handler in routes:
            match = re.match(pattern, sql.strip())
            if match:
                rows: list[dict[str, str]] = handler(match)
                return rows
        return f"{said}Search error occurred: the fake NetSuite does not know {sql!r}"

    def suiteql(self, sql: str, limit: int, offset: int) -> tuple[int, dict[str, Any] | bytes]:
        with self._lock:
            self.stats.queries.append(sql)
        if not 1 <= limit <= 1000 or offset < 0:
            return _error(400, "INVALID_PARAMETER", "limit must be 1..1000")
        rows = self.rows_for(sql)
        if isinstance(rows, str):
            return _error(400, "INVALID_PARAMETER", rows, query_param="q")
        total = len(rows)
        if offset + min(limit, max(total - offset, 0)) > self.max_query_rows:
            return _error(
                400, "INVALID_PARAMETER", "SuiteQL over REST returns at most 100000 results"
            )
        count = max(0, min(limit, total - offset))
        with self._lock:
            self.stats.pages += 1
        body: dict[str, Any] = {
            "links": [],
            "count": count,
            "hasMore": offset + count < total,
            "items": [],
            "offset": offset,
            "totalResults": total,
        }
        if isinstance(rows, _PermissionRows):
            head = msgspec.json.encode(body)
            return 200, head.replace(b'"items":[]', b'"items":' + rows.page_bytes(offset, limit))
        body["items"] = [dict(row, links=[]) for row in rows[offset : offset + limit]]
        return 200, body


def _error(
    status: int, code: str, detail: str, *, query_param: str | None = None
) -> tuple[int, dict[str, Any]]:
    # NetSuite's REST error format (section_156570709583.html); a SuiteQL search error names
    # the parameter at fault (o:errorQueryParam "q", as a live answer quoted by a public
    # client's tests shows)
    error: dict[str, str] = {"detail": detail, "o:errorCode": code}
    if query_param is not None:
        error["o:errorQueryParam"] = query_param
    return status, {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html",
        "title": {
            400: "Bad Request",
            401: "Unauthorized",
            429: "Too Many Requests",
        }.get(status, "Error"),
        "status": status,
        "o:errorDetails": [error],
    }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeNetSuite
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(
        self, status: int, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None
    ) -> None:
        data = body if isinstance(body, bytes) else msgspec.json.encode(body)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        fake = self.fake
        if parts.path == TOKEN_PATH:
            with fake._lock:
                fault = fake.token_faults.popleft() if fake.token_faults else None
            if fault is not None:
                self._send(*_error(fault.status, "UNEXPECTED_ERROR", fault.detail))
                return
            form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
            status, body = fake.grant(form)
            self._send(status, body)
            return
        if parts.path != SUITEQL_PATH:
            self._send(*_error(404, "NONEXISTENT_ID", "no such resource"))
            return
        with fake._lock:
            fake.stats.suiteql_requests += 1
            fake.stats.in_flight += 1
            fake.stats.max_in_flight = max(fake.stats.max_in_flight, fake.stats.in_flight)
        try:
            self._suiteql(raw, parts.query)
        finally:
            with fake._lock:
                fake.stats.in_flight -= 1

    def _suiteql(self, raw: bytes, query_string: str) -> None:
        fake = self.fake
        if self.headers.get("Prefer") != "transient":
            self._send(*_error(400, "INVALID_HEADER", "The Prefer: transient header is required"))
            return
        authorization = self.headers.get("Authorization", "")
        if authorization.startswith("OAuth "):
            uri = f"http://{self.headers['Host']}{self.path}"
            if not fake.check_tba(uri, "POST", raw.decode("utf-8"), dict(self.headers.items())):
                with fake._lock:
                    fake.stats.rejected_signatures += 1
                self._send(*_error(401, "INVALID_LOGIN", "Invalid login attempt."))
                return
        elif authorization.startswith("Bearer "):
            if not fake.check_bearer(authorization[len("Bearer ") :]):
                with fake._lock:
                    fake.stats.rejected_tokens += 1
                self._send(*_error(401, "INVALID_LOGIN", "Invalid login attempt."))
                return
        else:
            self._send(*_error(401, "INVALID_LOGIN", "Invalid login attempt."))
            return
        try:
            asked = msgspec.json.decode(raw)["q"]
        except (msgspec.DecodeError, KeyError, TypeError):
            asked = None  # answered as a bad body below, unless a fault comes first
        fault = fake._next_fault(asked if isinstance(asked, str) else None)
        if fault is not None:
            with fake._lock:
                fake.stats.faults += 1
            if fault.kind == "drop":
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault.kind == "status":
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                code = fault.code or (
                    "CONCURRENCY_LIMIT_EXCEEDED" if fault.status == 429 else "UNEXPECTED_ERROR"
                )
                self._send(*_error(fault.status, code, fault.detail), headers)
                return
            if fault.kind == "slow":
                time.sleep(fault.delay)
        if fake.latency:
            time.sleep(fake.latency)
        query = parse_qs(query_string)
        try:
            limit = int(query.get("limit", ["1000"])[0])
            offset = int(query.get("offset", ["0"])[0])
            sql = msgspec.json.decode(raw)["q"]
        except (ValueError, KeyError, TypeError, msgspec.DecodeError):
            self._send(*_error(400, "INVALID_PARAMETER", "bad limit, offset or body"))
            return
        status, body = fake.suiteql(sql, limit, offset)
        self._send(status, body)


# --- a synthetic account for the benchmark ---------------------------------------------


def synthetic_account(roles: int, perms_per_role: int, users: int = 0) -> Snapshot:
    """``roles`` custom roles with ``perms_per_role`` permissions each (keys may repeat
    across roles, never within one)."""
    levels = ("VIEW", "CREATE", "EDIT", "FULL")
    keys = [f"LIST_SYNTH{i:04d}" for i in range(perms_per_role)]
    role_list = tuple(
        Role(
            id=str(1001 + r),
            name=f"Role {r}",
            scriptid=f"customrole_synth{r}",
            permissions=tuple(
                Permission(permkey=k, level=levels[(r + i) % 4])  # type: ignore[arg-type]
                for i, k in enumerate(keys)
            ),
        )
        for r in range(roles)
    )
    user_list = tuple(
        User(id=str(5000 + u), name=f"User {u}", roles=(str(1001 + u % max(roles, 1)),))
        for u in range(users)
    )
    return Snapshot(roles=role_list, users=user_list)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, help="fixture snapshot (JSON)")
    parser.add_argument("--synthetic", nargs=2, type=int, metavar=("ROLES", "PERMS"))
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--realm", default="1234567")
    args = parser.parse_args(argv)
    if args.snapshot:
        snapshot = msgspec.json.decode(args.snapshot.read_bytes(), type=Snapshot)
    else:
        roles, perms = args.synthetic or (10, 10)
        snapshot = synthetic_account(roles, perms)
    # Test credentials only: read from the environment the caller sets.
    import os

    tba = TbaKeys(
        os.environ["SUITELINT_CONSUMER_KEY"],
        os.environ["SUITELINT_CONSUMER_SECRET"],
        os.environ["SUITELINT_TOKEN_ID"],
        os.environ["SUITELINT_TOKEN_SECRET"],
    )
    server = FakeNetSuite(snapshot, realm=args.realm, tba=tba, latency=args.latency)
    server.start()
    sys.stdout.write(server.base_url + "\n")
    sys.stdout.flush()
    try:
        sys.stdin.read()  # serve until the parent closes our stdin
    finally:
        server.stop()


if __name__ == "__main__":
    main()
