"""CI cannot pass by skipping: a test that needs ``../shared`` fails under ``CI=true``.

On a developer's machine without the folder such tests skip; in CI a missing folder is a
broken set-up, and a CI that deliberately lacks it (GitHub's runners) deselects the tests by
their ``shared`` marker, which the collection hook adds to every test using the data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import conftest


def test_missing_shared_data_skips_on_a_developer_machine(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "absent")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        conftest.need_shared()


def test_missing_shared_data_fails_under_ci(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "absent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="deselect with -m 'not shared'"):
        conftest.need_shared()


def test_present_shared_data_is_returned(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path)
    monkeypatch.setenv("CI", "true")
    assert conftest.need_shared() == tmp_path


def test_tests_using_the_shared_fixture_carry_the_shared_marker(request) -> None:
    session_items = request.session.items
    corpus = [item for item in session_items if "test_sdf_corpus" in item.nodeid]
    if not corpus:  # run alone (pytest tests/test_ci_honesty.py): nothing to look at
        pytest.skip("the corpus tests were not collected in this run")
    assert all(item.get_closest_marker("shared") for item in corpus)
    assert Path(__file__).name not in {Path(str(i.fspath)).name for i in corpus}
