"""The benchmark runs in CI as a smoke test: ``benchmarks/run.py --quick`` must work end to
end (generate the small account, run every command it finds, write its results). No timing
is asserted: times belong in benchmarks/RESULTS.md, not in pass/fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_the_quick_benchmark_runs_and_writes_its_results(tmp_path: Path) -> None:
    results_file = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--json",
            str(results_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(results_file.read_text(encoding="utf-8"))
    assert results["quick"] is True
    small = results["sizes"]["small"]
    for measured in (small["floor"], small["check"], results["sdf20"]["check"]):
        assert "error" not in measured, measured
        assert measured["repeats"] == 1
        assert measured["min_s"] > 0
        assert measured["peak_rss_mib"] > 0
    assert results["startup"]["version"]["min_s"] > 0
    assert {t["target"] for t in results["targets"]} >= {
        "suitelint --version wall",
        "check of a 20-role SDF project wall",
    }
    assert "check baseline" in done.stdout  # the table


def test_the_generator_is_deterministic() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    size = generate.SIZES["small"]
    first = generate.build_account(size)
    assert first == generate.build_account(size)
    assert first != generate.build_account(size, seed=1)
    assert len(first["roles"]) == size.roles + 1  # + the standard Administrator
    snapshot = generate.to_snapshot_bytes(first, "small")
    assert snapshot == generate.to_snapshot_bytes(generate.build_account(size), "small")


def test_the_quick_export_benchmark_runs() -> None:
    """The export benchmark (a fake NetSuite on 127.0.0.1 with latency) works end to end;
    its ratio is printed, not asserted."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "export_bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ratio:" in done.stdout
    assert "served:" in done.stdout
