"""Effective permissions: which held permissions a sequence of selectors matches.

``Effective.matches`` works on bits (each permkey seen gets one; a table is, per level, the
permkeys it holds at that level or above; a selector, per threshold, the permkeys it
selects), extended as tables with new permkeys come along. Whatever the order tables are
asked in, it answers what the plain definition says: each held permission matched by the
first selector whose threshold it reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from suitelint.catalog import Catalog, load_catalog
from suitelint.effective import Effective, Grant
from suitelint.findings import Link
from suitelint.model import LEVEL_BY_NAME, CustomObject, Level, Permission, Role, Snapshot
from suitelint.sdfref import reference_or_none

PERMKEYS = [f"KEY_{k}" for k in range(12)]
LEVELS = ["NONE", "VIEW", "CREATE", "EDIT", "FULL"]


@dataclass(frozen=True, eq=False)
class Threshold:
    """A selector given by its threshold per permkey (absent: not selected)."""

    at: dict[str, Level]

    def threshold(self, permkey: str, catalog: Catalog) -> Level | None:
        return self.at.get(permkey)


selectors = st.lists(
    st.dictionaries(st.sampled_from(PERMKEYS), st.sampled_from(list(Level))).map(Threshold),
    max_size=4,
).map(tuple)
rows = st.lists(
    st.tuples(st.sampled_from(PERMKEYS), st.sampled_from(LEVELS)), max_size=len(PERMKEYS)
)


def plain(levels: dict[str, Level], chosen: tuple[Threshold, ...]) -> set[tuple[str, Level, int]]:
    found = set()
    for permkey, level in levels.items():
        for k, selector in enumerate(chosen):
            threshold = selector.at.get(permkey)
            if threshold is not None and level >= threshold:
                found.add((permkey, level, k))
                break
    return found


@given(
    st.lists(rows, min_size=1, max_size=5), st.lists(selectors, min_size=1, max_size=3), st.data()
)
def test_matches_are_each_held_permission_and_its_first_matching_selector(
    roles_rows, selector_sets, data
) -> None:
    roles = [
        Role(
            id=str(k),
            name=f"R{k}",
            permissions=[Permission(permkey=p, level=lv) for p, lv in role_rows],  # type: ignore[arg-type]
        )
        for k, role_rows in enumerate(roles_rows)
    ]
    account = Effective(Snapshot(roles=roles), load_catalog())
    # tables asked in any order, each with any of the selector sequences, some twice
    asks = data.draw(
        st.lists(st.tuples(st.sampled_from(roles), st.sampled_from(selector_sets)), min_size=1)
    )
    for role, chosen in asks:
        table = account.role_table(role)
        found = account.matches(table, chosen)
        got = {(permkey, level, chosen.index(selector)) for permkey, level, selector in found}
        assert len(got) == len(found)
        expected_levels = {p: lv for p, lv in table.levels.items() if lv > LEVEL_BY_NAME["NONE"]}
        assert got == plain(expected_levels, chosen)


def test_one_link_per_kind_permkey_and_level_whoever_asks() -> None:
    # links are values: perm_link and the level_links a fast loop fills hold the same one
    account = Effective(Snapshot(), load_catalog())
    role_grant = Grant((), Role(id="1", name="R"))
    user_grant = Grant((), None)
    link = account.perm_link("TRAN_CUSTINVC", Level.EDIT, role_grant)
    assert (link.kind, link.id, link.detail) == ("permission", "TRAN_CUSTINVC", "EDIT")
    assert account.perm_link("TRAN_CUSTINVC", Level.EDIT, role_grant) is link
    assert account.level_links(role_grant)[Level.EDIT]["TRAN_CUSTINVC"] is link
    assert account.perm_link("TRAN_CUSTINVC", Level.VIEW, role_grant) is not link
    other = account.perm_link("TRAN_CUSTINVC", Level.EDIT, user_grant)
    assert other.kind == "global_permission" and other == Link(
        "global_permission", "TRAN_CUSTINVC", link.name, "EDIT"
    )


NAMED = Snapshot(
    custom_objects=(
        CustomObject("customrecord_invoice_log", name="Invoice Log"),
        CustomObject("CSEG_Region", name="Region", kind="customsegment"),
    )
)


def _display_by_reference(permkey: str) -> str:
    """How a custom permkey is shown, by the parsed reference: its object's name where the
    sources name the project's own object of its scriptid."""
    reference = reference_or_none(permkey)
    assert reference is not None
    if reference.appid is None and reference.bundleid is None:
        names = {"customrecord_invoice_log": "Invoice Log", "cseg_region": "Region"}
        if reference.scriptid in names:
            return f"{names[reference.scriptid]} ({permkey})"
    kind = {"customrecordtype": "custom record", "customsegment": "custom segment"}
    return f"{permkey} ({kind.get(reference.kind or '', 'custom transaction type')} not in the sources)"


@given(
    st.sampled_from(
        [
            "customrecord_invoice_log",
            "CustomRecord_Invoice_Log",
            "cseg_region",
            "CSEG_REGION",
            "customrecord_other",
            "customsale_x",
            "[customrecord_invoice_log]",
            "[scriptid=customrecord_invoice_log]",
            "[appid=com.vendor.app, scriptid=customrecord_invoice_log]",
            "[bundleid=12, scriptid=cseg_region]",
            "[type=customsegment, scriptid=cseg_region]",
        ]
    )
)
def test_a_custom_permkey_is_shown_by_the_name_of_the_object_it_refers_to(permkey: str) -> None:
    # a bare scriptid (nearly every custom permkey) is answered without parsing it
    assert Effective(NAMED, load_catalog()).display(permkey) == _display_by_reference(permkey)
