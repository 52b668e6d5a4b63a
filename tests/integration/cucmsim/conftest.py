"""A live simulator on loopback and a raw-SOAP helper, shared by the module's tests."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from lxml import etree

from cucmsim.api import SimServer
from cucmsim.options import SimOptions

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
AUTH = ("axladmin", "axlpassword")


def cisco_schema_dir() -> Path | None:
    """Cisco's AXL 12.5 files from the test-only ciscoaxl wheel, without importing it."""
    spec = importlib.util.find_spec("ciscoaxl")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "schema" / "12.5"
    return folder if (folder / "AXLSoap.xsd").exists() else None


@dataclass
class Reply:
    status: int
    root: etree._Element | None
    http: requests.Response

    @property
    def body(self) -> etree._Element:
        assert self.root is not None
        return self.root.find(f"{{{SOAP_ENV}}}Body")[0]

    @property
    def axlcode(self) -> int:
        return int(self.body.findtext(".//axlcode"))

    @property
    def faultstring(self) -> str:
        return self.body.findtext("faultstring")

    @property
    def returned(self) -> etree._Element:
        return self.body.find("return")


class Axl:
    """Raw AXL over HTTP, so the wire itself is what the tests see."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.url = base_url + "/axl/"
        self.session = session or requests.Session()
        self.session.auth = AUTH

    def call(
        self,
        op: str,
        inner: str = "",
        version: str = "12.5",
        action: str | None = None,
        timeout: float = 10,
    ) -> Reply:
        payload = (
            f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xmlns:ns="http://www.cisco.com/AXL/API/{version}"><soapenv:Body>'
            f"<ns:{op}>{inner}</ns:{op}></soapenv:Body></soapenv:Envelope>"
        )
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": action if action is not None else f'"CUCM:DB ver={version} {op}"',
        }
        http = self.session.post(self.url, data=payload.encode(), headers=headers, timeout=timeout)
        root = etree.fromstring(http.content) if http.content.startswith(b"<?xml") else None
        return Reply(http.status_code, root, http)

    def ok(self, op: str, inner: str = "", version: str = "12.5") -> etree._Element:
        reply = self.call(op, inner, version)
        assert reply.status == 200, etree.tostring(reply.root) if reply.root is not None else reply
        return reply.returned


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(SimOptions(seed="demo")) as server:
        yield server


@pytest.fixture
def axl(sim: SimServer) -> Axl:
    sim.clear_faults()
    sim.set_axl_write_rate(None)
    sim.set_latency(0)
    return Axl(sim.base_url)
