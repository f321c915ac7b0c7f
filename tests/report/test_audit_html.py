"""The audit's HTML in a real browser: headless Chromium runs the report's own script
under its Content-Security-Policy; the filters hide rows, and hostile names stay text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_blast_html import chromium, dump_dom

from conftest import EXAMPLES, FIXTURES

pytestmark = pytest.mark.browser


def _page(folder: Path, source: Path, *extra: str) -> Path:
    from typer.testing import CliRunner

    from suitelint.cli import app

    page = folder / "audit.html"
    args = ["audit", str(source), *extra, "--as-of", "2026-11-25", "-f", f"html={page}"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return page


def test_the_page_runs_its_script_and_filters_by_cannot_log_in(tmp_path: Path) -> None:
    page = _page(tmp_path, EXAMPLES / "account.json", "-p", str(EXAMPLES / "policies.yaml"))
    dom = dump_dom(chromium(), page, tmp_path / "profile")
    assert re.search(r'<html[^>]*data-audit="ready"', dom)
    assert "showing 8 of 8" in dom
    filtered = dump_dom(chromium(), page, tmp_path / "profile", "#cannot-log-in")
    assert "showing 2 of 8" in filtered  # the CloudExtend token and its integration
    visible = re.findall(r'<tr data-action="([a-z-]+)" data-login="(yes|no)">', filtered)
    hidden = re.findall(r'<tr data-action="[a-z-]+" data-login="(?:yes|no)" hidden="">', filtered)
    assert len(visible) == 2 and all(login == "no" for _, login in visible)
    assert len(hidden) == 6


def test_hostile_names_are_text_and_nothing_else_runs(tmp_path: Path) -> None:
    page = _page(tmp_path, FIXTURES / "blast" / "hostile.json")
    dom = dump_dom(chromium(), page, tmp_path / "profile")
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag is not None and 'data-audit="ready"' in html_tag.group(0)
    assert "data-pwned" not in html_tag.group(0)
    assert len(re.findall(r"<script\b", dom)) == 1
    assert "<img" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
