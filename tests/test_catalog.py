"""The permission catalog: names, categories, levels, capabilities, standard roles."""

from __future__ import annotations

import fnmatch
import functools
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT
from suitelint.catalog import (
    canonical_permkey,
    glob_matcher,
    is_custom_permkey,
    load_catalog,
    named_permkey,
)
from suitelint.model import Level

catalog = load_catalog()


def test_permissions_are_found_by_permkey_ui_name_or_alias_case_insensitively():
    assert catalog.lookup("TRAN_CUSTPYMT") == ("TRAN_CUSTPYMT",)
    assert catalog.lookup("tran_custpymt") == ("TRAN_CUSTPYMT",)
    assert catalog.lookup("customer payment") == ("TRAN_CUSTPYMT",)
    assert catalog.lookup("  Customer   Payment ") == ("TRAN_CUSTPYMT",)
    assert catalog.lookup("Web Services") == ("ADMI_WEBSERVICES",)  # an Oracle alias
    assert catalog.lookup("No Such Permission") == ()


_GLOB_TEXT = st.text(alphabet="ab*?[]!-\nA", max_size=6)


@given(pattern=_GLOB_TEXT, text=_GLOB_TEXT)
def test_a_glob_matches_as_fnmatch_does(pattern, text):
    """glob() tests leading and trailing stars as string tests: the same answer."""
    assert bool(glob_matcher(pattern)(text)) == fnmatch.fnmatchcase(text, pattern)


def test_globs_match_keys_and_names():
    assert "TRAN_CUSTINVC" in catalog.glob("TRAN_*")
    assert all(key.startswith("TRAN_") for key in catalog.glob("tran_*"))
    assert "ADMI_WEBSERVICES" in catalog.glob("*web services*")


@pytest.mark.parametrize(
    "pattern", ["TRAN_*", "*web services*", "*payment", "Customer ?ayment", "zzz*", "[", "*"]
)
def test_glob_matches_says_whether_glob_finds_any(pattern):
    assert catalog.glob_matches(pattern) == bool(catalog.glob(pattern))


def test_categories_follow_the_permission_subtabs():
    assert catalog.category("ADMI_ACCTSETUP") == "setup"
    assert catalog.category("TRAN_CUSTINVC") == "transactions"
    assert catalog.category("LIST_VENDOR") == "lists"
    assert catalog.category("REPO_FINANCIALS") == "reports"
    assert catalog.category("customrecord_invoice_log") == "custom_record"


def test_capabilities_depend_on_the_level_held():
    assert "delete-records" not in catalog.capabilities_of("TRAN_CUSTINVC", Level.EDIT)
    assert "delete-records" in catalog.capabilities_of("TRAN_CUSTINVC", Level.FULL)
    assert "modify-scripts" in catalog.capabilities_of("ADMI_CUSTOMSCRIPT", Level.CREATE)
    assert catalog.capabilities_of("ADMI_CUSTOMSCRIPT", Level.NONE) == frozenset()


@given(
    st.sampled_from(sorted(catalog.permissions)),
    st.sampled_from(list(Level)),
    st.sampled_from(list(Level)),
)
def test_a_higher_level_never_confers_fewer_capabilities(permkey: str, a: Level, b: Level):
    low, high = sorted((a, b))
    assert catalog.capabilities_of(permkey, low) <= catalog.capabilities_of(permkey, high)


def test_every_capability_names_its_sources():
    assert {
        "delete-records",
        "modify-scripts",
        "manage-roles-and-permissions",
        "create-tokens",
        "configure-system",
        "web-services-access",
        "read-financials",
        "move-money",
    } <= set(catalog.capabilities)
    for capability in catalog.capabilities.values():
        assert capability.sources, capability.tag
        assert all(source.url.startswith("https://") for source in capability.sources)


def test_documented_and_observed_levels_are_accepted_and_others_are_not():
    assert catalog.accepts("REPO_BOOKINGS", Level.VIEW)
    # Oracle documents VIEW only; real exports hold FULL, and the catalog cites one
    assert catalog.accepts("REPO_BOOKINGS", Level.FULL)
    customization = catalog.get("REPO_CUSTOMIZATION")
    assert customization is not None and customization.levels == (Level.VIEW,)
    assert Level.FULL in customization.observed_levels
    source = dict(customization.observed)[Level.FULL]
    assert source.startswith("github ") and " src/Objects/" in source and " @ " in source
    assert not catalog.accepts("ADMI_ACCTSETUP", Level.VIEW)  # neither: a warning
    assert catalog.accepts("customrecord_x", Level.FULL)  # custom: levels unknown, all accepted
    assert catalog.accepts("ADMI_NOT_LISTED", Level.VIEW)  # unlisted: levels unknown
    assert not catalog.accepts("not a key", Level.VIEW)
    # seen outside the corpus (scripts/observed-levels.yaml), cited the same way
    reconcile = catalog.get("REPO_RECONCILE")
    assert reconcile is not None and reconcile.levels == (Level.VIEW,)
    assert dict(reconcile.observed)[Level.EDIT].startswith("github ChristianDevDisruptt/")


