"""What ``--debug`` prints: every log record, and a bug's traceback, through :mod:`sanitize`.

Log records carry names, paths, URLs and header text from the inputs (a CSV header, an SDF
file name with a newline, a role named ``::error::``). A record is one line on stderr,
made safe by :func:`sanitize.line` like every other message: no control character, escape,
bidi control, newline or CI-log command (``::cmd::``, ``##[cmd]``, ``##vso[``) survives. A
traceback keeps its line breaks and nothing else (:func:`sanitize.lines`). Imported only
when ``--debug`` is given: importing :mod:`logging` costs every other run 15 ms.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from collections.abc import Iterator
from types import TracebackType
from typing import TextIO

from suitelint import sanitize

FORMAT = "suitelint: %(name)s: %(message)s"

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class SanitizingFormatter(logging.Formatter):
    """A :class:`logging.Formatter` whose every output went through the sanitiser."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return sanitize.line(super().formatMessage(record))

    def formatException(self, ei: _ExcInfo | tuple[None, None, None]) -> str:
        return sanitize.lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return sanitize.lines(super().formatStack(stack_info))


@contextlib.contextmanager
def logging_to(stream: TextIO | None = None) -> Iterator[logging.Handler]:
    """Within the block (one run: ``--debug``), log every record at DEBUG and above to
    ``stream`` (default stderr), sanitised. The root logger's handlers are replaced, so
    no record reaches the stream another way, and restored after."""
    root = logging.getLogger()
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(SanitizingFormatter(FORMAT))
    saved, level = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        handler.flush()
        root.handlers[:] = saved
        root.setLevel(level)


def traceback_text(exc: BaseException) -> str:
    """A bug's traceback, for ``--debug``: its message may quote input, so sanitised."""
    return sanitize.lines("".join(traceback.format_exception(exc)))
