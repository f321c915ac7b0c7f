"""Compile policy documents into frozen rules.

Names are resolved once, here: permission names and globs against the catalog,
capability tags against the catalog's tags. Evaluation never re-parses a name.
Role names in ``forbid.roles`` and the subjects of ``where`` are bound to an account
by the engine, because custom roles only exist in the account.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from suitelint.catalog import Catalog
from suitelint.errors import PolicyError, Problem, did_you_mean
from suitelint.findings import Location, RuleDoc, Severity
from suitelint.model import CustomObject, Level, SubjectKinds
from suitelint.policy.assertions import Assertion, compile_assertions
from suitelint.policy.compiling import Compiler, CustomNames
from suitelint.policy.loader import PolicyDocument
from suitelint.policy.selectors import LevelEntry, NameRef, PermSelector, Where, is_glob
from suitelint.yamlsrc import PathKey

SubjectKind = SubjectKinds

__all__ = [
    "CompiledRule",
    "LevelEntry",
    "NameRef",
    "PermSelector",
    "Policy",
    "SubjectKind",
    "Waiver",
    "Where",
    "compile_policies",
    "is_glob",
    "rule_docs",
]


class CompiledRule(msgspec.Struct, frozen=True):
    id: str
    title: str
    applies_to: SubjectKind
    severity: Severity
    severity_by_env: Mapping[str, Severity]
    where: Where
    assertions: tuple[Assertion, ...]
    why: str = ""
    fix: str = ""
    aliases: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    examples: Mapping[str, str] = msgspec.field(default_factory=dict)
    pack: str = ""
    location: Location | None = None
    #: ``security_severity`` of the policy: the rule's own risk (GitHub code scanning)
    security_severity: float | None = None

    def severity_for(self, environment: str) -> Severity:
        return self.severity_by_env.get(environment, self.severity)

    @property
    def doc(self) -> RuleDoc:
        return RuleDoc(
            self.id,
            self.title,
            self.severity,
            self.why,
            self.fix,
            self.pack,
            self.location,
            self.references,
            self.security_severity,
        )


class Waiver(msgspec.Struct, frozen=True):
    rule: str
    subject: str
    reason: str
    expires: dt.date
    permission: str | None = None
    location: Location | None = None


class Policy(msgspec.Struct, frozen=True):
    """All rules and waivers of the policies a run uses."""

    rules: tuple[CompiledRule, ...]
    waivers: tuple[Waiver, ...] = ()
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> CompiledRule | None:
        for rule in self.rules:
            if rule.id == rule_id or rule_id in rule.aliases:
                return rule
        return None

    def canonical_ids(self, engine_rules: Iterable[str]) -> dict[str, str]:
        """Every id a rule answers to (its own and its former ids) → its id, and each of
        ``engine_rules`` as itself: what a waiver or the config's ``rules:`` may name."""
        canonical = {alias: rule.id for rule in self.rules for alias in (rule.id, *rule.aliases)}
        canonical.update({rule_id: rule_id for rule_id in engine_rules})
        return canonical


