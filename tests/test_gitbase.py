"""Pull-request mode: ``check --base REF`` reports only what the change introduces, and
``diff REF:path path`` shows the escalation. A real git repository is built per test in
a temporary folder; the work tree under test is never touched by suitelint."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from suitelint.catalog import load_catalog

ROLE = """\
<role scriptid="customrole_invoice_sync">
  <centertype>BASIC</centertype>
  <name>Invoice Sync</name>
  <permissions>
    <permission>
      <permkey>LIST_CUSTJOB</permkey>
      <permlevel>VIEW</permlevel>
    </permission>
    <permission>
      <permkey>TRAN_SALESORD</permkey>
      <permlevel>EDIT</permlevel>
    </permission>
    <permission>
      <permkey>TRAN_JOURNAL</permkey>
      <permlevel>FULL</permlevel>
    </permission>
  </permissions>
</role>
"""

POLICY = """\
suitelint: 1
rules:
  - id: no-delete
    applies_to: roles
    forbid:
      permissions:
        - {capability: delete-records}
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose main branch holds one role, with a branch ``raise`` that
    raises TRAN_SALESORD from EDIT to FULL and, unrelated, adds a line above it."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    repo = tmp_path / "repo"
    objects = repo / "src" / "Objects"
    objects.mkdir(parents=True)
    role = objects / "customrole_invoice_sync.xml"
    role.write_text(ROLE)
    (repo / "policy.yaml").write_text(POLICY)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "role")
    git(repo, "checkout", "-q", "-b", "raise")
    changed = ROLE.replace(
        "<permkey>TRAN_SALESORD</permkey>\n      <permlevel>EDIT",
        "<permkey>TRAN_SALESORD</permkey>\n      <permlevel>FULL",
    ).replace("  <name>", "  <isinactive>F</isinactive>\n  <name>")
    role.write_text(changed)
    git(repo, "commit", "-q", "-am", "raise sales orders to FULL")
    monkeypatch.chdir(repo)
    return repo


def line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


ROLE_PATH = "src/Objects/customrole_invoice_sync.xml"


