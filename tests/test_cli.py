"""The command line: what a CI gate sees (exit codes, output, errors on stderr)."""

from __future__ import annotations

from conftest import EXAMPLES


def test_example_account_fails_with_the_invoice_sync_chain(run_cli):
    result = run_cli("check", EXAMPLES / "account.json", "--as-of", "2026-11-25")
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if "token-not-administrator" in line)
    assert "Invoice Sync (production)" in line
    chain = result.stdout.splitlines()[result.stdout.splitlines().index(line) + 1]
    assert chain.strip() == (
        "integration 'Invoice Sync' [101] → token 'Invoice Sync (production)' [T-101] "
        "(TBA token) → user 'Integration Admin' [7] → role 'Administrator' [ADMINISTRATOR] "
        "→ permission every permission = FULL"
    )


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("suitelint ")
