"""Benchmark suitelint against the parse floor, its startup, and its memory (DESIGN.md §7).

One command: ``python benchmarks/run.py`` (``--quick`` for the CI smoke run). It generates
the synthetic accounts if they are missing (``benchmarks/generate.py``), then times, each
in a fresh process and repeated (min and median reported):

* ``floor``: a Python process that reads the snapshot and ``json.loads`` it — the
  standard library's parse, the floor every ratio is measured against;
* ``check``: ``suitelint check SNAPSHOT --policy builtin:baseline`` (text to /dev/null),
  and the same written as SARIF (what a code-scanning upload reads);
* ``blast-radius``: ``suitelint blast-radius SNAPSHOT`` and ``diff``: ``suitelint diff
  SNAPSHOT SNAPSHOT-v2`` when this suitelint has those commands (skipped with a note if not);
* ``startup``: ``suitelint --version`` against ``python -c pass``;
* ``sdf20``: ``suitelint check`` of a 20-role SDF project;
* peak RSS of every child (``os.wait4`` resource usage: ``ru_maxrss``).

Timings are compared as ratios within one run, so a busy machine skews them less than
absolute numbers; the commands of a size are measured round by round (floor, check,
blast-radius, diff, floor, check, ...), so a drift in the host's speed touches them alike. The table goes to stdout; the numbers to ``benchmarks/out/results.json``.
No timing is asserted here: ``Targets`` only reports which of §7's targets held.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/ is not a package)

from suitelint.fsutil import atomic_write_text  # noqa: E402

RESULTS = generate.OUT / "results.json"
AS_OF = generate.AS_OF.isoformat()
FLOOR_CODE = (
    "import json, sys, time\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "start = time.perf_counter()\n"
    "json.loads(data)\n"
    "sys.stdout.write(repr(time.perf_counter() - start))\n"
)
#: DESIGN.md §7 targets (and aims)
TARGET_CHECK_RATIO = 3.0
AIM_CHECK_RATIO = 2.0
TARGET_RSS_MIB = 1024
AIM_RSS_MIB = 500
TARGET_VERSION_S = 0.150
AIM_VERSION_S = 0.100
TARGET_SDF20_S = 0.400
AIM_SDF20_S = 0.250


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    rss_mib: float
    exit_code: int
    #: what the child printed to stdout, when asked for (the floor's own parse time)
    stdout: str = ""


@dataclass(slots=True)
class Measure:
    """Repeated runs of one command."""

    name: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    @property
    def min(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def rss_mib(self) -> float:
        return max(r.rss_mib for r in self.runs)

    def summary(self) -> dict[str, Any]:
        if self.error is not None:
            return {"command": self.command, "error": self.error}
        return {
            "command": self.command,
            "repeats": len(self.runs),
            "min_s": round(self.min, 4),
            "median_s": round(self.median, 4),
            "all_s": [round(r.wall, 4) for r in self.runs],
            "peak_rss_mib": round(self.rss_mib, 1),
        }


def run_once(command: Sequence[str], *, capture: bool = False) -> tuple[Run, str]:
    """Run ``command``, wait for it with ``os.wait4`` to get its own resource usage;
    return the run and the first lines of its stderr."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=out if capture else subprocess.DEVNULL,
            stderr=err,
            env=child_env(),
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read(2000).decode("utf-8", "replace").strip()
        out.seek(max(0, out.seek(0, os.SEEK_END) - 4000))  # the tail: the summary line
        printed = out.read().decode("utf-8", "replace") if capture else ""
    # ru_maxrss is in KiB on Linux
    return Run(wall, usage.ru_maxrss / 1024, child.returncode, printed), message


