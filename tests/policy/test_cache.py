"""The policy cache (suitelint.policy.cache): a check gives the same bytes and exit code
whether its policies come from the cache or from their files; an entry that is corrupt,
truncated, of another key or in an unwritable folder is never an error and never
changes a verdict; a policy with an error is never cached."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import run_probe
from suitelint import diskcache
from suitelint.policy import cache, compiledcache
from suitelint.yamlsrc import Positions

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests" / "fixtures" / "sdf" / "project"
POLICY = ROOT / "examples" / "policies.yaml"


def check(
    folder: Path | None, *args: str | Path, no_cache: bool = False
) -> tuple[int, str, str, list[str]]:
    """Run ``suitelint check`` in a fresh interpreter with ``folder`` as the cache: exit
    code, stdout, stderr, and whether PyYAML was imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUITELINT_")}
    env["NO_COLOR"] = "1"
    if folder is not None:
        env["SUITELINT_CACHE_DIR"] = str(folder)
    if no_cache:
        env["SUITELINT_NO_CACHE"] = "1"
    probe = (
        "import sys\nfrom suitelint.cli import main\n"
        f"sys.argv = ['suitelint', 'check', *{[str(a) for a in args]!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('\\nYAML ' + str('yaml' in sys.modules))\n"
        "sys.exit(code)\n"
    )
    code, stdout, stderr, yaml = run_probe(probe, "YAML", env)
    return code, stdout, stderr, [yaml]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


def files(folder: Path) -> list[Path]:
    """The policy entries under ``folder`` (the SDF cache keeps its own beside them)."""
    return [p for p in entries(folder) if p.is_file() and p.parent.name.startswith("policies-")]


ARGS = (PROJECT, "-p", POLICY, "--as-of", "2026-11-01")


def compiled(folder: Path) -> list[Path]:
    """The compiled policy entries under ``folder``."""
    return [p for p in entries(folder) if p.is_file() and p.parent.name.startswith("compiled-")]


def resealed(entry: Path, change: Callable[[bytes], bytes], name: str | None = None) -> bytes:
    """The entry's bytes changed by ``change`` and sealed again with this run's secret
    (under ``name``, else its own): what only a run holding the secret could write, so the
    entry's own checks, not its MAC, must refuse it."""
    body = diskcache.unseal(entry, entry.read_bytes())
    assert body is not None
    sealed = diskcache.seal(entry.with_name(name) if name else entry, change(body))
    assert sealed is not None
    return sealed


def forget_compiled(folder: Path) -> None:
    """Remove the compiled entries: the next check reads its documents (from the cache)."""
    for entry in compiled(folder):
        entry.unlink()


@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_a_check_from_the_cache_gives_the_same_bytes_and_exit_code_and_reads_no_yaml(
    tmp_path: Path, output: str
) -> None:
    uncached = check(None, *ARGS, "-f", output, no_cache=True)
    miss = check(tmp_path, *ARGS, "-f", output)
    assert len(files(tmp_path)) == 1  # the policy file's document
    hit = check(tmp_path, *ARGS, "-f", output)
    assert uncached[:3] == miss[:3] == hit[:3]
    assert miss[3] == ["True"] and hit[3] == ["False"]  # the hit never imported PyYAML