class _Compiler(Compiler):
    """Compiles the rules and waivers of one document."""

    def where(self, raw: Mapping[str, Any], at: PathKey, applies_to: str) -> Where:
        kwargs: dict[str, Any] = {}
        for key in ("name", "id", "scriptid", "integration", "role", "user"):
            if key in raw:
                kwargs[key] = self.names(raw[key], (*at, key))
        relevant = {
            "roles": {
                "name",
                "id",
                "scriptid",
                "used_by_tokens",
                "user_token_role",
                "token_capable",
                "custom",
                "holds",
                "active",
                "restrictions",
            },
            "tokens": {
                "name",
                "id",
                "integration",
                "role",
                "user",
                "type",
                "active",
                "restrictions",
            },
            "users": {"name", "id", "role", "global_permissions", "active", "restrictions"},
            "integrations": {"name", "id", "scriptid", "role", "user", "active", "restrictions"},
        }[applies_to]
        for key in raw:
            if key not in relevant:
                self.fail(
                    f"'where: {key}' does not apply to {applies_to}; "
                    f"use one of {', '.join(sorted(relevant))}",
                    (*at, key),
                    key=True,
                )
        if "type" in raw:
            kwargs["type"] = raw["type"]
        for flag in ("used_by_tokens", "token_capable", "custom"):
            if flag in raw:
                kwargs[flag] = raw[flag]
        if "global_permissions" in raw:
            kwargs["global_permissions"] = bool(raw["global_permissions"])
        if "holds" in raw:
            many = isinstance(raw["holds"], list)
            held = raw["holds"] if many else [raw["holds"]]
            kwargs["holds"] = tuple(
                self.selector(item, (*at, "holds", i) if many else (*at, "holds"))
                for i, item in enumerate(held)
            )
        if "user_token_role" in raw:
            kwargs["user_token_role"] = raw["user_token_role"]
        if "active" in raw:
            kwargs["active"] = None if raw["active"] == "any" else raw["active"]
        if "restrictions" in raw:
            kwargs["restrictions"] = self.restriction_states(
                raw["restrictions"], (*at, "restrictions")
            )
        return Where(**kwargs)

    def restriction_states(
        self, raw: Mapping[str, Any], at: PathKey
    ) -> tuple[tuple[str, str | tuple[str, ...]], ...]:
        """``where: {restrictions: {subsidiaries: unrestricted, departments: [OWNONLY]}}``:
        a value list in the forms NetSuite writes (restrictions.canonical); any other form is
        an error at the item."""
        states: list[tuple[str, str | tuple[str, ...]]] = []
        for aspect, value in raw.items():
            if isinstance(value, str):
                states.append((aspect, value))
            else:
                states.append((aspect, self.restriction_values(aspect, value, (*at, aspect))))
        return tuple(states)

    def rule(self, raw: Mapping[str, Any], at: PathKey) -> CompiledRule:
        applies_to: SubjectKind = raw["applies_to"]
        assertions = compile_assertions(self, raw, at, applies_to)
        severity_raw = raw.get("severity", "error")
        if isinstance(severity_raw, str):
            severity, by_env = Severity.parse(severity_raw), {}
        else:
            by_env = {env: Severity.parse(s) for env, s in severity_raw.items()}
            severity = max(by_env.values())
        return CompiledRule(
            id=raw["id"],
            title=raw.get("title", raw["id"].replace("-", " ").capitalize()),
            applies_to=applies_to,
            severity=severity,
            severity_by_env=by_env,
            where=self.where(raw.get("where", {}), (*at, "where"), applies_to),
            assertions=assertions,
            why=raw.get("why", "").strip(),
            fix=raw.get("fix", "").strip(),
            aliases=tuple(raw.get("aliases", ())),
            references=tuple(raw.get("references", ())),
            examples=dict(raw.get("examples", {})),
            pack=self.doc.data.get("pack", "") if self.doc.builtin else "",
            location=self.loc(at),
            security_severity=raw.get("security_severity"),
        )

    def waiver(self, raw: Mapping[str, Any], at: PathKey) -> Waiver:
        try:
            expires = dt.date.fromisoformat(raw["expires"])
        except ValueError:
            self.fail(
                f"{raw['expires']!r} is not a valid date; expected YYYY-MM-DD", (*at, "expires")
            )
            expires = dt.date.min
        permission = None
        if "permission" in raw:
            text = str(raw["permission"]).strip()
            if self.catalog.unlisted(text) is not None:
                # a key the catalog does not list, as suitelint/unknown-permission reports
                # it; a waiver that matches nothing is reported (unused-waiver)
                permission = text
            else:
                selector = self.permission(raw["permission"], Level.VIEW, (*at, "permission"))
                permission = next(iter(selector.keys), raw["permission"])
        return Waiver(
            raw["rule"], raw["subject"], raw["reason"].strip(), expires, permission, self.loc(at)
        )


def compile_policies(
    docs: Sequence[PolicyDocument],
    catalog: Catalog,
    custom_objects: Iterable[CustomObject] = (),
    engine_rules: Iterable[str] = (),
    *,
    asked: set[str] | None = None,
) -> Policy:
    """Compile documents into one policy; every problem of every file is reported at once.

    ``custom_objects`` (the custom record types, custom segments and custom transaction
    types of the sources) let policies name permissions on them by display name;
    ``engine_rules`` are the ids of the engine's own rules (``suitelint/...``), which
    waivers may name like any rule. ``asked``, where given, gets each display name the
    compile looked up among ``custom_objects``."""
    names = CustomNames(custom_objects)  # worked out if a policy names one by name
    rules: list[CompiledRule] = []
    waivers: list[Waiver] = []
    problems: list[Problem] = []
    seen: dict[str, Location | None] = {}
    waiver_sites: list[tuple[_Compiler, PathKey, Waiver]] = []
    for doc in docs:
        compiler = _Compiler(doc, catalog, names, asked)
        for i, raw in enumerate(doc.data.get("rules", [])):
            rule = compiler.rule(raw, ("rules", i))
            for name in (rule.id, *rule.aliases):
                if name in seen:
                    first = seen[name]
                    compiler.fail(
                        f"rule id {name!r} is already defined at {first}", ("rules", i, "id")
                    )
                seen[name] = rule.location
            rules.append(rule)
        for i, raw in enumerate(doc.data.get("waivers", [])):
            waiver = compiler.waiver(raw, ("waivers", i))
            waivers.append(waiver)
            waiver_sites.append((compiler, ("waivers", i, "rule"), waiver))
        problems.extend(compiler.problems)
    engine = set(engine_rules)
    known = sorted({*seen, *engine})
    for compiler, at, waiver in waiver_sites:
        if waiver.rule not in seen and waiver.rule not in engine:
            hint = did_you_mean(waiver.rule, known)
            line, column = compiler.doc.where(at)
            problems.append(
                Problem(
                    compiler.doc.path,
                    f"waiver names unknown rule {waiver.rule!r}{hint}",
                    line,
                    column,
                )
            )
    if problems:
        raise PolicyError("", problems=problems)
    return Policy(tuple(rules), tuple(waivers), tuple(d.path for d in docs))


def rule_docs(rules: Iterable[CompiledRule]) -> dict[str, RuleDoc]:
    return {rule.id: rule.doc for rule in rules}
