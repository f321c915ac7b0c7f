"""Write an SDF custom role object (``src/Objects/customrole_*.xml``).

The element names, their order and the ``T``/``F`` booleans follow the SDF ``<role>``
reference as summarised in ``shared/netsuite/sdf-customrole.md`` (Oracle
``SDFxml_2121043136.html``, "Custom Roles as XML Definitions" ``section_4731154857.html``)
and the corpus files, which list the fields alphabetically, then ``<permissions>``.
Names come from the account and are attacker-controllable: the XML is built with lxml,
which escapes every value, and characters XML 1.0 cannot carry are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from suitelint import sanitize
from suitelint.model import Level


@dataclass(frozen=True, slots=True)
class ProposedPermission:
    permkey: str
    name: str
    level: Level


def xml_text(text: str) -> str:
    """``text`` without the characters an XML document cannot contain."""
    return sanitize.xml_chars(text, "")


def render_customrole(
    scriptid: str,
    name: str,
    permissions: Sequence[ProposedPermission],
    *,
    web_services_only: bool = True,
    comment: str = "",
) -> str:
    """The ``<role>`` object for a custom role holding exactly ``permissions``.

    The role is web-services-only by default: an integration role never needs the
    browser (baseline rule ``integration-role-web-services-only``). ``centertype`` is
    required by SDF; BASIC is the plain centre the corpus uses for web-services-only
    roles. Core Administration Permissions are off.
    """
    from lxml import etree  # only needed when a role is written

    root = etree.Element("role", scriptid=scriptid)
    if comment:
        # "--" may not appear inside an XML comment
        root.append(etree.Comment(" " + xml_text(comment).replace("--", "- -") + " "))
    fields = (
        ("centertype", "BASIC"),
        ("coreadminpermission", "F"),
        ("isinactive", "F"),
        ("iswebserviceonlyrole", "T" if web_services_only else "F"),
        ("name", xml_text(name)),
    )
    for tag, value in fields:
        etree.SubElement(root, tag).text = value
    if permissions:
        element = etree.SubElement(root, "permissions")
        for perm in sorted(permissions, key=lambda p: p.permkey):
            item = etree.SubElement(element, "permission")
            etree.SubElement(item, "permkey").text = perm.permkey
            etree.SubElement(item, "permlevel").text = perm.level.name
    text: str = etree.tostring(root, encoding="unicode", pretty_print=True)
    return text
