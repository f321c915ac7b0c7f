"""Reporters: one module per format, each with ``render(report, *, color=False) -> str``.

Formats are listed here, in one place; ``--format`` choices come from this map. Modules
are imported only when their format is asked for, to keep start-up fast.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from suitelint.findings import Report


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


FORMATS: dict[str, str] = {
    "text": "suitelint.report.text",
    "json": "suitelint.report.json",
    "sarif": "suitelint.report.sarif",
    "junit": "suitelint.report.junit",
    "github": "suitelint.report.github",
    "markdown": "suitelint.report.markdown",
    "gitlab": "suitelint.report.gitlab",
    "azure": "suitelint.report.azure",
}


def renderer(name: str) -> Renderer:
    """The ``render`` function of format ``name`` (a key of :data:`FORMATS`)."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
