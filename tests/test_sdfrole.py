"""Proposed roles are SDF custom role objects that the SDF source reads back unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from suitelint.model import Level
from suitelint.sdfrole import ProposedPermission, render_customrole, xml_text
from suitelint.sources.sdf import load_sdf

PERMS = (
    ProposedPermission("TRAN_CUSTPYMT", "Customer Payment (TRAN_CUSTPYMT)", Level.CREATE),
    ProposedPermission("TRAN_CUSTINVC", "Invoice (TRAN_CUSTINVC)", Level.VIEW),
)


def test_role_object_lists_fields_then_permissions_sorted_by_permkey():
    xml = render_customrole("customrole_invoice_sync", "Invoice Sync", PERMS, comment="why")
    assert xml == (
        '<role scriptid="customrole_invoice_sync">\n'
        "  <!-- why -->\n"
        "  <centertype>BASIC</centertype>\n"
        "  <coreadminpermission>F</coreadminpermission>\n"
        "  <isinactive>F</isinactive>\n"
        "  <iswebserviceonlyrole>T</iswebserviceonlyrole>\n"
        "  <name>Invoice Sync</name>\n"
        "  <permissions>\n"
        "    <permission>\n"
        "      <permkey>TRAN_CUSTINVC</permkey>\n"
        "      <permlevel>VIEW</permlevel>\n"
        "    </permission>\n"
        "    <permission>\n"
        "      <permkey>TRAN_CUSTPYMT</permkey>\n"
        "      <permlevel>CREATE</permlevel>\n"
        "    </permission>\n"
        "  </permissions>\n"
        "</role>\n"
    )


@given(
    name=st.text(min_size=1, max_size=60).filter(lambda s: xml_text(s).strip()),
    comment=st.text(max_size=40),
)
def test_any_name_round_trips_through_the_sdf_source(tmp_path_factory, name, comment):
    folder = tmp_path_factory.mktemp("objects")
    xml = render_customrole("customrole_x", name, PERMS, comment=comment)
    (folder / "customrole_x.xml").write_text(xml, encoding="utf-8")
    (role,) = load_sdf(folder).roles
    # the SDF source strips surrounding whitespace; characters XML cannot carry are dropped
    assert role.name == xml_text(name).strip()
    assert [(p.permkey, p.lvl) for p in role.permissions] == [
        ("TRAN_CUSTINVC", Level.VIEW),
        ("TRAN_CUSTPYMT", Level.CREATE),
    ]


def test_markup_in_a_name_is_escaped_not_parsed():
    xml = render_customrole("customrole_x", "</name><coreadminpermission>T", PERMS)
    assert "&lt;/name&gt;&lt;coreadminpermission&gt;T" in xml
    assert xml.count("<coreadminpermission>") == 1
