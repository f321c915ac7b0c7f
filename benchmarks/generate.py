"""Synthetic NetSuite accounts for the benchmarks (DESIGN.md §7), deterministic by seed.

Sizes (``SIZES``):

* small: 50 roles x 80 permissions, 200 users, 100 tokens, 20 integrations;
* medium: 500 x 200, 5,000 users, 2,000 tokens, 200 integrations;
* large: 2,000 x 300, 20,000 users, 10,000 tokens, 1,000 integrations;
* large2x: twice large (snapshot only), for the growth figure;
* sdf20: a 20-role SDF project (80 permissions a role), for the pull-request case;
* customs8k, customs16k: 8,000 and 16,000 custom record types held by 200 and 400 roles,
  with ``customs-policy.yaml`` (an allow_only rule they all exceed).

Each size is written under ``benchmarks/out/`` as

* ``<size>.json``: a suitelint snapshot (validated by loading it back), also minified
  (``<size>-min.json``) and, for small and medium, as YAML (``<size>.yaml``);
* ``<size>-v2.json``: the same account a week later (a few roles escalated, a few
  permissions removed, new tokens), for ``suitelint diff``;
* ``<size>-sdf/``: an SDF project, ``src/Objects/customrole_*.xml`` (one file per custom
  role, in the SuiteCloud format of ``shared/netsuite/sdf-customrole.md``) plus custom
  record types and ``manifest.xml``.

The distributions follow what real accounts look like: a few admin-like roles (and the
standard Administrator) used by many tokens, many narrow integration roles, typical user
roles in between; permission levels weighted as in the SDF corpus (FULL 67%, VIEW 23%,
EDIT 8%, CREATE 2% of 8,365 ``<permlevel>`` elements) and only documented levels except a
rare undocumented one, as real exports have; about 10% inactive users and tokens, tokens
created over seven years, a fifth never used. Permkeys are real: they come from the
shipped catalog (``suitelint.catalog.load_catalog``), plus custom record references.

Usage: ``python benchmarks/generate.py [--sizes small,medium,large,large2x,sdf20,customs8k]
[--seed N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import msgspec

from suitelint.catalog import Catalog, PermissionInfo, load_catalog
from suitelint.fsutil import atomic_write_bytes, atomic_write_text
from suitelint.model import Snapshot
from suitelint.sources.snapshot import dump_snapshot, parse_snapshot

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SEED = 20261125
#: The day the synthetic accounts are exported; run.py checks ``--as-of`` this date.
AS_OF = dt.date(2026, 11, 25)


@dataclass(frozen=True, slots=True)
class Size:
    name: str
    roles: int
    permissions: int  # mean permission rows per custom role
    users: int
    tokens: int
    integrations: int
    snapshot: bool = True
    #: also written as an SDF project and as the account a week later (for diff)
    full: bool = True


SIZES: dict[str, Size] = {
    "small": Size("small", 50, 80, 200, 100, 20),
    "medium": Size("medium", 500, 200, 5_000, 2_000, 200),
    "large": Size("large", 2_000, 300, 20_000, 10_000, 1_000),
    # twice large, for the growth figure (snapshot only)
    "large2x": Size("large2x", 4_000, 300, 40_000, 20_000, 2_000, full=False),
    "sdf20": Size("sdf20", 20, 80, 0, 0, 0, snapshot=False),
}

# Level weights from the SDF corpus (shared/corpus/sdf, 8,365 <permlevel> elements), whose
# roles are mostly people's roles; integration roles are narrower and lean to VIEW/CREATE.
_LEVEL_WEIGHTS = {"FULL": 67, "VIEW": 23, "EDIT": 8, "CREATE": 2}
_NARROW_LEVEL_WEIGHTS = {"FULL": 15, "VIEW": 45, "EDIT": 20, "CREATE": 20}
_CENTERS = ("SALESCENTER", "SUPPORTCENTER", "BASIC", "ACCOUNTCENTER", "EXECUTIVE")
_AUTH_FLOWS = ("tba", "auth_code", "client_credentials", "user_credentials")
_INTEGRATION_LOGIN = ("ADMI_LOGIN_OAUTH", "ADMI_RESTWEBSERVICES", "ADMI_WEBSERVICES")


@dataclass(frozen=True, slots=True)
class Pools:
    """Catalog permkeys grouped the way role builders draw from them."""

    setup: tuple[PermissionInfo, ...]
    business: tuple[PermissionInfo, ...]  # transactions, lists, reports, other

    @classmethod
    def of(cls, catalog: Catalog) -> Pools:
        infos = [catalog.permissions[key] for key in sorted(catalog.permissions)]
        return cls(
            setup=tuple(i for i in infos if i.category == "setup"),
            business=tuple(i for i in infos if i.category != "setup"),
        )


def _level(
    rng: random.Random, info: PermissionInfo, weighting: dict[str, int] = _LEVEL_WEIGHTS
) -> str:
    documented = [level.name for level in info.levels] or list(weighting)
    if rng.random() < 0.002:  # real exports carry the odd undocumented level
        return rng.choice(list(weighting))
    weights = [weighting.get(name, 1) for name in documented]
    return rng.choices(documented, weights)[0]


def _custom_records(size: Size) -> list[str]:
    return [f"customrecord_bench_{i:03d}" for i in range(max(2, size.roles // 20))]


def _role_counts(size: Size) -> list[tuple[str, int]]:
    """(kind, permission count) per custom role: 2% admin-like, 30% narrow integration
    roles, the rest typical user roles sized so the mean is ``size.permissions``."""
    n = size.roles
    admin = max(1, n // 50)
    narrow = n * 3 // 10
    typical = n - admin - narrow
    admin_k = min(2 * size.permissions, 600)
    narrow_k = max(5, size.permissions // 5)
    typical_k = (n * size.permissions - admin * admin_k - narrow * narrow_k) // max(1, typical)
    kinds = ["admin"] * admin + ["narrow"] * narrow + ["typical"] * typical
    sizes = {"admin": admin_k, "narrow": narrow_k, "typical": typical_k}
    return [(kind, sizes[kind]) for kind in kinds]


def _permissions(
    rng: random.Random, kind: str, count: int, pools: Pools, customs: Sequence[str]
) -> list[dict[str, str]]:
    setup_share = {"admin": 0.6, "narrow": 0.05, "typical": 0.1}[kind]
    weighting = _NARROW_LEVEL_WEIGHTS if kind == "narrow" else _LEVEL_WEIGHTS
    n_setup = min(len(pools.setup), round(count * setup_share))
    n_custom = min(len(customs), count // 40)
    n_business = min(len(pools.business), count - n_setup - n_custom)
    chosen = rng.sample(pools.setup, n_setup) + rng.sample(pools.business, n_business)
    rows = [{"permkey": info.permkey, "level": _level(rng, info, weighting)} for info in chosen]
    if kind == "narrow":
        for key in _INTEGRATION_LOGIN:
            if all(row["permkey"] != key for row in rows):
                rows.append({"permkey": key, "level": "FULL"})
    rows += [
        {"permkey": key, "level": rng.choice(["VIEW", "EDIT", "FULL"])}
        for key in rng.sample(list(customs), n_custom)
    ]
    rows.sort(key=lambda row: row["permkey"])
    return rows


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _zipf_index(rng: random.Random, n: int, s: float = 1.1) -> int:
    """An index in [0, n) with a heavy head: a few choices take most draws."""
    return min(n - 1, int(n * rng.random() ** (1 + 3 * s)))


def build_account(size: Size, seed: int = SEED) -> dict[str, Any]:
    """The account as plain snapshot data (deterministic for a given size and seed)."""
    rng = random.Random(f"{seed}:{size.name}")
    pools = Pools.of(load_catalog())
    customs = _custom_records(size)
    roles: list[dict[str, Any]] = []
    kinds: dict[str, list[str]] = {"admin": [], "narrow": [], "typical": []}
    for i, (kind, count) in enumerate(_role_counts(size)):
        role_id = str(1000 + i)
        role: dict[str, Any] = {
            "id": role_id,
            "name": f"Bench {kind.capitalize()} Role {i:04d}",
            "scriptid": f"customrole_bench_{i:04d}",
        }
        if rng.random() < 0.03:
            role["inactive"] = True
        if kind == "narrow" and rng.random() < 0.7:
            role["web_services_only"] = True
        if rng.random() < 0.1:
            role["two_factor_required"] = True
        if kind == "admin" and rng.random() < 0.5:
            role["core_admin"] = True
        role["center_type"] = "SYSADMINCENTER" if kind == "admin" else rng.choice(_CENTERS)
        role["permissions"] = _permissions(rng, kind, count, pools, customs)
        roles.append(role)
        kinds[kind].append(role_id)
    if size.snapshot:
        roles.insert(0, {"id": "3", "name": "Administrator", "scriptid": "ADMINISTRATOR"})
    everyday = kinds["typical"] + kinds["narrow"]

    users: list[dict[str, Any]] = []
    for i in range(size.users):
        user: dict[str, Any] = {
            "id": str(100_000 + i),
            "name": f"Bench User {i:05d}",
            "email": f"user{i:05d}@example.com",
        }
        if rng.random() < 0.1:
            user["inactive"] = True
        n_roles = rng.choices([1, 2, 3], [70, 22, 8])[0]
        picked = {everyday[_zipf_index(rng, len(everyday), 0.3)] for _ in range(n_roles)}
        if rng.random() < 0.01:
            picked.add(rng.choice(["3", *kinds["admin"]]))
        user["roles"] = sorted(picked)
        if rng.random() < 0.02:
            infos = rng.sample(pools.setup, 2)
            user["global_permissions"] = [
                {"permkey": info.permkey, "level": _level(rng, info)} for info in infos
            ]
        users.append(user)

    integrations: list[dict[str, Any]] = []
    for i in range(size.integrations):
        flows = sorted(rng.sample(_AUTH_FLOWS, rng.choice([1, 1, 1, 2, 3])))
        integrations.append(
            {
                "id": str(5_000 + i),
                "name": f"Bench Integration {i:04d}",
                "scriptid": f"custinteg_bench_{i:04d}",
                "application_id": f"{rng.getrandbits(128):032X}",
                "state": "blocked" if rng.random() < 0.08 else "enabled",
                "auth_flows": flows,
            }
        )

    # Tokens: a few admin-like roles (and Administrator itself) carry many tokens; most run
    # in narrow integration roles, a popular few of them shared by many integrations.
    heavy = ["3", *kinds["admin"]]
    narrow = kinds["narrow"] or everyday
    popular = kinds["typical"][: max(3, len(kinds["typical"]) // 40)] or everyday
    tokens: list[dict[str, Any]] = []
    for i in range(size.tokens):
        draw = rng.random()
        if draw < 0.15:
            role_id = heavy[_zipf_index(rng, len(heavy))]
        elif draw < 0.2:  # people's own roles (a developer's, the controller's): a few
            role_id = popular[_zipf_index(rng, len(popular))]
        else:
            role_id = narrow[_zipf_index(rng, len(narrow), 0.5)]
        created = _day(rng, dt.date(2019, 6, 1), AS_OF)
        token: dict[str, Any] = {
            "id": str(900_000 + i),
            "user": users[_zipf_index(rng, len(users), 0.5)]["id"],
            "role": role_id,
            "type": "client_credentials" if rng.random() < 0.2 else "tba",
            "name": f"Bench Token {i:05d}",
            "created": created.isoformat(),
        }
        if integrations and rng.random() < 0.85:
            token["integration"] = integrations[_zipf_index(rng, len(integrations), 0.4)]["id"]
        if rng.random() < 0.1:
            token["inactive"] = True
        if rng.random() >= 0.2:
            token["last_used"] = _day(rng, created, AS_OF + dt.timedelta(days=1)).isoformat()
        tokens.append(token)

    return {
        "suitelint_snapshot": 1,
        "account": {
            "id": f"BENCH_{size.name.upper()}",
            "environment": "production",
            "exported_at": f"{AS_OF.isoformat()}T06:00:00Z",
            "source": f"benchmarks/generate.py size={size.name} seed={seed}",
        },
        "roles": roles,
        "users": users,
        "integrations": integrations,
        "tokens": tokens,
        "custom_objects": [
            {"scriptid": key, "name": f"Bench Record {key[-3:]}", "kind": "customrecordtype"}
            for key in customs
        ],
    }


def next_version(account: dict[str, Any], seed: int = SEED) -> dict[str, Any]:
    """The account a week later: 2% of roles escalated (a level raised, a Setup
    permission added), 1% lost a permission, 1% more tokens."""
    rng = random.Random(f"{seed}:v2:{account['account']['id']}")
    pools = Pools.of(load_catalog())
    data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(account))
    custom = [r for r in data["roles"] if r.get("permissions")]
    for role in rng.sample(custom, max(1, len(custom) // 50)):
        perms = role["permissions"]
        row = rng.choice(perms)
        row["level"] = "FULL"
        held = {p["permkey"] for p in perms}
        extra = [i for i in pools.setup if i.permkey not in held]
        if extra:
            info = rng.choice(extra)
            level = info.levels[-1].name if info.levels else "FULL"
            perms.append({"permkey": info.permkey, "level": level})
            perms.sort(key=lambda p: p["permkey"])
    for role in rng.sample(custom, max(1, len(custom) // 100)):
        role["permissions"].pop(rng.randrange(len(role["permissions"])))
    tokens = data["tokens"]
    for i in range(max(1, len(tokens) // 100)) if tokens else ():
        base = rng.choice(tokens)
        tokens.append(
            {
                **base,
                "id": str(990_000 + i),
                "name": f"Bench Token new {i:04d}",
                "created": AS_OF.isoformat(),
            }
        )
        tokens[-1].pop("last_used", None)
        tokens[-1].pop("inactive", None)
    return data


# -- writing --------------------------------------------------------------------------------
def to_snapshot_bytes(data: dict[str, Any], label: str) -> bytes:
    """Validate through the model (as ``suitelint check`` reads it) and serialise."""
    snapshot = msgspec.convert(data, type=Snapshot)
    raw = dump_snapshot(snapshot)
    parse_snapshot(raw, f"{label}.json")  # fails loudly if the file would not load
    return raw


def _b(value: bool) -> str:
    return "T" if value else "F"


def role_xml(role: dict[str, Any]) -> str:
    """A ``<role>`` object as SDF writes it (field order as in the corpus)."""
    lines = [
        f'<role scriptid="{role["scriptid"]}">',
        f"  <centertype>{role.get('center_type', 'BASIC')}</centertype>",
        f"  <coreadminpermission>{_b(role.get('core_admin', False))}</coreadminpermission>",
        "  <employeerestriction>NONE</employeerestriction>",
        "  <employeeselectionunrestricted>F</employeeselectionunrestricted>",
        "  <employeeviewingallowed>F</employeeviewingallowed>",
        f"  <isinactive>{_b(role.get('inactive', False))}</isinactive>",
        "  <ispartnerrole>F</ispartnerrole>",
        "  <issalesrole>F</issalesrole>",
        "  <issinglesignononly>F</issinglesignononly>",
        "  <issupportrole>F</issupportrole>",
        f"  <iswebserviceonlyrole>{_b(role.get('web_services_only', False))}</iswebserviceonlyrole>",
        f"  <name>{escape(role['name'])}</name>",
        "  <restrictbydevice>F</restrictbydevice>",
        "  <restricttimeandexpenses>F</restricttimeandexpenses>",
        f"  <tfaduration>{'720' if role.get('two_factor_required') else '0'}</tfaduration>",
        f"  <tfarequired>{'SMS' if role.get('two_factor_required') else 'OFF'}</tfarequired>",
        "  <permissions>",
    ]
    for perm in role.get("permissions", ()):
        key = perm["permkey"]
        written = f"[scriptid={key}]" if key.startswith("customrecord") else key
        lines += [
            "    <permission>",
            f"      <permkey>{escape(written)}</permkey>",
            f"      <permlevel>{perm['level']}</permlevel>",
            "    </permission>",
        ]
    lines += ["  </permissions>", "</role>", ""]
    return "\n".join(lines)


def custom_record_xml(obj: dict[str, Any]) -> str:
    return (
        f'<customrecordtype scriptid="{obj["scriptid"]}">\n'
        f"  <recordname>{escape(obj['name'])}</recordname>\n"
        "  <isinactive>F</isinactive>\n"
        "</customrecordtype>\n"
    )


def write_sdf(data: dict[str, Any], folder: Path, name: str) -> int:
    """Write the custom roles and custom record types as an SDF project; return the
    number of object files."""
    objects = folder / "src" / "Objects"
    objects.mkdir(parents=True, exist_ok=True)
    for stale in objects.glob("*.xml"):
        stale.unlink()
    atomic_write_text(
        folder / "src" / "manifest.xml",
        '<manifest projecttype="ACCOUNTCUSTOMIZATION">\n'
        f"  <projectname>bench-{name}</projectname>\n"
        "  <frameworkversion>1.0</frameworkversion>\n"
        "</manifest>\n",
    )
    count = 0
    for role in data["roles"]:
        if role.get("scriptid", "").startswith("customrole"):
            atomic_write_text(objects / f"{role['scriptid']}.xml", role_xml(role))
            count += 1
    for obj in data["custom_objects"]:
        atomic_write_text(objects / f"{obj['scriptid']}.xml", custom_record_xml(obj))
        count += 1
    return count


def generate(size: Size, out: Path = OUT, seed: int = SEED) -> dict[str, Any]:
    """Write every artefact of ``size`` under ``out``; return a summary."""
    out.mkdir(parents=True, exist_ok=True)
    data = build_account(size, seed)
    summary: dict[str, Any] = {
        "size": size.name,
        "roles": len(data["roles"]),
        "permission_rows": sum(len(r.get("permissions", ())) for r in data["roles"]),
        "users": len(data["users"]),
        "tokens": len(data["tokens"]),
        "integrations": len(data["integrations"]),
    }
    if size.snapshot:
        raw = to_snapshot_bytes(data, size.name)
        atomic_write_bytes(out / f"{size.name}.json", raw)
        summary["snapshot_bytes"] = len(raw)
        # The same account minified (as jq -c and other tools write it), and as YAML where
        # PyYAML writes it in reasonable time (small and medium).
        snapshot = parse_snapshot(raw, f"{size.name}.json").snapshot
        atomic_write_bytes(out / f"{size.name}-min.json", msgspec.json.encode(snapshot))
        if size.name in YAML_SIZES:
            atomic_write_bytes(out / f"{size.name}.yaml", dump_snapshot(snapshot, yaml_format=True))
    if size.snapshot and size.full:
        atomic_write_bytes(
            out / f"{size.name}-v2.json", to_snapshot_bytes(next_version(data, seed), size.name)
        )
    if size.full:
        summary["sdf_files"] = write_sdf(data, out / f"{size.name}-sdf", size.name)
    return summary


#: sizes also written as YAML snapshots
YAML_SIZES = ("small", "medium")

#: Accounts of many custom record types (for growth in their number): name -> count
CUSTOM_RECORD_SIZES = {"customs8k": 8_000, "customs16k": 16_000}
#: what ``check --policy`` of the custom-record accounts reads: an allow_only rule that every
#: custom role exceeds, so every custom record permission is reported and displayed
CUSTOM_RECORD_POLICY = """\
suitelint: 1
rules:
  - id: bench-roles-least-privilege
    title: Benchmark roles may only view customers
    applies_to: roles
    where: {name: "Bench *"}
    allow_only:
      Customers: view
