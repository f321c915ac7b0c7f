"""The command line: what a CI gate sees (exit codes, output, errors on stderr)."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES


def test_example_account_fails_with_the_invoice_sync_chain(run_cli):
    result = run_cli("check", EXAMPLES / "account.json", "--as-of", "2026-11-25")
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if "token-not-administrator" in line)
    assert "Invoice Sync (production)" in line
    chain = result.stdout.splitlines()[result.stdout.splitlines().index(line) + 1]
    assert chain.strip() == (
        "integration 'Invoice Sync' [101] → token 'Invoice Sync (production)' [T-101] "
        "(TBA token) → user 'Integration Admin' [7] → role 'Administrator' [ADMINISTRATOR] "
        "→ permission every permission = FULL"
    )


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("suitelint ")


# -- exit codes ----------------------------------------------------------------------------
CLEAN_POLICY = """suitelint: 1
rules:
  - id: no-admin-tokens
    applies_to: tokens
    forbid: {roles: [Administrator]}
"""
WARNING_POLICY = """suitelint: 1
rules:
  - id: token-rotation
    severity: warning
    applies_to: tokens
    max_age_days: 30
"""


def _account(tmp_path, role: str = "1001"):
    import json

    data = {
        "roles": [
            {
                "id": "1001",
                "name": "Sync",
                "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "VIEW"}],
            }
        ],
        "users": [{"id": "7", "name": "Sync User", "roles": ["1001"]}],
        "tokens": [{"id": "T1", "user": "7", "role": role, "created": "2026-01-01"}],
    }
    path = tmp_path / "account.json"
    path.write_text(json.dumps(data))
    return path


def _policy(tmp_path, text: str, name: str = "policy.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_exit_0_when_nothing_fails(run_cli, tmp_path):
    result = run_cli("check", _account(tmp_path), "-p", _policy(tmp_path, CLEAN_POLICY))
    assert result.exit_code == 0, result
    assert result.stdout.startswith("OK: 0 findings")


def test_exit_1_on_an_error_finding(run_cli, tmp_path):
    result = run_cli("check", _account(tmp_path, role="3"), "-p", _policy(tmp_path, CLEAN_POLICY))
    assert result.exit_code == 1
    assert "error no-admin-tokens" in result.stdout


def test_warnings_pass_by_default_and_fail_with_fail_on_warning(run_cli, tmp_path):
    args = (
        "check",
        _account(tmp_path),
        "-p",
        _policy(tmp_path, WARNING_POLICY),
        "--as-of",
        "2026-11-25",
    )
    assert run_cli(*args).exit_code == 0
    assert run_cli(*args, "--fail-on", "warning").exit_code == 1
    assert run_cli(*args, "--fail-on", "note").exit_code == 1


def test_a_policy_naming_an_unknown_permission_exits_2_with_location_and_suggestion(
    run_cli, tmp_path
):
    policy = _policy(
        tmp_path,
        "suitelint: 1\nrules:\n  - id: r\n    applies_to: roles\n    forbid:\n"
        "      permissions: [Custmer Payment]\n",
    )
    result = run_cli("check", _account(tmp_path), "-p", policy)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"{policy}:6:21: policy error: unknown permission 'Custmer Payment'"
    )
    assert "did you mean 'TRAN_CUSTPYMT (Customer Payment)'" in result.stderr
    assert "Traceback" not in result.stderr


def test_fail_on_never_turns_an_input_error_into_a_pass(run_cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    for level in ("error", "warning", "note"):
        result = run_cli("check", broken, "--fail-on", level)
        assert result.exit_code == 2
        assert (
            result.stderr.startswith(f"{broken}:1:2: source error: invalid JSON")
            or "invalid JSON" in result.stderr
        )


def test_a_missing_source_exits_2(run_cli, tmp_path):
    result = run_cli("check", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_an_empty_account_exits_2_unless_allowed(run_cli, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text('{"suitelint_snapshot": 1}')
    assert run_cli("check", empty).exit_code == 2
    assert run_cli("check", empty, "--allow-empty").exit_code == 0


def test_usage_errors_exit_2(run_cli, tmp_path):
    account = _account(tmp_path)
    assert run_cli("check").exit_code == 2
    assert run_cli("check", account, "--fail-on", "fatal").exit_code == 2
    assert run_cli("check", account, "--format", "yaml").exit_code == 2
    assert run_cli("check", account, "--as-of", "yesterday").exit_code == 2
    assert run_cli("check", account, "-f", "text", "-f", "json").exit_code == 2


# -- output ----------------------------------------------------------------------------------
def test_json_output_has_a_stable_documented_shape(run_cli):
    import json

    args = ("check", EXAMPLES / "account.json", "--as-of", "2026-11-25", "-f", "json")
    first = run_cli(*args)
    assert first.exit_code == 1
    assert run_cli(*args).stdout == first.stdout  # same input, same bytes
    data = json.loads(first.stdout)
    assert list(data) == [
        "format",
        "tool",
        "catalog",
        "account",
        "as_of",
        "sources",
        "policies",
        "summary",
        "findings",
    ]
    assert data["catalog"].startswith("2026.11.25")
    assert data["as_of"] == "2026-11-25"
    finding = next(f for f in data["findings"] if f["rule"] == "token-not-administrator")
    assert [link["kind"] for link in finding["chain"]] == [
        "integration",
        "token",
        "user",
        "role",
        "permission",
    ]
    assert finding["location"] == {"path": str(EXAMPLES / "account.json"), "line": 82, "column": 6}
    assert data["summary"]["failing"] == data["summary"]["error"]


def test_several_formats_at_once_write_files(run_cli, tmp_path):
    out = tmp_path / "report.json"
    result = run_cli("check", EXAMPLES / "account.json", "-f", "text", "-f", f"json={out}")
    assert result.exit_code == 1
    assert "FAIL:" in result.stdout
    assert out.read_text().startswith("{")


def test_output_writes_the_one_format_that_names_no_file(run_cli, tmp_path):
    # -f sarif -o out.sarif, as other linters spell it, is -f sarif=out.sarif
    out = tmp_path / "out.sarif"
    result = run_cli("check", EXAMPLES / "account.json", "-f", "sarif", "-o", out)
    assert (result.exit_code, result.stdout) == (1, "")
    assert '"version": "2.1.0"' in out.read_text()
    text, data = tmp_path / "report.txt", tmp_path / "report.json"
    both = run_cli(
        "check", EXAMPLES / "account.json", "--output", text, "--add-format", f"json={data}"
    )
    assert both.exit_code == 1 and both.stdout == ""  # no -f: the text report, to the file
    assert "FAIL:" in text.read_text() and data.read_text().startswith("{")


@pytest.mark.parametrize(
    ("formats", "message"),
    [
        (["-f", "text", "-f", "json"], "2 formats name no file"),
        (["-f", "json=report.json"], "every format already names its file"),
    ],
)
def test_output_names_one_file_for_exactly_one_format(run_cli, tmp_path, formats, message):
    result = run_cli("check", EXAMPLES / "account.json", *formats, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("command", "fmt", "start"),
    [("blast-radius", "html", "<!DOCTYPE html>"), ("audit", "json", "{"), ("audit", None, "")],
)
def test_the_report_commands_take_output_too(run_cli, tmp_path, command, fmt, start):
    out = tmp_path / "report"
    formats = ["-f", fmt] if fmt else []
    result = run_cli(
        command, EXAMPLES / "account.json", *formats, "-o", out, "--as-of", "2026-11-25"
    )
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_text().startswith(start) and out.stat().st_size > 0


def test_text_output_names_the_catalog_version_and_has_no_colour_off_a_terminal(run_cli):
    result = run_cli("check", EXAMPLES / "account.json", "--as-of", "2026-11-25")
    assert "\x1b[" not in result.stdout
    assert "; catalog 2026.11.25" in result.stdout.splitlines()[-1]


def test_colour_can_be_forced(run_cli):
    result = run_cli("check", EXAMPLES / "account.json", "--color", "always")
    assert "\x1b[31merror\x1b[0m" in result.stdout


# -- docs commands ---------------------------------------------------------------------------
def test_rules_lists_the_builtin_pack(run_cli):
    result = run_cli("rules")
    assert result.exit_code == 0
    assert "token-not-administrator" in result.stdout
    assert result.stdout.splitlines()[0].split() == [
        "RULE",
        "SEVERITY",
        "APPLIES",
        "TO",
        "PACK",
        "TITLE",
    ]


def test_explain_prints_why_and_fix(run_cli):
    result = run_cli("explain", "token-not-administrator")
    assert result.exit_code == 0
    assert "Why it matters:" in result.stdout and "How to fix it:" in result.stdout
    assert "Example that fails:" in result.stdout


def test_explain_an_unknown_rule_suggests_one(run_cli):
    result = run_cli("explain", "token-not-admin")
    assert result.exit_code == 2
    assert "did you mean 'token-not-administrator'?" in result.stderr


def test_explain_knows_the_engines_own_rules(run_cli):
    result = run_cli("explain", "suitelint/expired-waiver")
    assert result.exit_code == 0 and "Waiver has expired" in result.stdout


def test_every_builtin_rule_has_why_and_fix():
    from suitelint.catalog import load_catalog
    from suitelint.runner import load_policy_set

    policy = load_policy_set(["builtin:baseline"], load_catalog())
    assert policy.rules
    for rule in policy.rules:
        assert rule.why and rule.fix, rule.id


def test_schemas_are_published(run_cli):
    import json

    for name in ("policy", "snapshot"):
        result = run_cli("schema", name)
        assert result.exit_code == 0
        assert json.loads(result.stdout)["$schema"].startswith("https://json-schema.org/")


def test_the_example_policy_validates_against_the_published_schema():
    import jsonschema

    from suitelint.policy.loader import policy_schema
    from suitelint.yamlsrc import load_yaml

    # YAML 1.2, as editors read it: dates stay strings
    data, _ = load_yaml((EXAMPLES / "policies.yaml").read_text(), "policies.yaml")
    jsonschema.validate(data, policy_schema())


def test_every_command_has_help(run_cli):
    for command in ("check", "schema", "rules", "explain"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout, command


def test_the_installed_entry_point_answers_version_without_typer():
    import subprocess
    import sys

    code = "import sys; sys.argv=['suitelint','--version']; from suitelint.entry import main; main(); print('typer' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[1] == "False"


def test_the_installed_entry_point_writes_everything_before_it_leaves(tmp_path):
    """It leaves with ``os._exit`` (no teardown of a large account): what it printed and
    wrote must all be there, and the exit code must be the command's."""
    import json
    import subprocess
    import sys

    report = tmp_path / "report.json"
    code = "from suitelint.entry import main; main()"
    args = ["check", str(EXAMPLES / "account.json"), "--as-of", "2026-11-25"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args, "-f", "text", "-f", f"json={report}"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stdout.rstrip().splitlines()[-1].startswith("FAIL: 14 findings")
    assert len(json.loads(report.read_text())["findings"]) == 14
    missing = subprocess.run(
        [sys.executable, "-c", code, "check", str(tmp_path / "nothing.json")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_quiet_hides_suppressed_findings_and_prints_nothing_on_a_clean_pass(run_cli, tmp_path):
    account = tmp_path / "account.json"
    account.write_text((EXAMPLES / "account.json").read_text())
    baseline = tmp_path / "b.json"
    written = run_cli("check", account, "--as-of", "2026-11-25", "--write-baseline", baseline)
    assert written.exit_code == 0 and "suppressed" in written.stdout
    quiet = run_cli("check", account, "--as-of", "2026-11-25", "--baseline", baseline, "-q")
    assert quiet.exit_code == 0
    assert quiet.stdout == ""
    loud = run_cli("check", account, "--as-of", "2026-11-25", "-q")
    assert loud.exit_code == 1 and "FAIL" in loud.stdout
    assert not any(line.startswith("suppressed") for line in loud.stdout.splitlines())