def child_env() -> dict[str, str]:
    """The children's environment: bytecode cached (in ``benchmarks/out/pycache``), as an
    installed package has it. Development shells and CI here set PYTHONDONTWRITEBYTECODE,
    which recompiles every module of an editable install on every run."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(generate.OUT / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(
    name: str, command: list[str], repeats: int, ok: tuple[int, ...] = (0, 1), capture: bool = False
) -> Measure:
    result = Measure(name, command)
    for _ in range(repeats):
        run, message = run_once(command, capture=capture)
        if run.exit_code not in ok:
            first = message.splitlines()[0] if message else ""
            result.error = f"exit {run.exit_code}: {first}"
            result.runs.clear()
            return result
        result.runs.append(run)
    return result


def measure_rounds(
    commands: dict[str, tuple[list[str], tuple[int, ...], bool]], repeats: int
) -> dict[str, Measure]:
    """Measure several commands round by round (each once per round, in turn), not each
    ``repeats`` times in a row: a shared host's speed drifts within minutes, and ratios are
    only fair between runs taken under the same conditions. ``commands`` maps a name to
    (command, accepted exit codes, capture stdout); a command that fails is not run again."""
    results = {name: Measure(name, command) for name, (command, _, _) in commands.items()}
    for _ in range(repeats):
        for name, (command, ok, capture) in commands.items():
            result = results[name]
            if result.error is not None:
                continue
            run, message = run_once(command, capture=capture)
            if run.exit_code not in ok:
                first = message.splitlines()[0] if message else ""
                result.error = f"exit {run.exit_code}: {first}"
                result.runs.clear()
                continue
            result.runs.append(run)
    return results


def suitelint_command() -> list[str]:
    """The console script of this interpreter's environment (what users run), else
    ``python -m suitelint``."""
    script = Path(sys.executable).with_name("suitelint")
    if script.exists():
        return [str(script)]
    found = shutil.which("suitelint")
    return [found] if found else [sys.executable, "-m", "suitelint"]


def has_command(tool: list[str], name: str) -> bool:
    run, _ = run_once([*tool, name, "--help"])
    return run.exit_code == 0


def ensure_generated(sizes: Sequence[str], regenerate: bool) -> dict[str, dict[str, Any]]:
    """Generate what is missing; return per-size input facts."""
    facts: dict[str, dict[str, Any]] = {}
    for name in [*sizes, "sdf20"]:
        spec = generate.SIZES[name]
        where = generate.paths(name)
        missing = not where["sdf"].is_dir() or (
            spec.snapshot and not (where["snapshot"].is_file() and where["snapshot_v2"].is_file())
        )
        if missing or regenerate:
            print(f"generating {name} ...", file=sys.stderr, flush=True)
            generate.generate(spec)
        facts[name] = {
            "roles": spec.roles,
            "permissions_per_role": spec.permissions,
            "users": spec.users,
            "tokens": spec.tokens,
            "integrations": spec.integrations,
        }
        if spec.snapshot:
            facts[name]["snapshot_mib"] = round(where["snapshot"].stat().st_size / 2**20, 2)
    return facts


def calibrate() -> float:
    """Seconds for a fixed pure-Python loop: how fast the (shared, virtual) CPU was when
    the run started and ended. If the two differ much, the run was disturbed."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return round(time.perf_counter() - start, 3)


