"""``suitelint init``: a starter config, policy and policy unit test for an SDF project.

The files work on the project ``init`` finds (its ``src/Objects`` folder): the first
``suitelint check`` exits 0 or 1, never 2, and ``suitelint test`` passes. The policy
selects the project's roles by script id, numbered ones (``customrole1001``) too.
Comments say what to change next. Existing files are never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from suitelint.errors import UsageError
from suitelint.fsutil import atomic_write_text

#: where the published schemas live, for the editor line in generated files
SCHEMA_BASE = "https://raw.githubusercontent.com/suitelint/suitelint/main/schemas"
CONFIG_FILE = ".suitelint.yaml"
POLICY_FILE = "suitelint-policy.yaml"
TEST_FILE = "suitelint-policy.test.yaml"
FIXTURE_FILE = "suitelint-tests/project-roles.json"
#: every custom role's script id starts so: customrole_invoice_sync, customrole1001
ROLE_GLOB = "customrole*"


def _config(source: str) -> str:
    return f"""\
# yaml-language-server: $schema={SCHEMA_BASE}/config.schema.json
#
# suitelint configuration: `suitelint check` with no arguments uses these settings;
# command-line flags override them. Paths are relative to this file.
suitelint: 1

# What to check: the SDF project (its Objects/*.xml), and, once you have one, a snapshot
# of the account (`suitelint export`) so tokens and users are checked too. Keep the
# snapshot out of git (.gitignore): `check --base` then reads it as it is on both sides.
sources:
  - {source}

# The built-in pack (roles judged by what they can do: integration roles, escalation
# paths, segregation of duties, AI-connected roles, tokens), then this project's own rules.
policies:
  - builtin:baseline
  - {POLICY_FILE}

# Exit 1 on findings at this severity or above: error, warning or note.
fail-on: error

# Adopting suitelint on a project with many findings? Record them once with
#   suitelint check --write-baseline .suitelint-baseline.json
# and uncomment this line: only new findings fail the check.
# baseline: .suitelint-baseline.json

# Reports to write on every run, NAME or NAME=PATH (text, json, sarif, junit, github, markdown).
# formats:
#   - text
#   - sarif=suitelint.sarif
"""


STARTER_POLICY = f"""\
# yaml-language-server: $schema={SCHEMA_BASE}/policy.schema.json
#
# This project's own policy, on top of builtin:baseline (`suitelint rules` lists its rules,
# `suitelint explain RULE` says why each exists). Test your rules with `suitelint test`:
# {TEST_FILE} is a first test.
suitelint: 1
description: Rules for the custom roles this SDF project deploys.

rules:
  - id: project-roles-no-delete
    title: Roles this project deploys cannot delete records
    severity: warning
    applies_to: roles
    # every custom role of the project: customrole_invoice_sync and customrole1001 alike;
    # integration roles are judged by builtin:baseline's integration-role-* rules
    where: {{scriptid: "{ROLE_GLOB}", token_capable: false}}
    forbid:
      permissions:
        - {{capability: delete-records}}
    why: >
      FULL is the only level that includes delete. People and roles deployed with the
      project view, create and edit records; deleting them is an exception that should be
      granted on purpose, not by default.
    fix: >
      Lower the permission to EDIT, or waive the finding for the role that deletes on
      purpose, with the reason.

# Accepted exceptions, each with a reason and an expiry date (YYYY-MM-DD):
waivers: []
#  - rule: project-roles-no-delete
#    subject: customrole1001
#    reason: why this is acceptable, and the ticket that tracks it
#    expires: 2027-01-31
"""

STARTER_TEST = f"""\
# yaml-language-server: $schema={SCHEMA_BASE}/policy-test.schema.json
#
# Policy unit tests: `suitelint test`. Each case checks fixture accounts against the
# policy and lists the findings expected of them; add a case for every rule you write.
suitelint_test: 1
policies: [{POLICY_FILE}]
as_of: 2026-01-01

cases:
  - name: a project role that can delete invoices is reported; a viewer is not
    sources: [{FIXTURE_FILE}]
    rules: [project-roles-no-delete]
    expect:
      - {{rule: project-roles-no-delete, subject: customrole1001, permkey: TRAN_CUSTINVC}}
"""

STARTER_FIXTURE = """\
{
  "suitelint_snapshot": 1,
  "account": {"id": "1234567", "environment": "production"},
  "roles": [
    {
      "id": "1001",
      "scriptid": "customrole1001",
      "name": "Billing clerk",
      "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "FULL"}]
    },
    {
      "id": "1002",
      "scriptid": "customrole_invoice_viewer",
      "name": "Invoice viewer",
      "permissions": [{"permkey": "TRAN_CUSTINVC", "level": "VIEW"}]
    }
  ]
}
"""


def find_project(folder: Path) -> str:
    """The SDF project source folder under ``folder`` (``src``, or ``.`` when ``folder`` is
    it). UsageError when there is none, or it holds no object: a config naming such a
    folder would make the first check an error."""
    for candidate, shown in ((folder / "src", "src"), (folder, ".")):
        objects = candidate / "Objects"
        if objects.is_dir():
            if not any(objects.rglob("*.xml")):
                # A check of a project without objects is an input error: the config
                # would fail its first run.
                raise UsageError(
                    f"{objects} holds no SDF objects yet; add the project's roles "
                    "(suitecloud object:import) and run suitelint init again"
                )
            return shown
    raise UsageError(
        f"no SDF project in {folder}: expected a src/Objects (or Objects) folder; run "
        "suitelint init in the project's folder (where suitecloud.config.js is), or "
        "create the project first (suitecloud project:create)"
    )


def write_starter(folder: Path) -> tuple[Path, ...]:
    """Write the starter config, policy, policy test and its fixture into ``folder``;
    refuse to overwrite anything."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    source = find_project(folder)
    files = {
        folder / CONFIG_FILE: _config(source),
        folder / POLICY_FILE: STARTER_POLICY,
        folder / TEST_FILE: STARTER_TEST,
        folder / FIXTURE_FILE: STARTER_FIXTURE,
    }
    existing = [str(path) for path in files if path.exists() or path.is_symlink()]
    if existing:
        raise UsageError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
            "suitelint init never overwrites files (move them away first)"
        )
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
    return tuple(files)
