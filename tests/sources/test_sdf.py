"""SDF projects as a source: custom roles (with the line of every permission), integration
identities and custom objects from SuiteCloud object XML; everything else is skipped, and
bad XML is an input error with file and line (DESIGN.md §3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from suitelint.errors import SourceError
from suitelint.model import Permission, RecordRestriction
from suitelint.sources.sdf import load_sdf, read_sdf

PROJECT = FIXTURES / "sdf" / "project"
OBJECTS = PROJECT / "src" / "Objects"
SYNC_ROLE = OBJECTS / "customrole_invoice_sync.xml"


def permkey_lines(path: Path) -> list[tuple[str, int]]:
    """Each ``<permkey>`` of a file with its line, found by text, independently of lxml."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = re.search(r"<permkey>([^<]*)</permkey>", line)
        if match:
            found.append((match.group(1), number))
    return found


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    return load_sdf(PROJECT)


def role(snapshot, scriptid):  # type: ignore[no-untyped-def]
    return next(r for r in snapshot.roles if r.scriptid == scriptid)


# -- roles ----------------------------------------------------------------------------------
def test_a_project_folder_reads_src_objects_in_sorted_order(project):
    assert [r.scriptid for r in project.roles] == ["customrole_clerk", "customrole_invoice_sync"]


def test_role_attributes_come_from_their_elements(project):
    sync = role(project, "customrole_invoice_sync")
    assert sync.id == "customrole_invoice_sync"  # SDF has no internal id: the scriptid stands in
    assert sync.name == "Invoice Sync"
    assert sync.web_services_only is True
    assert sync.two_factor_required is True  # <tfarequired>SMS
    assert sync.core_admin is True
    assert sync.center_type == "BASIC"
    assert sync.subsidiary_option == "SELECTED"
    assert sync.subsidiaries == ()  # the SELECTED list is UI-only: not in SDF
    assert sync.inactive is False
    assert sync.restrictions == (
        RecordRestriction(
            segment="DEPARTMENT",
            restriction="OWNONLY",
            viewing_allowed=True,
            items_restricted=False,
        ),
    )
    assert sync.path == str(SYNC_ROLE)
    assert sync.line == 1


def test_absent_booleans_default_to_false(project):
    clerk = role(project, "customrole_clerk")
    assert (clerk.web_services_only, clerk.two_factor_required, clerk.core_admin) == (
        False,
        False,
        False,
    )
    assert clerk.subsidiary_option is None
    assert clerk.restrictions == ()


def test_every_permission_carries_the_line_of_its_permkey(project):
    sync = role(project, "customrole_invoice_sync")
    assert [p.line for p in sync.permissions] == [line for _, line in permkey_lines(SYNC_ROLE)]
    assert sync.permissions[0] == Permission("ADMI_LOGIN_OAUTH", "FULL", line=12)


def test_custom_record_references_are_canonical_and_keep_their_appid(project):
    keys = {p.permkey: p for p in role(project, "customrole_invoice_sync").permissions}
    # [scriptid=...] and the bare form name the scriptid; another SuiteApp's record keeps
    # its appid, since two SuiteApps may reuse a scriptid
    assert keys["customrecord_invoice_log"].level == "FULL"
    assert keys["customrecord_invoice_log"].restriction == "VIEWANDEDIT"
    assert keys["[appid=com.acme.audit, scriptid=customrecord_acme_audit]"].level == "VIEW"
    assert keys["customrecord_vendor_map"].level == "EDIT"
    assert keys["TRAN_SALESORD"].restriction is None  # an empty <restriction/> is no restriction


# -- other objects ----------------------------------------------------------------------------
def test_integration_objects_become_integration_identities(project):
    (integration,) = project.integrations
    assert integration.scriptid == integration.id == "custinteg_invoice_sync"
    assert integration.path == str(OBJECTS / "custinteg_invoice_sync.xml")
    assert integration.line == 1


