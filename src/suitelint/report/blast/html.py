"""Blast radius as one self-contained HTML page: Jinja2 with autoescaping, under a
Content-Security-Policy that lets only the page's own inline script and style run."""

from __future__ import annotations

import base64
import hashlib

from suitelint import sanitize
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


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(report: BlastReport) -> str:
    """A self-contained page: no external asset, script and style inline and pinned by hash
    in the Content-Security-Policy, every account value autoescaped."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("suitelint.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # autoescaping stops markup; this stops escapes, bidi controls and log commands
        finalize=lambda value: (
            value
            if isinstance(value, Markup) or not isinstance(value, str)
            else sanitize.lines(value)
        ),
    )
    loader = env.loader
    assert loader is not None
    script = loader.get_source(env, "blast.js")[0]
    style = loader.get_source(env, "blast.css")[0]
    csp = (
        "default-src 'none'; "
        f"script-src {csp_hash(script)}; style-src {csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = env.get_template("blast.html.j2")
    return template.render(
        report=report,
        script=Markup(script),
        style=Markup(style),
        csp=csp,
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
