"""HTTP-level behaviour: paths, auth and session cookie, SOAPAction checks, WSDL, nodes."""

from __future__ import annotations

from pathlib import Path

import requests

from cucmsim.api import SimServer
from cucmsim.options import SimOptions

from .conftest import AUTH, Axl


def test_axl_path_needs_trailing_slash(sim: SimServer) -> None:
    assert requests.post(sim.base_url + "/axl", auth=AUTH, timeout=5).status_code == 404


def test_get_axl_page(sim: SimServer) -> None:
    page = requests.get(sim.base_url + "/axl/", auth=AUTH, timeout=5)
    assert page.status_code == 200
    assert "<title>Cisco CallManager: AXL Web Service</title>" in page.text


def test_missing_or_bad_credentials_get_401(sim: SimServer) -> None:
    for auth in (None, ("axladmin", "wrong")):
        reply = requests.get(sim.base_url + "/axl/", auth=auth, timeout=5)
        assert reply.status_code == 401
        assert reply.headers["WWW-Authenticate"] == 'Basic realm="Cisco"'
        assert reply.content == b""


def test_session_cookie_replaces_basic_auth(sim: SimServer) -> None:
    session = requests.Session()
    first = session.get(sim.base_url + "/axl/", auth=AUTH, timeout=5)
    assert "JSESSIONIDSSO" in first.cookies
    again = session.get(sim.base_url + "/axl/", timeout=5)
    assert again.status_code == 200
    stranger = requests.get(sim.base_url + "/axl/", cookies={"JSESSIONIDSSO": "forged"}, timeout=5)
    assert stranger.status_code == 401


def test_keep_alive_reuses_one_connection(sim: SimServer, axl: Axl) -> None:
    first = axl.call("getCCMVersion")
    second = axl.call("getCCMVersion")
    assert first.http.headers.get("Connection", "").lower() != "close"
    assert second.status == 200


def test_soap_action_must_match_version_and_operation(axl: Axl) -> None:
    quoted = axl.call("getCCMVersion", action='"CUCM:DB ver=12.5 getCCMVersion"')
    bare = axl.call("getCCMVersion", action="CUCM:DB ver=12.5 getCCMVersion")
    assert (quoted.status, bare.status) == (200, 200)
    wrong_version = axl.call("getCCMVersion", action='"CUCM:DB ver=14.0 getCCMVersion"')
    assert wrong_version.status == 500
    assert "does not match" in wrong_version.faultstring
    wrong_op = axl.call("getCCMVersion", action='"CUCM:DB ver=12.5 listPhone"')
    assert wrong_op.status == 500 and "listPhone" in wrong_op.faultstring
    unsupported = axl.call("getCCMVersion", version="13.0")
    assert unsupported.status == 500 and "not supported" in unsupported.faultstring
    for version in ("11.5", "14.0", "15.0"):
        assert axl.call("getCCMVersion", version=version).status == 200


def test_malformed_envelope_is_a_client_fault(sim: SimServer) -> None:
    reply = requests.post(sim.base_url + "/axl/", data=b"<nope", auth=AUTH, timeout=5)
    assert reply.status_code == 500
    assert b"soapenv:Client" in reply.content


def test_nodes_listen_on_their_own_loopback_address(sim: SimServer) -> None:
    nodes = sim.nodes()
    assert [n["address"] for n in nodes] == ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    assert requests.get(sim.base_url + "/__sim__/nodes", timeout=5).json() == nodes
    sim.reset_counters()
    sub2 = Axl(sim.node_url("cucm-sub2"))
    assert sub2.call("getCCMVersion").status == 200
    assert sim.requests()[-1]["node"] == "cucm-sub2"


def test_wsdl_served_from_wsdl_dir(tmp_path: Path) -> None:
    (tmp_path / "axl").mkdir()
    (tmp_path / "axl" / "AXLAPI.wsdl").write_text(
        '<definitions><soap:address location="https://CCMSERVERNAME:8443/axl/"/></definitions>'
    )
    with SimServer(SimOptions(seed="empty", node_count=1, wsdl_dir=tmp_path)) as server:
        reply = requests.get(server.base_url + "/axl/?wsdl", auth=AUTH, timeout=5)
        assert reply.status_code == 200
        assert reply.headers["Content-Type"].startswith("text/xml")
        host = server.base_url.split("//", 1)[1]
        assert f"https://{host}/axl/" in reply.text
        assert requests.get(server.base_url + "/axl/?wsdl", timeout=5).status_code == 401


def test_wsdl_missing_is_404(sim: SimServer) -> None:
    assert requests.get(sim.base_url + "/axl/?wsdl", auth=AUTH, timeout=5).status_code == 404
