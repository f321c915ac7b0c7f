"""Blast-radius reports: text, Markdown with a Mermaid diagram, JSON and HTML, all
deterministic, and none letting a name from the account become markup or syntax."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser

import msgspec

from conftest import EXAMPLES, FIXTURES, TODAY
from reports import assert_golden
from suitelint.blast import BlastReport, blast_radius
from suitelint.catalog import load_catalog
from suitelint.report.blast import (
    BLAST_FORMATS,
    BLAST_STREAMS,
    as_data,
    md,
    mermaid,
    mermaid_label,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from suitelint.runner import load_policy_set
from suitelint.sources import load_sources


def make_report(source: str, policy: str) -> BlastReport:
    catalog = load_catalog()
    report = blast_radius(
        load_sources([source], catalog).snapshot,
        load_policy_set([policy], catalog),
        catalog,
        TODAY,
        sources=("account.json",),
    )
    # pinned so golden files change only when a renderer does
    return dataclasses.replace(
        report,
        catalog_version="2026.11.25+test",
        tool_version="0.0.test",
        policies=("policies.yaml",),
    )


def example() -> BlastReport:
    return make_report(str(EXAMPLES / "account.json"), str(EXAMPLES / "policies.yaml"))


def hostile() -> BlastReport:
    return make_report(
        str(FIXTURES / "blast" / "hostile.json"), str(FIXTURES / "blast" / "hostile.yaml")
    )


def test_text_matches_golden_file():
    assert_golden("blast.txt", render_text(example()))


def test_text_is_written_in_pieces_that_make_the_whole_report():
    report = _huge(60)  # more subjects than one piece holds
    pieces = list(BLAST_STREAMS["text"](report))
    assert len(pieces) > 2
    assert "".join(pieces) == render_text(report)
    assert render_text(report).count("\n#") == len(report.tokens)
    for name in ("markdown", "json", "html"):
        assert list(BLAST_STREAMS[name](example())) == [BLAST_FORMATS[name](example())]


def test_markdown_matches_golden_file():
    assert_golden("blast.md", render_markdown(example()))


def test_every_format_is_byte_identical_on_repeated_runs():
    for name, render in BLAST_FORMATS.items():
        assert render(example()) == render(example()), name


def test_json_carries_every_score_part_and_round_trips():
    data = json.loads(render_json(example()))
    assert data["suitelint_blast_radius"] == 1
    first = data["tokens"][0]
    assert first["score"] == sum(part["points"] for part in first["score_parts"])
    assert first["chains"][0][-1] == {
        "kind": "role",
        "id": "ADMINISTRATOR",
        "name": "Administrator",
        "detail": "",
    }
    assert data["proposals"][0]["permissions"] == [
        {"permkey": "TRAN_CUSTINVC", "name": "Invoice (TRAN_CUSTINVC)", "level": "VIEW"},
        {"permkey": "TRAN_CUSTPYMT", "name": "Customer Payment (TRAN_CUSTPYMT)", "level": "CREATE"},
    ]
    assert json.loads(json.dumps(as_data(example()))) == data


def test_mermaid_draws_each_chain_and_marks_administrator_roles():
    diagram, _ = mermaid(example())
    assert diagram.startswith("flowchart LR\n")
    assert "  n1 --> n2 --> n3 --> n4" in diagram
    assert 'n4["role#58; Administrator"]' in diagram
    assert "class n4 everything" in diagram


def test_mermaid_labels_cannot_close_their_node():
    label = mermaid_label('x"]; n1 --> evil["y')
    assert (
        '"' not in label and "]" not in label and ";" not in label.replace("#", "").split(";")[-1]
    )
    assert re.fullmatch(r"[A-Za-z0-9 #;]*", label)
    diagram, _ = mermaid(hostile())
    for line in diagram.splitlines()[1:]:
        assert re.fullmatch(
            r'  (n\d+\["[A-Za-z0-9 #;]*"\]|n\d+( --> n\d+)+|classDef .*|class [n\d,]+ everything)',
            line,
        ), line


def test_markdown_escapes_account_text():
    assert md("a|b <script>x</script> [l](u) *e* `c` @team") == (
        "a&#124;b &#60;script&#62;x&#60;/script&#62; &#91;l&#93;(u) &#42;e&#42; &#96;c&#96; "
        "&#64;&#8288;team"
    )
    text = render_markdown(hostile())
    assert "<script>" not in text and "<img" not in text
    # the fence around the proposed role's XML is longer than any backtick run in it
    assert "```xml" in text or "````xml" in text


class _Text(HTMLParser):
    """Collects the elements and the text of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_escapes_every_account_value():
    page = render_html(hostile())
    parser = _Text()
    parser.feed(page)
    assert parser.tags.count("script") == 1  # the report's own
    assert "img" not in parser.tags
    assert not any(name.startswith("on") for name, _ in parser.attrs)
    text = "".join(parser.text)
    assert "<script>alert(1)</script>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # nothing is fetched: no external URL anywhere in an attribute
    assert not any(
        value and re.match(r"(?i)\s*(https?:|//|javascript:)", value) for _, value in parser.attrs
    )
    assert "<link" not in page and "src=" not in page.replace("src=x", "")


def test_html_pins_its_inline_script_and_style_by_hash():
    import base64
    import hashlib

    page = render_html(example())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    policy = csp.group(1).replace("&#39;", "'")
    assert policy.startswith("default-src 'none';")
    script = re.search(r"<script>(.*)</script>", page, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_html_shows_the_ranked_table_details_and_proposed_role():
    page = render_html(example())
    assert '<table id="ranked" class="sortable"' in page
    rows = re.findall(r'<tr data-token="([^"]+)">', page)
    assert rows == ["T-101", "T-103", "T-104", "M2M-102"]
    assert 'id="token-1"' in page and 'class="chain"' in page
    assert "customrole_invoice_sync.xml" in page
    assert "View Invoice (TRAN_CUSTINVC) + Create Customer Payment (TRAN_CUSTPYMT)" in page


def _huge(copies: int) -> BlastReport:
    """The example's exposures many times over, each chain with nodes of its own, and
    names long enough that every section would overflow without a budget."""
    report = example()
    long = " very long name" * 20
    tokens = []
    for i in range(copies):
        for e in report.tokens:
            chains = tuple(
                tuple(
                    msgspec.structs.replace(link, id=f"{link.id}-{i}", name=link.name + long)
                    for link in chain
                )
                for chain in e.chains
            )
            tokens.append(
                msgspec.structs.replace(
                    e, id=f"{e.id}-{i}", name=e.name + long, chains=chains, rank=len(tokens) + 1
                )
            )
    return dataclasses.replace(report, tokens=tuple(tokens), integrations=tuple(tokens))


def test_markdown_stays_under_the_step_summary_limit_and_mermaids_limits() -> None:
    report = _huge(1500)
    text = render_markdown(report)
    assert len(text.encode("utf-8")) < 1024 * 1024
    diagram = re.search(r"```mermaid\n(.*?)\n```", text, re.S)
    assert diagram is not None
    assert len(diagram.group(1)) < 50_000
    edges = sum(line.count("-->") for line in diagram.group(1).splitlines())
    assert 0 < edges <= 500
    assert re.search(r"The chains of the \d+ riskiest of \d+ tokens\.", text)
    assert "more tokens in the JSON and HTML reports" in text
    # the riskiest come first, in the table and in the diagram
    assert "| 1 | " in text
