"""``suitelint export --probe``: can these credentials read what the export needs?

One page of one row per query the export runs: the connection, the credentials, then
each table, with the unverified columns it returns. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from suitelint.netsuite.client import QueryError, SuiteQLClient, host_of
from suitelint.netsuite.export import (
    _GLOBAL_COLUMNS,
    _ROLE_FLAGS,
    SQL_EMPLOYEE_ROLES,
    SQL_EMPLOYEE_ROLES_SUBLIST,
    SQL_EMPLOYEES,
    SQL_GLOBAL_PROBE,
    SQL_INTEGRATION_APPS,
    SQL_INTEGRATIONS,
    SQL_LAST_USED,
    SQL_PERMISSION_COUNTS,
    SQL_ROLES,
    SQL_TOKENS,
)


@dataclass(frozen=True, slots=True)
class Check:
    label: str
    tables: str
    queries: tuple[str, ...]
    #: the export fails without it
    required: bool
    #: what is lost without it
    without: str = ""


CHECKS: tuple[Check, ...] = (
    Check("roles", "role", (SQL_ROLES,), True),
    Check("role permissions", "rolepermissions", (SQL_PERMISSION_COUNTS,), True),
    Check("users", "employee", (SQL_EMPLOYEES,), True),
    Check(
        "user roles",
        "employeerolesforsearch, else employeeroles",
        (SQL_EMPLOYEE_ROLES, SQL_EMPLOYEE_ROLES_SUBLIST),
        True,
    ),
    Check(
        "global permissions",
        "employeeempperms",
        (SQL_GLOBAL_PROBE,),
        False,
        "users carry no global permissions",
    ),
    Check(
        "integrations",
        "integration, else integrationapp",
        (SQL_INTEGRATIONS, SQL_INTEGRATION_APPS),
        False,
        "integrations are named from their tokens",
    ),
    Check("tokens", "oauthtoken", (SQL_TOKENS,), True),
    Check(
        "last use",
        "loginaudit",
        (SQL_LAST_USED,),
        False,
        "tokens carry no last use (give the Login Audit Trail with --csv)",
    ),
)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    lines: tuple[str, ...]
    #: everything the export needs is readable
    ok: bool


def _columns(label: str, rows: Sequence[dict[str, str]]) -> str:
    seen = sorted(set().union(*rows)) if rows else []
    if label == "roles":
        returned = sorted({c for names in _ROLE_FLAGS.values() for c in names} & set(seen))
        missing = [
            f"{attr} ({'/'.join(names)})"
            for attr, names in _ROLE_FLAGS.items()
            if not set(names) & set(seen)
        ]
        text = f"; flag columns returned: {', '.join(returned) or 'none'}"
        if missing:
            text += f"; not returned (left false): {', '.join(missing)}"
        return text
    if label == "global permissions":
        chosen = {
            name: next((c for c in names if c in seen), None)
            for name, names in _GLOBAL_COLUMNS.items()
        }
        unknown = [name for name, column in chosen.items() if column is None]
        if not rows:
            return "; no rows, so its columns cannot be told"
        if unknown:
            return (
                f"; columns {', '.join(seen)}: no column found for {', '.join(unknown)} "
                "(users would carry no global permissions)"
            )
        return "; columns " + ", ".join(f"{k} = {v}" for k, v in chosen.items())
    return f"; columns: {', '.join(seen)}" if seen else ""


def probe(client: SuiteQLClient) -> ProbeResult:
    """Run one row of every query the export runs and say what came back."""
    lines = [f"connection: {host_of(client.config.base_url)}"]
    ok = True
    credentials_said = False
    for check in CHECKS:
        outcome: str | None = None
        for sql in check.queries:
            try:
                page = client.page(sql, 0, 1)
            except QueryError as exc:
                if exc.status in (401,) or (exc.status is None and not credentials_said):
                    what = "credentials" if exc.status == 401 else "connection"
                    lines.append(
                        f"{what}: refused: {exc}" if exc.status else f"{what}: failed: {exc}"
                    )
                    return ProbeResult(tuple(lines), False)
                if not credentials_said:
                    lines.append("credentials: accepted")
                    credentials_said = True
                outcome = f"not available ({exc})" if exc.not_available else f"failed ({exc})"
                continue
            if not credentials_said:
                lines.append("credentials: accepted")
                credentials_said = True
            outcome = None
            lines.append(
                f"{check.label} ({check.tables}): readable, {page.total} rows"
                + _columns(check.label, page.items)
            )
            break
        if outcome is not None:
            consequence = "the export needs it" if check.required else check.without
            lines.append(f"{check.label} ({check.tables}): {outcome}; {consequence}")
            ok = ok and not check.required
    lines.append(
        "probe: everything the export needs is readable"
        if ok
        else "probe: the export would fail: grant what is marked 'the export needs it'"
    )
    return ProbeResult(tuple(lines), ok)