def test_the_built_in_pack_is_cached_too(tmp_path: Path) -> None:
    account = ROOT / "examples" / "account.json"
    miss = check(tmp_path, account, "--as-of", "2026-11-01")
    hit = check(tmp_path, account, "--as-of", "2026-11-01")
    assert miss[:3] == hit[:3] and miss[0] == 1
    assert len(files(tmp_path)) == 1 and hit[3] == ["False"]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda blob: b"",
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: b"\x93\x01garbage" + blob,
        lambda blob: b"\xff" * 64,
    ],
    ids=["empty", "truncated", "garbage", "not-msgpack"],
)
def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path: Path, spoil: Any) -> None:
    expected = check(None, *ARGS, no_cache=True)
    check(tmp_path, *ARGS)
    (entry,) = files(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(resealed(entry, spoil))
    forget_compiled(tmp_path)
    got = check(tmp_path, *ARGS)
    assert got[:3] == expected[:3]
    assert entry.read_bytes() == good  # read again from the file, and stored again


def swap_two_entries(
    tmp_path: Path, listed: Callable[[Path], list[Path]]
) -> tuple[Path, Path, Path]:
    """The cache folder after checks with two policies, ARGS's and another, whose two
    entries (as ``listed`` lists them in the folder) were swapped: each key's file holds
    the other key's entry, sealed under its new name. Returns the folder and the two entry
    files."""
    other = tmp_path / "other.yaml"
    other.write_text(
        "suitelint: 1\nrules:\n  - {id: nothing-at-all, applies_to: tokens, max_age_days: 1}\n"
    )
    folder = tmp_path / "cache"
    check(folder, *ARGS)
    check(folder, PROJECT, "-p", other, "--as-of", "2026-11-01")
    first, second = listed(folder)
    a = resealed(first, bytes, second.name)
    first.write_bytes(resealed(second, bytes, first.name))
    second.write_bytes(a)
    return folder, first, second


def test_an_entry_under_another_key_is_ignored(tmp_path: Path) -> None:
    folder, _, _ = swap_two_entries(tmp_path, files)
    forget_compiled(folder)
    expected = check(None, *ARGS, no_cache=True)
    assert check(folder, *ARGS)[:3] == expected[:3]
    assert check(folder, *ARGS)[3] == ["False"]  # rewritten: a hit again


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    expected = check(None, *ARGS, no_cache=True)
    assert check(blocked / "cache", *ARGS)[:3] == expected[:3]
    assert check(blocked, *ARGS)[:3] == expected[:3]


def test_a_fifo_in_place_of_an_entry_is_ignored_without_blocking(tmp_path: Path) -> None:
    check(tmp_path, *ARGS)
    (entry,) = files(tmp_path)
    entry.unlink()
    os.mkfifo(entry)
    forget_compiled(tmp_path)
    expected = check(None, *ARGS, no_cache=True)
    assert check(tmp_path, *ARGS)[:3] == expected[:3]


@pytest.mark.parametrize(
    "text",
    [
        "suitelint: 1\nrules:\n  - {id: x, applies_to: roles, forbidd: {roles: [Administrator]}}\n",
        "suitelint: 1\nrules:\n  - {id: x, applies_to: roles, forbid: {permissions: [Custmer Payment]}}\n",
        "suitelint: 1\nrules: []\n",
    ],
    ids=["schema", "compile", "no-rules"],
)
def test_a_policy_with_an_error_is_never_cached_and_always_reported(
    tmp_path: Path, text: str
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    folder = tmp_path / "cache"
    first = check(folder, PROJECT, "-p", policy)
    second = check(folder, PROJECT, "-p", policy)
    assert first[0] == second[0] == 2
    assert first[1:3] == second[1:3] and f"{policy}:" in first[2]
    assert files(folder) == [] and compiled(folder) == []


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    check(tmp_path, *ARGS, no_cache=True)
    assert files(tmp_path) == [] and compiled(tmp_path) == []


def test_an_edited_policy_is_read_again(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.read_text())
    folder = tmp_path / "cache"
    before = check(folder, PROJECT, "-p", policy, "--as-of", "2026-11-01", "-f", "json")
    policy.write_text(POLICY.read_text().replace("no-admin-tokens", "no-admin-token-use"))
    after = check(folder, PROJECT, "-p", policy, "--as-of", "2026-11-01", "-f", "json")
    rules = json.loads(after[1])
    assert "no-admin-token-use" in json.dumps(rules) and "no-admin-token-use" not in before[1]
    assert len(files(folder)) == 2 and len(compiled(folder)) == 2


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUITELINT_NO_CACHE", raising=False)
    monkeypatch.setenv("SUITELINT_CACHE_DIR", "/somewhere")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert cache.folder() == Path("/somewhere") / f"policies-{cache.FORMAT}"
    monkeypatch.delenv("SUITELINT_CACHE_DIR")
    assert cache.folder() == Path("/xdg/suitelint") / f"policies-{cache.FORMAT}"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", "/home/someone")
    assert cache.folder() == Path("/home/someone/.cache/suitelint") / f"policies-{cache.FORMAT}"
    monkeypatch.setenv("SUITELINT_NO_CACHE", "1")
    assert cache.folder() is None


def test_the_key_holds_the_name_the_bytes_and_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.key_of("policy.yaml", b"suitelint: 1\n")
    assert key == cache.key_of("policy.yaml", b"suitelint: 1\n")
    assert key != cache.key_of("other.yaml", b"suitelint: 1\n")
    assert key != cache.key_of("policy.yaml", b"suitelint: 1\n\n")
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert key != cache.key_of("policy.yaml", b"suitelint: 1\n")


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=True)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
paths = st.lists(st.text(max_size=5) | st.integers(min_value=0, max_value=99), max_size=4).map(
    tuple
)
places = st.dictionaries(paths, st.tuples(st.integers(1, 10**6), st.integers(1, 10**4)))


@given(values, places, places)
def test_an_entry_reads_back_exactly_what_was_stored(
    data: Any, by_path: dict[Any, Any], key_by_path: dict[Any, Any]
) -> None:
    positions = Positions(by_path, key_by_path)
    blob = cache.entry("k", data, positions)
    assert blob is not None
    entry = cache._decoder().decode(blob)
    assert cache.same(entry.data, data)
    assert cache._positions(entry) == positions


def test_a_value_msgpack_cannot_hold_is_not_cached() -> None:
    assert cache.entry("k", {"n": 2**70}, Positions()) is None


# -- the compiled policy ------------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_a_check_with_its_compiled_policy_cached_reads_no_document(
    tmp_path: Path, output: str
) -> None:
    uncached = check(None, *ARGS, "-f", output, no_cache=True)
    check(tmp_path, *ARGS, "-f", output)
    assert len(compiled(tmp_path)) == 1
    for entry in files(tmp_path):
        entry.unlink()  # no document to read: the hit must not need one
    hit = check(tmp_path, *ARGS, "-f", output)
    assert hit[:3] == uncached[:3] and hit[3] == ["False"]
    assert files(tmp_path) == []  # no document was read, so none was stored again


