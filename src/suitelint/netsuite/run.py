"""``suitelint export``: credentials → client → export → (CSV) → atomic snapshot write.

Kept out of ``cli.py`` so the command there only parses flags and prints.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from suitelint.errors import SourceError, UsageError
from suitelint.netsuite.auth import (
    AuthKind,
    ClientCredentials,
    ClientCredentialsAuth,
    TbaAuth,
    TbaCredentials,
)
from suitelint.netsuite.client import (
    ClientConfig,
    DeadlineExceeded,
    SuiteQLClient,
    base_url_for,
    check_base_url,
    token_url_for,
)
from suitelint.netsuite.export import (
    DEFAULT_CONCURRENCY,
    GAPS,
    MAX_CONCURRENCY,
    ExportResult,
    Progress,
    export_account,
    normalise_account,
)

if TYPE_CHECKING:
    from suitelint.netsuite.probe import ProbeResult
    from suitelint.sources.csv import CsvExport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    account: str
    output: Path
    sandbox: bool = False
    auth: AuthKind = "tba"
    concurrency: int = DEFAULT_CONCURRENCY
    base_url: str | None = None
    private_key_file: Path | None = None
    timeout: float = 120.0
    csv: tuple[Path, ...] = ()
    #: the order of the CSV exports' numeric dates (--date-format), else inferred
    date_format: str | None = None
    #: seconds the whole export may take (--deadline), retries and waits included
    deadline: float | None = None


def run_export(
    request: ExportRequest, env: Mapping[str, str], progress: Progress | None = None
) -> ExportResult:
    """Export the account and write the snapshot atomically; return what was done."""
    from suitelint.sources.snapshot import is_snapshot_path, write_snapshot

    if not is_snapshot_path(request.output):
        raise UsageError(f"-o {request.output}: the snapshot file must end in .json or .yaml")
    if not 1 <= request.concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be 1..{MAX_CONCURRENCY}")
    if request.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if request.deadline is not None and request.deadline <= 0:
        raise UsageError("--deadline must be positive")
    if request.private_key_file is not None and request.auth != "client-credentials":
        raise UsageError("--private-key-file is for --auth client-credentials")
    realm, environment = normalise_account(request.account, request.sandbox)
    base_url = check_base_url(request.base_url or base_url_for(realm))
    # Credentials are read before any network traffic, so a missing one fails fast.
    auth = _auth(request, env, realm, base_url)
    csv_parts = _load_csv(request.csv, request.date_format)  # bad CSV fails before any request
    deadline = None if request.deadline is None else time.monotonic() + request.deadline
    client = SuiteQLClient(
        ClientConfig(base_url=base_url, timeout=request.timeout, deadline=deadline),
        auth,
        pool_size=request.concurrency,
    )
    try:
        result = export_account(
            client, realm, environment, concurrency=request.concurrency, progress=progress
        )
    except DeadlineExceeded:
        raise SourceError(
            f"the export did not finish within --deadline {request.deadline:g} s; nothing "
            "was written (raise --deadline, or --concurrency if the account allows it)",
            base_url,
        ) from None
    finally:
        client.close()
    snapshot = result.snapshot
    notes = list(result.notes)
    if csv_parts:
        from suitelint.sources.csv import into_account

        snapshot, csv_notes = into_account(snapshot, csv_parts)
        notes.extend(csv_notes)
    # Say what the API could not give, unless a CSV export of that list was given.
    kinds = {part.kind for _, part in csv_parts}
    integration_gap, m2m_gap = GAPS
    if "integrations" not in kinds:
        notes.append(integration_gap)
    if "client-credentials" not in kinds:
        notes.append(m2m_gap)
    write_snapshot(snapshot, request.output)
    return dataclasses.replace(result, snapshot=snapshot, notes=tuple(notes))


def _auth(
    request: ExportRequest, env: Mapping[str, str], realm: str, base_url: str
) -> TbaAuth | ClientCredentialsAuth:
    if request.auth == "tba":
        return TbaAuth(TbaCredentials.from_env(env), realm)
    creds = ClientCredentials.from_env(env, request.private_key_file)
    return ClientCredentialsAuth(creds, token_url_for(base_url), timeout=request.timeout)


def run_probe(request: ExportRequest, env: Mapping[str, str]) -> ProbeResult:
    """``export --probe``: connection, credentials and one row of every query; nothing is
    written. Transient failures are retried twice, not eight times."""
    from suitelint.netsuite.probe import probe

    if request.private_key_file is not None and request.auth != "client-credentials":
        raise UsageError("--private-key-file is for --auth client-credentials")
    realm, _ = normalise_account(request.account, request.sandbox)
    base_url = check_base_url(request.base_url or base_url_for(realm))
    auth = _auth(request, env, realm, base_url)
    deadline = None if request.deadline is None else time.monotonic() + request.deadline
    client = SuiteQLClient(
        ClientConfig(base_url=base_url, timeout=request.timeout, max_retries=2, deadline=deadline),
        auth,
        pool_size=1,
    )
    try:
        return probe(client)
    except DeadlineExceeded:
        raise SourceError(
            f"the probe did not finish within --deadline {request.deadline:g} s", base_url
        ) from None
    finally:
        client.close()


def _load_csv(paths: Sequence[Path], date_format: str | None) -> list[tuple[str, CsvExport]]:
    if not paths:
        return []
    from suitelint.sources.csv import read_csv_exports

    exports = read_csv_exports(paths, date_format=date_format)
    return [(export.path, export) for export in exports]