def test_standard_roles_are_known_by_name_scriptid_and_id():
    admin = catalog.standard_role("administrator")
    assert admin is not None and admin.everything and admin.id == "3"
    assert catalog.standard_role("ADMINISTRATOR") is admin
    assert catalog.standard_role("3") is admin
    full = catalog.standard_role("Full Access")
    assert full is not None and full.everything and full.deprecated == "2019.1"
    assert catalog.standard_role("A/P Clerk") is not None
    assert catalog.standard_role("Invoice Sync Role") is None


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("[scriptid=customrecord_invoice_log]", "customrecord_invoice_log"),
        (
            "[appid=com.vendor.app,scriptid=customrecord_Vendor_X]",
            "[appid=com.vendor.app, scriptid=customrecord_vendor_x]",
        ),
        ("customrecord_x", "customrecord_x"),
        ("[customtransaction2]", "customtransaction2"),
        ("[scriptid=custompurchase_po_approval]", "custompurchase_po_approval"),
        ("TRAN_CUSTPYMT", "TRAN_CUSTPYMT"),
    ],
)
def test_custom_references_are_recognised_by_syntax(written: str, canonical: str):
    assert canonical_permkey(written) == canonical
    assert catalog.get(written) is not None


@pytest.mark.parametrize(
    "written",
    ["[scriptid=]", "[scriptid=TRAN_CUSTPYMT]", "[foo=customrecord_x]", "[customrecord_x"],
)
def test_malformed_references_are_rejected(written: str):
    with pytest.raises(ValueError):
        canonical_permkey(written)
    assert not is_custom_permkey(written)
    assert catalog.get(written) is None


def test_suggestions_for_misspelt_names():
    assert catalog.suggest("Custmer Payment")[0] == "TRAN_CUSTPYMT (Customer Payment)"
    assert catalog.suggest("TRAN_CUSTINV")[0] == "TRAN_CUSTINVC (Invoice)"


def test_the_catalog_carries_a_version():
    assert catalog.version.startswith("2026.11.25+")


def test_the_shipped_catalog_is_what_the_build_script_makes(shared):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_catalog.py"),
            "--shared",
            str(shared),
            "--check",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_catalog_lists_every_permission_of_the_research_table(shared):
    rows = (shared / "netsuite" / "permissions.tsv").read_text().splitlines()[1:]
    keys = {row.split("\t")[0] for row in rows if row.strip()}
    assert keys == set(catalog.permissions)


@pytest.mark.parametrize(
    ("written", "permkey"),
    [("Vendor Payment", "TRAN_VENDPYMT"), ("customer", "LIST_CUSTJOB"), ("Vendor", "LIST_VENDOR")],
)
def test_a_records_name_resolves_to_the_permission_that_governs_it(written, permkey):
    assert catalog.lookup(written) == (permkey,)


def test_a_mistyped_record_name_suggests_its_permission_first():
    assert catalog.suggest("Vendor Paymnt")[0] == "TRAN_VENDPYMT (Pay Bills)"


@pytest.mark.parametrize(
    ("written", "permkey"),
    [
        # as Oracle's permission worksheet (NetSuitePermissionsUsage 2024.1) writes them
        ("Payroll Hours & Earnings", "REPO_PAYROLLHOURSEARNING"),
        ("Payroll Summary & Detail Reports", "REPO_PAYROLL"),
        ("Long Term Liability Registers", "REGT_LONGTERMLIAB"),
        ("Non Posting Registers", "REGT_NONPOSTING"),
        ("Web Site Management", "ADMI_SITEMANAGEMENT"),
        ("OpenID Connect (OIDC) Single Sign-On", "ADMI_OIDC"),
        ("Tableau Workbook Export", "LIST_TABLEAU_WORKBOOK_EXPORT"),  # a permkey with no name
        ("Vicarious emails", "ADMI_VICARIOUS_EMAILS"),
        ("Print Checks and Forms", "TRAN_PRINTCHECKSFORMS"),
        # and the catalog's own spellings still
        ("Long-Term Liability Registers", "REGT_LONGTERMLIAB"),
        ("Payroll Hours and Earnings", "REPO_PAYROLLHOURSEARNING"),
    ],
)
def test_a_permission_is_found_by_the_name_netsuites_permission_worksheet_writes(
    written: str, permkey: str
) -> None:
    assert catalog.lookup(written) == (permkey,)


def test_hyphens_and_ampersands_fold_only_between_words() -> None:
    assert catalog.lookup("Long -Term Liability Registers") == ()
    assert catalog.lookup("Payroll Hours Earnings") == ()


@given(st.text(max_size=40))
def test_the_build_script_folds_names_as_the_catalog_compares_them(text: str) -> None:
    from suitelint.catalog import _normalise_name

    assert _build_script().fold_name(text) == _normalise_name(text)


