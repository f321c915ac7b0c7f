"""``restricted_to``: a policy can fail a role whose subsidiary (department, class,
location, employee) access is unrestricted (fixture: ``fixtures/sdf/restrictions``, one role
without any restriction, one restricted to selected subsidiaries, own department and own
employees)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from suitelint.policy.assertions.restricted_to import describe_restrictions
from suitelint.sources.sdf import load_sdf

PROJECT = FIXTURES / "sdf" / "restrictions"
OBJECTS = PROJECT / "src" / "Objects"


def run(run_cli, tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    policy = tmp_path / "policy.yaml"
    policy.write_text("suitelint: 1\nrules:\n  - id: scoped\n    applies_to: roles\n" + body)
    return run_cli("check", PROJECT, "-p", policy, "--as-of", "2026-11-25", "-f", "json")


def findings(result):  # type: ignore[no-untyped-def]
    return [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "scoped"]


def test_sdf_restrictions_are_loaded():
    roles = {r.scriptid: r for r in load_sdf(PROJECT).roles}
    scoped, everywhere = roles["customrole_scoped"], roles["customrole_everywhere"]
    assert (scoped.subsidiary_option, scoped.employee_restriction) == ("SELECTED", "OWNONLY")
    assert (everywhere.subsidiary_option, everywhere.employee_restriction) == (None, "NONE")
    assert describe_restrictions(everywhere) == (
        "unrestricted: all subsidiaries, all departments, all classes, all locations, all employees"
    )
    assert describe_restrictions(scoped) == (
        "unrestricted: all classes, all locations; subsidiaries SELECTED; "
        "departments OWNONLY; employees OWNONLY"
    )


def test_a_policy_fails_a_role_whose_subsidiary_access_is_unrestricted(run_cli, tmp_path):
    result = run(run_cli, tmp_path, "    restricted_to: {subsidiaries: restricted}\n")
    assert result.exit_code == 1, result
    (finding,) = findings(result)
    assert finding["subject"]["scriptid"] == "customrole_everywhere"
    assert finding["message"] == (
        "role 'AP Everywhere' is unrestricted: all subsidiaries (subsidiaryoption ALL); "
        "required: OWN or SELECTED"
    )
    assert finding["location"]["path"] == str(OBJECTS / "customrole_everywhere.xml")
    assert finding["location"]["line"] == 1


@pytest.mark.parametrize(
    ("body", "failing"),
    [
        ("    restricted_to: {departments: restricted}\n", {"customrole_everywhere"}),
        (
            "    restricted_to: {departments: [UNASSIGNED]}\n",
            {"customrole_everywhere", "customrole_scoped"},
        ),
        ("    restricted_to: {employees: [ownonly]}\n", {"customrole_everywhere"}),
        (
            "    restricted_to: {classes: restricted}\n",
            {"customrole_everywhere", "customrole_scoped"},
        ),
        (
            "    restricted_to: {subsidiaries: [OWN]}\n",
            {"customrole_everywhere", "customrole_scoped"},
        ),
    ],
)
def test_each_restriction_and_its_values(run_cli, tmp_path, body, failing):
    result = run(run_cli, tmp_path, body)
    assert {f["subject"]["scriptid"] for f in findings(result)} == failing, result


def test_an_unknown_value_is_a_located_policy_error(run_cli, tmp_path):
    result = run(run_cli, tmp_path, "    restricted_to: {subsidiaries: [SOME]}\n")
    assert result.exit_code == 2
    assert "policy.yaml:5" in result.stderr


def test_blast_radius_flags_tokens_whose_role_reaches_all_subsidiaries(run_cli, tmp_path):
    """The SDF roles merged with an account's tokens: the unrestricted role's token is
    flagged, the one restricted to selected subsidiaries is not."""
    account = {
        "suitelint_snapshot": 1,
        "users": [{"id": "1", "name": "Sync User", "roles": ["customrole_everywhere"]}],
        "tokens": [
            {"id": "T-1", "name": "AP sync", "user": "1", "role": "customrole_everywhere"},
            {"id": "T-2", "name": "AP scoped", "user": "1", "role": "customrole_scoped"},
        ],
    }
    snapshot = tmp_path / "account.json"
    snapshot.write_text(json.dumps(account))
    result = run_cli("blast-radius", PROJECT, snapshot, "--as-of", "2026-11-25", "-f", "json")
    assert result.exit_code in (0, 1), result
    exposures = {e["name"]: e for e in json.loads(result.stdout)["tokens"]}
    assert "all subsidiaries" in exposures["AP sync"]["flags"]
    assert "all subsidiaries" not in exposures["AP scoped"]["flags"]
    assert exposures["AP scoped"]["restrictions"] == [
        {
            "role": "AP Scoped",
            "text": "unrestricted: all classes, all locations; subsidiaries SELECTED; "
            "departments OWNONLY; employees OWNONLY",
        }
    ]
    text = run_cli("blast-radius", PROJECT, snapshot, "--as-of", "2026-11-25").stdout
    assert (
        "  restrictions of role 'AP Everywhere': unrestricted: all subsidiaries, all "
        "departments, all classes, all locations, all employees\n" in text
    )


def test_blast_radius_flags_a_subsidiary_option_it_does_not_know(run_cli, tmp_path):
    """A value suitelint does not know is never a restriction: flagged, and shown."""
    account = {
        "suitelint_snapshot": 1,
        "roles": [{"id": "5", "name": "Newer", "subsidiary_option": "OWNANDCHILDREN"}],
        "users": [{"id": "1", "name": "Sync User", "roles": ["5"]}],
        "tokens": [{"id": "T-1", "name": "sync", "user": "1", "role": "5"}],
    }
    snapshot = tmp_path / "account.json"
    snapshot.write_text(json.dumps(account))
    result = run_cli("blast-radius", snapshot, "--as-of", "2026-11-25", "-f", "json")
    (exposure,) = json.loads(result.stdout)["tokens"]
    assert "all subsidiaries" in exposure["flags"]
    assert exposure["restrictions"][0]["text"].startswith(
        "unrestricted: all subsidiaries (subsidiaryoption 'OWNANDCHILDREN', unknown to suitelint)"
    )


def _project(tmp_path: Path, option: str) -> Path:
    objects = tmp_path / "proj" / "src" / "Objects"
    objects.mkdir(parents=True)
    (objects / "customrole_newer.xml").write_text(
        '<role scriptid="customrole_newer">\n  <centertype>ACCOUNTCENTER</centertype>\n'
        f"  <name>Newer</name>\n  <subsidiaryoption>{option}</subsidiaryoption>\n"
        "  <permissions>\n    <permission>\n      <permkey>TRAN_VENDPYMT</permkey>\n"
        "      <permlevel>VIEW</permlevel>\n      <restriction>VIEWONLY</restriction>\n"
        "    </permission>\n  </permissions>\n</role>\n"
    )
    return tmp_path / "proj"


def test_a_value_netsuite_may_write_but_suitelint_does_not_know_loads_and_is_shown(
    run_cli, tmp_path
):
    """Not an error ("unknown to us" is not "malformed"), and never a restriction."""
    project = _project(tmp_path, "OWNANDCHILDREN")
    (role,) = load_sdf(project).roles
    assert role.subsidiary_option == "OWNANDCHILDREN"
    assert role.permissions[0].restriction == "VIEWONLY"
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "suitelint: 1\nrules:\n  - id: scoped\n    applies_to: roles\n"
        "    restricted_to: {subsidiaries: restricted}\n"
    )
    result = run_cli("check", project, "-p", policy, "--as-of", "2026-11-25", "-f", "json")
    assert result.exit_code == 1, result
    (finding,) = findings(result)
    assert finding["message"] == (
        "role 'Newer' is unrestricted: all subsidiaries (subsidiaryoption 'OWNANDCHILDREN', "
        "unknown to suitelint); required: OWN or SELECTED"
    )


def test_a_value_in_no_shape_sdf_writes_is_a_located_source_error(run_cli, tmp_path):
    project = _project(tmp_path, "own subsidiary")
    result = run_cli("check", project, "--as-of", "2026-11-25")
    assert result.exit_code == 2
    assert "customrole_newer.xml:4" in result.stderr, result.stderr
    assert "<subsidiaryoption> must be one of ALL, ALLACTIVE, OWN, SELECTED" in result.stderr


def test_restricted_to_takes_the_role_page_labels(run_cli, tmp_path):
    result = run(
        run_cli, tmp_path, "    restricted_to: {subsidiaries: [User Subsidiary, Selected]}\n"
    )
    assert {f["subject"]["scriptid"] for f in findings(result)} == {"customrole_everywhere"}


def _forbid_messages(run_cli, tmp_path: Path, roles: list[dict[str, object]]) -> list[str]:  # type: ignore[no-untyped-def]
    account = tmp_path / "account.json"
    account.write_text(json.dumps({"suitelint_snapshot": 1, "roles": roles}))
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "suitelint: 1\nrules:\n  - id: no-journals\n    applies_to: roles\n"
        "    forbid: {permissions: [Make Journal Entry]}\n"
    )
    result = run_cli("check", account, "-p", policy, "--as-of", "2026-11-25", "-f", "json")
    return sorted(f["message"] for f in json.loads(result.stdout)["findings"])


JOURNALS = [{"permkey": "TRAN_JOURNAL", "level": "FULL"}]


def test_forbid_findings_say_how_far_the_role_reaches_in_a_oneworld_account(run_cli, tmp_path):
    roles = [
        {"id": "1", "name": "Wide", "subsidiary_option": "ALL", "permissions": JOURNALS},
        {"id": "2", "name": "Own", "subsidiary_option": "OWN", "permissions": JOURNALS},
        {"id": "4", "name": "Unsaid", "permissions": JOURNALS},
    ]
    assert _forbid_messages(run_cli, tmp_path, roles) == [
        "role 'Own' holds Make Journal Entry (TRAN_JOURNAL) at FULL; forbidden: Make Journal "
        "Entry (TRAN_JOURNAL); restricted: subsidiaries OWN",
        "role 'Unsaid' holds Make Journal Entry (TRAN_JOURNAL) at FULL; forbidden: Make "
        "Journal Entry (TRAN_JOURNAL); unrestricted: all subsidiaries",
        "role 'Wide' holds Make Journal Entry (TRAN_JOURNAL) at FULL; forbidden: Make Journal "
        "Entry (TRAN_JOURNAL); unrestricted: all subsidiaries",
    ]


def test_without_subsidiary_data_forbid_findings_say_nothing_of_subsidiaries(run_cli, tmp_path):
    """No role records subsidiary access: not a OneWorld account, nothing to restrict to."""
    roles = [{"id": "4", "name": "Unsaid", "permissions": JOURNALS}]
    assert _forbid_messages(run_cli, tmp_path, roles) == [
        "role 'Unsaid' holds Make Journal Entry (TRAN_JOURNAL) at FULL; forbidden: Make "
        "Journal Entry (TRAN_JOURNAL)"
    ]


def _messages(run_cli, tmp_path: Path, roles: list[dict[str, object]], body: str) -> list[str]:  # type: ignore[no-untyped-def]
    account = tmp_path / "account.json"
    account.write_text(json.dumps({"suitelint_snapshot": 1, "roles": roles}))
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"suitelint: 1\nrules:\n  - id: r\n    applies_to: roles\n    {body}\n")
    result = run_cli("check", account, "-p", policy, "--as-of", "2026-11-25", "-f", "json")
    return sorted(f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "r")


BILLS = [
    {"permkey": "TRAN_VENDBILL", "level": "FULL"},
    {"permkey": "TRAN_VENDPYMT", "level": "FULL"},
]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "allow_only: {Customers: view}",
            "role 'Wide' holds Bills (TRAN_VENDBILL) at FULL, which is not in its allow-list",
        ),
        (
            "max_level: view",
            "role 'Wide' holds Bills (TRAN_VENDBILL) at FULL; at most VIEW is allowed",
        ),
        (
            "forbid_together: [[Bills, Pay Bills]]",
            "role 'Wide' combines Bills (TRAN_VENDBILL) at FULL and Pay Bills (TRAN_VENDPYMT) "
            "at FULL (segregation of duties)",
        ),
    ],
)
def test_every_finding_on_held_permissions_says_how_far_the_role_reaches(
    run_cli, tmp_path, body, message
):
    # as forbid's do: the same grant is a wider risk in every subsidiary than in its own
    wide = {"id": "1", "name": "Wide", "subsidiary_option": "ALL", "permissions": BILLS}
    found = _messages(run_cli, tmp_path, [wide], body)
    assert f"{message}; unrestricted: all subsidiaries" in found
    assert all(m.endswith("; unrestricted: all subsidiaries") for m in found)
    # without subsidiary data (no OneWorld), nothing is added
    plain = {"id": "1", "name": "Wide", "permissions": BILLS}
    assert message in _messages(run_cli, tmp_path, [plain], body)
