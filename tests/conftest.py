"""Shared test helpers.

``SHARED`` is the project's ``../shared`` folder (NetSuite facts, the SDF corpus, the SARIF
and JUnit schemas). Tests that need it use the ``shared`` fixture (or call
``need_shared()``), and are marked ``shared``. Where the folder is absent they skip on a
developer's machine, but under ``CI=true`` they fail: a CI run that lacks the data must say so
by deselecting them explicitly (``-m "not shared"``), never pass by skipping. The package
itself never reads the folder.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from suitelint.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"
SHARED = Path(os.environ.get("SUITELINT_SHARED", ROOT.parent / "shared"))
TODAY = dt.date(2026, 11, 25)


# The policy cache of a test run (in-process and in subprocesses) is a folder of its own,
# and so is the state folder its secret is made in: never the developer's; tests see the
# cache as users do, hit and miss.
def _private_cache() -> None:
    import atexit
    import shutil
    import tempfile

    for variable, prefix in (
        ("SUITELINT_CACHE_DIR", "suitelint-test-cache-"),
        ("XDG_STATE_HOME", "suitelint-test-state-"),
    ):
        folder = tempfile.mkdtemp(prefix=prefix)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ[variable] = folder
    os.environ.pop("SUITELINT_NO_CACHE", None)
    os.environ.pop("SUITELINT_CACHE_SECRET", None)


_private_cache()

# Bounded example counts keep CI well under its time budget; `HYPOTHESIS_PROFILE=dev` digs deeper.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def need_shared() -> Path:
    """``SHARED``, or a skip where it is absent (a failure under ``CI=true``)."""
    if SHARED.is_dir():
        return SHARED
    message = f"shared folder not found at {SHARED} (set SUITELINT_SHARED)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; under CI=true this fails: deselect with -m 'not shared'")
    pytest.skip(message)


#: Fixtures that read ``SHARED``: a test using one is marked ``shared``.
SHARED_FIXTURES = frozenset({"shared", "projects"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.shared)


@pytest.fixture
def shared() -> Path:
    return need_shared()


Invoke = Callable[..., "Result"]


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"Result(exit={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the CLI in-process: ``run_cli("check", path, "--as-of", "2026-11-25")``."""
    monkeypatch.delenv("SUITELINT_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str | Path) -> Result:
        runner = CliRunner()
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


def console_check(project: Path) -> str:
    """The console script's check of ``project`` (entry.main), listing modules before it
    leaves with os._exit."""
    return (
        "import os, sys\n"
        "class Done(BaseException):\n    pass\n"
        "def leave(code):\n    raise Done\n"
        "os._exit = leave\n"
        "from suitelint.entry import main\n"
        f"sys.argv = ['suitelint', 'check', {str(project)!r}, '-p', 'examples/policies.yaml',"
        " '--as-of', '2026-11-01']\n"
        "try:\n    main()\nexcept Done:\n    pass\n"
    )


def run_probe(
    code: str, marker: str, env: dict[str, str] | None = None
) -> tuple[int, str, str, str]:
    """Run ``code`` in a fresh interpreter at the project's top (``env``: its whole
    environment). The code ends by writing ``"\\n" + marker + " " + value`` to stderr: the
    exit code, stdout, stderr before that line, and the value ("" when it is missing)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    stderr, _, value = done.stderr.rpartition(f"\n{marker} ")
    return done.returncode, done.stdout, stderr, value


# -- building inputs in tests ---------------------------------------------------------------
def make_snapshot(data: dict[str, object]):  # type: ignore[no-untyped-def]
    """A validated snapshot from plain data, as a snapshot file would give it."""
    import msgspec

    from suitelint.catalog import load_catalog
    from suitelint.model import Snapshot
    from suitelint.sources.validate import add_standard_roles, validate_snapshot

    snapshot = add_standard_roles(msgspec.convert(data, type=Snapshot), load_catalog())
    validate_snapshot(snapshot, load_catalog(), lambda *_: None)
    return snapshot


def make_policy(text: str, path: str = "policy.yaml"):  # type: ignore[no-untyped-def]
    """Compile policy YAML text (errors carry ``path``)."""
    from suitelint.catalog import load_catalog
    from suitelint.policy.compiler import compile_policies
    from suitelint.policy.loader import parse_policy

    return compile_policies([parse_policy(text, path)], load_catalog())


def run_rules(policy_text: str, data: dict[str, object], today: dt.date = TODAY):  # type: ignore[no-untyped-def]
    """Findings of ``policy_text`` on the account ``data``."""
    from suitelint.catalog import load_catalog
    from suitelint.engine import evaluate

    return evaluate(make_policy(policy_text), make_snapshot(data), load_catalog(), today)
