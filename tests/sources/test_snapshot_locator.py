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

from hypothesis import given
from hypothesis import strategies as st

from suitelint.findings import Location
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
        items = sections[name]
        writer.put("[")
        for i, item in enumerate(items):
            if i:
                writer.put(",")
            writer.newline(2)
            writer.obj(list(item.items()), 2, name, item["id"])
        writer.put("]")
    writer.newline(0)
    writer.put("}")
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
