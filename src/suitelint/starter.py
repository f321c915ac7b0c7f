"""``suitelint init``: a starter config and policy for an SDF project.

The files pass on a fresh SDF project (custom roles, no token data yet) and say in
comments what to change next. Existing files are never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from suitelint.errors import UsageError
from suitelint.fsutil import atomic_write_text

#: where the published schemas live, for the editor line in generated files
SCHEMA_BASE = "https://raw.githubusercontent.com/suitelint/suitelint/main/schemas"
CONFIG_FILE = ".suitelint.yaml"
POLICY_FILE = "suitelint-policy.yaml"

STARTER_CONFIG = f"""\
# yaml-language-server: $schema={SCHEMA_BASE}/config.schema.json
#
# suitelint configuration: `suitelint check` with no arguments uses these settings;
# command-line flags override them. Paths are relative to this file.
suitelint: 1

# What to check: the SDF project (its src/Objects/*.xml), and, once you have one, a
# snapshot of the account (`suitelint export`) so tokens and users are checked too.
sources:
  - src

# The built-in token hygiene pack, then this project's own rules and waivers.
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
# This project's own policy. `suitelint explain RULE` shows how built-in rules are written;
# `suitelint rules` lists them. Test your rules with `suitelint test` (see docs/ci.md).
suitelint: 1
description: Rules for the custom roles this SDF project deploys.

rules:
  - id: project-roles-no-role-management
    title: Custom roles of this project cannot manage roles, permissions or tokens
    severity: error
    applies_to: roles
    where: {{scriptid: customrole_*}}
    forbid:
      permissions:
        - {{capability: manage-roles-and-permissions}}
        - {{capability: create-tokens}}
    why: >
      A role that can edit roles or issue tokens can grant itself, or a new token,
      anything in the account. Such access belongs to administrators, not to roles
      deployed with the project.
    fix: >
      Remove the role, permission, user and token management permissions from the role.

# Accepted exceptions, each with a reason and an expiry date (YYYY-MM-DD):
waivers: []
#  - rule: project-roles-no-role-management
#    subject: customrole_example
#    reason: why this is acceptable, and the ticket that tracks it
#    expires: 2027-01-31
"""


def write_starter(folder: Path) -> tuple[Path, ...]:
    """Write the starter config and policy into ``folder``; refuse to overwrite anything."""
    files = {folder / CONFIG_FILE: STARTER_CONFIG, folder / POLICY_FILE: STARTER_POLICY}
    existing = [str(path) for path in files if path.exists() or path.is_symlink()]
    if existing:
        raise UsageError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
            "suitelint init never overwrites files (move them away first)"
        )
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    for path, text in files.items():
        atomic_write_text(path, text)
    return tuple(files)
