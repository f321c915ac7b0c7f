"""Benchmark ``suitelint export`` against a slow fake NetSuite (DESIGN.md §7).

Target: 600,000 role-permission rows served in 1,000-row pages with 200 ms latency per
page, exported in close to ``pages × latency ÷ concurrency`` wall time (within 1.15×).

The fake server (tests/netsuite/fakeserver.py) runs in its own process so that its
JSON encoding does not compete with the client for the GIL; it verifies every OAuth 1.0a
signature as in the tests. Only the export is timed, not server start-up.

    python benchmarks/export_bench.py            # 2,000 roles × 300 permissions, 200 ms
    python benchmarks/export_bench.py --quick    # 300 × 300, 100 ms, concurrency 4: seconds

Not a test: nothing here asserts; it prints what it measured.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKE = ROOT / "tests" / "netsuite" / "fakeserver.py"

# Throwaway credentials shared with the fake server through the environment.
CREDENTIALS = {
    "SUITELINT_CONSUMER_KEY": "bench-consumer-key",
    "SUITELINT_CONSUMER_SECRET": "bench-consumer-secret",
    "SUITELINT_TOKEN_ID": "bench-token-id",
    "SUITELINT_TOKEN_SECRET": "bench-token-secret",
}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small account, runs in seconds")
    parser.add_argument("--roles", type=int)
    parser.add_argument("--perms", type=int, default=300, help="permissions per role")
    parser.add_argument("--latency", type=float)
    parser.add_argument("--concurrency", type=int)
    args = parser.parse_args()
    roles = args.roles or (300 if args.quick else 2000)
    latency = args.latency if args.latency is not None else (0.1 if args.quick else 0.2)
    args.concurrency = args.concurrency or (4 if args.quick else 10)

    from suitelint.netsuite.auth import TbaAuth, TbaCredentials
    from suitelint.netsuite.client import ClientConfig, SuiteQLClient
    from suitelint.netsuite.export import export_account

    env = {**os.environ, **CREDENTIALS}
    server = subprocess.Popen(
        [
            sys.executable,
            str(FAKE),
            "--synthetic",
            str(roles),
            str(args.perms),
            "--latency",
            str(latency),
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise SystemExit("the fake server did not start")
        client = SuiteQLClient(
            ClientConfig(base_url=base_url),
            TbaAuth(TbaCredentials.from_env(CREDENTIALS), "1234567"),
            pool_size=args.concurrency,
        )
        marks: list[float] = []
        server_cpu_before = _cpu_seconds(server.pid)
        cpu_before = time.process_time()
        started = time.perf_counter()
        result = export_account(
            client,
            "1234567",
            "production",
            concurrency=args.concurrency,
            progress=lambda done, planned: marks.append(time.perf_counter()),
        )
        wall = time.perf_counter() - started
        fetched = (marks[-1] - started) if marks else wall
        client_cpu = time.process_time() - cpu_before
        server_cpu = _cpu_seconds(server.pid) - server_cpu_before
        client.close()
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)

    rows = sum(len(r.permissions) for r in result.snapshot.roles)
    permission_pages = -(-rows // 1000)
    ideal_all = result.pages * latency / args.concurrency
    ideal_perm = permission_pages * latency / args.concurrency
    print(f"account:      {roles} roles × {args.perms} permissions = {rows:,} rows")
    print(
        f"served:       {result.pages} pages ({permission_pages} of permissions), "
        f"{latency * 1000:.0f} ms latency each, concurrency {args.concurrency}, "
        f"{result.retries} retries"
    )
    print(f"wall time:    {wall:.2f} s ({fetched:.2f} s fetching, {wall - fetched:.2f} s building)")
    print(
        f"cpu:          client {client_cpu:.2f} s, fake server {server_cpu:.2f} s; load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print(f"ideal:        {ideal_all:.2f} s (all pages × latency ÷ concurrency)")
    print(
        f"ratio:        {wall / ideal_all:.3f}× all pages; {wall / ideal_perm:.3f}× permission pages"
    )
    print("target:       ≤ 1.15×")


if __name__ == "__main__":
    main()
