"""Reading and writing the Serviceability wire format (elementFormDefault qualified).

Every child element lives in the `http://schemas.cisco.com/ast/soap`
namespace, requests and responses alike; zeep sends omitted nillable
criteria as `xsi:nil="true"`, which must read as "no filter".
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from cucmsim.soap import XSI, SoapFault

NS = "http://schemas.cisco.com/ast/soap"
NSMAP = {"ns": NS}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def element(tag: str) -> etree._Element:
    """A response root element, declaring the `ns` prefix like CUCM's Axis does."""
    return etree.Element(q(tag), nsmap={"ns": NS, "xsi": XSI})


def sub(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    """A qualified child; None text becomes xsi:nil so zeep reads it as None."""
    child = etree.SubElement(parent, q(tag))
    if text is None:
        child.set(f"{{{XSI}}}nil", "true")
    elif isinstance(text, bool):
        child.text = "true" if text else "false"
    else:
        child.text = str(text)
    return child


def container(parent: etree._Element, tag: str) -> etree._Element:
    """A qualified child holding `item` elements (never nil, possibly empty)."""
    return etree.SubElement(parent, q(tag))


def is_nil(el: etree._Element | None) -> bool:
    return el is None or el.get(f"{{{XSI}}}nil") in ("true", "1")


def find(parent: etree._Element | None, tag: str) -> etree._Element | None:
    """A child by local name, tolerating clients that forget the namespace."""
    if parent is None:
        return None
    found = parent.find(q(tag))
    return found if found is not None else parent.find(tag)


def text(parent: etree._Element | None, tag: str) -> str | None:
    """Stripped child text; None when absent, nil or empty."""
    el = find(parent, tag)
    if is_nil(el) or el is None or el.text is None or not el.text.strip():
        return None
    return el.text.strip()


def items(parent: etree._Element | None, tag: str, leaf: str | None = None) -> list[str] | None:
    """Strings of `tag/item[/leaf]`; None when the list itself is absent, nil or empty."""
    holder = find(parent, tag)
    if is_nil(holder) or holder is None:
        return None
    values: list[str] = []
    for item in holder:
        if etree.QName(item).localname != "item":
            continue
        node = find(item, leaf) if leaf else item
        if node is not None and not is_nil(node) and node.text and node.text.strip():
            values.append(node.text.strip())
    return values or None


def bad_request(message: str) -> SoapFault:
    return SoapFault(message, "soapenv:Client")


class WsdlNotFound(SoapFault, FileNotFoundError):
    """HTTP 404 for `?wsdl`; also a FileNotFoundError, which is what the server catches."""


def load_wsdl(wsdl_dir: Path | None, filename: str, host: str, path: str) -> bytes:
    """Our compact WSDL with its soap:address pointed at the node that served it.

    `host` is either a base URL (`https://10.0.0.1:8443`) or `host[:port]`.
    """
    source = wsdl_dir / filename if wsdl_dir is not None else None
    if source is None or not source.is_file():
        raise WsdlNotFound(f"No WSDL available for {path}", "soapenv:Server", http_status=404)
    tree = etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True))
    base = host.rstrip("/") if "://" in host else f"http://{host}"
    for address in tree.iter():
        if isinstance(address.tag, str) and etree.QName(address).localname == "address":
            address.set("location", base + path)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
