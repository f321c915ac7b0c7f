"""The self-contained HTML pages (blast-radius, audit): one Jinja2 environment and one
Content-Security-Policy for both.

Every page is a template in ``report/templates`` with its script and style inline; the
policy lets only those two run (pinned by their SHA-256), loads nothing from the network,
and Jinja2 autoescapes every account value while ``sanitize.lines`` removes escapes, bidi
controls and log commands from it.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, NamedTuple

from suitelint import sanitize

if TYPE_CHECKING:
    import jinja2


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class Page(NamedTuple):
    template: jinja2.Template
    script: str
    style: str
    csp: str


def page(name: str) -> Page:
    """The template ``<name>.html.j2`` with its ``<name>.js`` and ``<name>.css`` and the
    Content-Security-Policy that admits exactly them."""
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
    script = loader.get_source(env, f"{name}.js")[0]
    style = loader.get_source(env, f"{name}.css")[0]
    csp = (
        "default-src 'none'; "
        f"script-src {csp_hash(script)}; style-src {csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return Page(env.get_template(f"{name}.html.j2"), script, style, csp)
