"""The HTML report in a real browser: headless Chromium renders the ranked table, runs the
report's own script under its Content-Security-Policy, and shows hostile names as text.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it). Without it the test
skips, except under ``CI=true``, where a missing browser is a failure: CI must run it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


def chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and CI=true requires the browser test to run")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def dump_dom(browser: str, page: Path, profile: Path, fragment: str = "") -> str:
    """The DOM after the page's scripts ran, as Chromium serialises it."""
    result = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=180,  # a guard against a hung browser, not a timing assertion
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    page = folder / "blast.html"
    from typer.testing import CliRunner

    from suitelint.cli import app

    result = CliRunner().invoke(
        app,
        [
            "blast-radius",
            str(FIXTURES / "blast" / "hostile.json"),
            "-p",
            str(FIXTURES / "blast" / "hostile.yaml"),
            "--as-of",
            "2026-11-25",
            "--format",
            f"html={page}",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return page


def test_chromium_renders_the_ranked_table_and_shows_script_names_as_text(hostile_page, tmp_path):
    dom = dump_dom(chromium(), hostile_page, tmp_path / "profile")

    # the report's script ran (the CSP hash matches) and nothing injected did
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag is not None
    assert 'data-sortable="ready"' in html_tag.group(0)
    assert "data-pwned" not in html_tag.group(0)
    assert len(re.findall(r"<script\b", dom)) == 1
    assert "<img" not in dom

    table = dom[dom.index('<table id="ranked"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr data-token=\"([^\"]+)\">", table)
    assert rows == ["T-1", "T-2"]
    role_cells = re.findall(r'<td class="role">(.*?)</td>', table)
    assert role_cells[0] == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_chromium_sorts_the_table_with_the_report_script(hostile_page, tmp_path):
    # '#sort=ranked:2:desc' asks the page's own script to sort by token name, descending
    dom = dump_dom(chromium(), hostile_page, tmp_path / "profile", "#sort=ranked:2:desc")
    table = dom[dom.index('<table id="ranked"') :]
    assert re.findall(r"<tr data-token=\"([^\"]+)\">", table)[:2] == ["T-2", "T-1"]
    assert 'aria-sort="descending"' in table
