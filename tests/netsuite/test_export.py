"""Live export against the fake NetSuite: what comes out is the account that went in,
whatever the transport throws at the client."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsuite.conftest import CERTIFICATE_ID, CLIENT_ID, TBA, tba_env
from netsuite.fakeserver import ClientCredentialKeys, FakeNetSuite, Fault, TbaKeys
from suitelint.errors import SourceError, UsageError
from suitelint.model import Snapshot, sort_snapshot
from suitelint.netsuite.auth import (
    ClientCredentials,
    ClientCredentialsAuth,
    PrivateKey,
    Secret,
    TbaAuth,
    TbaCredentials,
    load_private_key,
)
from suitelint.netsuite.client import ClientConfig, QueryError, SuiteQLClient, token_url_for
from suitelint.netsuite.export import (
    SQL_ROLES,
    ExportResult,
    export_account,
    normalise_account,
    permission_ranges,
)
from suitelint.netsuite.run import ExportRequest, run_export
from suitelint.sources.snapshot import load_snapshot

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def tba_client(
    server: FakeNetSuite, sleeps: list[float] | None = None, **config: float
) -> SuiteQLClient:
    auth = TbaAuth(TbaCredentials.from_env(tba_env()), "1234567")
    record = sleeps if sleeps is not None else []
    return SuiteQLClient(
        ClientConfig(base_url=server.base_url, **config),  # type: ignore[arg-type]
        auth,
        sleep=record.append,
        rng=lambda: 0.5,
    )


def cc_auth(server: FakeNetSuite, key_pem: bytes, **kwargs: object) -> ClientCredentialsAuth:
    key = load_private_key(Secret(key_pem.decode()), None, "test key")
    creds = ClientCredentials(Secret(CLIENT_ID), CERTIFICATE_ID, key)
    return ClientCredentialsAuth(creds, token_url_for(server.base_url), **kwargs)  # type: ignore[arg-type]


def exported(client: SuiteQLClient, **kwargs: object) -> ExportResult:
    return export_account(client, "1234567", "production", now=NOW, **kwargs)  # type: ignore[arg-type]


def same_account(result: Snapshot, fixture: Snapshot) -> bool:
    expected = sort_snapshot(fixture)
    return msgspec.structs.replace(result, account=expected.account, login_audit=None) == expected


# --- round trip -------------------------------------------------------------------------


def test_export_round_trip_gives_back_the_fixture_account(
    server: FakeNetSuite, account: Snapshot, tmp_path: Path
) -> None:
    out = tmp_path / "snapshot.json"
    result = run_export(
        ExportRequest(account="1234567", output=out, base_url=server.base_url), tba_env()
    )
    written = load_snapshot(out).snapshot
    assert written == result.snapshot
    assert same_account(written, account)
    assert written.account.id == "1234567"
    assert written.account.environment == "production"
    assert server.stats.pages == result.pages > 0
    assert server.stats.rejected_signatures == 0


def test_export_command_writes_a_snapshot_that_check_accepts(
    server: FakeNetSuite,
    account: Snapshot,
    tmp_path: Path,
    run_cli,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    for name, value in tba_env().items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "snapshot.json"
    result = run_cli("export", "--account", "1234567", "-o", out, "--base-url", server.base_url)
    assert result.exit_code == 0, result
    assert "wrote" in result.stderr and "3 tokens" in result.stderr
    assert "not exposed by the REST API" in result.stderr  # the gaps are said, not hidden
    assert same_account(load_snapshot(out).snapshot, account)
    checked = run_cli("check", out, "--as-of", "2026-11-25")
    assert checked.exit_code in (0, 1), checked  # a valid snapshot: findings, not errors


def test_client_credentials_round_trip_with_a_cached_token(
    server: FakeNetSuite, account: Snapshot, rsa_cert: tuple[bytes, bytes]
) -> None:
    auth = cc_auth(server, rsa_cert[0])
    client = SuiteQLClient(ClientConfig(base_url=server.base_url), auth)
    result = exported(client, concurrency=3)
    assert same_account(result.snapshot, account)
    assert server.stats.token_grants == auth.grants == 1  # one token for every page
    assert server.stats.pages > 1


def test_es256_keys_sign_client_assertions(account: Snapshot, ec_cert: tuple[bytes, bytes]) -> None:
    keys = ClientCredentialKeys(CLIENT_ID, CERTIFICATE_ID, ec_cert[1])
    with FakeNetSuite(account, client_credentials=keys) as server:
        auth = cc_auth(server, ec_cert[0])
        assert auth._credentials.private_key.algorithm == "ES256"
        result = exported(SuiteQLClient(ClientConfig(base_url=server.base_url), auth))
    assert same_account(result.snapshot, account)


def test_the_access_token_is_renewed_shortly_before_it_expires(
    server: FakeNetSuite, rsa_cert: tuple[bytes, bytes]
) -> None:
    import requests

    now = [1_000_000.0]
    issued: list[str] = []

    def post(url: str, data: dict[str, str], timeout: float) -> requests.Response:
        issued.append(data["client_assertion"])
        response = requests.Response()
        response.status_code = 200
        response._content = msgspec.json.encode(
            {"access_token": f"token-{len(issued)}", "expires_in": "3600", "token_type": "Bearer"}
        )
        return response

    auth = cc_auth(server, rsa_cert[0], clock=lambda: now[0], post=post)
    first = auth.access_token()
    now[0] += 3000  # 50 minutes: still well inside the hour
    assert auth.access_token() == first
    now[0] += 400  # within the last five minutes: re-assert
    assert auth.access_token() != first
    assert auth.grants == 2 and len(issued) == 2


def test_a_token_the_server_expired_early_is_replaced_once(
    server: FakeNetSuite, account: Snapshot, rsa_cert: tuple[bytes, bytes]
) -> None:
    auth = cc_auth(server, rsa_cert[0])
    client = SuiteQLClient(ClientConfig(base_url=server.base_url), auth)
    client.page("SELECT * FROM role ORDER BY id", 0)
    server.expire_tokens()
    page = client.page("SELECT * FROM role ORDER BY id", 0)
    assert len(page.items) == len(account.roles)
    assert server.stats.rejected_tokens == 1 and auth.grants == 2


# --- authentication is checked by the server --------------------------------------------


def test_the_server_rejects_a_tampered_signature(server: FakeNetSuite) -> None:
    import requests

    auth = TbaAuth(TbaCredentials.from_env(tba_env()), "1234567")
    url = server.base_url + "/services/rest/query/v1/suiteql?limit=10&offset=0"
    body = {"q": "SELECT * FROM role ORDER BY id"}
    headers = {"Prefer": "transient"}
    good = requests.post(url, json=body, headers=headers, auth=auth, timeout=10)
    assert good.status_code == 200

    # Sign a request, then change what it asks for: the signature no longer matches.
    prepared = requests.Request("POST", url, json=body, headers=headers, auth=auth).prepare()
    prepared.url = prepared.url.replace("offset=0", "offset=5")  # type: ignore[union-attr]
    with requests.Session() as session:
        tampered = session.send(prepared, timeout=10)
    assert tampered.status_code == 401
    assert server.stats.rejected_signatures == 1


def test_the_server_rejects_another_realm_and_a_wrong_secret(server: FakeNetSuite) -> None:
    wrong_realm = SuiteQLClient(
        ClientConfig(base_url=server.base_url),
        TbaAuth(TbaCredentials.from_env(tba_env()), "7654321"),
    )
    with pytest.raises(QueryError, match="rejected the login"):
        wrong_realm.page("SELECT * FROM role ORDER BY id", 0)
    bad = TbaKeys(TBA.consumer_key, TBA.consumer_secret, TBA.token_id, "not-the-secret")
    wrong_secret = SuiteQLClient(
        ClientConfig(base_url=server.base_url),
        TbaAuth(TbaCredentials.from_env(tba_env(bad)), "1234567"),
    )
    with pytest.raises(QueryError, match=r"HTTP 401 \(INVALID_LOGIN") as caught:
        wrong_secret.page("SELECT * FROM role ORDER BY id", 0)
    assert "ADMI_LOGIN_OAUTH" in str(caught.value)
    assert server.stats.rejected_signatures == 2


def test_the_token_endpoint_rejects_an_assertion_signed_by_another_key(
    server: FakeNetSuite, ec_cert: tuple[bytes, bytes]
) -> None:
    auth = cc_auth(server, ec_cert[0])  # the server knows the RSA certificate only
    with pytest.raises(SourceError, match="refused the client-credentials grant"):
        auth.access_token()
    assert server.stats.rejected_assertions == 1


def test_token_endpoint_hiccups_are_retried(
    server: FakeNetSuite, rsa_cert: tuple[bytes, bytes]
) -> None:
    server.token_faults.extend([Fault("status", 503), Fault("status", 429)])
    sleeps: list[float] = []
    auth = cc_auth(server, rsa_cert[0], sleep=sleeps.append)
    assert auth.access_token()
    assert len(sleeps) == 2 and server.stats.token_grants == 1


def test_client_assertion_claims_follow_netsuite(
    server: FakeNetSuite, rsa_cert: tuple[bytes, bytes]
) -> None:
    import jwt

    auth = cc_auth(server, rsa_cert[0], clock=lambda: 1_800_000_000.0)
    assertion = auth.assertion()
    header = jwt.get_unverified_header(assertion)
    claims = jwt.decode(assertion, options={"verify_signature": False})
    assert header == {"alg": "PS256", "kid": CERTIFICATE_ID, "typ": "JWT"}
    assert claims["iss"] == CLIENT_ID and claims["aud"] == server.token_url
    assert claims["scope"] == ["rest_webservices"]
    assert 0 < claims["exp"] - claims["iat"] <= 3600


# --- transport: retries, errors, concurrency --------------------------------------------


def test_export_recovers_from_429_5xx_dropped_and_slow_pages(
    server: FakeNetSuite, account: Snapshot
) -> None:
    server.inject(
        Fault("status", 429, retry_after="7"),
        Fault("status", 503),
        Fault("drop"),
        Fault("status", 502),
        Fault("slow", delay=3.0),  # longer than the read timeout below
        Fault("status", 500),
        Fault("status", 400, code="SSS_REQUEST_LIMIT_EXCEEDED"),
        Fault("status", 400, code="CONCURRENCY_LIMIT_EXCEEDED"),
    )
    sleeps: list[float] = []
    # The timeout leaves a page that is not held back time to come on a loaded machine: at
    # 0.5 s the test failed once on a busy host, most likely a normal page timing out.
    client = tba_client(server, sleeps, timeout=2.0)
    result = exported(client, concurrency=2)
    assert same_account(result.snapshot, account)
    assert server.stats.faults == 8
    assert result.retries == 8
    assert 7.0 in sleeps  # Retry-After is honoured
    assert server.stats.rejected_signatures == 0  # every retry is signed afresh


def test_no_thread_of_the_fake_server_outlives_it(account: Snapshot) -> None:
    # a page held back past the client's timeout: its request thread is still sleeping
    # when the export is done; stop() waits for it
    before = set(threading.enumerate())
    with FakeNetSuite(account, tba=TBA) as server:
        server.inject(Fault("slow", delay=1.0))
        result = exported(tba_client(server, [], timeout=0.3), concurrency=2)
        assert same_account(result.snapshot, account) and server.stats.faults == 1
    assert set(threading.enumerate()) == before


def test_an_invalid_login_after_a_good_one_is_retried_as_overload(server: FakeNetSuite) -> None:
    client = tba_client(server)
    with pytest.raises(QueryError, match="rejected the login"):
        server.inject(Fault("status", 401, code="INVALID_LOGIN"))
        client.page("SELECT * FROM role ORDER BY id", 0)  # never logged in: fatal
    client.page("SELECT * FROM role ORDER BY id", 0)
    server.inject(Fault("status", 401, code="INVALID_LOGIN"))
    client.page("SELECT * FROM role ORDER BY id", 0)  # worked before: retried
    assert client.retries == 1


def test_backoff_grows_exponentially_with_jitter(server: FakeNetSuite) -> None:
    server.inject(*[Fault("status", 503)] * 4)
    sleeps: list[float] = []
    client = tba_client(server, sleeps)
    client.page("SELECT * FROM role ORDER BY id", 0)
    # base 0.5 s doubling, times the jitter draw (0.5 here)
    assert sleeps == [0.25, 0.5, 1.0, 2.0]


def test_persistent_failures_end_with_an_error(server: FakeNetSuite) -> None:
    server.inject(*[Fault("status", 503)] * 10)
    client = tba_client(server, max_retries=3)
    with pytest.raises(QueryError, match="gave up after 4 attempts; last failure: HTTP 503"):
        client.page("SELECT * FROM role ORDER BY id", 0)


def test_a_permission_error_names_the_missing_permission(server: FakeNetSuite) -> None:
    server.inject(
        Fault(
            "status",
            403,
            code="INSUFFICIENT_PERMISSION",
            detail="Permission Violation: You need the 'Lists -> Employees' permission to "
            "access this page. Please contact your account administrator.",
        )
    )
    with pytest.raises(QueryError, match=r"lacks the NetSuite permission 'Lists -> Employees'"):
        exported(tba_client(server), concurrency=1)


def test_a_table_the_roles_permissions_do_not_reach_says_what_to_grant(
    account: Snapshot,
) -> None:
    # NetSuite answers a 400 "Record 'employee' was not found", not a 403, when the role
    # lacks the permission to read the table
    with (
        FakeNetSuite(account, tba=TBA, refused_tables=["employee"]) as server,
        pytest.raises(QueryError) as caught,
    ):
        exported(tba_client(server), concurrency=1)
    message = str(caught.value)
    assert ": the role cannot read 'employee' (HTTP 400 (INVALID_PARAMETER: " in message
    assert (
        "grant it Employees (LIST_EMPLOYEE) and Employee Record (LIST_EMPLOYEE_RECORD)" in message
    )
    assert caught.value.reason == "table-refused" and caught.value.not_available


def test_a_refused_table_with_a_fallback_reads_the_fallback(account: Snapshot) -> None:
    with FakeNetSuite(account, tba=TBA, refused_tables=["employeerolesforsearch"]) as server:
        result = exported(tba_client(server))
    assert same_account(result.snapshot, account)


def test_a_column_netsuite_does_not_know_is_no_missing_table(account: Snapshot) -> None:
    # "Unknown identifier" on the integration query must not switch silently to the
    # integrationapp fallback: the export stops and names the column
    unknown = {"integration": ["applicationid"]}
    with (
        FakeNetSuite(account, tba=TBA, unknown_columns=unknown) as server,
        pytest.raises(QueryError) as caught,
    ):
        exported(tba_client(server))
    assert caught.value.reason == "column" and not caught.value.not_available
    assert "NetSuite does not know the column 'applicationid'" in str(caught.value)
    assert not any("FROM integrationapp" in q for q in server.stats.queries)


def test_an_optional_querys_unknown_column_is_a_note_naming_it(account: Snapshot) -> None:
    unknown = {"loginaudit": ["oauthaccesstokenname"]}
    with FakeNetSuite(account, tba=TBA, unknown_columns=unknown) as server:
        result = exported(tba_client(server))
    (note,) = [n for n in result.notes if "loginaudit" in n]
    assert "does not know the column 'oauthaccesstokenname'" in note
    assert all(t.last_used is None for t in result.snapshot.tokens)


def test_a_table_the_account_lacks_is_told_apart_from_a_refused_one(
    server: FakeNetSuite,
) -> None:
    server.missing_tables.add("role")
    with pytest.raises(QueryError) as caught:
        tba_client(server).page("SELECT * FROM role ORDER BY id", 0)
    assert caught.value.reason == "no-table" and caught.value.not_available
    assert ": this account has no table 'role' (HTTP 400 (INVALID_PARAMETER: " in str(caught.value)


@pytest.mark.parametrize(
    ("detail", "reason", "subject"),
    [
        (
            "Invalid search query. Detailed unprocessed description follows. Invalid search "
            "type: transactiontablethatdoesnotexist.",
            "no-table",
            "transactiontablethatdoesnotexist",
        ),
        (
            "Invalid search query. Detailed unprocessed description follows. Search error "
            "occurred: Unknown identifier 'subsidiary'. Available identifiers are: "
            "{transaction=transaction}.",
            "column",
            "subsidiary",
        ),
        ("Record 'employee' was not found.", "table-refused", "employee"),
        ("Field 'salary' for record 'employee' was not found", "column", "salary"),
        ("Invalid search query: unexpected token near WHERE.", "", ""),
        ("", "", ""),
    ],
)
def test_search_errors_are_read_by_what_they_name(detail: str, reason: str, subject: str) -> None:
    from suitelint.netsuite.client import refusal_reason

    assert refusal_reason(detail) == (reason, subject)


def test_after_a_query_fails_no_worker_sends_another_request(server: FakeNetSuite) -> None:
    # One query is refused for good while the others are asked to come back later: the
    # export fails at once, and the workers still waiting stop instead of retrying (they
    # used to go on for as long as NetSuite said 429, holding the process open). The roles
    # query is refused: a refused optional query (or one with a fallback) does not fail the
    # export, and which query's request reaches the server first is up to the scheduler.
    refused = Fault(
        "status",
        403,
        code="INSUFFICIENT_PERMISSION",
        detail="Permission Violation",
        only_query=SQL_ROLES,
    )
    server.inject(refused, *[Fault("status", 429, retry_after="1") for _ in range(40)])
    auth = TbaAuth(TbaCredentials.from_env(tba_env()), "1234567")
    client = SuiteQLClient(ClientConfig(base_url=server.base_url), auth)  # real waits
    with pytest.raises(QueryError, match="HTTP 403"):
        exported(client, concurrency=4)
    assert refused not in server.faults  # the roles query took it
    for worker in [t for t in threading.enumerate() if t.name.startswith("suiteql")]:
        worker.join(timeout=30)
        assert not worker.is_alive()
    # the refused request and at most one more per worker (one may start its next query
    # before the pool is shut); no retry: before the fix, all 41 answers were used
    assert server.stats.suiteql_requests <= 1 + 4


def test_concurrency_is_bounded(account: Snapshot) -> None:
    with FakeNetSuite(account, tba=TBA, latency=0.05) as server:
        result = exported(tba_client(server), concurrency=2, page_size=1)
        assert same_account(result.snapshot, account)
        assert server.stats.max_in_flight == 2


def test_large_permission_tables_are_split_below_the_row_cap(account: Snapshot) -> None:
    total = sum(len(r.permissions) for r in account.roles)
    with FakeNetSuite(account, tba=TBA, max_query_rows=5) as server:
        result = exported(tba_client(server), max_query_rows=5, page_size=2, concurrency=3)
        assert same_account(result.snapshot, account)
        ranges = [q for q in server.stats.queries if "WHERE role >=" in q]
    assert len(set(ranges)) >= 2 and total > 5


def test_permission_ranges_pack_whole_roles() -> None:
    counts = [{"role": "1013", "n": "3"}, {"role": "3", "n": "4"}, {"role": "1010", "n": "2"}]
    assert permission_ranges(counts, 6) == [("3", "1010", 6), ("1013", "1013", 3)]
    with pytest.raises(SourceError, match="not numeric"):
        permission_ranges([{"role": "1 OR 1=1", "n": "1"}], 6)


def test_a_query_over_the_row_cap_fails_closed(account: Snapshot) -> None:
    with (
        FakeNetSuite(account, tba=TBA) as server,
        pytest.raises(SourceError, match=r"returns \d+ rows; REST SuiteQL serves at most 3 rows"),
    ):
        exported(tba_client(server), max_query_rows=3)


# --- what the API does not expose -------------------------------------------------------


def test_fallback_tables_give_the_same_account(account: Snapshot) -> None:
    missing = ["employeerolesforsearch", "integration"]
    with FakeNetSuite(account, tba=TBA, missing_tables=missing) as server:
        result = exported(tba_client(server))
    assert same_account(
        result.snapshot,
        msgspec.structs.replace(
            account,
            integrations=tuple(
                msgspec.structs.replace(i, application_id=None) for i in account.integrations
            ),
        ),
    )


def test_missing_optional_tables_become_notes_not_silence(account: Snapshot) -> None:
    missing = ["integration", "integrationapp", "loginaudit", "employeeempperms"]
    with FakeNetSuite(account, tba=TBA, missing_tables=missing) as server:
        result = exported(tba_client(server))
    notes = "\n".join(result.notes)
    assert "integrations are named from their tokens" in notes
    assert "no last-used date" in notes
    assert "global permissions" in notes
    snap = result.snapshot
    assert {i.id for i in snap.integrations} == {"101", "103"}  # from the tokens
    assert all(t.last_used is None for t in snap.tokens)
    assert all(not u.global_permissions for u in snap.users)


def test_without_any_employee_role_table_the_export_fails(account: Snapshot) -> None:
    missing = ["employeerolesforsearch", "employeeroles"]
    with (
        FakeNetSuite(account, tba=TBA, missing_tables=missing) as server,
        pytest.raises(SourceError, match="cannot read which roles each employee has"),
    ):
        exported(tba_client(server))


# --- account ids ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "sandbox", "realm", "environment"),
    [
        ("1234567", False, "1234567", "production"),
        ("1234567_SB1", False, "1234567_SB1", "sandbox"),
        ("1234567-sb2", True, "1234567_SB2", "sandbox"),
        ("tstdrv123", False, "TSTDRV123", "production"),
    ],
)
def test_account_ids_become_realms(raw: str, sandbox: bool, realm: str, environment: str) -> None:
    assert normalise_account(raw, sandbox) == (realm, environment)


@pytest.mark.parametrize("raw", ["", "1234567.evil.com", "12/34", "a b"])
def test_bad_account_ids_are_usage_errors(raw: str) -> None:
    with pytest.raises(UsageError):
        normalise_account(raw, False)


def test_sandbox_flag_needs_a_sandbox_id() -> None:
    with pytest.raises(UsageError, match="_SB1"):
        normalise_account("1234567", True)


def test_private_key_algorithms(
    rsa_cert: tuple[bytes, bytes], ec_cert: tuple[bytes, bytes]
) -> None:
    rsa = load_private_key(Secret(rsa_cert[0].decode()), None, "k")
    ec = load_private_key(Secret(ec_cert[0].decode()), None, "k")
    assert (rsa.algorithm, ec.algorithm) == ("PS256", "ES256")
    assert isinstance(rsa, PrivateKey) and "BEGIN" not in repr(rsa)


def test_csv_exports_fill_the_gaps_of_the_api(
    server: FakeNetSuite,
    tmp_path: Path,
    run_cli,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    csv = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
    for name, value in tba_env().items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "snapshot.json"
    result = run_cli(
        "export",
        "--account",
        "1234567",
        "-o",
        out,
        "--base-url",
        server.base_url,
        "--csv",
        csv / "integrations.csv",
        "--csv",
        csv / "client-credentials.csv",
    )
    assert result.exit_code == 0, result
    assert "not exposed by the REST API" not in result.stderr
    snapshot = load_snapshot(out).snapshot
    flows = {i.id: i.auth_flows for i in snapshot.integrations}
    assert flows == {"101": ("tba",), "103": ("tba", "auth_code", "client_credentials")}
    (m2m,) = [t for t in snapshot.tokens if t.type == "client_credentials"]
    assert (m2m.user, m2m.role, m2m.integration) == ("8", "1012", "103")


def test_a_bad_csv_stops_the_export_before_any_request(
    server: FakeNetSuite, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Colour\nred\n", encoding="utf-8")
    request = ExportRequest(
        account="1234567", output=tmp_path / "s.json", base_url=server.base_url, csv=(bad,)
    )
    with pytest.raises(SourceError, match="cannot tell which NetSuite export"):
        run_export(request, tba_env())
    assert server.stats.suiteql_requests == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {},
            "SUITELINT_CONSUMER_KEY, SUITELINT_CONSUMER_SECRET, SUITELINT_TOKEN_ID, SUITELINT_TOKEN_SECRET",
        ),
        (
            {**tba_env(), "SUITELINT_TOKEN_SECRET_FILE": "/nonexistent"},
            "both SUITELINT_TOKEN_SECRET and",
        ),
    ],
)
def test_missing_credentials_are_config_errors(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    from suitelint.errors import ConfigError

    request = ExportRequest(
        account="1234567", output=tmp_path / "s.json", base_url="http://127.0.0.1:9"
    )
    with pytest.raises(ConfigError, match=message):
        run_export(request, env)


def test_credentials_can_come_from_files(server: FakeNetSuite, tmp_path: Path) -> None:
    env = {}
    for name, value in tba_env().items():
        secret = tmp_path / name.lower()
        secret.write_text(value + "\n", encoding="utf-8")
        env[name + "_FILE"] = str(secret)
    request = ExportRequest(account="1234567", output=tmp_path / "s.json", base_url=server.base_url)
    assert run_export(request, env).snapshot.roles


@pytest.mark.parametrize(
    "url", ["ftp://example.com", "http://example.com", f"https://user:{TBA.token_secret}@host", "x"]
)
def test_base_urls_must_be_https_or_local_and_carry_no_credentials(url: str) -> None:
    from suitelint.netsuite.client import check_base_url

    with pytest.raises(UsageError) as caught:
        check_base_url(url)
    assert TBA.token_secret not in str(caught.value)


@given(
    page_size=st.integers(min_value=1, max_value=4),
    max_rows=st.integers(min_value=6, max_value=12),  # the largest other table has 5 rows
    concurrency=st.integers(min_value=1, max_value=5),
    faults=st.lists(st.sampled_from([429, 500, 503, 0]), max_size=4),
)
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_paging_gives_the_same_account(
    server: FakeNetSuite,
    account: Snapshot,
    page_size: int,
    max_rows: int,
    concurrency: int,
    faults: list[int],
) -> None:
    server.max_query_rows = max_rows
    server.inject(*(Fault("drop") if code == 0 else Fault("status", code) for code in faults))
    result = exported(
        tba_client(server), page_size=page_size, max_query_rows=max_rows, concurrency=concurrency
    )
    assert same_account(result.snapshot, account)
