"""A project using every reference form SDF writes loads, and policies name its custom
objects by scriptid, by any bracket form or by glob (fixture: ``fixtures/sdf/references``,
built from Oracle's reference forms and Salto's typed ``[type=customsegment, ...]``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from suitelint.catalog import load_catalog
from suitelint.errors import PolicyError, SourceError
from suitelint.policy.compiler import compile_policies
from suitelint.policy.loader import load_policy
from suitelint.sources.sdf import load_sdf

PROJECT = FIXTURES / "sdf" / "references"


def test_every_reference_form_loads_with_its_identity():
    (role,) = load_sdf(PROJECT).roles
    assert [p.permkey for p in role.permissions] == [
        "[type=customsegment, scriptid=cseg2]",
        "customrecord_shipment",
        "[appid=com.acme.wms, scriptid=customrecord_bin]",
        "[appid=com.acme.wms, scriptid=customrecord_pallet]",  # key order and spacing as written
        "[bundleid=369503, scriptid=customrecord_bundle_log]",
        "customtransaction_fund_transfer",
        "customrecord_bare",
        "TRAN_CUSTPYMT",
    ]


def test_custom_objects_of_each_kind_are_read_with_their_names():
    found = {(o.kind, o.scriptid, o.name) for o in load_sdf(PROJECT).custom_objects}
    assert found == {
        ("customsegment", "cseg2", "Region"),
        ("customrecordtype", "customrecord_shipment", "Shipment"),
        ("customtransactiontype", "customtransaction_fund_transfer", "Fund Transfer"),
    }


def test_an_unknown_reference_form_is_located_and_lists_the_known_forms(tmp_path: Path):
    role = tmp_path / "customrole_x.xml"
    role.write_text(
        '<role scriptid="customrole_x">\n  <name>X</name>\n  <permissions>\n    <permission>\n'
        "      <permkey>[owner=me, scriptid=customrecord_x]</permkey>\n"
        "      <permlevel>VIEW</permlevel>\n    </permission>\n  </permissions>\n</role>\n"
    )
    with pytest.raises(SourceError) as raised:
        load_sdf(tmp_path)
    assert raised.value.line == 5
    assert "[type=customsegment, scriptid=cseg_x]" in str(raised.value)
    assert "malformed" not in str(raised.value)


POLICY = """\
suitelint: 1
rules:
  - id: names
    applies_to: roles
    forbid:
      permissions:
        - {name}
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('"[scriptid=customrecord_shipment]"', {"customrecord_shipment"}),
        ("customrecord_shipment", {"customrecord_shipment"}),
        # a bare scriptid names the typed and the app-qualified forms too
        ("cseg2", {"[type=customsegment, scriptid=cseg2]"}),
        ('"[type=customsegment, scriptid=cseg2]"', {"[type=customsegment, scriptid=cseg2]"}),
        (
            '"[scriptid=customrecord_bin, appid=com.acme.wms]"',
            {"[appid=com.acme.wms, scriptid=customrecord_bin]"},
        ),
        ('"[appid=com.other, scriptid=customrecord_bin]"', set()),
        ('"[customtransaction_fund_transfer]"', {"customtransaction_fund_transfer"}),
        (
            '"customrecord*"',
            {
                "customrecord_shipment",
                "customrecord_bare",
                "[appid=com.acme.wms, scriptid=customrecord_bin]",
                "[appid=com.acme.wms, scriptid=customrecord_pallet]",
                "[bundleid=369503, scriptid=customrecord_bundle_log]",
            },
        ),
        ('"cseg*"', {"[type=customsegment, scriptid=cseg2]"}),
        ('"customtransaction*"', {"customtransaction_fund_transfer"}),
    ],
)
def test_policies_name_custom_objects_in_every_form(tmp_path: Path, run_cli, name, expected):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.format(name=name))
    result = run_cli("check", PROJECT, "--policy", policy, "--as-of", "2026-11-25", "-f", "json")
    import json

    findings = json.loads(result.stdout)["findings"]
    assert {f["permkey"] for f in findings if f["rule"] == "names"} == expected, result


def test_a_policy_reference_in_an_unknown_form_is_a_located_policy_error(tmp_path: Path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.format(name='"[owner=me, scriptid=customrecord_x]"'))
    with pytest.raises(PolicyError) as raised:
        compile_policies([load_policy(str(policy))], load_catalog())
    assert raised.value.line == 7
    assert "[appid=com.vendor.app, scriptid=customrecord_x]" in str(raised.value)


REQUIRE = """\
suitelint: 1
rules:
  - id: warehouse-needs
    applies_to: roles
    where: {scriptid: "customrole_*"}
    require:
      permissions:
        Shipment: edit                  # a custom record, by the display name its XML gives
        cseg2: view                     # a custom segment, by scriptid
        Fund Transfer: create           # a custom transaction type, by display name
"""


def test_require_permissions_names_custom_objects_and_catches_a_role_lacking_one(
    tmp_path: Path, run_cli
):
    import json
    import shutil

    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    (project / "src" / "Objects" / "customrole_partial.xml").write_text(
        '<role scriptid="customrole_partial">\n  <name>Partial</name>\n  <permissions>\n'
        "    <permission>\n      <permkey>[scriptid=customrecord_shipment]</permkey>\n"
        "      <permlevel>EDIT</permlevel>\n    </permission>\n    <permission>\n"
        "      <permkey>[type=customsegment, scriptid=cseg2]</permkey>\n"
        "      <permlevel>VIEW</permlevel>\n    </permission>\n  </permissions>\n</role>\n"
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(REQUIRE)
    result = run_cli("check", project, "-p", policy, "--as-of", "2026-11-25", "-f", "json")
    assert result.exit_code == 1, result
    (finding,) = [
        f for f in json.loads(result.stdout)["findings"] if f["rule"] == "warehouse-needs"
    ]
    assert finding["subject"]["scriptid"] == "customrole_partial"
    assert finding["permkey"] == "customtransaction_fund_transfer"
    assert "lacks Fund Transfer (customtransaction_fund_transfer) at CREATE" in finding["message"]


def test_a_display_name_without_the_object_in_the_sources_is_an_error_that_says_why(
    tmp_path: Path, run_cli
):
    policy = tmp_path / "policy.yaml"
    policy.write_text(REQUIRE)
    result = run_cli("check", FIXTURES / "sdf" / "project", "-p", policy)
    assert result.exit_code == 2
    assert "unknown permission 'Shipment'" in result.stderr
    assert "unknown permission 'Fund Transfer'" in result.stderr
    assert "among the sources" in result.stderr