def test_custom_record_types_are_kept_with_their_names(project):
    (record,) = project.custom_objects
    assert (record.scriptid, record.name, record.kind) == (
        "customrecord_invoice_log",
        "Invoice Log",
        "customrecordtype",
    )


def test_other_object_types_are_skipped_silently(project):
    # customscript_invoice_sync.xml holds a <permission> with a bogus key and level: a
    # script's permissions are not a role's, and reading them would be an error.
    assert len(project.roles) == 2
    assert all("customscript" not in (r.path or "") for r in project.roles)


def test_a_bare_folder_of_objects_and_a_single_file_load_too():
    assert len(load_sdf(OBJECTS).roles) == 2
    assert [r.scriptid for r in load_sdf(SYNC_ROLE).roles] == ["customrole_invoice_sync"]


# -- references through the check ----------------------------------------------------------
DELETE_POLICY = """\
suitelint: 1
rules:
  - id: no-custom-record-access
    applies_to: roles
    forbid:
      permissions:
        - {category: custom_record, level: view}
"""


def test_references_resolve_to_the_custom_object_name_or_say_they_are_unresolved(run_cli, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(DELETE_POLICY)
    result = run_cli("check", PROJECT, "--policy", policy, "--as-of", "2026-11-25")
    assert result.exit_code == 1, result
    findings = {
        line.split(":")[1]: line for line in result.stdout.splitlines() if " error " in line
    }
    lines = dict(permkey_lines(SYNC_ROLE))
    # in the project: its name
    assert (
        "Invoice Log (customrecord_invoice_log) at FULL"
        in findings[str(lines["[scriptid=customrecord_invoice_log]"])]
    )
    # not in the project: the bare scriptid, clearly marked, never a crash
    audit = lines["[appid=com.acme.audit, scriptid=customrecord_acme_audit]"]
    assert (
        "[appid=com.acme.audit, scriptid=customrecord_acme_audit] (custom record not in the sources)"
        " at VIEW" in findings[str(audit)]
    )
    assert (
        "customrecord_vendor_map (custom record not in the sources) at EDIT"
        in findings[str(lines["customrecord_vendor_map"])]
    )


# -- errors -----------------------------------------------------------------------------------
def test_malformed_xml_is_an_input_error_with_file_and_line(run_cli):
    broken = FIXTURES / "sdf" / "malformed"
    result = run_cli("check", broken)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"{broken / 'customrole_broken.xml'}:7:17: source error: malformed XML: "
        "Opening and ending tag mismatch"
    )
    assert "Traceback" not in result.stderr


