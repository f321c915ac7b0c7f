"""The tool's own security around a live export (DESIGN.md §8): an interrupted export
leaves the previous snapshot intact, and no credential ever shows up in output, logs,
errors or the snapshot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netsuite.conftest import CANARY, CERTIFICATE_ID, CLIENT_ID, TBA, tba_env
from netsuite.fakeserver import ClientCredentialKeys, FakeNetSuite, TbaKeys
from suitelint.model import Snapshot
from suitelint.netsuite.auth import (
    ClientCredentials,
    ClientCredentialsAuth,
    Secret,
    TbaAuth,
    TbaCredentials,
)
from suitelint.netsuite.client import ClientConfig, SuiteQLClient

OLD = b'{"suitelint_snapshot": 1, "account": {"id": "previous"}}\n'


def _run(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SUITELINT_")}
    full_env.update(env)
    full_env["NO_COLOR"] = "1"
    return subprocess.Popen(
        [sys.executable, "-m", "suitelint", *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_pages(server: FakeNetSuite, pages: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while server.stats.pages < pages:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the export never started"
        time.sleep(0.05)


@pytest.mark.parametrize(
    "sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"]
)
def test_killing_an_export_midway_leaves_the_old_snapshot(
    account: Snapshot, tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "snapshot.json"
    out.write_bytes(OLD)
    with FakeNetSuite(account, tba=TBA, latency=0.4) as server:
        proc = _run(
            [
                "export",
                "--account",
                "1234567",
                "-o",
                str(out),
                "--base-url",
                server.base_url,
                "--concurrency",
                "1",
            ],
            tba_env(),
        )
        try:
            _wait_for_pages(server, 2, proc)
            proc.send_signal(sig)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert server.stats.pages < 10, "the export finished before it was interrupted"
    assert proc.returncode != 0
    if sig == signal.SIGINT:  # Ctrl-C is an error, exit 2: never "findings" (1)
        assert proc.returncode == 2
        assert stderr.strip().endswith("suitelint: interrupted")
    assert "Traceback" not in stderr
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot.json"]  # no temp files


def test_a_failed_export_leaves_the_old_snapshot(
    server: FakeNetSuite,
    tmp_path: Path,
    run_cli,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "snapshot.json"
    out.write_bytes(OLD)
    bad = TbaKeys(TBA.consumer_key, TBA.consumer_secret, TBA.token_id, "wrong-secret")
    for name, value in tba_env(bad).items():
        monkeypatch.setenv(name, value)
    result = run_cli("export", "--account", "1234567", "-o", out, "--base-url", server.base_url)
    assert result.exit_code == 2
    assert "rejected the login" in result.stderr
    assert out.read_bytes() == OLD


# --- the canary -------------------------------------------------------------------------


def _outputs_of(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    proc = _run(args, env)
    stdout, stderr = proc.communicate(timeout=120)
    return proc.returncode, stdout + stderr


def test_no_secret_appears_in_output_logs_errors_or_snapshot(
    account: Snapshot, tmp_path: Path, rsa_cert: tuple[bytes, bytes]
) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(rsa_cert[0])
    key_body = rsa_cert[0].decode().splitlines()[5]  # a line from the middle of the key
    keys = ClientCredentialKeys(CLIENT_ID, CERTIFICATE_ID, rsa_cert[1])
    seen: list[str] = []
    with FakeNetSuite(account, tba=TBA, client_credentials=keys) as server:
        common = ["--account", "1234567", "--base-url", server.base_url]
        cc_env = {"SUITELINT_CLIENT_ID": CLIENT_ID, "SUITELINT_CERTIFICATE_ID": CERTIFICATE_ID}
        wrong = TbaKeys(TBA.consumer_key, TBA.consumer_secret, TBA.token_id, f"x-{CANARY}-bad")
        runs = [
            # success, with --debug logging everything suitelint, requests and urllib3 log
            (["--debug", "export", *common, "-o", str(tmp_path / "tba.json")], tba_env(), 0),
            (
                [
                    "--debug",
                    "export",
                    *common,
                    "-o",
                    str(tmp_path / "cc.json"),
                    "--auth",
                    "client-credentials",
                    "--private-key-file",
                    str(key_file),
                ],
                cc_env,
                0,
            ),
            # failures: a wrong secret, a missing variable, a key the server does not know
            (["--debug", "export", *common, "-o", str(tmp_path / "bad.json")], tba_env(wrong), 2),
            (
                ["--debug", "export", *common, "-o", str(tmp_path / "bad.json")],
                {k: v for k, v in tba_env().items() if k != "SUITELINT_TOKEN_SECRET"},
                2,
            ),
            (
                [
                    "--debug",
                    "export",
                    *common,
                    "-o",
                    str(tmp_path / "bad.json"),
                    "--auth",
                    "client-credentials",
                ],
                {**cc_env, "SUITELINT_PRIVATE_KEY": f"-----BEGIN PRIVATE KEY-----\n{CANARY}\n"},
                2,
            ),
        ]
        for args, env, expected in runs:
            code, text = _outputs_of(args, env)
            assert code == expected, text
            seen.append(text)
    for path in tmp_path.glob("*.json"):
        seen.append(path.read_text(encoding="utf-8"))
    assert (tmp_path / "tba.json").exists() and (tmp_path / "cc.json").exists()
    everything = "\n".join(seen)
    assert "suitelint.netsuite" in everything  # --debug really logged
    assert CANARY not in everything
    assert key_body not in everything


def test_config_objects_do_not_show_secrets(rsa_cert: tuple[bytes, bytes]) -> None:
    from suitelint.netsuite.auth import load_private_key

    tba = TbaCredentials.from_env(tba_env())
    key = load_private_key(Secret(rsa_cert[0].decode()), None, "k")
    cc = ClientCredentials(Secret(CLIENT_ID), CERTIFICATE_ID, key)
    auth = TbaAuth(tba, "1234567")
    objects = [
        tba,
        cc,
        key,
        auth,
        ClientCredentialsAuth(cc, "https://x/token"),
        SuiteQLClient(ClientConfig(base_url="https://x"), auth),
        Secret(CANARY),
    ]
    shown = " ".join(repr(o) + str(o) for o in objects) + repr(vars(auth))
    assert CANARY not in shown
    assert "PRIVATE KEY" not in shown
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(Secret(CANARY))
