"""Hostile text, built from what terminals, CI runners and GitHub Markdown act on, and the
checks every output must pass whatever names it carries.

``HOSTILE`` draws names full of workflow commands in both GitHub syntaxes and Azure's,
terminal escapes (CSI, OSC window titles and clipboard writes, C1 controls), bidi
controls, line breaks, Markdown (links, images, mentions, references, bare URLs,
emphasis, code, table breaks) and HTML. Sources: ../shared/ci-facts.md §3-4, the
actions/runner ``ActionCommandL0`` cases, GitHub's autolink and mention rules.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

PIECES = [
    "::error::forged",
    "::warning file=x.json,line=1::forged",
    "  ::add-mask::secret",
    "::stop-commands::tok",
    "##[error]forged",
    ">>> ##[add-mask]secret",
    "##[stop-commands]tok",
    "##[set-output name=x;]y",
    "##[group]g",
    "###[error]three",
    "##vso[task.complete result=Failed;]",
    "##VSO[task.logissue type=error]x",
    "\n::error::after a newline",
    "\r\n##[error]crlf",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;window title\x07",
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
    "\x9b2J",  # C1 CSI: clear the screen
    "\x9d0;title\x9c",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "\u200f",
    "\u2028",
    "\u0085",
    "\x00",
    "\x7f",
    "\t",
    "[link](https://evil.example/x)",
    "![img](http://evil.example/p.png)",
    "[ref]: https://evil.example",
    "@team",
    "@org/security-team",
    "mail@evil.example",
    "#123",
    "owner/repo#7",
    "https://evil.example",
    "HTTP://EVIL.EXAMPLE",
    "www.evil.example",
    "WWW.Evil.Example",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- c -->",
    "<details>",
    "**bold**",
    "__u__",
    "~~s~~",
    "`code`",
    "```",
    "|",
    "&amp;",
    "&#64;",
    "\\",
    "]]>",
    ":",
    "#",
    "%0A::error::encoded",
    "%0A",
    "é",
    "🔴",
]

HOSTILE = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), min_size=1, max_size=6).map(
    "".join
)

_COMMAND_LINE = re.compile(
    r"::(error|warning|notice) ((file=[^:,\n]*,line=\d+,(col=\d+,)?)?)title=[^:,\n]*::"
)
_AZURE_LINE = re.compile(r"##vso\[task\.logissue [^\]\n]*\]")
_OUR_TAGS = {"code", "/code", "details", "/details", "summary", "/summary", "br"}


def dangerous(ch: str) -> bool:
    """A control (C0 but line feed and tab, DEL, C1), format, line or paragraph separator."""
    return ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def assert_log_safe(output: str, *, annotations: bool | str = False) -> None:
    """No line of ``output`` holds a control or invisible character or a workflow command
    a GitHub or Azure runner would obey; ``annotations`` allows suitelint's own (GitHub's
    ``::error ...::``, or with ``"azure"`` one leading ``##vso[task.logissue ...]``)."""
    for line in output.split("\n"):
        bad = [ch for ch in line if dangerous(ch)]
        assert not bad, (bad, line)
        if annotations == "azure" and (own := _AZURE_LINE.match(line)):
            line = line[own.end() :]
        lowered = line.lower()
        assert "##[" not in lowered and "##vso[" not in lowered, line
        if line.lstrip().startswith("::"):
            match = _COMMAND_LINE.match(line) if annotations is True else None
            assert match is not None, line
            assert "::" not in line[match.end() :], line


def _outside_fences(output: str) -> str:
    """The Markdown text outside fenced code blocks (which GitHub shows literally)."""
    kept, fence = [], ""
    for line in output.split("\n"):
        if fence:
            fence = "" if line.strip() == fence else fence
        elif line.startswith("```"):
            fence = line[: len(line) - len(line.lstrip("`"))]
        else:
            kept.append(line)
    return "\n".join(kept)


def assert_markdown_inert(output: str) -> None:
    """Only suitelint's own HTML, and nothing GitHub would link, mention or embed; every
    table row has as many cells as its header."""
    assert_log_safe(output)
    text = _outside_fences(output)
    tags = {m.group(1).lower() for m in re.finditer(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", text)}
    assert tags <= _OUR_TAGS, tags - _OUR_TAGS
    assert not re.search(r"@[A-Za-z0-9]", text), text
    assert "](" not in text and "![" not in text
    assert not re.search(r"(?i)https?://|www\.|<!--", text), text
    assert not re.search(r"(?<!&)#\d", text), text
    cells = None
    for line in text.split("\n"):
        if not line.startswith("|"):
            cells = None
        elif cells is None:
            cells = line.count("|")
        else:
            assert line.count("|") == cells, line
