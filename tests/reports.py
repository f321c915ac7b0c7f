"""Reports for reporter tests: the small CI fixture account, judged on a fixed date.

The catalog and tool versions are pinned so golden files change only when a reporter does.
``SUITELINT_UPDATE_GOLDEN=1 pytest tests/report`` rewrites the golden files.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from conftest import FIXTURES, ROOT, TODAY
from suitelint.findings import Report, RuleDoc
from suitelint.runner import CheckOptions, run_check

CI = FIXTURES / "ci"
GOLDEN = Path(__file__).resolve().parent / "report" / "golden"


def sample_report() -> Report:
    """Five active findings (error, warning, note), one waived, paths relative to the
    repository root."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        report = run_check(
            CheckOptions(
                sources=("tests/fixtures/ci/account.json",),
                policies=("builtin:baseline", "tests/fixtures/ci/waivers.yaml"),
                today=TODAY,
            )
        )
    finally:
        os.chdir(cwd)
    # Rule texts are pinned too: the golden files test reporters, not the pack's wording.
    rules = {
        rule_id: RuleDoc(
            rule_id,
            f"Title of {rule_id}",
            doc.severity,
            f"Why {rule_id}.",
            f"Fix {rule_id}.",
            doc.pack,
            references=doc.references,
            security_severity=doc.security_severity,
        )
        for rule_id, doc in report.rules.items()
        # engine rules come and go as the engine grows; keep only those that found something
        if not rule_id.startswith("suitelint/") or rule_id in {f.rule_id for f in report.findings}
    }
    return msgspec.structs.replace(
        report, rules=rules, catalog_version="2026.11.25+test", tool_version="0.0.test"
    )


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SUITELINT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.read_bytes().decode("utf-8") == text, f"{name} differs from its golden file"
