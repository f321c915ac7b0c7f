"""The real SDF corpus (``../shared/corpus/sdf``): every file loads, and what the loader
reads agrees with counts made without it (``SOURCES.tsv``, ``corpus-permkeys.tsv`` and a
plain regex over the text). The corpus is referenced, not copied; absent, these skip (fail under ``CI=true``)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from suitelint.catalog import canonical_permkey
from suitelint.model import Snapshot
from suitelint.sources.sdf import load_sdf, read_sdf

PERMKEY = re.compile(r"<permkey>\s*([^<]*?)\s*</permkey>")
HMS = "hmsdevelopment__sandbox-backup-aug-2022"


def sources(shared: Path) -> list[dict[str, str]]:
    with (shared / "corpus" / "sdf" / "SOURCES.tsv").open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def corpus_file(shared: Path, row: dict[str, str]) -> Path:
    return shared / "corpus" / "sdf" / row["repo"].replace("/", "__") / row["path"]


def permkey_lines(path: Path) -> list[tuple[str, int]]:
    text = path.read_text(encoding="utf-8")
    return [(m.group(1), text.count("\n", 0, m.start(1)) + 1) for m in PERMKEY.finditer(text)]


def test_every_xml_file_in_the_corpus_loads(shared):
    files = sorted((shared / "corpus" / "sdf").rglob("*.xml"))
    assert len(files) == len(sources(shared))  # SOURCES.tsv lists every file
    kinds: Counter[str] = Counter()
    for file in files:
        snapshot = load_sdf(file)
        kinds["role"] += len(snapshot.roles)
        kinds["integration"] += len(snapshot.integrations)
    expected = Counter(row["root_element"] for row in sources(shared))
    assert kinds == {"role": expected["role"], "integration": expected["integration"]}


@pytest.fixture(scope="module")
def projects() -> dict[str, Snapshot]:
    from conftest import need_shared

    root = need_shared() / "corpus" / "sdf"
    # Every object file on its own: a project's deploy.xml may leave files out (below).
    result = {}
    for folder in sorted(root.iterdir()):
        if folder.is_dir():
            parts = [load_sdf(file) for file in sorted(folder.rglob("*.xml"))]
            result[folder.name] = Snapshot(
                roles=tuple(r for p in parts for r in p.roles),
                integrations=tuple(i for p in parts for i in p.integrations),
            )
    return result


def test_projects_load_as_sdf_deploys_them(shared):
    """ManthanLaad's deploy.xml lists one script and one search: SDF deploys none of its
    roles, so none is read, and a notice says how many files were left out. The
    hmsdevelopment project deploys ~/Objects/*: every role."""
    root = shared / "corpus" / "sdf"
    manthan = read_sdf(root / "ManthanLaad__Advanced-SuiteScript-SDF")
    assert manthan.snapshot.roles == ()
    *unmatched, notice = manthan.notices
    assert notice.path.endswith("src/deploy.xml")
    objects = list(
        (root / "ManthanLaad__Advanced-SuiteScript-SDF" / "src" / "Objects").rglob("*.xml")
    )
    assert notice.message.startswith(f"{len(objects)} object files outside")
    assert f"; {len(objects)} of them roles: Objects/customrole1000.xml," in notice.message
    # the corpus holds the project's roles only, not the script and search it deploys
    assert [(n.line, n.message) for n in unmatched] == [
        (6, "deploy.xml path '~/Objects/customscript_ml_ue_hello_world.xml' names no object file"),
        (
            7,
            "deploy.xml path '~/Objects/customsearch_ml_ss_so_updt_today.xml' names no object file",
        ),
    ]
    hms = read_sdf(root / HMS)
    assert len(hms.snapshot.roles) == 31 and hms.notices == ()


def test_each_project_yields_the_roles_and_permissions_sources_tsv_counts(shared, projects):
    for row in sources(shared):
        if row["root_element"] != "role":
            continue
        path = corpus_file(shared, row)
        (role,) = [
            r for snapshot in projects.values() for r in snapshot.roles if r.path == str(path)
        ]
        assert len(role.permissions) == int(row["permission_count"]), path


def test_every_permission_points_at_its_permkey_line(shared, projects):
    checked = 0
    for snapshot in projects.values():
        for role in snapshot.roles:
            assert role.path is not None
            expected = [
                (canonical_permkey(key), line) for key, line in permkey_lines(Path(role.path))
            ]
            assert [(p.permkey, p.line) for p in role.permissions] == expected, role.path
            checked += len(expected)
    total = sum(int(r["permission_count"]) for r in sources(shared) if r["root_element"] == "role")
    assert checked == total


def test_permission_levels_match_corpus_permkeys_tsv(shared, projects):
    """corpus-permkeys.tsv also counts the <permission>s of AI tool objects (<tool>,
    <toolset>: a script's needs, not a role's grants), which the loader skips; those are
    counted here by regex from the files SOURCES.tsv marks as such, and taken away."""
    expected: Counter[tuple[str, str]] = Counter()
    using: Counter[str] = Counter()
    with (shared / "netsuite" / "corpus-permkeys.tsv").open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            key = canonical_permkey(row["permkey"])
            for part in row["level_counts"].split(","):
                level, count = part.split("=")
                expected[key, level] += int(count)
            using[key] += int(row["roles_using"])
    tools = [r for r in sources(shared) if r["root_element"] in ("tool", "toolset")]
    for row in tools:
        text = corpus_file(shared, row).read_text()
        pairs = re.findall(r"<permkey>([^<]*)</permkey>\s*<permlevel>([^<]*)</permlevel>", text)
        assert len(pairs) == int(row["permission_count"])
        for key, level in pairs:
            expected[canonical_permkey(key), level] -= 1
        for key in {canonical_permkey(k) for k, _ in pairs}:
            using[key] -= 1
    assert sum(int(r["permission_count"]) for r in tools) == 48

    found: Counter[tuple[str, str]] = Counter()
    found_using: Counter[str] = Counter()
    for snapshot in projects.values():
        for role in snapshot.roles:
            found_using.update({p.permkey for p in role.permissions})
            found.update((p.permkey, p.level) for p in role.permissions)
    assert +found == +expected
    assert +found_using == +using


def test_integration_objects_become_integrations(shared, projects):
    rows = [r for r in sources(shared) if r["root_element"] == "integration"]
    integrations = projects[HMS].integrations
    assert sorted(i.path for i in integrations if i.path) == sorted(
        str(corpus_file(shared, r)) for r in rows
    )
    assert all(i.scriptid == Path(i.path or "").stem for i in integrations)


def test_check_on_an_sdf_project_reports_with_file_and_line(shared, run_cli, tmp_path):
    """An SDF project alone holds no tokens, but its roles are judged by what they can do:
    a role holding a web-services log-in permission is an integration role, and its
    findings point at the <permkey> line of the permission."""
    project = shared / "corpus" / "sdf" / HMS
    result = run_cli("check", project, "--policy", "builtin:baseline", "--as-of", "2026-11-25")
    assert result.exit_code == 1, result  # integration roles with setup permissions
    lines = result.stdout.splitlines()
    summary = lines[-1]
    assert summary.startswith("FAIL: ")
    assert "checked 31 roles, 0 users, 25 integrations, 0 tokens" in summary
    # Every level the corpus holds is documented or observed in real exports (the catalog
    # cites the corpus file for each observed level), so none is "undocumented".
    assert not [line for line in lines if "suitelint/undocumented-level" in line]

    located = [line for line in lines if line.startswith(str(project))]
    assert any(" error integration-role-no-setup " in line for line in located)
    for line in located:
        path, number, rest = line.split(":", 2)
        permkey = re.search(r" holds .*?\(?([A-Z][A-Z0-9_]+)\)? at ([A-Z]+)[;,]", rest)
        if permkey is None:  # a role attribute or a combination: the role's own line
            assert "web-services-only" in rest or "combines" in rest, line
            continue
        # the reported line is the <permkey> line of that permission, read independently
        source = Path(path).read_text().splitlines()
        if permkey.group(1) == "ADMI_KERNEL" and "<coreadminpermission>T" in "".join(source):
            continue  # the role field <coreadminpermission>, reported on the role
        assert source[int(number) - 1].strip() == f"<permkey>{permkey.group(1)}</permkey>", line
        assert source[int(number)].strip() == f"<permlevel>{permkey.group(2)}</permlevel>", line

    # A level neither documented nor observed is a warning at its <permkey> line.
    copy = tmp_path / "customrole1014.xml"
    text = (project / "src" / "Objects" / "customrole1014.xml").read_text()
    first = re.search(r"<permkey>([A-Z_]+)</permkey>\s*<permlevel>([A-Z]+)</permlevel>", text)
    assert first is not None
    copy.write_text(
        text[: first.start()]
        + "<permkey>ADMI_ACCTSETUP</permkey>\n        <permlevel>VIEW</permlevel>"
        + text[first.end() :]
    )
    warned = run_cli("check", copy, "--policy", "builtin:baseline", "--as-of", "2026-11-25")
    located = [line for line in warned.stdout.splitlines() if line.startswith(str(copy))]
    (line,) = [line for line in located if "suitelint/undocumented-level" in line]
    path, number, rest = line.split(":", 2)
    assert rest.startswith(" warning suitelint/undocumented-level"), line
    assert "(ADMI_ACCTSETUP) at VIEW" in rest
    source = Path(path).read_text().splitlines()
    assert source[int(number) - 1].strip() == "<permkey>ADMI_ACCTSETUP</permkey>"

    # The rules about tokens select nothing; that is said once, for the run.
    silent = [line for line in lines if "suitelint/no-token-data" in line]
    assert len(silent) == 1
    assert " note " in silent[0] and "5 rules about tokens" in silent[0]
