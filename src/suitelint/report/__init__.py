"""Reporters: one module per format, each with ``render(report, *, color=False) -> str``;
a format whose documents grow with the findings (JSON, SARIF) also has ``stream``, the same
text in pieces as they are produced, which the CLI writes as they come.

Formats are listed here, in one place; ``--format`` choices come from this map. Modules
are imported only when their format is asked for, to keep start-up fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # what a format module gives; no class is made at run time
    from suitelint.findings import Report

    class Renderer(Protocol):
        def __call__(self, report: Report, *, color: bool = False) -> str: ...

    class Streamer(Protocol):
        def __call__(self, report: Report, *, color: bool = False) -> Iterator[str]: ...


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


def _module(name: str) -> ModuleType:
    """The module of format ``name``, imported on first use (``importlib.import_module``
    without importing ``importlib``, half a million instructions of every check)."""
    return __import__(FORMATS[name], fromlist=["render"])


def renderer(name: str) -> Renderer:
    """The ``render`` function of format ``name`` (a key of :data:`FORMATS`)."""
    module = _module(name)
    render: Renderer = module.render
    return render


def streamer(name: str) -> Streamer:
    """The ``stream`` function of format ``name``; for a format without one, its ``render``
    as a single piece. ``"".join(streamer(n)(r)) == renderer(n)(r)``."""
    module = _module(name)
    stream: Streamer | None = getattr(module, "stream", None)
    if stream is not None:
        return stream
    render: Renderer = module.render

    def whole(report: Report, *, color: bool = False) -> Iterator[str]:
        yield render(report, color=color)

    return whole
