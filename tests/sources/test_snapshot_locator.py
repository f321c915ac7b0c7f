"""Where a finding points in a JSON snapshot: the subject's ``"id"`` key, or the
``"permkey"`` key of the permission it is about.

The locator reads the text with string searches, not a second parse (a large account is
tens of megabytes), so these properties pin its answers against offsets recorded while
writing the JSON by hand: any section order, minified or indented, non-ASCII text, a
user's own ``"roles"`` list before the roles section, duplicate permkeys (the first row
is the one pointed at) and roles asked for so often that their permissions get indexed.
Lines and columns are counted from marks every few kilobytes: the marks are drawn as
small as one byte, so a line (or a minified file's only line) spans many of them and a
mark may fall inside a multi-byte character.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from unittest import mock

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from suitelint.findings import Location
from suitelint.model import Snapshot
from suitelint.sources import snapshot
from suitelint.sources.snapshot import Locator

PERMKEYS = ("ADMI_ACCOUNTING", "LIST_EMPLOYEE", "TRAN_CUSTINVC", "TRAN_CUSTPYMT", "ADMI_ROLES")


@dataclass
class Writer:
    """Writes JSON by hand, recording where each key it cares about starts."""

    indent: str | None
    ascii_only: bool
    line_break: str = "\n"
    parts: list[str] = field(default_factory=list)
    size: int = 0
    ids: dict[tuple[str, str], int] = field(default_factory=dict)
    permkeys: dict[tuple[str, str], int] = field(default_factory=dict)

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def string(self, value: str) -> str:
        return json.dumps(value, ensure_ascii=self.ascii_only)

    def newline(self, depth: int) -> None:
        if self.indent is not None:
            self.put(self.line_break + self.indent * depth)

    def obj(self, items: list[tuple[str, object]], depth: int, section: str, subject: str):
        self.put("{")
        for k, (key, value) in enumerate(items):
            if k:
                self.put(",")
            self.newline(depth + 1)
            if key == "id" and depth == 2:
                self.ids.setdefault((section, subject), self.size)
            if key == "permkey":
                self.permkeys.setdefault((subject, str(value)), self.size)
            self.put(self.string(key) + (": " if self.indent is not None else ":"))
            self.value(value, depth + 1, section, subject)
        self.newline(depth)
        self.put("}")

    def value(self, value: object, depth: int, section: str, subject: str) -> None:
        if isinstance(value, list):
            self.put("[")
            for k, item in enumerate(value):
                if k:
                    self.put(",")
                self.newline(depth + 1)
                if isinstance(item, dict):
                    self.obj(list(item.items()), depth + 1, section, subject)
                else:
                    self.value(item, depth + 1, section, subject)
            if value:
                self.newline(depth)
            self.put("]")
        else:
            self.put(self.string(str(value)))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def expected(text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location("s.json", line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


odd_text = st.text(
    st.characters(blacklist_categories=("Cs",), min_codepoint=1, max_codepoint=0x2FFF),
    max_size=6,
)


@st.composite
def accounts(draw):
    n_roles = draw(st.integers(1, 6))
    role_ids = [f"{k}{draw(odd_text)}" for k in range(n_roles)]
    roles = []
    for role_id in role_ids:
        # Names may look like keys: '"id": "0"' is only ever inside a string.
        name = draw(
            st.sampled_from(['"id": "0"', '"permkey": "LIST_EMPLOYEE"', "roles"]) | odd_text
        )
        perms = draw(st.lists(st.sampled_from(PERMKEYS), max_size=12))
        roles.append(
            {
                "id": role_id,
                "name": name,
                "permissions": [{"permkey": p, "level": "FULL"} for p in perms],
            }
        )
    users = [
        {"id": f"u{k}", "name": draw(odd_text), "roles": draw(st.lists(st.sampled_from(role_ids)))}
        for k in range(draw(st.integers(0, 4)))
    ]
    tokens = [
        {"id": f"t{k}", "user": "u0", "role": draw(st.sampled_from(role_ids))}
        for k in range(draw(st.integers(0, 4)))
    ]
    sections = {"roles": roles, "users": users, "tokens": tokens, "integrations": []}
    order = draw(st.permutations(["account", *sections]))
    return sections, order


@given(
    accounts(),
    st.sampled_from([None, "", "  ", "\t"]),
    st.booleans(),
    st.randoms(use_true_random=False),
    st.sampled_from([1, 2, 3, 7, 64, 4096]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_each_subject_and_permission_is_located_at_its_key(
    account, indent, ascii_only, rng, chunk, newline
):
    sections, order = account
    writer = _written(sections, order, indent, ascii_only, newline)
    text = writer.text
    json.loads(text)  # the writer writes JSON
    locator = Locator("s.json", data=text.encode())

    asks = [(name, item["id"], None) for name in sections for item in sections[name]]
    for role in sections["roles"]:
        # permkeys it holds, several times over (so the role gets indexed), and one it
        # lacks; placed all at once, a role asked for a few is searched, not indexed
        wanted = rng.sample(PERMKEYS, rng.randint(1, len(PERMKEYS)))
        asks += [("roles", role["id"], p) for p in wanted] * 5
    rng.shuffle(asks)
    with mock.patch.object(snapshot, "_LINE_CHUNK", chunk):
        for section, subject, permkey in asks:
            offset = writer.ids[(section, subject)]
            if permkey is not None:
                offset = writer.permkeys.get((subject, permkey), offset)
            assert locator.locate(section, subject, permkey) == expected(text, offset), (
                section,
                subject,
                permkey,
            )
    # placing them all at once (how findings are placed) answers the same, whether
    # the subjects' permissions were indexed by the asks above or not
    for fresh in (Locator("s.json", data=text.encode()), locator):
        grouped: dict[tuple[str, str], list[str | None]] = {}
        for section, subject, permkey in asks:
            grouped.setdefault((section, subject), []).append(permkey)
        placed = fresh.place_all(grouped)
        for section, subject, permkey in asks:
            offset = writer.ids[(section, subject)]
            if permkey is not None:
                offset = writer.permkeys.get((subject, permkey), offset)
            assert placed[(section, subject, permkey)] == expected(text, offset)


def test_an_unknown_subject_is_located_at_the_file_only() -> None:
    locator = Locator("s.json", data=b'{"roles": [{"id": "1", "name": "R"}]}')
    assert locator.locate("roles", "2") == Location("s.json")
    assert locator.locate("tokens", "1") == Location("s.json")
    # placing many at once answers only what it places at a line
    assert locator.place_all({("roles", "2"): ["ADMI_ROLES"], ("tokens", "1"): [None]}) == {}


def _written(
    sections: dict, order: list, indent: str | None, ascii_only: bool, newline: str
) -> Writer:
    """The account's sections written as JSON in ``order``, by a :class:`Writer` (which
    remembers where each subject and permission key is)."""
    writer = Writer(indent, ascii_only, newline)
    writer.put("{")
    for k, name in enumerate(order):
        if k:
            writer.put(",")
        writer.newline(1)
        writer.put(writer.string(name) + ":")
        if name == "account":
            writer.obj([("id", "ACCOUNT")], 1, "account", "")
            continue
        writer.put("[")
        for i, item in enumerate(sections[name]):
            if i:
                writer.put(",")
            writer.newline(2)
            writer.obj(list(item.items()), 2, name, item["id"])
        writer.put("]")
    writer.newline(0)
    writer.put("}")
    return writer


@given(
    accounts(),
    st.sampled_from([None, "", "  ", "\t"]),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
    st.lists(st.permutations(["id", "name", "permissions"]), min_size=6, max_size=6),
    st.booleans(),
)
def test_a_roles_rows_read_from_the_decoded_role_are_where_the_search_finds_them(
    account, indent, ascii_only, newline, key_orders, reorder
):
    """``Locator.role_rows`` reads where each row of a role is from the text between its
    ``"id"`` key and the next role's, aligned with the rows the decoder read. Whatever
    the layout (keys in any order, so that a role's rows may stand before its "id" and
    inside the previous role's text; names that look like rows), it answers what
    ``locate`` answers for every permkey of the role, or nothing; for a file written
    with "id" first, indented or minified, it always answers."""
    sections, order = account
    if reorder:
        sections["roles"] = [
            {key: role[key] for key in keys}
            for role, keys in zip(sections["roles"], key_orders, strict=False)
        ]
    text = _written(sections, order, indent, ascii_only, newline).text
    data = text.encode()
    decoded = msgspec.json.decode(data, type=Snapshot)
    fast = Locator("s.json", data=data, roles=decoded.roles)
    searched = Locator("s.json", data=data)
    for role in decoded.roles:
        rows = fast.role_rows(role.id)
        k = next(k for k, r in enumerate(sections["roles"]) if r["id"] == role.id)
        id_first = [next(iter(r)) == "id" for r in sections["roles"][k : k + 2]]
        if all(id_first):
            assert rows is not None, role.id
        if rows is None:
            continue
        for permkey in [None, *PERMKEYS]:
            expected_place = searched.locate("roles", role.id, permkey)
            assert rows.get(permkey, rows[None]) == expected_place, (role.id, permkey)


def test_a_role_whose_rows_are_laid_out_otherwise_is_searched_for() -> None:
    # rows written in two ways (one on the role's line, one below it): not laid out
    data = (
        b'{"roles": [{"id": "1", "name": "R", "permissions": [{"permkey": "ADMI_ROLES",'
        b' "level": "FULL"},\n {"permkey": "LIST_EMPLOYEE", "level": "VIEW"}]}]}'
    )
    decoded = msgspec.json.decode(data, type=Snapshot)
    locator = Locator("s.json", data=data, roles=decoded.roles)
    assert locator.role_rows("1") is None
    assert locator.locate("roles", "1", "LIST_EMPLOYEE") == Location("s.json", 2, 3)
    # a role that is not in the file (a standard role added by loading) is not laid out
    assert locator.role_rows("3") is None
