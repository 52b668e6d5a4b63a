"""SOAP 1.1 envelope handling shared by every simulated CUCM endpoint.

The HTTP server (cucmsim.server) parses the envelope, finds the SoapService
registered for the path, and hands it a SoapRequest; the service answers with
the response element or raises SoapFault. Services never see HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from cucmsim.model import Cluster, ProcessNode

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class SoapFault(Exception):
    """A SOAP fault as CUCM sends it: HTTP 500 unless told otherwise."""

    def __init__(
        self,
        faultstring: str,
        faultcode: str = "soapenv:Client",
        detail: etree._Element | None = None,
        http_status: int = 500,
    ) -> None:
        super().__init__(faultstring)
        self.faultstring = faultstring
        self.faultcode = faultcode
        self.detail = detail
        self.http_status = http_status


@dataclass
class SoapRequest:
    """One parsed SOAP call, addressed to one process node of the cluster."""

    path: str
    operation: str
    body: etree._Element
    soap_action: str | None
    node: ProcessNode
    cluster: Cluster
    username: str
    headers: dict[str, str] = field(default_factory=dict)


class SoapService(Protocol):
    """A CUCM SOAP endpoint (AXL, ControlCenterServices, RISService70, PerfmonService)."""

    path: str

    def handle(self, request: SoapRequest) -> etree._Element:
        """Return the response element (placed inside soapenv:Body) or raise SoapFault."""
        ...

    def wsdl(self, host: str) -> bytes:
        """The WSDL document served at `<path>?wsdl`."""
        ...


def parse_body(payload: bytes) -> etree._Element:
    """The first element inside soapenv:Body; SoapFault when the envelope is malformed."""
    try:
        root = etree.fromstring(payload, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapFault(f"Unable to parse request: {exc}", "soapenv:Client") from exc
    body = root.find(f"{{{SOAP_ENV}}}Body")
    if root.tag != f"{{{SOAP_ENV}}}Envelope" or body is None or len(body) == 0:
        raise SoapFault("Request is not a SOAP 1.1 envelope with a body", "soapenv:Client")
    return body[0]


def envelope(element: etree._Element) -> bytes:
    """Wrap a response element in a SOAP 1.1 envelope."""
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
    etree.SubElement(env, f"{{{SOAP_ENV}}}Body").append(element)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def fault_envelope(fault: SoapFault) -> bytes:
    """Serialize a SoapFault the way CUCM does (faultcode, faultstring, optional detail)."""
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(node, "faultcode").text = fault.faultcode
    etree.SubElement(node, "faultstring").text = fault.faultstring
    if fault.detail is not None:
        etree.SubElement(node, "detail").append(fault.detail)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")
