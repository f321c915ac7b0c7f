"""Where SARIF puts a role's alert (the report's ``places``): each role with findings at
its own entry in the snapshot, worked out only when a reporter reads it (a text report
of a large snapshot need not sweep the file for them), and the same as asking the
sources for each role one by one."""

from __future__ import annotations

from unittest import mock

from conftest import FIXTURES, TODAY
from suitelint import runner
from suitelint.runner import CheckOptions, SubjectPlaces, run_check

ACCOUNT = FIXTURES / "ci" / "account.json"


def test_places_are_worked_out_when_first_read_and_only_once() -> None:
    with mock.patch.object(runner, "subject_places", wraps=runner.subject_places) as spy:
        report = run_check(CheckOptions(sources=(str(ACCOUNT),), today=TODAY))
        assert spy.call_count == 0
        first = dict(report.places)
        again = dict(report.places)
    assert spy.call_count == 1
    assert first == again
    assert isinstance(report.places, SubjectPlaces)


def test_each_role_with_findings_is_placed_at_its_own_entry() -> None:
    report = run_check(CheckOptions(sources=(str(ACCOUNT),), today=TODAY))
    roles = {f.subject_id for f in report.findings if f.subject_kind == "role"}
    assert roles
    loaded = runner.load_sources([str(ACCOUNT)], runner.load_catalog())
    one_by_one = {("role", role_id): loaded.locate("roles", role_id) for role_id in roles}
    assert dict(report.places) == one_by_one
    assert all(place is not None and place.line for place in one_by_one.values())
