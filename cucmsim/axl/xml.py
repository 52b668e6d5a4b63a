"""Reading AXL request elements and writing AXL response elements.

AXL children are unqualified, but some clients qualify them; every lookup
here matches on the local name so both forms work. `xsi:nil="true"` and an
empty element both mean "null" for a value, while a missing element means
"leave unchanged" on update, so readers distinguish the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from lxml import etree

from cucmsim.soap import XSI

Element: TypeAlias = etree._Element


def local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def child(elem: Element | None, name: str) -> Element | None:
    if elem is None:
        return None
    return next((c for c in elem if local(c.tag) == name), None)


def children(elem: Element | None, name: str) -> list[Element]:
    if elem is None:
        return []
    return [c for c in elem if local(c.tag) == name]


def is_nil(elem: Element) -> bool:
    return elem.get(f"{{{XSI}}}nil") in ("true", "1")


def has(elem: Element | None, name: str) -> bool:
    return child(elem, name) is not None


def value(elem: Element | None, name: str) -> str | None:
    """The text of child `name`; None when absent, nil or empty."""
    found = child(elem, name)
    if found is None or is_nil(found):
        return None
    text = (found.text or "").strip()
    return text or None


def flag(text: str | None, default: bool) -> bool:
    if text is None:
        return default
    return text.strip().lower() in ("true", "t", "1", "yes")


def bool_text(flag_value: bool) -> str:
    return "true" if flag_value else "false"


def sub(parent: Element, name: str, text: str | None = None, uuid: str | None = None) -> Element:
    elem = etree.SubElement(parent, name)
    if text is not None:
        elem.text = text
    if uuid is not None:
        elem.set("uuid", uuid)
    return elem


def scalar_fields(elem: Element, skip: Iterable[str]) -> dict[str, str | None]:
    """Leaf children not in `skip`, by local name: the fields echoed back verbatim."""
    skipped = set(skip)
    return {
        local(c.tag): (None if is_nil(c) else (c.text or "").strip() or None)
        for c in elem
        if isinstance(c.tag, str) and len(c) == 0 and local(c.tag) not in skipped
    }


def ordered(parent: Element, fields: dict[str, Element], order: list[str]) -> None:
    """Append `fields` to `parent` in schema order, unknown ones last.

    zeep walks a sequence in schema order, so a response out of order would
    silently lose fields on the client.
    """
    for name in order:
        if name in fields:
            parent.append(fields.pop(name))
    for elem in fields.values():
        parent.append(elem)


def leaf(name: str, text: str | None = None, uuid: str | None = None) -> Element:
    elem = etree.Element(name)
    if text is not None:
        elem.text = text
    if uuid is not None:
        elem.set("uuid", uuid)
    return elem