def bench(args: argparse.Namespace) -> dict[str, Any]:
    calibration = [calibrate()]
    tool = suitelint_command()
    sizes: list[str] = args.sizes
    repeats: int = args.repeats
    facts = ensure_generated(sizes, args.regenerate)
    has = {name: has_command(tool, name) for name in ("blast-radius", "diff")}
    # Warm-up: the first run of each entry point writes its bytecode cache.
    run_once([*tool, "--version"])
    run_once([*tool, "check", str(generate.paths("sdf20")["sdf"]), "--as-of", AS_OF])
    notes = [
        f"suitelint {name} not available in this build: skipped"
        for name, present in has.items()
        if not present
    ]
    results: dict[str, Any] = {"sizes": {}}
    for size in sizes:
        where = generate.paths(size)
        snapshot = str(where["snapshot"])
        print(f"measuring {size} ...", file=sys.stderr, flush=True)
        check_args = ["check", snapshot, "--policy", "builtin:baseline", "--as-of", AS_OF]
        commands: dict[str, tuple[list[str], tuple[int, ...], bool]] = {
            "floor": ([sys.executable, "-c", FLOOR_CODE, snapshot], (0,), True),
            "check": ([*tool, *check_args], (0, 1), True),
            # what a code-scanning upload reads: the same check, written as SARIF
            "check-sarif": ([*tool, *check_args, "--format", "sarif"], (0, 1), False),
        }
        if has["blast-radius"]:
            commands["blast-radius"] = (
                [*tool, "blast-radius", snapshot, "--as-of", AS_OF],
                (0, 1),
                False,
            )
        if has["diff"]:
            commands["diff"] = ([*tool, "diff", snapshot, str(where["snapshot_v2"])], (0, 1), False)
        # The same roles as an SDF project (XML, no tokens): no JSON floor to compare with.
        sdf_args = ["check", str(where["sdf"]), "--policy", "builtin:baseline", "--as-of", AS_OF]
        commands["check-sdf"] = ([*tool, *sdf_args], (0, 1), False)
        measured = measure_rounds(commands, repeats)
        floor = measured["floor"]
        row: dict[str, Any] = {"input": facts[size], "floor": floor.summary()}
        if floor.error is None:
            row["floor"]["parse_only_min_s"] = round(min(float(r.stdout) for r in floor.runs), 4)
        for name in ("check", "check-sarif", "blast-radius", "diff", "check-sdf"):
            if name in measured:
                row[name] = measured[name].summary()
        check = measured["check"]
        if check.runs:
            found = re.search(r"(\d+) findings?", check.runs[-1].stdout)
            row["check"]["findings"] = int(found.group(1)) if found else None
        for name in ("check", "check-sarif", "blast-radius", "diff"):
            part = row.get(name)
            if part and "error" not in part and floor.error is None:
                part["ratio_to_floor"] = round(part["min_s"] / row["floor"]["min_s"], 2)
        results["sizes"][size] = row

    print("measuring startup and sdf20 ...", file=sys.stderr, flush=True)
    startup_repeats = max(3, repeats * 3) if not args.quick else 1
    python = measure("python -c pass", [sys.executable, "-c", "pass"], startup_repeats, ok=(0,))
    version = measure("suitelint --version", [*tool, "--version"], startup_repeats, ok=(0,))
    results["startup"] = {"python": python.summary(), "version": version.summary()}
    if python.error is None and version.error is None:
        results["startup"]["version_minus_python_s"] = round(version.min - python.min, 4)
    sdf = generate.paths("sdf20")["sdf"]
    results["sdf20"] = {
        "input": facts["sdf20"],
        "check": measure(
            "sdf20 check",
            [*tool, "check", str(sdf), "--policy", "builtin:baseline", "--as-of", AS_OF],
            max(3, repeats) if not args.quick else 1,
        ).summary(),
    }
    results["growth"] = growth(results["sizes"])
    results["targets"] = targets(results)
    results["notes"] = notes
    calibration.append(calibrate())
    results["machine"] = {
        "calibration_loop_s": calibration,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    results["suitelint"] = tool
    results["quick"] = args.quick
    results["date"] = dt.date.today().isoformat()
    return results


def growth(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    """How check time grows with the input, step by step: time ratio over size ratio
    (1.0 = linear)."""
    steps = []
    names = [n for n in ("small", "medium", "large") if n in sizes]
    for a, b in itertools.pairwise(names):
        first, second = sizes[a], sizes[b]
        if "error" in first["check"] or "error" in second["check"]:
            continue
        input_ratio = second["input"]["snapshot_mib"] / first["input"]["snapshot_mib"]
        entry = {"from": a, "to": b, "input_ratio": round(input_ratio, 2)}
        for name in ("floor", "check", "blast-radius", "diff"):
            if name in first and "error" not in first[name] and "error" not in second[name]:
                ratio = second[name]["min_s"] / first[name]["min_s"]
                entry[f"{name}_time_ratio"] = round(ratio, 2)
        steps.append(entry)
    return steps


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """DESIGN.md §7's targets against this run: held, missed, or not measured."""
    found: list[dict[str, Any]] = []

    def add(what: str, value: float | None, limit: float, aim: float, unit: str) -> None:
        state = "not measured" if value is None else "held" if value <= limit else "missed"
        if value is not None and value <= aim:
            state = "held (aim met)"
        found.append(
            {
                "target": what,
                "value": value,
                "limit": limit,
                "aim": aim,
                "unit": unit,
                "state": state,
            }
        )

    # The targets are stated for the large account; on smaller ones start-up dominates.
    check = results["sizes"].get("large", {}).get("check", {})
    add(
        "check on large / json.loads floor",
        check.get("ratio_to_floor"),
        TARGET_CHECK_RATIO,
        AIM_CHECK_RATIO,
        "x",
    )
    add("check on large peak RSS", check.get("peak_rss_mib"), TARGET_RSS_MIB, AIM_RSS_MIB, "MiB")
    add(
        "suitelint --version wall",
        results["startup"]["version"].get("min_s"),
        TARGET_VERSION_S,
        AIM_VERSION_S,
        "s",
    )
    add(
        "check of a 20-role SDF project wall",
        results["sdf20"]["check"].get("min_s"),
        TARGET_SDF20_S,
        AIM_SDF20_S,
        "s",
    )
    return found


# -- the table ------------------------------------------------------------------------------
def _cell(part: dict[str, Any] | None, ratio: bool = True) -> str:
    if part is None:
        return "skipped"
    if "error" in part:
        return "error"
    text = f"{part['min_s']:.3f}/{part['median_s']:.3f}"
    if ratio and "ratio_to_floor" in part:
        text += f" ({part['ratio_to_floor']:.2f}x)"
    return text


def render(results: dict[str, Any]) -> str:
    lines = ["times in seconds as min/median over repeats; (Nx) = ratio of min to the floor", ""]
    header = (
        "size",
        "MiB",
        "floor json.loads",
        "check baseline",
        "findings",
        "check as SARIF",
        "blast-radius",
        "diff",
        "RSS MiB",
    )
    rows = [header]
    for size, row in results["sizes"].items():
        rss = row["check"].get("peak_rss_mib")
        rows.append(
            (
                size,
                f"{row['input']['snapshot_mib']:.1f}",
                _cell(row["floor"], ratio=False),
                _cell(row["check"]),
                str(row["check"].get("findings", "-")),
                _cell(row.get("check-sarif")),
                _cell(row.get("blast-radius")),
                _cell(row.get("diff")),
                f"{rss:.0f}" if rss is not None else "-",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip())
    lines.append("")
    startup = results["startup"]
    lines.append(
        f"startup: python -c pass {_cell(startup['python'])}; suitelint --version "
        f"{_cell(startup['version'])}"
        + (
            f" ({startup['version_minus_python_s'] * 1000:.0f} ms over python)"
            if "version_minus_python_s" in startup
            else ""
        )
    )
    sdf = results["sdf20"]["check"]
    lines.append(
        f"sdf20: check of a 20-role SDF project {_cell(sdf)}, peak RSS "
        f"{sdf.get('peak_rss_mib', '-')} MiB"
    )
    projects = ", ".join(
        f"{size} {_cell(row.get('check-sdf'))} ({row.get('check-sdf', {}).get('peak_rss_mib', '-')} MiB)"
        for size, row in results["sizes"].items()
    )
    lines.append(f"check of each size as an SDF project (roles only): {projects}")
    for step in results["growth"]:
        parts = ", ".join(
            f"{k.removesuffix('_time_ratio')} x{v}"
            for k, v in step.items()
            if k.endswith("_time_ratio")
        )
        lines.append(
            f"growth {step['from']} -> {step['to']}: {parts} (input x{step['input_ratio']})"
        )
    lines.append("")
    for target in results["targets"]:
        value = target["value"]
        shown = "-" if value is None else f"{value}{target['unit']}"
        lines.append(
            f"target {target['target']}: {shown} (limit {target['limit']}{target['unit']}, "
            f"aim {target['aim']}{target['unit']}): {target['state']}"
        )
    lines.extend(f"note: {note}" for note in results["notes"])
    machine = results["machine"]
    lines.append(
        f"machine: {machine['cpus']} CPUs, load {machine['load_average']}, calibration loop "
        f"{' -> '.join(str(c) for c in machine['calibration_loop_s'])} s (start -> end)"
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke run for CI: small size, one repeat"
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement")
    parser.add_argument(
        "--sizes", default="small,medium,large", help="comma-separated: small,medium,large"
    )
    parser.add_argument("--regenerate", action="store_true", help="rewrite the inputs first")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write results")
    args = parser.parse_args(argv)
    args.sizes = args.sizes.split(",")
    for name in args.sizes:
        if name not in ("small", "medium", "large"):
            parser.error(f"unknown size {name!r}; expected small, medium or large")
    if args.quick:
        args.sizes, args.repeats = ["small"], 1
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    results = bench(args)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.json, json.dumps(results, indent=2) + "\n")
    sys.stdout.write(render(results))
    print(f"results: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
