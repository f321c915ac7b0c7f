#!/usr/bin/env python3
"""Build ``src/suitelint/catalog/catalog.json`` from the shared NetSuite facts.

Inputs:
- ``<shared>/netsuite/permissions.tsv`` and ``permission-aliases.tsv`` (researched facts,
  outside the repo; see their README for sources and trust);
- ``scripts/capabilities.yaml`` (capability tags and standard roles, hand-written in the repo
  from ``capabilities.md`` and ``sdf-customrole.md``);
- ``scripts/record-names.yaml`` (sourced aliases) and ``scripts/observed-levels.yaml``
  (levels seen in real SDF role exports outside the shared corpus, cited);
- ``<shared>/corpus/sdf`` (real SDF role exports: the levels they hold).

The output is deterministic: keys sorted, no timestamps; the version is the edition date from
capabilities.yaml plus a hash of the content. Run::

    python scripts/build_catalog.py [--shared DIR] [--output FILE] [--check]

``--check`` compares instead of writing and exits 1 when the committed file is stale.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO / ".." / "shared"
DEFAULT_OUTPUT = REPO / "src" / "suitelint" / "catalog" / "catalog.json"
CAPABILITIES = REPO / "scripts" / "capabilities.yaml"
RECORD_NAMES = REPO / "scripts" / "record-names.yaml"
OBSERVED_LEVELS = REPO / "scripts" / "observed-levels.yaml"

CATALOG_FORMAT = 1
LEVELS = ("NONE", "VIEW", "CREATE", "EDIT", "FULL")
CATEGORIES = ("setup", "transactions", "reports", "lists", "custom_record", "other")
# permissions.tsv writes the UI subtab name; the catalog uses snake-case identifiers.
CATEGORY_BY_SUBTAB = {
    "Setup": "setup",
    "Transactions": "transactions",
    "Reports": "reports",
    "Lists": "lists",
    "Custom Record": "custom_record",
    "Other": "other",
}
# The README's prefix rule (ADMI→Setup, LIST→Lists, TRAN/REGT→Transactions, REPO→Reports,
# else Other). The builder checks the TSV against it so a hand edit there cannot slip through.
PREFIX_CATEGORY = (
    ("ADMI", "setup"),
    ("LIST", "lists"),
    ("TRAN", "transactions"),
    ("REGT", "transactions"),
    ("REPO", "reports"),
)
STANDARD_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")


class BuildError(Exception):
    """The inputs are inconsistent; the message says where."""


def prefix_category(permkey: str) -> str:
    for prefix, category in PREFIX_CATEGORY:
        if permkey.startswith(prefix):
            return category
    return "other"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_tsv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise BuildError(f"{path}: missing columns {missing}")
        return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def build_permissions(
    rows: Sequence[Mapping[str, str]],
    alias_rows: Sequence[Mapping[str, str]],
    ignore_aliases: Sequence[Mapping[str, str]],
    where: str,
) -> dict[str, dict[str, Any]]:
    permissions: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows, start=2):
        key = row["permkey"]
        if not STANDARD_KEY.match(key):
            raise BuildError(f"{where}/permissions.tsv:{line}: malformed permkey {key!r}")
        if key in permissions:
            raise BuildError(f"{where}/permissions.tsv:{line}: duplicate permkey {key}")
        category = CATEGORY_BY_SUBTAB.get(row["category"])
        if category is None:
            raise BuildError(
                f"{where}/permissions.tsv:{line}: unknown category {row['category']!r}"
            )
        if category != prefix_category(key):
            raise BuildError(
                f"{where}/permissions.tsv:{line}: {key} is {category}, prefix rule says "
                f"{prefix_category(key)}"
            )
        levels = [lv for lv in row["levels"].split(",") if lv]
        bad = [lv for lv in levels if lv not in LEVELS or lv == "NONE"]
        if bad:
            raise BuildError(f"{where}/permissions.tsv:{line}: bad levels {bad}")
        permissions[key] = {
            "name": " ".join(row["name"].split()) or None,
            "category": category,
            "levels": sorted(set(levels), key=LEVELS.index),
            "sources": sorted({s.strip() for s in row["source"].split(";") if s.strip()}),
            "aliases": [],
        }
    ignored = {(i["permkey"], i["alias"]) for i in ignore_aliases}
    used_ignores: set[tuple[str, str]] = set()
    for line, row in enumerate(alias_rows, start=2):
        key, alias = row["permkey"], " ".join(row["alias"].split())
        if key not in permissions:
            raise BuildError(f"{where}/permission-aliases.tsv:{line}: unknown permkey {key}")
        if (key, alias) in ignored:
            used_ignores.add((key, alias))
            continue
        if alias not in permissions[key]["aliases"]:
            permissions[key]["aliases"].append(alias)
    if stale := ignored - used_ignores:
        raise BuildError(
            f"capabilities.yaml ignore_aliases: not in permission-aliases.tsv: {stale}"
        )
    for info in permissions.values():
        info["aliases"].sort()
    return dict(sorted(permissions.items()))


_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def fold_name(text: str) -> str:
    """A name as suitelint compares names (``suitelint.catalog._normalise_name``: case, space,
    ``&`` for ``and``, a hyphen between words for a space); a test holds the two alike."""
    text = _WORD_HYPHEN.sub(" ", text.replace("&", " and "))
    return " ".join(text.split()).casefold()


def add_record_names(permissions: dict[str, dict[str, Any]], entries: Sequence[Any]) -> None:
    """Aliases from record-names.yaml. Each must name a known permkey, have a basis, and not
    be another permission's name or alias as names are compared (it would make that name
    ambiguous); nor may two permissions' names or aliases fold alike already."""
    taken: dict[str, str] = {}
    for key, info in permissions.items():
        for text in (info["name"], *info["aliases"]):
            if text:
                other = taken.setdefault(fold_name(text), key)
                if other != key:
                    raise BuildError(f"{text!r} of {key} is compared as a name of {other} too")
    for i, entry in enumerate(entries):
        where = f"record-names.yaml entry {i + 1}"
        key, alias = entry["permkey"], " ".join(str(entry["alias"]).split())
        if key not in permissions:
            raise BuildError(f"{where}: unknown permkey {key}")
        if not str(entry.get("basis", "")).strip():
            raise BuildError(f"{where}: no basis given for {alias!r}")
        other = taken.get(fold_name(alias))
        if other is not None and other != key:
            raise BuildError(f"{where}: {alias!r} already names {other}")
        taken[fold_name(alias)] = key
        if alias not in permissions[key]["aliases"]:
            permissions[key]["aliases"].append(alias)
            permissions[key]["aliases"].sort()


