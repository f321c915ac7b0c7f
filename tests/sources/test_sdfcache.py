"""The SDF cache: a project read from its entry is the project read from its files, and
any change of a file's bytes, a broken project or a bad entry reads the files again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from suitelint import diskcache
from suitelint.errors import SourceError
from suitelint.sources import sdfcache
from suitelint.sources.sdf import read_sdf

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PROJECTS = [
    FIXTURES / "sdf" / "project",
    FIXTURES / "sdf" / "deploy",  # deploy.xml leaves objects out: a notice
    FIXTURES / "sdf" / "references",
    FIXTURES / "sdf" / "restrictions",
    FIXTURES / "inline",  # suppression comments with reasons and dates
    FIXTURES / "sdf" / "project" / "src" / "Objects" / "customrole_clerk.xml",
]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SUITELINT_NO_CACHE", raising=False)
    monkeypatch.setenv("SUITELINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / f"sdf-{sdfcache.FORMAT}"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_a_project_from_its_entry_is_the_project_read_from_its_files(
    project: Path, cache_dir: Path
) -> None:
    expected = read_sdf(project)
    assert sdfcache.read_sdf_cached(project) == expected  # a miss: read, then stored
    assert len(entries(cache_dir)) == 1
    assert sdfcache.read_sdf_cached(project) == expected  # a hit


def test_the_corpus_reads_the_same_from_the_cache(shared: Path, cache_dir: Path) -> None:
    projects = sorted({p.parent for p in (shared / "corpus" / "sdf").rglob("*.xml")})
    for folder in projects:
        try:
            expected = read_sdf(folder)
        except SourceError:
            continue  # a folder of the corpus that is no project on its own
        assert sdfcache.read_sdf_cached(folder) == expected
        assert sdfcache.read_sdf_cached(folder) == expected


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "sdf" / "project", project)
    return project


def test_a_changed_file_is_read_again(tmp_path: Path, cache_dir: Path) -> None:
    project = _copy(tmp_path)
    before = sdfcache.read_sdf_cached(project)
    role = next((project / "src" / "Objects").glob("customrole_*.xml"))
    text = role.read_text(encoding="utf-8")
    assert "<permlevel>FULL</permlevel>" in text
    role.write_text(text.replace("<permlevel>FULL</permlevel>", "<permlevel>VIEW</permlevel>"))
    after = sdfcache.read_sdf_cached(project)
    assert after == read_sdf(project) != before
    assert len(entries(cache_dir)) == 2


def test_a_broken_project_is_never_stored_and_always_reported(
    tmp_path: Path, cache_dir: Path
) -> None:
    project = _copy(tmp_path)
    (project / "src" / "Objects" / "customrole_broken.xml").write_text("<role scriptid='x'>")
    with pytest.raises(SourceError) as direct:
        read_sdf(project)
    for _ in range(2):
        with pytest.raises(SourceError) as cached:
            sdfcache.read_sdf_cached(project)
        assert [p.where for p in cached.value.problems] == [p.where for p in direct.value.problems]
        assert str(cached.value) == str(direct.value)
    assert entries(cache_dir) == []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-key", "empty"])
def test_a_bad_entry_is_ignored_and_rewritten(tmp_path: Path, cache_dir: Path, damage: str) -> None:
    project = FIXTURES / "sdf" / "project"
    other = FIXTURES / "sdf" / "references"
    expected = read_sdf(project)
    sdfcache.read_sdf_cached(project)
    (entry,) = entries(cache_dir)
    good = entry.read_bytes()
    body = diskcache.unseal(entry, good)
    assert body is not None
    if damage == "garbage":
        body = b"\x93\x01\xa1x\xc0"
    elif damage == "truncated":
        body = body[: len(body) // 2]
    elif damage == "empty":
        body = b""
    else:  # another project's entry under this project's key
        sdfcache.read_sdf_cached(other)
        (moved,) = [e for e in entries(cache_dir) if e != entry]
        body = diskcache.unseal(moved, moved.read_bytes()) or b""
    # sealed with this run's secret: the entry's own checks, not its MAC, must refuse it
    entry.write_bytes(diskcache.seal(entry, body) or b"")
    assert sdfcache.read_sdf_cached(project) == expected
    assert entry.read_bytes() == good  # rewritten by the miss


def test_the_cache_can_be_turned_off(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUITELINT_NO_CACHE", "1")
    assert sdfcache.read_sdf_cached(FIXTURES / "sdf" / "project") == read_sdf(
        FIXTURES / "sdf" / "project"
    )
    assert not cache_dir.exists()


def test_projects_read_inside_not_kept_are_not_stored(cache_dir: Path) -> None:
    project = FIXTURES / "sdf" / "project"
    with sdfcache.not_kept():  # e.g. a git checkout of the base in a temporary folder
        assert sdfcache.read_sdf_cached(project) == read_sdf(project)
    assert entries(cache_dir) == []
    sdfcache.read_sdf_cached(project)
    assert len(entries(cache_dir)) == 1


def test_a_project_the_entry_cannot_hold_whole_is_not_stored(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msgspec

    from suitelint.model import User

    project = FIXTURES / "sdf" / "project"
    read = read_sdf(project)
    more = msgspec.structs.replace(
        read, snapshot=msgspec.structs.replace(read.snapshot, users=(User(id="1", name="u"),))
    )
    monkeypatch.setattr(sdfcache, "read_sdf", lambda path, contents=None: more)
    assert sdfcache.read_sdf_cached(project) == more
    assert entries(cache_dir) == []  # an entry holds roles, integrations, custom objects only
