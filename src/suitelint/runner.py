"""The check pipeline: sources → snapshot → policy → engine → report.

The CLI parses flags into :class:`CheckOptions` and renders the :class:`Report`; all the
work in between is here, so it can be tested and reused (``--base``, ``suitelint test``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import msgspec

from suitelint import __version__
from suitelint.catalog import Catalog, load_catalog
from suitelint.engine import ENGINE_RULES, evaluate, subject_counts
from suitelint.errors import (
    ConfigError,
    PolicyError,
    Problem,
    Problems,
    SourceError,
    did_you_mean,
)
from suitelint.findings import Finding, Location, Report, RuleDoc, Severity, sort_findings
from suitelint.model import CustomObject, Snapshot
from suitelint.policy import compiledcache
from suitelint.policy.compiler import CompiledRule, Policy, compile_policies, rule_docs
from suitelint.policy.compiling import CustomNames
from suitelint.policy.inline import InlineRun, check_inline, new_suppressions, rule_names
from suitelint.policy.loader import (
    PolicyDocument,
    PolicyFile,
    document_of,
    load_policy,
    read_policy,
    remember,
)
from suitelint.sources import Loaded, load_sources

if TYPE_CHECKING:
    from suitelint.diff import SnapshotDiff
    from suitelint.gitbase import Commits
    from suitelint.sources.inline import InlineSuppression
    from suitelint.sources.snapshot import LoadedSnapshot

DEFAULT_POLICY = "builtin:baseline"
_SECTION = {"role": "roles", "token": "tokens", "user": "users", "integration": "integrations"}


class CheckOptions(msgspec.Struct, frozen=True):
    sources: tuple[str, ...]
    policies: tuple[str, ...] = (DEFAULT_POLICY,)
    fail_on: Severity = Severity.ERROR
    allow_empty: bool = False
    today: dt.date | None = None
    #: git ref: report only findings the change since that ref introduces (--base)
    base: str | None = None
    #: the order of CSV exports' numeric dates (--date-format), else inferred
    date_format: str | None = None
    #: rule id → "off" or a severity, from the config's ``rules:`` (and where it was set)
    rules: tuple[tuple[str, str], ...] = ()
    rules_origin: str = ""
    #: rule ids or globs to run (empty: every rule) and not to run (--select, --ignore)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: findings below this severity are not reported (--min-severity)
    min_severity: Severity = Severity.NOTE
    #: disregard the sources' inline suppressions (--ignore-inline): an audit's view
    ignore_inline: bool = False


def _matches(rule_ids: Sequence[str], pattern: str) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(rule_id, pattern) for rule_id in rule_ids)


def rule_filter(
    policy: Policy, select: Sequence[str], ignore: Sequence[str]
) -> Callable[[str], bool]:
    """Whether a rule id is chosen by ``--select``/``--ignore`` (ids, former ids or globs).
    A pattern that names no rule at all is a usage error: a typo must not turn a rule off
    silently."""
    from suitelint.errors import UsageError

    known = [r.id for r in policy.rules] + list(ENGINE_RULES)
    names = {r.id: (r.id, *r.aliases) for r in policy.rules}
    for option, patterns in (("--select", select), ("--ignore", ignore)):
        for pattern in patterns:
            everything = [n for ids in names.values() for n in ids] + list(ENGINE_RULES)
            if not _matches(everything, pattern):
                import difflib  # the error path only (start-up)

                close = difflib.get_close_matches(pattern, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise UsageError(
                    f"{option} {pattern!r} names no rule{hint} (see 'suitelint rules')"
                )

    def chosen(rule_id: str) -> bool:
        ids = names.get(rule_id, (rule_id,))
        if select and not any(_matches(ids, p) for p in select):
            return False
        return not any(_matches(ids, p) for p in ignore)

    return chosen


def load_policy_set(
    refs: Sequence[str],
    catalog: Catalog,
    custom_objects: Iterable[CustomObject] = (),
    *,
    docs: Sequence[PolicyDocument] | None = None,
    seal: str | None = None,
) -> Policy:
    """Load and compile policies; a set without a single rule would pass anything: an error.

    ``custom_objects`` of the sources let policies name them by display name; ``docs``
    are the documents of ``refs`` when already loaded. ``seal``: the key under which the
    compiled policy is kept in the policy cache (:func:`suitelint.policy.compiledcache.compiled_key`)."""
    if docs is None:
        docs = [load_policy(ref) for ref in refs]
    asked: set[str] | None = set() if seal is not None else None
    policy = compile_policies(docs, catalog, custom_objects, ENGINE_RULES, asked=asked)
    if not policy.rules:
        line, column = docs[0].where(("rules",)) if docs else (None, None)
        raise PolicyError(
            "the policies hold no rules, so nothing would be checked; add rules or use "
            "--policy builtin:baseline",
            ", ".join(refs),
            line or 1,
            column or 1,
        )
    remember(docs)
    if seal is not None and asked is not None:
        from suitelint.policy import compiledcache

        names = CustomNames(custom_objects)
        compiledcache.store_compiled(seal, policy, compiledcache.asked_of(names, sorted(asked)))
    return policy


def engine_rule_docs() -> dict[str, RuleDoc]:
    return {
        rule_id: RuleDoc(rule_id, title, severity, why, pack="suitelint")
        for rule_id, (severity, title, why) in ENGINE_RULES.items()
    }


def place_findings(findings: Sequence[Finding], loaded: Loaded) -> list[Finding]:
    """Give findings that have no file of their own a place in the snapshot file (the
    engine sorts them afterwards, once, by place). What they ask for is collected first
    and placed in one go (:meth:`Loaded.place_all`): each subject is found once, however
    many findings it has, each of its permissions once, however many rules name it."""
    result = list(findings)
    asks: dict[tuple[str, str], dict[str | None, None]] = {}
    pending: list[tuple[int, tuple[str, str, str | None]]] = []
    sections = _SECTION
    for i, finding in enumerate(result):
        if finding.location is None and finding.subject_kind in sections:
            section, subject_id, permkey = where = (
                sections[finding.subject_kind],
                finding.subject_id,
                finding.permkey,
            )
            permkeys = asks.get((section, subject_id))
            if permkeys is None:
                permkeys = asks[(section, subject_id)] = {}
            permkeys[permkey] = None
            pending.append((i, where))
    if not pending:
        return result
    places = loaded.place_all(asks)
    replace = msgspec.structs.replace
    for i, where in pending:
        location = places[where]
        if location is not None:
            result[i] = replace(result[i], location=location)
    return result


def subject_places(findings: Sequence[Finding], loaded: Loaded) -> dict[tuple[str, str], Location]:
    """Where each role with findings is defined (its element in the SDF file, its entry in
    the snapshot): SARIF puts a role's alert there, not on one of its permissions. Tokens,
    users and integrations are placed on their own entries already. The snapshot's roles
    are placed in one go (:meth:`Loaded.place_all`: one sweep over the file)."""
    wanted = {f.subject_id for f in findings if f.subject_kind == "role"}
    places: dict[tuple[str, str], Location] = {}
    asks: dict[tuple[str, str], tuple[str | None, ...]] = {}
    for role in loaded.snapshot.roles:
        if role.id not in wanted:
            continue
        if role.path is not None and role.line is not None:
            places[("role", role.id)] = Location(role.path, role.line)
            continue
        asks[("roles", role.id)] = (None,)
    if asks:
        found = loaded.place_all(asks)
        for _, role_id in asks:
            location = found.get(("roles", role_id, None))
            if location is not None and location.line is not None:
                places[("role", role_id)] = location
    return places


class SubjectPlaces(Mapping[tuple[str, str], Location]):
    """:func:`subject_places`, worked out when first read: only SARIF reads them, and a
    text report of a large snapshot need not sweep the file for them."""

    def __init__(self, findings: Sequence[Finding], loaded: Loaded) -> None:
        self._findings: Sequence[Finding] | None = findings
        self._loaded: Loaded | None = loaded
        self._places: dict[tuple[str, str], Location] | None = None

    def _worked_out(self) -> dict[tuple[str, str], Location]:
        places = self._places
        if places is None:
            assert self._findings is not None and self._loaded is not None
            places = self._places = subject_places(self._findings, self._loaded)
            self._findings = self._loaded = None  # not kept alive by the report
        return places

    def __getitem__(self, key: tuple[str, str]) -> Location:
        return self._worked_out()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._worked_out())

    def __len__(self) -> int:
        return len(self._worked_out())


def _waiver_kept(rule_id: str, policy: Policy, kept: Sequence[CompiledRule]) -> bool:
    rule = policy.rule(rule_id)
    return rule is None or rule in kept  # a waiver naming no rule stays: it is an error


def evaluate_sources(
    sources: Sequence[str],
    policy: Policy,
    catalog: Catalog,
    *,
    today: dt.date,
    allow_empty: bool = False,
    date_format: str | None = None,
) -> tuple[Loaded, tuple[Finding, ...]]:
    loaded = load_sources(sources, catalog, allow_empty=allow_empty, date_format=date_format)
    return loaded, evaluate_loaded(loaded, policy, catalog, today)


def against_base(
    ref: str,
    sources: Sequence[str],
    findings: Sequence[Finding],
    policy: Policy,
    catalog: Catalog,
    today: dt.date,
) -> tuple[Finding, ...]:
    """``findings`` with those already present at git ``ref`` suppressed (kind ``base``):
    the same policy judges the sources as they were at ``ref``, read through git."""

    return compare_with_base(ref, sources, findings, policy, catalog, today)[0]


def compare_with_base(
    ref: str,
    sources: Sequence[str],
    findings: Sequence[Finding],
    policy: Policy,
    catalog: Catalog,
    today: dt.date,
    after: Snapshot | None = None,
    *,
    inline: InlineRun | None = None,
    suppressions: Sequence[InlineSuppression] = (),
    resolved: Commits | None = None,
) -> tuple[tuple[Finding, ...], SnapshotDiff | None]:
    """:func:`against_base`, and what rose and fell from the base to ``after`` (the
    sources as checked), for the report. With ``inline``, the base's own inline
    suppressions are applied to its findings as they are to ``findings``, and each of
    ``suppressions`` (the work tree's) that the base lacks is reported
    (``suitelint/new-suppression``): a reviewer sees every comment a change adds.
    ``resolved``: :func:`suitelint.gitbase.verify_ref` of ``ref`` and ``sources``."""
    from suitelint.diff import diff_snapshots
    from suitelint.errors import SuitelintError
    from suitelint.gitbase import checkout, mark_base

    with checkout(ref, sources, resolved=resolved) as base:
        paths = [path for path in base.paths if path is not None]
        before: tuple[Finding, ...] = ()
        old: Loaded | None = None
        if paths:  # sources that did not exist at the base hold no findings there
            try:
                loaded, before = evaluate_sources(
                    paths, policy, catalog, today=today, allow_empty=True
                )
            except SuitelintError as error:
                raise base.rename(error) from None
            old = loaded
            if inline is not None:
                before = tuple(inline.apply(before, loaded.suppressions))
    changes = None
    if after is not None:
        changes = diff_snapshots(
            old.snapshot if old is not None else Snapshot(account=after.account),
            after,
            catalog,
            old_label=ref,
            new_label="work tree",
            old_index=old.index if old is not None else None,
        )
    added: list[Finding] = []
    if inline is not None:
        added = new_suppressions(suppressions, old.suppressions if old else (), ref)
    return sort_findings([*mark_base(findings, before, ref), *added]), changes


def load_checked(
    sources: Sequence[str],
    refs: Sequence[str],
    catalog: Catalog,
    *,
    allow_empty: bool = False,
    date_format: str | None = None,
    inline: Sequence[LoadedSnapshot] = (),
    inline_policies: Sequence[PolicyDocument] = (),
) -> tuple[Loaded, Policy]:
    """The sources and the policies that judge them. Policy files are read first (their
    errors come first); names in them are resolved once the sources are read, since a
    policy may name a custom record by the display name its SDF XML gives it.
    ``inline`` accounts and ``inline_policies`` (a policy test's) were read already."""
    files = [read_policy(ref) for ref in refs]
    seal = _seal(files, catalog) if not inline_policies else None
    sealed = None if seal is None else compiledcache.lookup_compiled(seal)
    # a policy of a sealed entry compiled without error from these very bytes: its
    # documents are read only if the sources' custom objects answer otherwise
    docs = None if sealed is not None else [*map(document_of, files), *inline_policies]
    loaded = load_sources(
        sources, catalog, allow_empty=allow_empty, date_format=date_format, inline=inline
    )
    objects = loaded.snapshot.custom_objects
    if sealed is not None:
        policy, asked = sealed
        if compiledcache.asked_of(CustomNames(objects), asked) == asked:
            return loaded, policy
        docs = [document_of(file) for file in files]
    return loaded, load_policy_set(refs, catalog, objects, docs=docs, seal=seal)


def _seal(files: Sequence[PolicyFile], catalog: Catalog) -> str | None:
    """The compiled policy's key in the policy cache, or None: not kept (the cache is off,
    or the catalog is not the package's)."""
    keys = [file.key for file in files]
    if not keys or catalog is not load_catalog():
        return None
    known = [key for key in keys if key is not None]
    return compiledcache.compiled_key(known, ENGINE_RULES) if len(known) == len(keys) else None


def evaluate_loaded(
    loaded: Loaded, policy: Policy, catalog: Catalog, today: dt.date
) -> tuple[Finding, ...]:
    return evaluate(
        policy,
        loaded.snapshot,
        catalog,
        today,
        place=lambda found: place_findings(found, loaded),
        index=loaded.index,
        role_rows=loaded.role_rows,
    )


def configure_rules(
    findings: Sequence[Finding],
    docs: dict[str, RuleDoc],
    policy: Policy,
    options: CheckOptions,
) -> tuple[tuple[Finding, ...], dict[str, RuleDoc]]:
    """Apply the config's ``rules:``: ``off`` drops a rule's findings, a severity re-grades
    them (engine rules such as ``suitelint/undocumented-level`` like any policy rule). An
    id that names no rule is a config error: a typo must not leave a gate red, or silent."""
    canonical = policy.canonical_ids(ENGINE_RULES)
    settings: dict[str, str] = {}
    problems = Problems()
    for rule_id, setting in options.rules:
        if rule_id not in canonical:
            hint = did_you_mean(rule_id, canonical)
            problems.add(
                Problem(options.rules_origin, f"rules: unknown rule {rule_id!r}{hint}"),
                ConfigError,
            )
            continue
        settings[canonical[rule_id]] = setting
    problems.raise_if_any(ConfigError)
    kept: list[Finding] = []
    for finding in findings:
        grade = settings.get(finding.rule_id)
        if grade == "off":
            continue
        if grade is not None:
            finding = msgspec.structs.replace(finding, severity=Severity.parse(grade))
        kept.append(finding)
    for rule_id, setting in settings.items():
        doc = docs.get(rule_id)
        if doc is not None and setting != "off":
            docs[rule_id] = msgspec.structs.replace(doc, severity=Severity.parse(setting))
    return sort_findings(kept), docs


def run_check(options: CheckOptions) -> Report:
    catalog = load_catalog()
    today = options.today or dt.date.today()
    problems = Problems()  # an unknown --base ref is told with what is wrong in the sources
    resolved = None
    if options.base is not None:
        from suitelint.gitbase import verify_ref

        with problems.collect():
            resolved = verify_ref(options.base, options.sources)
    try:
        loaded, policy = load_checked(
            options.sources,
            options.policies,
            catalog,
            allow_empty=options.allow_empty,
            date_format=options.date_format,
        )
    except SourceError as error:
        problems.extend(error)
        problems.raise_if_any(SourceError)
        raise  # not reached: the problems hold the error's
    problems.raise_if_any(SourceError)
    chosen = rule_filter(policy, options.select, options.ignore)
    configured = policy  # the config's `rules:` may name a rule --select leaves out
    names = rule_names(configured, ENGINE_RULES)
    check_inline(loaded.suppressions, names)  # an unknown rule id: an error, ignored or not
    inline = InlineRun(today, names, chosen, ignore=options.ignore_inline)
    if options.select or options.ignore:
        # Rules not chosen do not run, and their waivers are not reported as unused.
        kept = tuple(rule for rule in policy.rules if chosen(rule.id))
        policy = msgspec.structs.replace(
            policy,
            rules=kept,
            waivers=tuple(w for w in policy.waivers if _waiver_kept(w.rule, policy, kept)),
        )
    findings = evaluate_loaded(loaded, policy, catalog, today)
    findings = tuple(inline.apply(findings, loaded.suppressions))
    changes = None
    if options.base is not None:
        findings, changes = compare_with_base(
            options.base,
            options.sources,
            findings,
            policy,
            catalog,
            today,
            loaded.snapshot,
            inline=inline,
            suppressions=loaded.suppressions,
            resolved=resolved,
        )
    if options.select or options.ignore:
        findings = tuple(f for f in findings if chosen(f.rule_id))
    docs = {k: v for k, v in engine_rule_docs().items() if chosen(k)}
    docs.update(rule_docs(policy.rules))
    if options.rules:
        findings, docs = configure_rules(findings, docs, configured, options)
    # what is reported, by the severity a finding ends up with
    if options.min_severity > min(Severity):
        findings = tuple(f for f in findings if f.severity >= options.min_severity)
    snapshot = loaded.snapshot
    return Report(
        findings=findings,
        rules=dict(sorted(docs.items())),
        catalog_version=catalog.version,
        tool_version=__version__,
        sources=tuple(options.sources),
        policies=policy.sources,
        account_id=snapshot.account.id,
        environment=snapshot.account.environment,
        fail_on=options.fail_on,
        subjects_checked=subject_counts(snapshot),
        as_of=today.isoformat(),
        places=SubjectPlaces(findings, loaded),
        notices=loaded.notice_lines(),
        notes=loaded.notes,
        changes=changes,
    )