def write_role(folder: Path, body: str, name: str = "customrole_x.xml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'<role scriptid="{path.stem}">\n  <name>X</name>\n{body}</role>\n')
    return path


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "  <permissions>\n    <permission>\n      <permlevel>FULL</permlevel>\n"
            "    </permission>\n  </permissions>\n",
            4,
            "<permission> has no <permkey>",
        ),
        (
            "  <permissions>\n    <permission>\n      <permkey>TRAN_SALESORD</permkey>\n"
            "      <permlevel>ALL</permlevel>\n    </permission>\n  </permissions>\n",
            6,
            "<permlevel> must be one of NONE, VIEW, CREATE, EDIT, FULL, found 'ALL'",
        ),
        ("  <iswebserviceonlyrole>yes</iswebserviceonlyrole>\n", 3, "must be T or F"),
        (
            "  <permissions>\n    <permission>\n      <permkey>[scriptid=x]</permkey>\n"
            "      <permlevel>VIEW</permlevel>\n    </permission>\n  </permissions>\n",
            5,
            "does not name a custom record",
        ),
    ],
)
def test_a_role_that_breaks_the_sdf_schema_is_located(tmp_path, body, line, message):
    path = write_role(tmp_path, body)
    with pytest.raises(SourceError) as caught:
        load_sdf(tmp_path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert message in str(caught.value)


def test_a_permkey_listed_twice_reads_the_higher_level_and_says_so_at_the_second_row(tmp_path):
    # a merge can leave two rows of one permission; a reviewer reading the first would
    # miss a higher second one
    row = "    <permission><permkey>{}</permkey><permlevel>{}</permlevel></permission>\n"
    body = (
        "  <permissions>\n"
        + row.format("TRAN_SALESORD", "VIEW")
        + row.format("LIST_CUSTJOB", "VIEW")
        + row.format("TRAN_SALESORD", "FULL")
        + "  </permissions>\n"
    )
    path = write_role(tmp_path, body)
    project = read_sdf(tmp_path)
    (notice,) = project.notices
    assert (notice.path, notice.line) == (str(path), 6)
    assert notice.message == (
        "TRAN_SALESORD is listed again (first on line 4, at VIEW; here at FULL): "
        "the highest level of its rows, FULL, is read"
    )


def test_a_role_without_name_is_an_error(tmp_path):
    (tmp_path / "customrole_x.xml").write_text('<role scriptid="customrole_x"/>')
    with pytest.raises(SourceError, match="has no <name>"):
        load_sdf(tmp_path)


def test_a_scriptid_defined_twice_is_an_error(tmp_path):
    write_role(tmp_path / "a", "")
    write_role(tmp_path / "b", "")
    with pytest.raises(SourceError, match=r"is defined twice, in .*a.customrole_x.xml and in"):
        load_sdf(tmp_path)


def test_a_folder_without_objects_is_an_error_not_an_empty_pass(tmp_path):
    (tmp_path / "README.md").write_text("no objects here")
    with pytest.raises(SourceError, match="no SDF objects found"):
        load_sdf(tmp_path)


def test_a_symlink_out_of_the_project_is_refused(tmp_path):
    outside = write_role(tmp_path / "outside", "")
    project = tmp_path / "project"
    project.mkdir()
    (project / "customrole_y.xml").symlink_to(outside)
    with pytest.raises(SourceError, match="symlink points outside"):
        load_sdf(project)


def test_doctype_text_inside_cdata_of_another_object_is_not_a_dtd(tmp_path):
    write_role(tmp_path, "")
    (tmp_path / "custemailtmpl_x.xml").write_text(
        '<emailtemplate scriptid="custemailtmpl_x">\n'
        "  <content><![CDATA[<!DOCTYPE html><html></html>]]></content>\n"
        "</emailtemplate>\n"
    )
    assert len(load_sdf(tmp_path).roles) == 1


def test_a_control_character_reference_sdf_writes_in_record_instances_loads(tmp_path):
    # SDF separates the values of a multi-select field of a custom record instance with
    # U+0005, written &#x5;: XML 1.0 forbids the reference, libxml2 refuses it, SDF
    # deploys it. It is read as the control's picture (U+2405), and nothing else moves.
    write_role(
        tmp_path,
        "  <permissions>\n    <permission>\n"
        "      <permkey>customrecord_rule</permkey>\n      <permlevel>VIEW</permlevel>\n"
        "    </permission>\n  </permissions>\n",
    )
    (tmp_path / "customrecord_rule.xml").write_text(
        '<customrecordtype scriptid="customrecord_rule">\n'
        "  <recordname><![CDATA[Rule &#x5; as written]]></recordname>\n"
        "  <instances>\n"
        '    <instance scriptid="val_1_sb1">\n'
        "      <custrecord_rule_text>Staff&#x5;PR&#5;Other&#x1F;&#65;</custrecord_rule_text>\n"
        "    </instance>\n"
        "  </instances>\n"
        "</customrecordtype>\n"
    )
    project = load_sdf(tmp_path)
    (record,) = project.custom_objects
    assert record.name == "Rule &#x5; as written"  # CDATA is text: no reference in it
    (role,) = project.roles
    assert [(p.permkey, p.line) for p in role.permissions] == [("customrecord_rule", 5)]


def test_a_name_holding_such_a_reference_shows_the_controls_picture(tmp_path):
    (tmp_path / "customrole_x.xml").write_text(
        '<role scriptid="customrole_x">\n  <name>Sync&#x7;Bell&#0;</name>\n</role>\n'
    )
    (role,) = load_sdf(tmp_path).roles
    assert role.name == "Sync\N{SYMBOL FOR BELL}Bell\N{SYMBOL FOR NULL}"


def test_a_malformed_character_reference_is_still_malformed(tmp_path):
    (tmp_path / "customrole_x.xml").write_text(
        '<role scriptid="customrole_x">\n  <name>X&#xZZ;</name>\n</role>\n'
    )
    with pytest.raises(SourceError) as raised:
        load_sdf(tmp_path)
    assert raised.value.line == 2
    assert "malformed XML" in str(raised.value)


def restriction_on(segment: str) -> str:
    return (
        "  <recordrestrictions>\n    <recordrestriction>\n"
        f"      <segment>{segment}</segment>\n      <restriction>OWNONLY</restriction>\n"
        "    </recordrestriction>\n  </recordrestrictions>\n"
    )


def test_a_record_restriction_on_a_segment_suitelint_does_not_know_loads_and_is_shown(tmp_path):
    from suitelint.restrictions import describe, value_of

    write_role(tmp_path, restriction_on("CUSTOMSEGMENT_REGION"))
    loaded = load_sdf(tmp_path)
    (only,) = loaded.roles
    assert only.restrictions == (RecordRestriction("CUSTOMSEGMENT_REGION", "OWNONLY"),)
    # it restricts none of the segments suitelint knows, and the reports say so
    assert value_of(only, "departments") is None
    assert describe(only).endswith(
        "; segment CUSTOMSEGMENT_REGION OWNONLY (a segment unknown to suitelint, not counted)"
    )


@pytest.mark.parametrize("segment", ["department", "Dept 5", ""])
def test_a_segment_that_cannot_be_an_sdf_value_is_located(tmp_path, segment):
    path = write_role(tmp_path, restriction_on(segment))
    with pytest.raises(SourceError) as caught:
        load_sdf(tmp_path)
    assert (caught.value.path, caught.value.line) == (str(path), 5)
    assert "<segment> must be one of DEPARTMENT, CLASS, LOCATION" in str(caught.value)


# -- the common row shape and the careful reading agree ------------------------------------
_KEYS = st.sampled_from(
    [
        "TRAN_SALESORD",
        "ADMI_ACCOUNTING",
        " LIST_CUSTJOB ",
        "customrecord_x",
        "[cseg_region]",
        "[appid=com.acme.app, scriptid=customrecord_y]",
        "CUSTOMRECORD_Z",
        "",
        "[scriptid=x]",
    ]
)
_LEVEL_TEXTS = st.sampled_from(["VIEW", "FULL", " EDIT ", "", "ALL", "none"])
_RESTRICTIONS = st.sampled_from([None, "EDIT", "VIEWANDEDIT", "", "NEWVALUE", "bad value"])


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(_KEYS, _LEVEL_TEXTS, _RESTRICTIONS), min_size=1, max_size=6),
    extra=st.sampled_from(["", "<other>1</other>", "<permlevel>VIEW</permlevel>"]),
)
def test_a_permission_reads_the_same_with_a_comment_inside_it(tmp_path_factory, rows, extra):
    """A row of the common shape is read in one step, any other carefully; a comment inside
    each <permission> (on the same line) sends every row the careful way: the rows, their
    lines and every problem must be the same."""

    def body(comment: str) -> str:
        lines = []
        for key, level, restriction in rows:
            fields = f"<permkey>{key}</permkey><permlevel>{level}</permlevel>"
            if restriction is not None:
                fields += f"<restriction>{restriction}</restriction>"
            lines.append(f"    <permission>{comment}{fields}{extra}</permission>\n")
        return "  <permissions>\n" + "".join(lines) + "  </permissions>\n"

    def read(comment: str) -> object:
        folder = tmp_path_factory.mktemp("role")
        write_role(folder, body(comment))
        try:
            return load_sdf(folder).roles[0].permissions
        except SourceError as error:
            return [(p.line, p.message.replace(str(folder), "")) for p in error.problems]

    assert read("") == read("<!-- a comment -->")