def test_the_built_in_pack_s_compiled_policy_is_cached_too(tmp_path: Path) -> None:
    account = ROOT / "examples" / "account.json"
    uncached = check(None, account, "--as-of", "2026-11-01", no_cache=True)
    check(tmp_path, account, "--as-of", "2026-11-01")
    assert len(compiled(tmp_path)) == 1
    assert check(tmp_path, account, "--as-of", "2026-11-01")[:3] == uncached[:3]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda blob: b"",
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: b"\x96\x01garbage" + blob,
        lambda blob: b"\xff" * 64,
        lambda blob: blob.replace(b"ForbidRoles", b"ForbidRolez"),  # a record of no kind
    ],
    ids=["empty", "truncated", "garbage", "not-msgpack", "unknown-record"],
)
def test_a_corrupt_compiled_entry_is_ignored_and_replaced(tmp_path: Path, spoil: Any) -> None:
    expected = check(None, *ARGS, no_cache=True)
    check(tmp_path, *ARGS)
    (entry,) = compiled(tmp_path)
    good = entry.read_bytes()
    spoilt = resealed(entry, spoil)
    assert spoilt != good
    entry.write_bytes(spoilt)
    assert check(tmp_path, *ARGS)[:3] == expected[:3]
    assert entry.read_bytes() == good  # compiled again from the document, and stored again


def test_a_compiled_entry_under_another_key_is_ignored(tmp_path: Path) -> None:
    folder, first, second = swap_two_entries(tmp_path, compiled)
    assert check(folder, *ARGS)[:3] == check(None, *ARGS, no_cache=True)[:3]
    # the entry checked is stored again under its key; the other still holds the wrong one
    assert sum(p.name.encode() in p.read_bytes() for p in (first, second)) == 1


def test_a_compiled_policy_forged_without_the_secret_changes_no_verdict(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        "suitelint: 1\nrules:\n  - {id: nothing-at-all, applies_to: tokens, max_age_days: 1}\n"
    )
    folder = tmp_path / "cache"
    expected = check(folder, *ARGS)
    (mine,) = compiled(folder)
    check(folder, PROJECT, "-p", other, "--as-of", "2026-11-01")
    (theirs,) = [p for p in compiled(folder) if p != mine]
    # the other policy's compiled rules, labelled with this policy's key: a valid entry
    body = diskcache.unseal(theirs, theirs.read_bytes())
    assert body is not None
    fields = msgspec.msgpack.decode(body)
    fields[1] = mine.name
    lie = msgspec.msgpack.encode(fields)
    # sealed with the secret, it would be believed (so this is a real forgery) ...
    mine.write_bytes(diskcache.seal(mine, lie) or b"")
    believed = check(folder, *ARGS)
    assert believed[:3] != expected[:3] and "nothing-at-all" in believed[1] + believed[2]
    # ... sealed with any other secret, it is no entry
    mine.write_bytes(diskcache._mac(b"\x00" * diskcache.SECRET_BYTES, mine, lie) + lie)
    assert check(folder, *ARGS)[:3] == expected[:3]
    assert diskcache.unseal(mine, mine.read_bytes()) != lie  # compiled and stored again


