"""Every text that reaches a terminal, a CI log or a report passes through this module.

Names, paths and reasons come from NetSuite accounts, SDF files, CSV exports and git (which
allows a newline in a file name): they are attacker-controllable. None of it may reach
the reader as anything but text:

* **terminals**: every control character (C0, DEL, C1: so no CSI/OSC escape, no window
  title, no clipboard write), line and paragraph separators, bidirectional controls and
  other invisible format characters become U+FFFD;
* **CI logs** (../shared/ci-facts.md §3, §4): the GitHub runner obeys ``::cmd::`` at the
  start of a line and the legacy ``##[cmd]`` anywhere in a line; Azure DevOps obeys
  ``##vso[`` anywhere. ``::`` and ``##[``/``##vso[`` in a value are written with a
  full-width colon or number sign (``:：``, ``＃#[``), which no runner reads as a command;
  and since a value can never hold a newline, it can never start a line of its own;
* **Markdown and HTML** (:func:`markdown`): every character Markdown or HTML would
  interpret is a numeric entity, and mentions (``@team``), issue references (``#1``), bare
  URLs (``https://``, ``www.``) and e-mail autolinks are broken with a word joiner or an
  entity, which GitHub's autolinker and mention filter do not look through;
* **XML** (:func:`xml_chars`): characters XML 1.0 cannot carry are replaced;
* **whole documents** that keep data exact (JSON, SARIF, JUnit XML) are made safe to print
  to a CI log by :func:`json_document` and :func:`xml_document`, which use the format's own
  escapes (``\\u0023``, ``&#35;``) so every value still decodes to what the account holds.

A value is sanitised where it is put into a line, never before: the findings, the model
and the JSON data keep the account's text exactly.
"""

from __future__ import annotations

import functools
import re

from suitelint.lazyre import lazy

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
_WORD_JOINER = "&#8288;"  # U+2060: invisible; not a letter, so no mention/link continues

# "::" anywhere (GitHub's V2 form, read at the start of a line), "##[" and "##vso["
# anywhere (GitHub's legacy form, Azure DevOps). Case-insensitive, as the runners are.
_COMMAND = lazy(r"(?<=:):|#(?=#(?:\[|vso\[))", re.IGNORECASE)
_DEFUSED = {":": "\N{FULLWIDTH COLON}", "#": "\N{FULLWIDTH NUMBER SIGN}"}

#: Characters outside the XML 1.0 Char production (https://www.w3.org/TR/xml/#charsets).
#: The patterns over wide character ranges are compiled where they are used (``re`` keeps
#: them): compiling them at import cost every command ~1 ms, and most never use them.
NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"

# What a terminal may act on or hide although JSON and XML carry it raw: DEL and the C1
# controls (CSI is U+009B), and every format character, line and paragraph separator of
# Unicode 15 (soft hyphen, zero-width and directional marks, embeddings, overrides and
# isolates, the byte-order mark, tag characters that can smuggle hidden text).
_INVISIBLE = (
    "\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_INVISIBLE_ONLY = f"[{_INVISIBLE}]"
_JSON_UNSAFE = f"#(?=#(?:\\[|vso\\[))|[{_INVISIBLE}]"
_XML_UNSAFE = f"(?<=:):|#(?=#(?:\\[|vso\\[))|[{_INVISIBLE}]"

_MARKDOWN = str.maketrans(
    {
        **{ch: f"&#{ord(ch)};" for ch in "\\`*_{}[]<>|&~!$"},
        "@": "&#64;" + _WORD_JOINER,  # no @mention, no e-mail autolink
        "#": "&#35;" + _WORD_JOINER,  # no heading, no #123 issue reference
    }
)
# bare URLs autolink at "://" (https://x) and at "www." without a scheme
_AUTOLINK = lazy(r"(?<=www)\.|:(?=//)", re.IGNORECASE)


def _printable(text: str) -> str:
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(ch if ch.isprintable() else REPLACEMENT for ch in text)


def line(text: str) -> str:
    """``text`` as part of one line of a terminal or CI log: printable characters only,
    no workflow command in either GitHub syntax nor Azure's."""
    text = _printable(text)
    # a command needs "::" or "##": most messages hold a colon, few hold either pair
    if "::" in text or "##" in text:
        text = _COMMAND.sub(lambda m: _DEFUSED[m.group()], text)
    return text


def lines(text: str) -> str:
    """Like :func:`line`, but keeps line breaks (``\\n``) of a multi-line message."""
    if "\n" not in text:  # the common case (every value of an HTML report goes through)
        return line(text)
    return "\n".join(line(part) for part in text.split("\n"))


def markdown(text: str) -> str:
    """``text`` rendered literally, on one line, by GitHub Markdown and HTML: no markup,
    links, images, mentions, references, autolinks, table breaks or HTML."""
    text = _printable(text).translate(_MARKDOWN)
    if "." in text or ":" in text:
        text = _AUTOLINK.sub(lambda m: f"&#{ord(m.group())};", text)
    return text


def xml_chars(text: str, replacement: str = REPLACEMENT) -> str:
    """``text`` without the characters an XML document cannot contain."""
    return _not_xml().sub(replacement, text)


@functools.cache
def _not_xml() -> re.Pattern[str]:
    return re.compile(NOT_XML)


def sarif_message(text: str) -> str:
    """A SARIF plain-text message: printable lines, no workflow command, and no embedded
    link (``[text](target)``, §3.11.6): the ``]`` before a ``(`` is escaped as ``\\]``."""
    text = lines(text)
    return text.replace("](", "\\](") if "](" in text else text


def json_document(document: str) -> str:
    """A JSON document safe to print to a terminal or CI log, with the same data: the
    number sign of ``##[``/``##vso[`` and every invisible character become ``\\uXXXX``
    escapes (JSON's own; a JSON string can hold no raw C0 control or newline, and no
    line of an indented document starts with ``::``)."""
    if "##" not in document:  # the common case: checked in C, or one character class
        if document.isascii() and "\x7f" not in document:
            return document
        # Every invisible character is one str.isprintable() refuses (a control, format
        # or separator character, or one this Python does not know): a document printable
        # but for its line breaks holds none, checked in C (the pattern took 50 ns a
        # character: 11 s for a large account's blast-radius JSON).
        if document.replace("\n", "").isprintable():
            return document
        if re.search(_INVISIBLE_ONLY, document) is None:
            return document
    return re.sub(_JSON_UNSAFE, _json_escape, document, flags=re.IGNORECASE)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # a surrogate pair, as JSON spells characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def xml_document(document: str) -> str:
    """An XML document safe to print to a terminal or CI log, with the same data: ``::``,
    ``##[``/``##vso[`` and invisible characters are written as character references.
    Only for documents without comments, CDATA or processing instructions (ours)."""
    clean = "##" not in document and "::" not in document
    if clean and document.isascii() and "\x7f" not in document:
        return document
    return re.sub(_XML_UNSAFE, lambda m: f"&#{ord(m.group())};", document, flags=re.IGNORECASE)


def azure_message(text: str) -> str:
    """The message of an Azure DevOps logging command (``##vso[...]message``): one safe
    line (:func:`line`) with ``%``, ``;``, ``]`` escaped as the agent decodes them
    (``%AZP25``, ``%3B``, ``%5D``; ../shared/ci-facts.md §4)."""
    return line(text).replace("%", "%AZP25").replace(";", "%3B").replace("]", "%5D")


def azure_property(text: str) -> str:
    """A property value of an Azure DevOps logging command: as :func:`azure_message`."""
    return azure_message(text)
