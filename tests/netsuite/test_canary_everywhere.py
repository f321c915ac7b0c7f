"""No secret ever reaches an output: every command, every format, error paths, --debug.

The credentials suitelint reads (consumer key/secret, token id/secret, client id, private
key) are set to canary values for every run below; stdout, stderr and every file the run
writes are then searched for the canary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from conftest import EXAMPLES, FIXTURES, ROOT
from netsuite.conftest import CANARY, TBA, tba_env
from netsuite.fakeserver import FakeNetSuite, TbaKeys
from suitelint.model import Snapshot

SECRET_ENV = {
    **tba_env(),
    "SUITELINT_CLIENT_ID": f"cid-{CANARY}",
    "SUITELINT_PRIVATE_KEY": f"-----BEGIN PRIVATE KEY-----\n{CANARY}\n-----END PRIVATE KEY-----\n",
    "SUITELINT_PRIVATE_KEY_PASSPHRASE": f"pp-{CANARY}",
}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUITELINT_")}
    env.update(SECRET_ENV)
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "suitelint", "--debug", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_no_canary(result: subprocess.CompletedProcess[str], folder: Path) -> None:
    assert CANARY not in result.stdout
    assert CANARY not in result.stderr
    for path in folder.rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def test_no_command_or_format_prints_or_writes_a_secret(tmp_path: Path):
    account = EXAMPLES / "account.json"
    policies = EXAMPLES / "policies.yaml"
    out = tmp_path / "out"
    out.mkdir()
    # init needs an SDF project with a role to write its policy for
    shutil.copytree(FIXTURES / "sdf" / "project", out / "project")
    runs = [
        [
            "check",
            account,
            "-p",
            policies,
            *[
                arg
                for f in ("json", "sarif", "junit", "github", "markdown")
                for arg in ("-f", f"{f}={out}/report.{f}")
            ],
            "-f",
            "text",
        ],
        ["check", account, "--write-baseline", out / "baseline.json"],
        ["check", tmp_path / "missing.json"],  # error path
        [
            "blast-radius",
            account,
            "-p",
            policies,
            "-f",
            f"html={out}/blast.html",
            "-f",
            f"json={out}/blast.json",
            "-f",
            f"markdown={out}/blast.md",
            "--write-roles",
            out / "roles",
        ],
        ["diff", account, account, "-f", "markdown"],
        ["rules", "--json"],
        ["explain", "token-not-administrator"],
        ["explain", "risk"],
        ["schema", "snapshot"],
        ["test", ROOT / "policies"],
        ["init", out / "project"],
    ]
    expected_exit = [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]  # writing a baseline accepts what it holds
    for args, code in zip(runs, expected_exit, strict=True):
        result = run(*args, cwd=tmp_path)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert_no_canary(result, tmp_path)
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "baseline.json",
        "blast.html",
        "blast.json",
        "blast.md",
        "project",
        "report.github",
        "report.json",
        "report.junit",
        "report.markdown",
        "report.sarif",
        "roles",
    ]


@pytest.mark.parametrize("secret_ok", [True, False], ids=["export", "export-401"])
def test_export_never_prints_or_writes_a_secret(tmp_path: Path, account: Snapshot, secret_ok: bool):
    keys = (
        TBA if secret_ok else TbaKeys(TBA.consumer_key, TBA.consumer_secret, TBA.token_id, "other")
    )
    out = tmp_path / "snapshot.json"
    with FakeNetSuite(account, tba=keys) as server:
        result = run(
            "export", "--account", "1234567", "-o", out, "--base-url", server.base_url, cwd=tmp_path
        )
    assert result.returncode == (0 if secret_ok else 2), result.stderr
    assert_no_canary(result, tmp_path)
    if secret_ok:
        assert msgspec.json.decode(out.read_bytes(), type=Snapshot).roles