"""


def custom_records_account(count: int, seed: int = SEED) -> dict[str, Any]:
    """An account of ``count`` custom record types, each held by two of ``count // 40``
    custom roles (80 custom record permissions a role), each role used by one user's token
    (for blast-radius): a shape where work per custom record type (not per role)
    dominates."""
    rng = random.Random(f"{seed}:customs{count}")
    customs = [f"customrecord_many_{i:05d}" for i in range(count)]
    held = customs * 2
    rng.shuffle(held)
    roles = []
    for i in range(max(1, count // 40)):
        keys = sorted(set(held[i * 80 : (i + 1) * 80]))
        roles.append(
            {
                "id": str(1000 + i),
                "name": f"Bench Records Role {i:04d}",
                "scriptid": f"customrole_many_{i:04d}",
                "permissions": [
                    {"permkey": key, "level": rng.choice(["VIEW", "EDIT", "FULL"])} for key in keys
                ],
            }
        )
    users = [
        {"id": str(100_000 + i), "name": f"Bench User {i:05d}", "roles": [role["id"]]}
        for i, role in enumerate(roles)
    ]
    tokens = [
        {
            "id": str(900_000 + i),
            "user": user["id"],
            "role": user["roles"][0],
            "name": f"Bench Token {i:05d}",
            "created": "2026-01-05",
        }
        for i, user in enumerate(users)
    ]
    return {
        "suitelint_snapshot": 1,
        "account": {
            "id": "BENCH_CUSTOMS",
            "environment": "production",
            "exported_at": f"{AS_OF.isoformat()}T06:00:00Z",
            "source": f"benchmarks/generate.py customs={count} seed={seed}",
        },
        "roles": roles,
        "users": users,
        "integrations": [],
        "tokens": tokens,
        "custom_objects": [
            {"scriptid": key, "name": f"Many Record {key[-5:]}", "kind": "customrecordtype"}
            for key in customs
        ],
    }


def generate_custom_records(out: Path = OUT, seed: int = SEED) -> None:
    """Write ``customs8k.json``, ``customs16k.json`` and their allow_only policy."""
    out.mkdir(parents=True, exist_ok=True)
    for name, count in CUSTOM_RECORD_SIZES.items():
        data = custom_records_account(count, seed)
        atomic_write_bytes(out / f"{name}.json", to_snapshot_bytes(data, name))
    atomic_write_text(out / "customs-policy.yaml", CUSTOM_RECORD_POLICY)


def paths(size: str, out: Path = OUT) -> dict[str, Path]:
    """Where ``generate`` puts each artefact of ``size``."""
    return {
        "snapshot": out / f"{size}.json",
        "snapshot_v2": out / f"{size}-v2.json",
        "sdf": out / f"{size}-sdf",
        "minified": out / f"{size}-min.json",
        "yaml": out / f"{size}.yaml",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated sizes")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for name in args.sizes.split(","):
        if name in CUSTOM_RECORD_SIZES:
            generate_custom_records(args.out, args.seed)
            continue
        if name not in SIZES:
            parser.error(f"unknown size {name!r}; expected one of {', '.join(SIZES)}")
        start = time.perf_counter()
        summary = generate(SIZES[name], args.out, args.seed)
        took = time.perf_counter() - start
        print(f"{name}: {summary} ({took:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
