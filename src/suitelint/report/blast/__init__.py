"""Render a blast-radius report: one module per format, under one reporter contract.

Each format module (``text``, ``markdown``, ``json``, ``html``) has ``render(report) -> str``
(:class:`BlastRenderer`); :data:`BLAST_FORMATS` lists them, and ``suitelint blast-radius
--format`` takes its choices from it. What they share is in ``common``. Names, ids and
everything else from the account are attacker-controllable: text output drops control
characters (no terminal escapes), Markdown escapes Markdown, HTML and Mermaid syntax, and
the HTML report is rendered by Jinja2 with autoescaping on, under a Content-Security-Policy
that only lets the report's own inline script and style run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from suitelint.blast import BlastReport
from suitelint.report.blast import html, json, markdown, text
from suitelint.report.blast.common import (
    BLAST_FORMAT_VERSION,
    FORMULA_LINE,
    compact_sum,
    parts_sum,
    permission_phrase,
    removed_tags,
)
from suitelint.report.blast.html import render_html
from suitelint.report.blast.json import as_data, render_json
from suitelint.report.blast.markdown import (
    MARKDOWN_MAX_BYTES,
    MARKDOWN_MAX_DETAILS,
    MARKDOWN_MAX_ROWS,
    MERMAID_MAX_CHARS,
    MERMAID_MAX_EDGES,
    md,
    mermaid,
    mermaid_label,
    render_markdown,
)
from suitelint.report.blast.text import render_text, stream_text
from suitelint.report.htmlpage import csp_hash


class BlastRenderer(Protocol):
    """The reporter contract: a whole blast-radius report as one string."""

    def __call__(self, report: BlastReport, /) -> str: ...


#: every format by name, in the order ``--help`` lists them
BLAST_FORMATS: Mapping[str, BlastRenderer] = {
    "text": text.render,
    "markdown": markdown.render,
    "json": json.render,
    "html": html.render,
}


def _whole(render: BlastRenderer) -> Callable[[BlastReport], Iterable[str]]:
    return lambda report: (render(report),)


#: every format as the pieces it is written in, as they are made: text streams (a large
#: account's is 27 MB, never held whole); the others are one piece
BLAST_STREAMS: Mapping[str, Callable[[BlastReport], Iterable[str]]] = {
    name: stream_text if name == "text" else _whole(render)
    for name, render in BLAST_FORMATS.items()
}

__all__ = [
    "BLAST_FORMATS",
    "BLAST_FORMAT_VERSION",
    "BLAST_STREAMS",
    "FORMULA_LINE",
    "MARKDOWN_MAX_BYTES",
    "MARKDOWN_MAX_DETAILS",
    "MARKDOWN_MAX_ROWS",
    "MERMAID_MAX_CHARS",
    "MERMAID_MAX_EDGES",
    "BlastRenderer",
    "as_data",
    "compact_sum",
    "csp_hash",
    "md",
    "mermaid",
    "mermaid_label",
    "parts_sum",
    "permission_phrase",
    "removed_tags",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "stream_text",
]
