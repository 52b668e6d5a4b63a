"""Strict mode against Cisco's real 12.5 XSD, and HTTPS with the generated CA."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from cucmsim.api import SimServer
from cucmsim.options import SimOptions

from .conftest import AUTH, Axl, cisco_schema_dir

SCHEMA_DIR = cisco_schema_dir()


@pytest.fixture(scope="module")
def strict_sim() -> Iterator[SimServer]:
    assert SCHEMA_DIR is not None, "the ciscoaxl test dependency carries no AXL 12.5 schema"
    options = SimOptions(strict=True, axl_xsd=SCHEMA_DIR / "AXLSoap.xsd", node_count=1)
    with SimServer(options) as server:
        yield server


def test_valid_request_passes_in_any_version(strict_sim: SimServer) -> None:
    axl = Axl(strict_sim.base_url)
    for version in ("12.5", "14.0"):
        reply = axl.call(
            "updateLine",
            "<pattern>7000</pattern><routePartitionName>PT_CTI</routePartitionName>"
            '<callForwardOnFailure><callingSearchSpaceName xsi:nil="true"/>'
            "<destination>6000</destination></callForwardOnFailure>",
            version=version,
        )
        assert reply.status == 200, reply.http.text


def test_invalid_request_gets_validation_fault(strict_sim: SimServer) -> None:
    axl = Axl(strict_sim.base_url)
    with strict_sim.cluster.lock:
        lines_before = len(strict_sim.cluster.lines)
    reply = axl.call("addLine", "<line><usage>Device</usage><bogus>1</bogus></line>")
    assert reply.status == 500
    assert reply.body.findtext("faultcode") == "soapenv:Client"
    assert reply.axlcode == 5001
    assert "bogus" in reply.faultstring or "pattern" in reply.faultstring
    with strict_sim.cluster.lock:
        assert len(strict_sim.cluster.lines) == lines_before, "nothing executed"


def test_tls_with_generated_ca() -> None:
    with SimServer(SimOptions(tls=True, seed="empty", node_count=2)) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        assert server.ca_cert_path is not None and server.ca_cert_path.is_file()
        session = requests.Session()
        session.trust_env = False
        session.verify = str(server.ca_cert_path)
        for node in server.nodes():
            reply = Axl(node["url"], session).call("getCCMVersion")
            assert reply.status == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(server.base_url + "/axl/", auth=AUTH, timeout=5)