_PAIR = re.compile(r"<permkey>\s*([^<]*?)\s*</permkey>\s*<permlevel>\s*([A-Z]+)\s*</permlevel>")


def build_observed(shared: Path, permissions: dict[str, dict[str, Any]]) -> None:
    """Levels seen in real SDF role exports (``<shared>/corpus/sdf``, listed with repository
    and commit in its SOURCES.tsv), per standard permkey: how many roles hold each level
    and the first file (by repository and path) that does, as the citation."""
    corpus = shared / "corpus" / "sdf"
    rows = read_tsv(corpus / "SOURCES.tsv", ("repo", "commit", "path", "root_element"))
    seen: dict[str, dict[str, dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: (r["repo"], r["path"])):
        if row["root_element"] != "role":
            continue
        path = corpus / row["repo"].replace("/", "__") / row["path"]
        text = path.read_text(encoding="utf-8")
        pairs = {(k, lv) for k, lv in _PAIR.findall(text) if k in permissions and lv != "NONE"}
        for key, level in sorted(pairs):
            entry = seen.setdefault(key, {}).setdefault(
                level,
                {"roles": 0, "source": f"github {row['repo']} {row['path']} @ {row['commit']}"},
            )
            entry["roles"] += 1
    for key, levels in seen.items():
        permissions[key]["observed"] = dict(
            sorted(levels.items(), key=lambda i: LEVELS.index(i[0]))
        )


def add_observed(permissions: dict[str, dict[str, Any]], entries: Sequence[Any]) -> None:
    """Levels from observed-levels.yaml (real exports outside the corpus), each with its
    role count and citation. Each must name a known permkey and a level above NONE that is
    neither documented nor observed already, with a source."""
    for i, entry in enumerate(entries):
        where = f"observed-levels.yaml entry {i + 1}"
        key, level = entry["permkey"], entry["level"]
        if key not in permissions:
            raise BuildError(f"{where}: unknown permkey {key}")
        if level not in LEVELS[1:]:
            raise BuildError(f"{where}: level {level!r} is not one of {', '.join(LEVELS[1:])}")
        info = permissions[key]
        observed = info.setdefault("observed", {})
        if level in info["levels"] or level in observed:
            raise BuildError(f"{where}: {key} at {level} is documented or observed already")
        source = str(entry.get("source", "")).strip()
        if not source or not isinstance(entry.get("roles"), int) or entry["roles"] < 1:
            raise BuildError(f"{where}: a source and a role count are required")
        observed[level] = {"roles": entry["roles"], "source": source}
        info["observed"] = dict(sorted(observed.items(), key=lambda i: LEVELS.index(i[0])))


def expand(patterns: Sequence[str], keys: Sequence[str], where: str) -> list[str]:
    found: set[str] = set()
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            matched = fnmatch.filter(keys, pattern)
            if not matched:
                raise BuildError(f"{where}: pattern {pattern!r} matches no permkey")
            found.update(matched)
        elif pattern in keys:
            found.add(pattern)
        else:
            raise BuildError(f"{where}: unknown permkey {pattern!r}")
    return sorted(found)


def build_capabilities(
    spec: Mapping[str, Any], permissions: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    sources: Mapping[str, Mapping[str, str]] = spec["sources"]
    keys = sorted(permissions)

    def cite(ids: Sequence[str], where: str) -> list[dict[str, str]]:
        out = []
        for source_id in ids:
            if source_id not in sources:
                raise BuildError(f"{where}: unknown source {source_id!r}")
            src = sources[source_id]
            out.append({"id": source_id, "title": src["title"], "url": src["url"]})
        return out

    result: dict[str, dict[str, Any]] = {}
    for tag, body in sorted(spec["capabilities"].items()):
        where = f"capabilities.yaml: {tag}"
        if not re.fullmatch(r"[a-z][a-z0-9-]*", tag):
            raise BuildError(f"{where}: tag must be kebab-case")
        grants = []
        for number, grant in enumerate(body["grants"], start=1):
            gwhere = f"{where} grant {number}"
            level = grant["level"]
            if level not in LEVELS or level == "NONE":
                raise BuildError(f"{gwhere}: bad level {level!r}")
            members = expand(grant.get("permkeys", ()), keys, gwhere)
            excluded = set(expand(grant.get("exclude", ()), keys, gwhere))
            categories = sorted(grant.get("categories", ()))
            if bad := [c for c in categories if c not in CATEGORIES]:
                raise BuildError(f"{gwhere}: unknown categories {bad}")
            if not members and not categories:
                raise BuildError(f"{gwhere}: grants nothing")
            entry: dict[str, Any] = {
                "permkeys": [k for k in members if k not in excluded],
                "categories": categories,
                "level": level,
                "inferred": bool(grant.get("inferred", False)),
            }
            if grant.get("note"):
                entry["note"] = " ".join(str(grant["note"]).split())
            grants.append(entry)
        cited = cite(body["sources"], where)
        if not cited:
            raise BuildError(f"{where}: a capability needs at least one source")
        result[tag] = {
            "title": body["title"],
            "description": " ".join(body["description"].split()),
            "sources": cited,
            "grants": grants,
        }
    return result


def role_enum_names(sdf_customrole: Path) -> list[str]:
    """The script names listed in sdf-customrole.md §7 ("Other standard roles" row)."""
    for line in sdf_customrole.read_text(encoding="utf-8").splitlines():
        if line.startswith("| Other standard roles"):
            listed = line.split("`SDFxml_271228656.html`):", 1)[1]
            return sorted(re.findall(r"\b[A-Z][A-Z_]+[A-Z]\b", listed))
    raise BuildError(f"{sdf_customrole}: standard role list not found")


def build_roles(spec: Mapping[str, Any], enum_names: Sequence[str] | None) -> list[dict[str, Any]]:
    sources: Mapping[str, Mapping[str, str]] = spec["sources"]
    roles = []
    for role in spec["standard_roles"]:
        scriptid = role["scriptid"]
        name = role.get("name") or " ".join(w.capitalize() for w in scriptid.split("_") if w)
        cited = role.get("sources", ["permitted-role-enum"])
        roles.append(
            {
                "name": name,
                "scriptid": scriptid,
                "id": role.get("id"),
                "id_confirmed": bool(role.get("id_confirmed", False)),
                "everything": bool(role.get("everything", False)),
                "deprecated": role.get("deprecated"),
                "sources": [
                    {"id": s, "title": sources[s]["title"], "url": sources[s]["url"]} for s in cited
                ],
            }
        )
    scriptids = [r["scriptid"] for r in roles]
    if len(set(scriptids)) != len(scriptids):
        raise BuildError("capabilities.yaml standard_roles: duplicate scriptid")
    if enum_names is not None and sorted(scriptids) != list(enum_names):
        diff = set(scriptids) ^ set(enum_names)
        raise BuildError(f"capabilities.yaml standard_roles differ from sdf-customrole.md: {diff}")
    return sorted(roles, key=lambda r: (not r["everything"], r["scriptid"]))


def build_login(
    spec: Mapping[str, Any], permissions: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The log-in knowledge: per auth flow the permissions a token's role needs, the
    CloudExtend-style user-token role, and the roles that refuse log-in permissions."""
    sources: Mapping[str, Mapping[str, str]] = spec["sources"]
    body = spec["login"]

    def key(permkey: str, where: str) -> str:
        if permkey not in permissions:
            raise BuildError(f"{where}: unknown permkey {permkey!r}")
        return permkey

    def cite(ids: Sequence[str], where: str) -> list[dict[str, str]]:
        if not ids:
            raise BuildError(f"{where}: needs at least one source")
        missing = [i for i in ids if i not in sources]
        if missing:
            raise BuildError(f"{where}: unknown sources {missing}")
        return [{"id": i, "title": sources[i]["title"], "url": sources[i]["url"]} for i in ids]

    flows: dict[str, Any] = {}
    for name, flow in sorted(body["flows"].items()):
        where = f"capabilities.yaml: login flow {name}"
        api = []
        for item in flow["api_any"]:
            if item["level"] not in LEVELS[1:]:
                raise BuildError(f"{where}: bad level {item['level']!r}")
            api.append({"permkey": key(item["permkey"], where), "level": item["level"]})
        flows[name] = {
            "title": flow["title"],
            "token_types": list(flow["token_types"]),
            "login_any": [key(k, where) for k in flow["login_any"]],
            "api_any": api,
            "notes": [" ".join(n.split()) for n in flow.get("notes", ())],
            "sources": cite(flow["sources"], where),
        }
    utr = body["user_token_role"]
    refusals = []
    for number, refusal in enumerate(body["refusals"], start=1):
        where = f"capabilities.yaml: login refusal {number}"
        refusals.append(
            {
                "title": refusal["title"],
                "scriptids": sorted(s.lower() for s in refusal.get("scriptids", ())),
                "names": list(refusal.get("names", ())),
                "refuses": [key(k, where) for k in refusal["refuses"]],
                "advice": " ".join(refusal["advice"].split()),
                "inferred": bool(refusal.get("inferred", False)),
                "sources": cite(refusal["sources"], where),
            }
        )
    return {
        "flows": flows,
        "user_token_role": {
            "holds": [key(k, "capabilities.yaml: user_token_role") for k in utr["holds"]],
            "web_services_only": bool(utr["web_services_only"]),
            "sources": cite(utr["sources"], "capabilities.yaml: user_token_role"),
        },
        "refusals": refusals,
    }


def build(shared: Path, capabilities: Path = CAPABILITIES) -> str:
    """Return the catalog JSON text (deterministic for the same inputs)."""
    netsuite = shared / "netsuite"
    perm_path = netsuite / "permissions.tsv"
    alias_path = netsuite / "permission-aliases.tsv"
    roles_path = netsuite / "sdf-customrole.md"
    spec = yaml.safe_load(capabilities.read_text(encoding="utf-8"))
    permissions = build_permissions(
        read_tsv(perm_path, ("permkey", "name", "category", "levels", "source")),
        read_tsv(alias_path, ("permkey", "alias", "source")),
        spec.get("ignore_aliases", ()),
        str(netsuite),
    )
    names = yaml.safe_load(RECORD_NAMES.read_text(encoding="utf-8"))
    add_record_names(permissions, names)
    build_observed(shared, permissions)
    add_observed(permissions, yaml.safe_load(OBSERVED_LEVELS.read_text(encoding="utf-8")))
    body: dict[str, Any] = {
        "format": CATALOG_FORMAT,
        "generated_from": [
            {"file": "shared/netsuite/permissions.tsv", "sha256": sha256_file(perm_path)},
            {"file": "shared/netsuite/permission-aliases.tsv", "sha256": sha256_file(alias_path)},
            {"file": "shared/netsuite/sdf-customrole.md", "sha256": sha256_file(roles_path)},
            {"file": "scripts/capabilities.yaml", "sha256": sha256_file(capabilities)},
            {"file": "scripts/record-names.yaml", "sha256": sha256_file(RECORD_NAMES)},
            {"file": "scripts/observed-levels.yaml", "sha256": sha256_file(OBSERVED_LEVELS)},
            {
                "file": "shared/corpus/sdf/SOURCES.tsv",
                "sha256": sha256_file(shared / "corpus" / "sdf" / "SOURCES.tsv"),
            },
        ],
        "permissions": permissions,
        "capabilities": build_capabilities(spec, permissions),
        "standard_roles": build_roles(spec, role_enum_names(roles_path)),
        "login": build_login(spec, permissions),
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
    body["version"] = f"{spec['edition']}+{digest[:10]}"
    return json.dumps(body, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the file is committed package data
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--capabilities", type=Path, default=CAPABILITIES)
    parser.add_argument("--check", action="store_true", help="exit 1 if --output is stale")
    args = parser.parse_args(argv)
    try:
        text = build(args.shared, args.capabilities)
    except (BuildError, OSError, KeyError, yaml.YAMLError) as exc:
        print(f"build_catalog: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"build_catalog: {args.output} is stale; re-run the builder", file=sys.stderr)
            return 1
        return 0
    write_atomic(args.output, text)
    print(f"wrote {args.output} ({json.loads(text)['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