@functools.cache
def _build_script():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_catalog", ROOT / "scripts" / "build_catalog.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@given(
    st.sampled_from(sorted(load_catalog().permissions))
    | st.sampled_from(["customrecord_x", "[scriptid=customrecord_x]", "cseg_a", "NO_SUCH_KEY"])
    | st.text(max_size=12)
)
def test_the_accepted_level_names_are_the_names_of_the_levels_accepts_accepts(
    permkey: str,
) -> None:
    """The engine judges a permkey's rows (their levels by name) by one lookup: the same
    verdict for every level; None is "any level"."""
    catalog = load_catalog()
    names = catalog.accepted_level_names(permkey)
    for level in Level:
        expected = catalog.accepts(permkey, level)
        assert (names is None or level.name in names) == expected, level


def test_the_accepted_level_names_do_not_always_accept() -> None:
    catalog = load_catalog()
    verdicts = set()
    for key in catalog.permissions:
        names = catalog.accepted_level_names(key)
        verdicts.update(names is None or level.name in names for level in Level)
    assert verdicts == {True, False}


CUSTOM_KEYS = [
    "customrecord_a",
    "customrecord_b",
    "CUSTOMRECORD_MIXED",
    "customtransaction_t",
    "custompurchase_p",
    "customsale_s",
    "cseg_region",
    "[scriptid=customrecord_a]",
    "[appid=com.x, scriptid=customrecord_a]",
    "[type=customsegment, scriptid=cseg_region]",
]


@given(st.sampled_from(sorted(catalog.permissions) + CUSTOM_KEYS), st.sampled_from(list(Level)))
def test_a_permkey_confers_what_its_capability_twin_confers(permkey: str, level: Level):
    # blast-radius works a permkey's capabilities out once per twin: thousands of custom
    # records of one subtab share one
    twin = catalog.capability_twin(permkey)
    assert catalog.capabilities_of(permkey, level) == catalog.capabilities_of(twin, level)


def test_custom_records_of_one_subtab_are_twins_and_a_capability_keyed_permkey_is_its_own():
    assert catalog.capability_twin("customrecord_one") == catalog.capability_twin("customrecord_2")
    assert catalog.capability_twin("ADMI_CUSTOMSCRIPT") == "ADMI_CUSTOMSCRIPT"
    with pytest.raises(KeyError):
        catalog.capability_twin("not a permkey")


def test_a_standard_key_the_catalog_does_not_list_sits_on_its_prefix_subtab():
    # a newer release's permission: modelled, nameless, any level, its subtab by prefix
    for key, category in (
        ("ADMI_NEWFEATURE", "setup"),
        ("TRAN_NEWTXN", "transactions"),
        ("REGT_NEWREG", "transactions"),
        ("LIST_NEWLIST", "lists"),
        ("REPO_NEWREPORT", "reports"),
        ("GRAP_NEWGRAPH", "other"),
        ("NEWKEY", "other"),
    ):
        info = catalog.unlisted(key)
        assert info is not None and (info.category, info.name, info.levels) == (category, None, ())
        assert catalog.category(key) == category and not catalog.knows(key)
        assert catalog.get(key) is None  # a policy naming it is still an error
        assert catalog.models(key)  # but the data may hold it
    assert catalog.unlisted("TRAN_CUSTINVC") is None  # listed
    assert catalog.unlisted("customrecord_x") is None  # custom: get() knows it
    for malformed in ("tran_custinvc", "Sales Order", "TRAN_", "_TRAN", "TRAN__X", "", "A" * 101):
        assert catalog.unlisted(malformed) is None, malformed
        assert not catalog.models(malformed), malformed
    # a permission a CSV export names that the catalog does not know: kept by its name
    named = catalog.unlisted(named_permkey(" Bad   Debt "))
    assert named is not None and (named.permkey, named.name) == ("[name=Bad Debt]", "Bad Debt")
    for malformed in (
        "[name= Bad]",
        "[name=]",
        "[name=a\x01b]",
        "[name=a]b]",
        "[name=" + "a" * 101 + "]",
    ):
        assert catalog.unlisted(malformed) is None, malformed


def test_every_listed_permkey_of_a_known_prefix_sits_on_that_prefix_subtab():
    from suitelint.catalog import PREFIX_CATEGORY

    for key, info in catalog.permissions.items():
        prefix = key.partition("_")[0]
        if prefix in PREFIX_CATEGORY:
            assert info.category == PREFIX_CATEGORY[prefix], key


@given(st.text(max_size=40))
def test_unlisted_never_raises_and_never_claims_a_listed_key(text: str):
    info = catalog.unlisted(text)
    assert info is None or (not catalog.knows(text) and info.permkey == text)


@given(
    st.sampled_from(
        [*CUSTOM_KEYS, "CustomSale_X", " customrecord_a", "customrecord_a ", "[cseg_x]"]
    )
    | st.from_regex(r"(customrecord|cseg|CUSTOMSALE|TRAN)[a-zA-Z0-9_]{0,95}", fullmatch=True)
    | st.text(max_size=12)
)
def test_a_bare_custom_scriptid_reads_as_the_reference_parser_reads_it(permkey: str) -> None:
    # get() answers a bare scriptid (nearly every custom permkey) from one match
    fresh = load_catalog.__wrapped__()
    assert fresh.get(permkey) == fresh._other(permkey)