def test_a_changed_compiler_or_version_changes_the_compiled_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = ("suitelint/a", "suitelint/b")
    key = compiledcache.compiled_key(["k1", "k2"], engine)
    assert key == compiledcache.compiled_key(["k1", "k2"], reversed(engine))
    assert key != compiledcache.compiled_key(["k2", "k1"], engine)  # the documents, in order
    assert key != compiledcache.compiled_key(["k1"], engine)
    assert key != compiledcache.compiled_key(["k1", "k2"], ("suitelint/a",))
    fingerprint = compiledcache._compilers()
    assert (
        b"catalog/catalog.json:" in fingerprint and b"policy/assertions/forbid.py:" in fingerprint
    )
    monkeypatch.setattr(compiledcache, "_compilers", lambda: fingerprint + b"\0edited")
    assert key != compiledcache.compiled_key(["k1", "k2"], engine)
    monkeypatch.undo()
    monkeypatch.setattr(compiledcache, "__version__", "99.0")
    assert key != compiledcache.compiled_key(["k1", "k2"], engine)


def _project_named(tmp_path: Path, name: str) -> Path:
    """A copy of the fixture project whose custom record type has the display name ``name``."""
    import shutil

    project = tmp_path / "project"
    if not project.exists():
        shutil.copytree(PROJECT, project)
    record = project / "src" / "Objects" / "customrecord_invoice_log.xml"
    text = record.read_text()
    start, end = text.index("<recordname>"), text.index("</recordname>")
    record.write_text(text[: start + len("<recordname>")] + name + text[end:])
    return project


@pytest.mark.parametrize("renamed", ["Invoice Journal", "Invoice Log"])
def test_a_compiled_policy_naming_a_custom_record_holds_only_while_the_sources_name_it_so(
    tmp_path: Path, renamed: str
) -> None:
    """A policy naming a custom record type by its display name compiles to what the
    sources call it: a source that names it otherwise compiles the policy again (here, to
    an unknown permission)."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "suitelint: 1\nrules:\n"
        "  - {id: no-invoice-log, applies_to: roles, forbid: {permissions: [Invoice Log]}}\n"
    )
    folder = tmp_path / "cache"
    project = _project_named(tmp_path, "Invoice Log")
    first = check(folder, project, "-p", policy, "--as-of", "2026-11-01")
    assert first[0] == 1 and "customrecord_invoice_log" in first[1]
    (entry,) = compiled(folder)
    kept = entry.read_bytes()
    _project_named(tmp_path, renamed)
    expected = check(None, project, "-p", policy, "--as-of", "2026-11-01", no_cache=True)
    got = check(folder, project, "-p", policy, "--as-of", "2026-11-01")
    assert got[:3] == expected[:3]
    if renamed == "Invoice Log":
        assert got[:3] == first[:3] and entry.read_bytes() == kept
    else:
        assert got[0] == 2 and "unknown permission 'Invoice Log'" in got[2]
        assert entry.read_bytes() == kept  # an error is never stored


def test_a_compiled_policy_reads_back_exactly_what_was_compiled() -> None:
    """Every rule of the built-in pack and the example policy: each record of each kind,
    value for value and type for type (a float stays a float, a tuple a tuple)."""
    from suitelint.catalog import load_catalog
    from suitelint.policy.compiler import compile_policies
    from suitelint.policy.loader import load_policy
    from suitelint.runner import ENGINE_RULES

    docs = [load_policy("builtin:baseline"), load_policy(str(POLICY))]
    policy = compile_policies(docs, load_catalog(), (), ENGINE_RULES)
    kinds = {type(a) for rule in policy.rules for a in rule.assertions}
    assert len(kinds) >= 8
    stored: dict[str, bytes] = {}
    folder = compiledcache.compiled_folder
    try:
        compiledcache.compiled_folder = lambda: Path("/nonexistent")  # type: ignore[assignment]
        compiledcache.diskcache.store, real = (
            (lambda where, key, blob: stored.update({key: blob})),
            (compiledcache.diskcache.store),
        )
        compiledcache.store_compiled(
            "k", policy, {"invoice log": (("Invoice Log", "customrecord_x"),)}
        )
    finally:
        compiledcache.compiled_folder = folder  # type: ignore[method-assign]
        compiledcache.diskcache.store = real
    back = compiledcache._decode_compiled("k", stored["k"])
    assert back is not None
    assert cache.same(back[0], policy) and back[0] == policy
    assert back[1] == {"invoice log": (("Invoice Log", "customrecord_x"),)}
    assert compiledcache._decode_compiled("other", stored["k"]) is None
