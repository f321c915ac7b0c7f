"""The four rules of ``benchmarks/four-rules.yaml``, checked by a plain Python script.

The benchmark's reference row (docs/benchmarks.md): what the same checks cost when written
by hand for one account shape, with no policy language, no locations, no report, no
validation beyond what ``json.loads`` does. It prints how many violations it found (the
benchmark compares that count with suitelint's for the same four rules) and nothing else.

Usage: ``python benchmarks/floor_rules.py SNAPSHOT.json YYYY-MM-DD [--by-rule]``.
"""

import datetime as dt
import json
import sys
from pathlib import Path

#: Administrator and Full Access: by internal id, scriptid or name (case-insensitive)
EVERYTHING = {"3", "administrator", "18", "full_access", "full access"}
LEVELS = {"NONE": 0, "VIEW": 1, "CREATE": 2, "EDIT": 3, "FULL": 4}


def transaction_permkeys() -> set[str]:
    """Permkeys of the transactions category, from the catalog suitelint ships (data)."""
    catalog = Path(__file__).resolve().parents[1] / "src" / "suitelint" / "catalog" / "catalog.json"
    data = json.loads(catalog.read_text("utf-8"))
    return {key for key, p in data["permissions"].items() if p.get("category") == "transactions"}


def main() -> int:
    account = json.loads(Path(sys.argv[1]).read_bytes())
    today = dt.date.fromisoformat(sys.argv[2])
    transactions = transaction_permkeys()
    roles = {}
    for role in account["roles"]:
        for ref in (role["id"], role.get("scriptid"), role.get("name")):
            if ref:
                roles.setdefault(ref.casefold(), role)
    users = {user["id"]: user for user in account["users"]}
    found = dict.fromkeys(
        [
            "token-not-administrator",
            "integration-role-no-transaction-delete",
            "token-rotation",
            "token-user-active",
        ],
        0,
    )
    used: dict[str, dict] = {}
    for token in account["tokens"]:
        if token.get("inactive"):
            continue
        role = roles.get(token["role"].casefold())
        if role is not None:
            used[role["id"]] = role
        names = {token["role"].casefold()}
        if role is not None:
            names |= {ref.casefold() for ref in (role["id"], role.get("scriptid")) if ref}
        if names & EVERYTHING:
            found["token-not-administrator"] += 1
        created = token.get("created")
        if created and (today - dt.date.fromisoformat(created)).days > 365:
            found["token-rotation"] += 1
        user = users.get(token["user"])
        if user is not None and user.get("inactive"):
            found["token-user-active"] += 1
    for role in used.values():
        if role.get("inactive"):  # an inactive role grants nothing
            continue
        refs = {ref.casefold() for ref in (role["id"], role.get("scriptid")) if ref}
        if refs & EVERYTHING:
            # Administrator and Full Access hold every permission, but every active token
            # in them is already a token-not-administrator violation, and a standard role
            # cannot be edited: suitelint does not blame the role again (duplicate blame).
            continue
        held: dict[str, int] = {}
        for row in role.get("permissions", ()):
            level = LEVELS[row["level"]]
            if level > held.get(row["permkey"], -1):
                held[row["permkey"]] = level
        found["integration-role-no-transaction-delete"] += sum(
            1 for key, level in held.items() if level == 4 and key in transactions
        )
    if "--by-rule" in sys.argv:
        sys.stdout.write("".join(f"{count} {rule}\n" for rule, count in found.items()))
    sys.stdout.write(f"{sum(found.values())} violations\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
