"""The one SDF reference parser: every form SDF writes, any key order and spacing; the
identity keeps appid, bundleid and type; an unknown form lists the forms suitelint reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suitelint.sdfref import (
    CUSTOM_PREFIXES,
    KNOWN_FORMS,
    SdfReference,
    SdfReferenceError,
    custom_kind,
    glob_may_name_custom,
    parse_reference,
    reference_or_none,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("customrecord_x", SdfReference("customrecord_x")),
        ("CustomRecord_X", SdfReference("customrecord_x")),
        ("[customtransaction2]", SdfReference("customtransaction2")),
        ("[scriptid=customrecord_x]", SdfReference("customrecord_x")),
        (
            "[appid=com.acme.app, scriptid=customrecord_x]",
            SdfReference("customrecord_x", "com.acme.app"),
        ),
        (
            "[scriptid=customrecord_x, appid=com.acme.app]",
            SdfReference("customrecord_x", "com.acme.app"),
        ),
        (
            "[ appid = com.acme.app ,scriptid=customrecord_x ]",
            SdfReference("customrecord_x", "com.acme.app"),
        ),
        ("[type=customsegment, scriptid=cseg2]", SdfReference("cseg2", type="customsegment")),
        (
            "[bundleid=369503, scriptid=customsale_x]",
            SdfReference("customsale_x", bundleid="369503"),
        ),
        (
            "[bundleid=1, appid=a.b, type=customrecordtype, scriptid=customrecord_x]",
            SdfReference("customrecord_x", "a.b", "1", "customrecordtype"),
        ),
        # type= may name an object whose scriptid has no custom prefix
        ("[type=customsegment, scriptid=region]", SdfReference("region", type="customsegment")),
    ],
)
def test_every_known_form_parses(written: str, expected: SdfReference) -> None:
    assert parse_reference(written) == expected


def test_the_identity_keeps_appid_bundleid_and_type_in_salto_order() -> None:
    assert parse_reference("[scriptid=customrecord_x]").key == "customrecord_x"
    assert (
        parse_reference("[scriptid=customrecord_x, type=customrecordtype, appid=a.b]").key
        == "[appid=a.b, type=customrecordtype, scriptid=customrecord_x]"
    )
    # two SuiteApps reusing a scriptid are two permissions
    one = parse_reference("[appid=com.one, scriptid=customrecord_x]")
    two = parse_reference("[appid=com.two, scriptid=customrecord_x]")
    assert one.key != two.key


def test_a_bare_scriptid_covers_every_qualified_form_but_not_the_reverse() -> None:
    bare = parse_reference("cseg2")
    typed = parse_reference("[type=customsegment, scriptid=cseg2]")
    assert bare.covers(typed)
    assert not typed.covers(bare)
    assert not parse_reference("[appid=a.b, scriptid=cseg2]").covers(
        parse_reference("[appid=c.d, scriptid=cseg2]")
    )


def test_the_kind_comes_from_type_or_the_prefix() -> None:
    assert parse_reference("customrecord_x").kind == "customrecordtype"
    assert parse_reference("custompurchase_x").kind == "customtransactiontype"
    assert parse_reference("[type=customsegment, scriptid=region]").kind == "customsegment"
    assert parse_reference("[type=transactionbodycustomfield, scriptid=cseg_1]").kind is None


@pytest.mark.parametrize(
    "written",
    [
        "[scriptid=customrecord_x",
        "[]",
        "[owner=me, scriptid=customrecord_x]",
        "[scriptid=customrecord_x, scriptid=customrecord_y]",
        "[appid=com.a]",
        "[scriptid=custom record]",
        "[/SuiteScripts/x.js]",
        "[scriptid=customrecord_x]|[scriptid=customrecord_y]",
        "TRAN_CUSTPYMT",
    ],
)
def test_an_unknown_form_is_an_error_listing_the_known_forms(written: str) -> None:
    with pytest.raises(SdfReferenceError) as raised:
        parse_reference(written)
    message = str(raised.value)
    assert repr(written) in message
    assert all(form in message for form in KNOWN_FORMS)
    assert "malformed" not in message


def test_a_known_form_naming_no_custom_object_says_what_it_would_need() -> None:
    with pytest.raises(SdfReferenceError, match="add type="):
        parse_reference("[scriptid=customlist_colours]")


@pytest.mark.parametrize(
    ("pattern", "may"),
    [
        ("customrecord*", True),
        ("cseg*", True),
        ("customtransaction*", True),
        ("custom*", True),
        ("customrecord_acme_*", True),
        ("TRAN_*", False),
        ("*", False),
        ("cust?", True),
    ],
)
def test_globs_that_can_name_custom_objects(pattern: str, may: bool) -> None:
    assert glob_may_name_custom(pattern) is may


_scriptid = st.from_regex(r"customrecord[a-z0-9_]{1,20}", fullmatch=True)
_appid = st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8}){1,2}", fullmatch=True)
_type = st.sampled_from(["customsegment", "customrecordtype", "customtransactiontype"])


@given(
    scriptid=_scriptid,
    appid=st.none() | _appid,
    kind=st.none() | _type,
    bundleid=st.none() | st.integers(1, 10**9).map(str),
    order=st.permutations(range(4)),
    space=st.sampled_from(["", " ", "  "]),
)
def test_any_order_and_spacing_gives_the_same_identity_and_the_key_round_trips(
    scriptid: str,
    appid: str | None,
    kind: str | None,
    bundleid: str | None,
    order: list[int],
    space: str,
) -> None:
    parts = [("bundleid", bundleid), ("appid", appid), ("type", kind), ("scriptid", scriptid)]
    given_parts = [parts[i] for i in order if parts[i][1] is not None]
    text = (
        "["
        + f"{space},{space}".join(f"{k}{space}={space}{v.upper()}" for k, v in given_parts)
        + "]"
    )
    reference = parse_reference(text)
    assert reference == SdfReference(scriptid, appid, bundleid, kind)
    assert parse_reference(reference.key) == reference


def _parsed_or_none(text: str) -> SdfReference | None:
    try:
        return parse_reference(text)
    except SdfReferenceError:
        return None


@given(
    st.one_of(
        st.from_regex(
            r"(customrecord|customsale|cseg|CUSTOMRECORD|LIST)_?[a-zA-Z0-9_]{0,12}", fullmatch=True
        ),
        st.builds(
            lambda pad, text, end: pad + text + end,
            st.sampled_from(["", " ", "[", "\t", " [ "]),
            st.sampled_from(["customrecord_x", "cseg1", "scriptid=customrecord_y", "TRAN_X", ""]),
            st.sampled_from(["", " ", "]", " ] ", "\n"]),
        ),
        st.text(max_size=20),
    )
)
def test_reference_or_none_is_the_parse_or_none(text: str) -> None:
    # a bare scriptid (nearly every custom permkey) is answered before the general checks
    assert reference_or_none(text) == _parsed_or_none(text)


def _prefix_kind(text: str) -> str | None:
    """The kind by the prefix list, read plainly: a prefix, then 1-92 of [a-z0-9_] (ASCII:
    the Kelvin sign's lower case is a "k")."""
    if not text.isascii():
        return None
    lowered = text.lower()
    for prefix, kind in CUSTOM_PREFIXES:
        rest = lowered.removeprefix(prefix)
        if lowered.startswith(prefix) and 1 <= len(rest) <= 92:
            return kind if all(c in "abcdefghijklmnopqrstuvwxyz0123456789_" for c in rest) else None
    return None


@given(
    st.from_regex(
        r"(customrecord|customtransaction|custompurchase|customsale|cseg|CSEG|CustomSale|LIST)"
        r"[a-zA-Z0-9_ .\u0130\u212a]{0,95}",
        fullmatch=True,
    )
    | st.text(max_size=20)
)
def test_custom_kind_is_the_kind_of_the_prefix_a_custom_scriptid_starts_with(text: str) -> None:
    assert custom_kind(text) == _prefix_kind(text)
