"""Every command that reads account sources reads them as ``check`` does: ``--date-format``
for CSV exports (a bad one is a usage error before any work), the same warnings about what
the sources could not tell (once each, even when both sides of a comparison read them), and
policies that name custom records by the display name the sources give them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "csv" / "seed-dmy"  # the seed account exported by a day-first user
EXPORTS = [str(SEED / name) for name in ("roles.csv", "employees.csv", "integrations.csv")]
TOKENS = str(SEED / "access-tokens.csv")
AMBIGUOUS = "could be day/month or month/day"

#: each command reading the day-first seed export, the token list among its sources
COMMANDS = {
    "audit": ["audit", *EXPORTS, TOKENS, "--as-of", "2026-11-25"],
    "blast-radius": ["blast-radius", *EXPORTS, TOKENS, "--as-of", "2026-11-25"],
    "diff": ["diff", EXPORTS[0], EXPORTS[0], *(f"--with={p}" for p in [*EXPORTS[1:], TOKENS])],
    "drift": ["drift", str(FIXTURES / "drift" / "repo"), *EXPORTS, TOKENS],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_ambiguous_csv_dates_are_warned_once_and_date_format_settles_them(
    run_cli,  # type: ignore[no-untyped-def]
    command: str,
) -> None:
    guessed = run_cli(*COMMANDS[command])
    assert guessed.exit_code in (0, 1), guessed.stderr
    warnings = [line for line in guessed.stderr.splitlines() if AMBIGUOUS in line]
    assert len(warnings) == 1, guessed.stderr
    assert warnings[0].startswith(f"suitelint: warning: {TOKENS}: ")
    assert "--date-format D/M/YYYY" in warnings[0]

    told = run_cli(*COMMANDS[command], "--date-format", "D/M/YYYY")
    assert told.exit_code == guessed.exit_code, told.stderr
    assert AMBIGUOUS not in told.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_date_format_that_names_none_is_a_usage_error(run_cli, command: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(*COMMANDS[command], "--date-format", "YYYY/DD")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--date-format 'YYYY/DD': expected a NetSuite date format" in result.stderr


def test_audit_reads_the_dates_in_the_order_it_is_told(run_cli) -> None:  # type: ignore[no-untyped-def]
    def created(*extra: str) -> set[str]:
        result = run_cli(*COMMANDS["audit"], "--format", "json", *extra)
        tokens = json.loads(result.stdout)["tokens"]
        return {
            t["still_needed"]["created"] for t in tokens if t["name"] == "Invoice Sync (production)"
        }

    assert created() == {"2025-01-03"}  # guessed month first, and warned
    assert created("--date-format", "D/M/YYYY") == {"2025-03-01"}


def test_audit_policies_name_custom_records_by_their_sdf_display_name(
    run_cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "suitelint: 1\n"
        "rules:\n"
        "  - id: invoice-sync-needs\n"
        "    severity: warning\n"
        "    applies_to: integrations\n"
        "    allow_only:\n"
        "      Invoice Log: view\n",
        encoding="utf-8",
    )
    project = str(FIXTURES / "sdf" / "project")
    for command in ("audit", "blast-radius", "check"):
        result = run_cli(command, project, "-p", str(policy), "--as-of", "2026-11-25")
        assert result.exit_code in (0, 1), (command, result.stderr)
        assert "Invoice Log" not in result.stderr, (command, result.stderr)
