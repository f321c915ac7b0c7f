"""docs/rules/: one page per built-in and engine rule, the same text `explain` prints."""

from __future__ import annotations

from conftest import ROOT
from suitelint.findings import RuleDoc, Severity
from suitelint.rulepages import PAGES_FOLDER, PAGES_URL, build_pages, help_uri, page_path


def test_the_committed_pages_are_the_generated_ones() -> None:
    pages = build_pages()
    stale = [
        p
        for p, text in pages.items()
        if not (ROOT / p).is_file() or (ROOT / p).read_text("utf-8") != text
    ]
    present = {p.relative_to(ROOT).as_posix() for p in (ROOT / PAGES_FOLDER).rglob("*.md")}
    extra = sorted(present - set(pages))
    assert not stale and not extra, (
        f"docs/rules is out of date (stale or missing: {stale}; no such rule: {extra}): "
        "run `python scripts/build_rule_docs.py` and commit docs/rules/"
    )


def test_every_rule_with_a_help_uri_has_its_page(run_cli) -> None:
    import json

    rules = json.loads(run_cli("rules", "--json").stdout)
    pages = build_pages()
    for rule in rules:
        doc = RuleDoc(rule["id"], rule["title"], Severity.ERROR, pack=rule["pack"] or "")
        uri = help_uri(doc)
        assert uri == f"{PAGES_URL}/{rule['id']}.md"
        assert page_path(rule["id"]) in pages


def test_a_page_holds_what_explain_prints(run_cli) -> None:
    page = build_pages()[page_path("token-not-administrator")]
    explained = run_cli("explain", "token-not-administrator").stdout
    for needle in (
        "A token holds every permission of its role",
        "Create a custom role",
        "References",
    ):
        assert needle in explained
        assert needle in page
    assert "**Security severity:** 9.8 (critical)" in page


def test_engine_rules_have_pages_too() -> None:
    pages = build_pages()
    assert page_path("suitelint/undocumented-level") in pages
    assert "not a security alert" in pages[page_path("suitelint/undocumented-level")]
