"""Blast radius as one self-contained HTML page: Jinja2 with autoescaping, under a
Content-Security-Policy that lets only the page's own inline script and style run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from suitelint.blast import (
    BlastReport,
    explain_risk,
)
from suitelint.report.blast.common import (
    FORMULA_LINE,
    excess_text,
    link_of,
    parts_sum,
    permission_phrase,
    removed_tags,
)
from suitelint.report.htmlpage import page

if TYPE_CHECKING:
    from markupsafe import Markup


def render_html(report: BlastReport) -> str:
    """A self-contained page: no external asset, script and style inline and pinned by hash
    in the Content-Security-Policy, every account value autoescaped."""
    from markupsafe import Markup

    shell = page("blast")
    written: dict[int, tuple[object, Markup]] = {}

    def once(macro: Callable[[object], Markup], value: object) -> Markup:
        """``macro(value)``, once per value object (the page keeps each alive)."""
        found = written.get(id(value))
        if found is None:
            found = written[id(value)] = (value, macro(value))
        return found[1]

    return shell.template.render(
        once=once,
        report=report,
        script=Markup(shell.script),
        style=Markup(shell.style),
        csp=shell.csp,
        formula=explain_risk(),
        formula_line=FORMULA_LINE,
        parts_sum=parts_sum,
        permission_phrase=permission_phrase,
        removed_tags=removed_tags,
        excess_text=excess_text,
        link_of=link_of,
    )


#: this format under the reporter contract (see suitelint.report.blast)
render = render_html