def test_check_base_reports_exactly_the_raised_permission_at_its_line(run_cli, repo):
    result = run_cli("check", "src", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 1, result
    active = [line for line in result.stdout.splitlines() if ": error " in line]
    line = line_of(repo / ROLE_PATH, "      <permkey>TRAN_SALESORD</permkey>")
    assert active == [
        f"{ROLE_PATH}:{line}: error no-delete role 'Invoice Sync' holds Sales Order "
        "(TRAN_SALESORD) at FULL; forbidden: capability delete-records"
    ]
    # TRAN_JOURNAL FULL was already there; its line moved, but it is not resurrected:
    # it is shown as suppressed by the base, not dropped
    journal = line_of(repo / ROLE_PATH, "      <permkey>TRAN_JOURNAL</permkey>")
    assert f"  {ROLE_PATH}:{journal}: no-delete Invoice Sync (base: already present at main)" in (
        result.stdout.splitlines()
    )
    assert "1 suppressed (1 by base)" in result.stdout.splitlines()[-1]


def test_check_base_of_the_repository_top_itself_compares_with_the_base(run_cli, repo):
    """`check . --base main` run at the top of the work tree: the journal finding that
    was already there is suppressed by the base, not reported again as new."""
    result = run_cli("check", ".", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 1, result
    assert sum(" error no-delete " in line for line in result.stdout.splitlines()) == 1
    assert "1 by base" in result.stdout.splitlines()[-1]


def test_without_base_both_findings_count(run_cli, repo):
    result = run_cli("check", "src", "--policy", "policy.yaml")
    assert result.exit_code == 1
    assert sum(" error no-delete " in line for line in result.stdout.splitlines()) == 2


def test_diff_reports_exactly_that_escalation(run_cli, repo):
    result = run_cli("diff", "main:src", "src", "--color", "never")
    assert result.exit_code == 1, result
    line = line_of(repo / ROLE_PATH, "      <permkey>TRAN_SALESORD</permkey>")
    assert result.stdout == (
        f"suitelint diff main:src → src (catalog {load_catalog().version})\n"
        f"role 'Invoice Sync' [customrole_invoice_sync] (changed)  {ROLE_PATH}:1\n"
        f"  raised   Sales Order (TRAN_SALESORD): EDIT → FULL  {ROLE_PATH}:{line}  "
        "[gains delete-records]\n"
        "gains delete-records: role 'Invoice Sync' [customrole_invoice_sync]\n"
        "ESCALATED: 1 of 1 changed subjects gain access\n"
    )


def test_diff_in_markdown_is_one_row_per_change(run_cli, repo):
    result = run_cli("diff", "main:src", "src", "--format", "markdown")
    assert result.exit_code == 1
    rows = [line for line in result.stdout.splitlines() if line.startswith("| :")]
    assert len(rows) == 1
    assert (
        "raised Sales Order (TRAN&#95;SALESORD) | EDIT → **FULL** | gains delete-records" in rows[0]
    )
    assert (
        "- **gains `delete-records`**: role 'Invoice Sync' &#91;customrole&#95;invoice&#95;sync&#93;"
        in (result.stdout)
    )


def test_the_reverse_diff_is_a_lowering_and_exits_0(run_cli, repo):
    result = run_cli("diff", "src", "main:src", "--color", "never")
    assert result.exit_code == 0, result
    assert "  lowered  Sales Order (TRAN_SALESORD): FULL → EDIT" in result.stdout
    assert "[loses delete-records]" in result.stdout
    assert "ESCALATED" not in result.stdout


def test_the_work_tree_and_head_are_not_touched(run_cli, repo):
    role = repo / ROLE_PATH
    role.write_text(role.read_text().replace("LIST_CUSTJOB", "LIST_VENDOR"))  # uncommitted
    status = git(repo, "status", "--porcelain")
    head = git(repo, "rev-parse", "HEAD")
    result = run_cli("check", "src", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 1
    assert git(repo, "status", "--porcelain") == status
    assert git(repo, "rev-parse", "HEAD") == head
    assert "LIST_VENDOR" in role.read_text()


def test_a_project_new_since_the_base_reports_everything(run_cli, repo):
    new = repo / "other" / "customrole_new.xml"
    new.parent.mkdir()
    new.write_text(ROLE.replace("customrole_invoice_sync", "customrole_new"))
    git(repo, "add", "other")  # part of the change (committed, or staged for a commit)
    result = run_cli("check", "other", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 1, result
    assert sum(" error no-delete " in line for line in result.stdout.splitlines()) == 1
    assert "suppressed" not in result.stdout


def test_diff_reads_a_project_the_base_lacks_as_empty_as_check_base_does(run_cli, repo):
    new = repo / "other" / "customrole_new.xml"
    new.parent.mkdir()
    new.write_text(ROLE.replace("customrole_invoice_sync", "customrole_new"))
    git(repo, "add", "other")
    result = run_cli("diff", "main:other", "other")
    assert result.exit_code == 1, result  # every permission of the new role is an escalation
    assert "customrole_new" in result.stdout
    assert "other does not exist at main: read as an empty project" in result.stderr


def test_a_broken_base_is_reported_as_the_base(run_cli, repo):
    git(repo, "checkout", "-q", "main")
    (repo / ROLE_PATH).write_text("<role>")
    git(repo, "commit", "-q", "-am", "break")
    git(repo, "checkout", "-q", "raise")
    result = run_cli("check", "src", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"main:{ROLE_PATH}:1:7: source error: malformed XML")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "src", "--base", "no-such-branch"), "unknown git ref 'no-such-branch'"),
        (("check", "src", "--base", "--upload-pack=x"), "is not a git ref"),
        (("diff", "no-such-branch:src", "src"), "unknown git ref 'no-such-branch'"),
        # the after side missing would read as everything removed, a pass: an error
        (("diff", "src", "main:missing"), "missing does not exist at main"),
    ],
)
def test_git_errors_are_exit_2_with_a_message(run_cli, repo, args, message):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_base_is_told_together_with_what_is_wrong_in_the_sources(run_cli, repo):
    (repo / "empty").mkdir()
    (repo / "empty" / "manifest.xml").write_text(
        "<manifest><projectname>x</projectname></manifest>"
    )
    result = run_cli("check", "empty", "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "unknown git ref 'no-such-branch'" in result.stderr
    assert "hold no roles" in result.stderr


def test_a_link_out_of_the_repository_in_the_base_is_left_out_not_fatal(run_cli, repo):
    # SDF projects commit IDE links such as .idea/netsuite.pkey -> ../../Credentials/x.pkey
    git(repo, "checkout", "-q", "main")
    (repo / "src" / ".idea").mkdir()
    (repo / "src" / ".idea" / "netsuite.pkey").symlink_to("../../../Credentials/netsuite.pkey")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "ide link")
    git(repo, "checkout", "-q", "raise")
    git(repo, "merge", "-q", "--no-edit", "main")
    result = run_cli("check", "src", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 1, result.stderr
    assert "TRAN_SALESORD" in result.stdout


def test_an_error_in_the_base_names_its_files_as_the_base_has_them(run_cli, repo):
    git(repo, "checkout", "-q", "main")
    (repo / ROLE_PATH).with_name("customrole_copy.xml").write_text((repo / ROLE_PATH).read_text())
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the role twice")
    git(repo, "checkout", "-q", "raise")
    result = run_cli("check", "src", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 2
    assert "is defined twice, in main:src/" in result.stderr
    assert "suitelint-base-" not in result.stderr


def test_a_base_missing_from_a_shallow_clone_says_how_to_fetch_it(run_cli, repo, tmp_path):
    # actions/checkout clones the pull request's one commit: origin/main is not there
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "raise", repo.as_uri(), str(shallow))
    result = run_cli("check", shallow / "src", "--policy", "policy.yaml", "--base", "origin/main")
    assert result.exit_code == 2
    assert "unknown git ref 'origin/main'" in result.stderr
    assert "this clone is shallow" in result.stderr and "fetch-depth: 0" in result.stderr
    plain = run_cli("check", "src", "--base", "no-such-branch")
    assert "shallow" not in plain.stderr


def test_base_in_a_repository_without_commits_says_so(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    fresh = tmp_path / "fresh"
    (fresh / "src").mkdir(parents=True)
    (fresh / "src" / "customrole_x.xml").write_text(ROLE)
    git(fresh, "init", "-q", "-b", "main")
    git(fresh, "add", ".")  # staged, never committed
    monkeypatch.chdir(fresh)
    for args in (("check", "src", "--base", "HEAD"), ("diff", "HEAD:src", "src")):
        result = run_cli(*args)
        assert result.exit_code == 2, args
        assert "has no commits yet, so there is nothing to compare with" in result.stderr
        assert "fetch it first" not in result.stderr
        assert "Traceback" not in result.stderr


def test_base_outside_a_git_repository_is_exit_2(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    project = tmp_path / "plain"
    project.mkdir()
    (project / "customrole_x.xml").write_text(ROLE)
    result = run_cli("check", project, "--base", "main")
    assert result.exit_code == 2
    assert "not a git repository: --base main needs sources inside a git work tree" in (
        result.stderr
    )


def test_base_findings_are_suppressions_in_json_and_sarif(run_cli, repo):
    import json

    result = run_cli(
        "check",
        "src",
        "--policy",
        "policy.yaml",
        "--base",
        "main",
        "--format",
        "json",
        "--format",
        "sarif=out.sarif",
    )
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert sorted((f["permkey"], (f["suppressed"] or {}).get("kind")) for f in findings) == [
        ("TRAN_JOURNAL", "base"),
        ("TRAN_SALESORD", None),
    ]
    results = json.loads((repo / "out.sarif").read_text())["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0]["properties"]["suitelint-kind"] == "base"


def test_an_edit_that_only_shifts_lines_introduces_nothing(run_cli, repo):
    git(repo, "checkout", "-q", "main")
    role = repo / ROLE_PATH
    role.write_text(role.read_text().replace("  <name>", "  <!-- moved -->\n\n  <name>"))
    result = run_cli("check", "src", "--policy", "policy.yaml", "--base", "main")
    assert result.exit_code == 0, result
    assert "0 findings (0 errors, 0 warnings, 0 notes), 1 suppressed (1 by base)" in (result.stdout)
    assert run_cli("diff", "main:src", "src").stdout.endswith("no permission changes\n")


ACCOUNT = """\
{
  "suitelint_snapshot": 1,
  "account": {"id": "1234567", "environment": "production"},
  "roles": [{"id": "3", "name": "Administrator", "scriptid": "ADMINISTRATOR"}],
  "users": [{"id": "7", "name": "Integration Admin", "roles": ["3"]}],
  "tokens": [{"id": "T1", "name": "Old admin token", "user": "7", "role": "3", "created": "2020-01-01"}]
}
"""


@pytest.mark.parametrize("ignored", [False, True])
def test_account_data_not_in_git_is_the_same_on_both_sides(run_cli, repo, ignored):
    """An account snapshot kept out of the repository (untracked, or in .gitignore) is
    not part of the change: its old findings are not blamed on the pull request."""
    (repo / "account.json").write_text(ACCOUNT)
    if ignored:
        (repo / ".gitignore").write_text("account.json\n")
    result = run_cli(
        "check",
        "src",
        "account.json",
        "--policy",
        "builtin:baseline",
        "--policy",
        "policy.yaml",
        "--base",
        "main",
        "--as-of",
        "2026-11-25",
    )
    active = [line for line in result.stdout.splitlines() if ": error " in line]
    assert len(active) == 1, result.stdout
    assert "no-delete" in active[0] and "TRAN_SALESORD" in active[0]
    assert "token-not-administrator" not in "\n".join(active)


def test_a_pr_granting_access_token_management_fails_with_one_error_at_the_added_line(
    run_cli, repo
):
    """The default policy alone, an SDF project alone: an ordinary custom role that gains
    Access Token Management is one new error, at the <permkey> line it was added on."""
    role = repo / ROLE_PATH
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "grant")
    role.write_text(
        ROLE.replace(
            "  </permissions>",
            "    <permission>\n      <permkey>ADMI_MANAGE_OAUTH_TOKENS</permkey>\n"
            "      <permlevel>FULL</permlevel>\n    </permission>\n  </permissions>",
        )
    )
    git(repo, "commit", "-q", "-am", "grant token management")
    result = run_cli("check", "src", "--base", "main", "--as-of", "2026-11-25", "--quiet")
    assert result.exit_code == 1, result.stdout
    line = line_of(role, "      <permkey>ADMI_MANAGE_OAUTH_TOKENS</permkey>")
    findings = [line for line in result.stdout.splitlines() if line.startswith(ROLE_PATH)]
    assert findings == [
        f"{ROLE_PATH}:{line}: error role-escalation-token-management role 'Invoice Sync' holds "
        "Access Token Management (ADMI_MANAGE_OAUTH_TOKENS) at FULL; forbidden: Access Token "
        "Management (ADMI_MANAGE_OAUTH_TOKENS)"
    ]
    assert "suppressed" not in "\n".join(result.stdout.splitlines()[:-1])


SALES_ORDERS = """\
suitelint: 1
rules:
  - id: no-sales-orders
    applies_to: roles
    forbid:
      permissions: [Sales Order]
"""


def test_a_permission_the_change_raised_stays_active_at_its_line(run_cli, repo):
    """The finding existed at the base (Sales Order at EDIT), but the change raised the
    level to FULL: an escalation of the change, not an old finding."""
    (repo / "sales.yaml").write_text(SALES_ORDERS)
    result = run_cli("check", "src", "--policy", "sales.yaml", "--base", "main")
    assert result.exit_code == 1, result
    line = line_of(repo / ROLE_PATH, "      <permkey>TRAN_SALESORD</permkey>")
    active = [line for line in result.stdout.splitlines() if ": error " in line]
    assert active == [
        f"{ROLE_PATH}:{line}: error no-sales-orders role 'Invoice Sync' holds Sales Order "
        "(TRAN_SALESORD) at FULL; forbidden: Sales Order (TRAN_SALESORD) "
        "(raised from EDIT at main)"
    ]


def test_check_base_markdown_tells_what_rose_and_what_fell(run_cli, repo):
    result = run_cli("check", "src", "--policy", "policy.yaml", "--base", "main", "-f", "markdown")
    assert result.exit_code == 1
    text = result.stdout
    assert "### What rose, what fell" in text
    row = next(line for line in text.splitlines() if "raised Sales Order" in line)
    assert "EDIT → **FULL**" in row and "delete-records" in row


def test_check_base_markdown_that_passes_says_when_the_change_widens_access(run_cli, repo):
    # no rule covers Sales Order: the check passes, yet the change raises it to FULL
    (repo / "journal.yaml").write_text(SALES_ORDERS.replace("Sales Order", "Make Journal Entry"))
    result = run_cli("check", "src", "--policy", "journal.yaml", "--base", "main", "-f", "markdown")
    assert result.exit_code == 0, result
    head = result.stdout.splitlines()[:3]
    assert head[0] == "## suitelint ✅ passed"
    assert head[2] == (
        "⚠️ **The change widens access**: 1 subject of 1 changed gains access, and no rule "
        "fails on it (see *What rose, what fell* below)."
    )


def test_check_base_markdown_without_an_escalation_says_nothing_of_it(run_cli, repo):
    git(repo, "checkout", "-q", "main")
    (repo / "journal.yaml").write_text(SALES_ORDERS.replace("Sales Order", "Make Journal Entry"))
    result = run_cli("check", "src", "--policy", "journal.yaml", "--base", "main", "-f", "markdown")
    assert result.exit_code == 0, result
    assert result.stdout.startswith("## suitelint ✅ passed")
    assert "widens access" not in result.stdout


def test_diff_as_json_and_sarif(run_cli, repo, shared):
    import json

    data = json.loads(run_cli("diff", "main:src", "src", "-f", "json").stdout)
    (subject,) = data["subjects"]
    (change,) = subject["permissions"]
    assert (change["permkey"], change["old"], change["new"], change["change"]) == (
        "TRAN_SALESORD",
        "EDIT",
        "FULL",
        "raised",
    )
    assert data["escalated"] is True and data["gained"] == {
        "delete-records": ["role 'Invoice Sync' [customrole_invoice_sync]"]
    }
    sarif = run_cli("diff", "main:src", "src", "-f", "sarif")
    assert sarif.exit_code == 1
    document = json.loads(sarif.stdout)
    import jsonschema

    schema = json.loads((shared / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(document, schema)
    (result,) = document["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(
        repo / ROLE_PATH, "      <permkey>TRAN_SALESORD</permkey>"
    )


def test_diff_of_a_folder_of_projects_at_a_ref_names_them_as_the_ref_has_them(run_cli, repo):
    # what the notices say of the base side names its files as REF:path, never the
    # temporary folder git's files were unpacked into
    for name in ("a", "b"):
        (repo / "apps" / name / "src" / "Objects").mkdir(parents=True)
        (repo / "apps" / name / "src" / "Objects" / "customrole_invoice_sync.xml").write_text(ROLE)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two projects")
    result = run_cli("diff", "HEAD:apps", "apps")
    assert result.exit_code == 0, result.stderr
    assert "suitelint-base-" not in result.stderr
    assert "HEAD:apps: info: 2 SuiteCloud projects read as one account: " in result.stderr
    assert "HEAD:apps/a/src, HEAD:apps/b/src" in result.stderr


def test_a_temporary_folder_that_begins_another_is_not_taken_for_it():
    from suitelint.gitbase import Checkout

    tree = Checkout("main", (), {"/t/1": "main:a", "/t/10": "main:b"})
    assert tree.show_in("in /t/10/x.xml and /t/1/y.xml") == "in main:b/x.xml and main:a/y.xml"
