"""One sanitiser for every text that reaches a terminal, a CI log or a report.

Names from accounts, SDF files, CSV exports and git are attacker-controllable. Whatever
they hold, no report, annotation or error message carries a workflow command (GitHub's
``::cmd::`` and ``##[cmd]``, Azure's ``##vso[``), a terminal escape, a bidi control, a
line break, or Markdown and HTML that GitHub would render, link or mention.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import EXAMPLES, TODAY
from hostile import HOSTILE, PIECES, assert_log_safe, assert_markdown_inert
from suitelint import sanitize
from suitelint.findings import Finding, Link, Location, Report, RuleDoc, Severity, Suppression
from suitelint.report import FORMATS, renderer

# -- the functions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain name", "plain name"),
        ("a::error::b", "a:\uff1aerror:\uff1ab"),
        ("x ##[error]y", "x \uff03#[error]y"),
        ("###[add-mask]", "#\uff03#[add-mask]"),
        ("##vso[task.complete]", "\uff03#vso[task.complete]"),
        ("##VSO[x.y]", "\uff03#VSO[x.y]"),
        ("a\nb\r\x1b[31mc\u202ed\x9b", "a\ufffdb\ufffd\ufffd[31mc\ufffdd\ufffd"),
        ("# heading and: colon", "# heading and: colon"),  # one "#" or ":" is no command
    ],
)
def test_a_line_holds_no_command_and_no_control_character(text: str, expected: str) -> None:
    assert sanitize.line(text) == expected


@given(HOSTILE)
def test_line_is_idempotent_and_log_safe(text: str) -> None:
    once = sanitize.line(text)
    assert sanitize.line(once) == once
    assert_log_safe(once)
    assert_log_safe(f"  {once}")  # wherever it is placed in a line
    assert sanitize.lines(text).count("\n") == text.count("\n")


def test_markdown_breaks_links_mentions_references_and_autolinks() -> None:
    text = sanitize.markdown("[a](https://x.example) ![i](u) @team #12 www.x.example <b>")
    assert text == (
        "&#91;a&#93;(https&#58;//x.example) &#33;&#91;i&#93;(u) &#64;&#8288;team "
        "&#35;&#8288;12 www&#46;x.example &#60;b&#62;"
    )


@given(HOSTILE)
def test_markdown_is_inert(text: str) -> None:
    assert_markdown_inert(f"| a | {sanitize.markdown(text)} |\n| --- | --- |")


@given(HOSTILE)
def test_documents_keep_their_data_but_lose_commands_and_invisible_characters(
    text: str,
) -> None:
    document = json.dumps({"name": text}, ensure_ascii=False, indent=2)
    safe = sanitize.json_document(document)
    assert json.loads(safe) == {"name": text}
    assert_log_safe(safe)
    from lxml import etree

    element = etree.Element("case", name=sanitize.xml_chars(text))
    element.text = sanitize.xml_chars(text)
    xml = sanitize.xml_document(etree.tostring(element, encoding="unicode"))
    parsed = etree.fromstring(xml)
    assert (parsed.text or "") == sanitize.xml_chars(text)
    for line in xml.split("\n"):
        assert "##[" not in line.lower() and not line.lstrip().startswith("::")


def test_documents_escape_every_invisible_character_unicode_knows() -> None:
    import sys

    from hostile import dangerous

    every = "".join(chr(c) for c in range(0x7F, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    missed = [hex(ord(ch)) for ch in sanitize.json_document(every) if dangerous(ch)]
    assert missed == []


def test_every_invisible_character_is_one_isprintable_refuses() -> None:
    # json_document skips its pattern for a document printable but for its line breaks:
    # that holds only while each character the pattern escapes is not printable.
    import re
    import sys

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    invisible = re.findall(sanitize._INVISIBLE_ONLY, every)
    assert len(invisible) > 200
    assert [hex(ord(ch)) for ch in invisible if ch.isprintable()] == []
    assert sanitize.json_document('{\n  "a": "→ x"\n}') == '{\n  "a": "→ x"\n}'
    assert sanitize.json_document('{"a": "x\u200by"}') == '{"a": "x\\u200by"}'


def test_sarif_messages_hold_no_embedded_link() -> None:
    assert sanitize.sarif_message("[x](https://evil) a\nb") == "[x\\](https://evil) a\nb"


# -- every formatter -----------------------------------------------------------------------------


def hostile_report(name: str) -> Report:
    path = name.replace("\x00", "")  # a file name holds anything but NUL
    chain = (Link("integration", "1", name), Link("role", name, name))
    active = Finding(
        "rule-one",
        Severity.ERROR,
        f"role {name!r} holds {name}",
        "role",
        name,
        name,
        subject_scriptid=name,
        permkey=name,
        chain=chain,
        location=Location(f"{path}.json", 3, 4),
    )
    suppressed = Finding(
        "rule-two",
        Severity.WARNING,
        name,
        "token",
        "2",
        name,
        suppression=Suppression("waiver", name, "2027-01-01"),
        location=Location(path or "x", 1),
    )
    rules = {
        "rule-one": RuleDoc("rule-one", name, Severity.ERROR, name, name),
        "rule-two": RuleDoc("rule-two", "t", Severity.WARNING),
    }
    return Report(
        findings=(active, suppressed),
        rules=rules,
        sources=(f"{path}.json",),
        policies=(name,),
        catalog_version="2026.11.25+test",
    )


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(HOSTILE)
def test_no_report_format_carries_a_hostile_name_as_command_escape_or_markup(name: str) -> None:
    report = hostile_report(name)
    for fmt in FORMATS:
        for color in (False, True):
            output = renderer(fmt)(report, color=color)
            if color and fmt == "text":  # suitelint's own SGR colours, nothing else
                output = output.replace("\x1b[", "")
            assert_log_safe(output, annotations="azure" if fmt == "azure" else fmt == "github")
            if fmt == "markdown":
                assert_markdown_inert(output)


def _hostile_snapshot(name: str) -> dict[str, object]:
    data = json.loads((EXAMPLES / "account.json").read_text(encoding="utf-8"))
    data["account"]["id"] = name
    for kind in ("roles", "users", "integrations", "tokens"):
        for i, item in enumerate(data.get(kind, [])):
            item["name"] = f"{name} {i}"
    return data


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(HOSTILE)
def test_check_blast_radius_audit_and_diff_outputs_of_a_hostile_account_are_inert(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    from suitelint.blast import blast_radius
    from suitelint.catalog import load_catalog
    from suitelint.diff import diff_snapshots
    from suitelint.report import diff as diff_report
    from suitelint.report.blast import BLAST_FORMATS
    from suitelint.runner import CheckOptions, load_policy_set, run_check
    from suitelint.sources import load_sources

    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "account.json"
    path.write_text(json.dumps(_hostile_snapshot(name), ensure_ascii=False), encoding="utf-8")
    report = run_check(CheckOptions(sources=(str(path),), today=TODAY))
    for fmt in FORMATS:
        assert_log_safe(
            renderer(fmt)(report), annotations="azure" if fmt == "azure" else fmt == "github"
        )
    assert_markdown_inert(renderer("markdown")(report))

    catalog = load_catalog()
    snapshot = load_sources([str(path)], catalog).snapshot
    policies = load_policy_set([str(EXAMPLES / "policies.yaml")], catalog)
    blast = blast_radius(snapshot, policies, catalog, TODAY, sources=(str(path),))
    for fmt, render in BLAST_FORMATS.items():
        output = render(blast)
        if fmt != "html":  # the page's own script and style hold raw newlines only
            assert_log_safe(output)
    assert_markdown_inert(BLAST_FORMATS["markdown"](blast))

    from suitelint.audit import audit
    from suitelint.report.audit import AUDIT_FORMATS

    audited = audit(snapshot, policies, catalog, TODAY, sources=(str(path),))
    for fmt, render in AUDIT_FORMATS.items():
        if fmt != "html":
            assert_log_safe(render(audited))
    assert_markdown_inert(AUDIT_FORMATS["markdown"](audited))

    edited = _hostile_snapshot(name)
    edited["roles"][1]["permissions"].append({"permkey": "TRAN_JOURNAL", "level": "FULL"})  # type: ignore[index]
    new = folder / "new.json"
    new.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    changed = diff_snapshots(snapshot, load_sources([str(new)], catalog).snapshot, catalog)
    assert changed.subjects
    assert_log_safe(diff_report.render_text(changed))
    assert_markdown_inert(diff_report.render_markdown(changed))


# -- error messages ------------------------------------------------------------------------------


@pytest.mark.parametrize("piece", [p for p in PIECES if "\n" in p or "::" in p or "\x1b" in p])
def test_an_error_message_naming_a_hostile_file_is_one_safe_line(
    run_cli, tmp_path: Path, piece: str
) -> None:
    path = tmp_path / f"x{piece.replace('/', '_')}.json"
    path.write_text("{", encoding="utf-8")
    result = run_cli("check", path)
    assert result.exit_code == 2
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1, lines
    assert_log_safe(result.stderr)


def test_a_csv_header_with_escapes_is_echoed_inert(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "roles.csv"
    path.write_bytes(b"\x1b]0;pwned\x07Name,\xe2\x80\xaeInternal ID,##[error]x\n1,2,3\n")
    result = run_cli("check", path)
    assert result.exit_code == 2
    assert_log_safe(result.stderr)
    assert os.fsencode(result.stderr).count(b"\n") == len(result.stderr.strip("\n").split("\n"))


def test_a_notice_naming_a_hostile_folder_is_one_safe_line(run_cli, tmp_path: Path) -> None:
    import shutil

    from conftest import FIXTURES

    project = tmp_path / "proj\n::error::forged ##[add-mask]x"
    shutil.copytree(FIXTURES / "sdf" / "deploy", project)
    result = run_cli("check", project, "--as-of", "2026-11-25")
    assert result.exit_code in (0, 1), result
    assert "object files outside the deploy.xml" in result.stderr
    assert_log_safe(result.stderr)
    assert all("deploy.xml" in line for line in result.stderr.strip("\n").split("\n"))


def test_notices_naming_hostile_role_and_template_files_are_safe_lines(
    run_cli, tmp_path: Path
) -> None:
    # deploy.xml leaves out a role whose file name is hostile, and a template outside the
    # project has one too: the notices name both files, and the account-empty error follows
    objects = tmp_path / "repo" / "proj" / "src" / "Objects"
    objects.mkdir(parents=True)
    (objects / "customrole_x\n::error::forged\x1b[2J.xml").write_text(
        "<role scriptid='customrole_x'><name>X</name></role>"
    )
    (objects.parent / "deploy.xml").write_text(
        "<deploy><objects><path>~/Objects/none/*</path></objects></deploy>"
    )
    (tmp_path / "repo" / "mail\n##[add-mask]x.xml").write_text("<img src=x>\n<p>Dear ${c}")
    result = run_cli("check", tmp_path / "repo")
    assert result.exit_code == 2, result
    assert "one a role: Objects/customrole_x" in result.stderr
    assert "outside every Objects folder not read" in result.stderr
    assert_log_safe(result.stderr)
    assert len(result.stderr.strip("\n").split("\n")) == 5
