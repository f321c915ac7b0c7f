"""The cache folder: its keys are BLAKE2b-256 digests from the interpreter's own module;
its entries are sealed with a secret kept outside it (an entry that another secret, or
none, sealed is no entry); a secret that cannot be trusted means no cache, never an
error."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suitelint import diskcache


def test_keys_are_blake2b_256_digests():
    digest = diskcache.new_digest()
    digest.update(b"suitelint")
    digest.update(b"\x00" * 100_000)
    expected = hashlib.blake2b(b"suitelint" + b"\x00" * 100_000, digest_size=32)
    assert digest.hexdigest() == expected.hexdigest()
    assert len(digest.hexdigest()) == 64


def test_each_digest_starts_empty():
    first, second = diskcache.new_digest(), diskcache.new_digest()
    first.update(b"a")
    assert second.hexdigest() == hashlib.blake2b(b"", digest_size=32).hexdigest()


# -- sealed entries ----------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder and a state folder of this test's own; the secret found anew."""
    monkeypatch.delenv("SUITELINT_NO_CACHE", raising=False)
    monkeypatch.delenv("SUITELINT_CACHE_SECRET", raising=False)
    monkeypatch.setenv("SUITELINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    diskcache.secret.cache_clear()
    yield tmp_path
    diskcache.secret.cache_clear()


def stored(folder: Path, name: str = "k", blob: bytes = b"an entry") -> Path:
    diskcache.store(folder / "cache" / "x", name, blob)
    return folder / "cache" / "x" / name


def test_an_entry_reads_back_and_is_stored_behind_its_mac(fresh: Path) -> None:
    path = stored(fresh)
    assert diskcache.read_entry(path) == b"an entry"
    raw = path.read_bytes()
    assert raw.endswith(b"an entry") and len(raw) == diskcache.MAC_BYTES + len(b"an entry")


@pytest.mark.parametrize(
    "forge",
    [
        lambda raw: raw[diskcache.MAC_BYTES :],  # the bytes without their MAC
        lambda raw: raw[:-1] + b"!",  # one byte changed
        lambda raw: raw[:5] + bytes([raw[5] ^ 1]) + raw[6:],  # the MAC changed
        lambda raw: raw[: diskcache.MAC_BYTES - 1],  # shorter than a MAC
        lambda raw: b"",
    ],
    ids=["unsealed", "changed", "bad-mac", "short", "empty"],
)
def test_an_entry_not_sealed_as_stored_is_no_entry(fresh: Path, forge: Any) -> None:
    path = stored(fresh)
    path.write_bytes(forge(path.read_bytes()))
    assert diskcache.read_entry(path) is None


def test_an_entry_moved_to_another_name_or_cache_or_sealed_with_another_secret_is_no_entry(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = stored(fresh)
    moved = path.with_name("other")
    moved.write_bytes(path.read_bytes())
    assert diskcache.read_entry(moved) is None
    elsewhere = fresh / "cache" / "y" / path.name  # the same name in another cache
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(path.read_bytes())
    assert diskcache.read_entry(elsewhere) is None
    monkeypatch.setenv("SUITELINT_CACHE_SECRET", "another run's secret")
    diskcache.secret.cache_clear()
    assert diskcache.read_entry(path) is None
    assert diskcache.read_entry(stored(fresh, "k2")) == b"an entry"  # this secret's own


def test_the_secret_is_made_once_owner_only_outside_the_cache_folder(fresh: Path) -> None:
    first = diskcache.secret()
    made = fresh / "state" / "suitelint" / "cache-secret"
    assert first is not None and made.read_bytes() == first
    assert len(first) == diskcache.SECRET_BYTES
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    diskcache.secret.cache_clear()
    assert diskcache.secret() == first  # the next run reads the same
    assert [p.name for p in made.parent.iterdir()] == ["cache-secret"]  # no temp file left


def test_a_secret_from_the_environment_makes_no_file(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUITELINT_CACHE_SECRET", "from a CI secret")
    one = diskcache.secret()
    assert one is not None and len(one) == diskcache.SECRET_BYTES
    assert not (fresh / "state").exists()
    monkeypatch.setenv("SUITELINT_CACHE_SECRET", "another")
    diskcache.secret.cache_clear()
    assert diskcache.secret() not in (None, one)


@pytest.mark.parametrize(
    "spoil",
    ["open-to-others", "short", "long", "symlink", "folder"],
)
def test_a_secret_file_that_cannot_be_trusted_means_no_cache(fresh: Path, spoil: str) -> None:
    where = fresh / "state" / "suitelint"
    where.mkdir(parents=True)
    secret = where / "cache-secret"
    if spoil == "open-to-others":
        secret.write_bytes(b"s" * diskcache.SECRET_BYTES)
        secret.chmod(0o644)
    elif spoil in ("short", "long"):
        secret.write_bytes(b"s" * (diskcache.SECRET_BYTES + (1 if spoil == "long" else -1)))
        secret.chmod(0o600)
    elif spoil == "symlink":
        target = fresh / "elsewhere"
        target.write_bytes(b"s" * diskcache.SECRET_BYTES)
        target.chmod(0o600)
        secret.symlink_to(target)
    else:
        secret.mkdir()
    before = secret.read_bytes() if secret.is_file() else None
    assert diskcache.secret() is None
    path = stored(fresh)
    assert not path.exists()  # nothing stored
    assert diskcache.read_entry(path) is None
    assert (secret.read_bytes() if secret.is_file() else None) == before  # never replaced


def test_a_secret_inside_the_cache_folder_seals_nothing(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(fresh / "cache" / "state"))
    assert diskcache.secret() is None
    assert not (fresh / "cache" / "state").exists()
    assert not stored(fresh).exists()


def test_no_home_and_no_state_folder_means_no_cache_and_no_error(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(fresh / "a-file" / "state"))
    (fresh / "a-file").write_text("not a folder")
    assert diskcache.secret() is None
    assert not stored(fresh).exists()
