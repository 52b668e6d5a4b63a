"""Serviceability over real HTTP: CTIManager failover seen through Control Center, RIS and PerfMon.

Raw SOAP with `requests`, each request sent to the node it concerns (every
node listens on its own loopback address), like a client of real CUCM.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from lxml import etree

from cucmsim import api
from cucmsim.options import SimOptions
from tests.waiting import wait_until

NS = "http://schemas.cisco.com/ast/soap"
CC = "/controlcenterservice2/services/ControlCenterServices"
RIS = "/realtimeservice2/services/RISService70"
PERFMON = "/perfmonservice2/services/PerfmonService"
WSDL_DIR = Path(__file__).resolve().parents[4] / "bot" / "cucm" / "wsdl"
SUB1, SUB2 = "cucm-sub1", "cucm-sub2"
APP = "ctiapp_ivr"


@pytest.fixture
def sim() -> Iterator[api.SimServer]:
    options = SimOptions(service_transition_s=0.05, ris_rate_per_minute=1000, wsdl_dir=WSDL_DIR)
    with api.SimServer(options) as server:
        yield server


def post(sim: api.SimServer, node: str, path: str, op: str, inner: str) -> requests.Response:
    payload = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<soapenv:Body><ns0:{op} xmlns:ns0="{NS}">{inner}</ns0:{op}></soapenv:Body>'
        "</soapenv:Envelope>"
    )
    return requests.post(
        sim.node_url(node) + path,
        data=payload.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{op}"'},
        auth=(sim.options.username, sim.options.password),
        timeout=5,
    )


def ok(response: requests.Response) -> etree._Element:
    assert response.status_code == 200, response.text
    return etree.fromstring(response.content)


def values(root: etree._Element, local: str) -> list[str]:
    return [el.text or "" for el in root.iter(f"{{{NS}}}{local}")]


def control(
    sim: api.SimServer, node: str, kind: str, target: str | None = None
) -> requests.Response:
    inner = (
        f"<ns0:ControlServiceRequest><ns0:NodeName>{target or node}</ns0:NodeName>"
        f"<ns0:ControlType>{kind}</ns0:ControlType>"
        "<ns0:ServiceList><ns0:item>Cisco CTIManager</ns0:item></ns0:ServiceList>"
        "</ns0:ControlServiceRequest>"
    )
    return post(sim, node, CC, "soapDoControlServices", inner)


def cti_status(sim: api.SimServer, node: str) -> str:
    inner = "<ns0:ServiceStatus>Cisco CTIManager</ns0:ServiceStatus>"
    return values(ok(post(sim, node, CC, "soapGetServiceStatus", inner)), "ServiceStatus")[0]


def wait_for(sim: api.SimServer, node: str, wanted: str) -> None:
    wait_until(lambda: cti_status(sim, node) == wanted, timeout=3, what=f"{node} {wanted}")


def provider_node(sim: api.SimServer, via: str) -> list[str]:
    inner = (
        "<ns0:StateInfo/><ns0:CtiSelectionCriteria>"
        "<ns0:MaxReturnedItems>1000</ns0:MaxReturnedItems><ns0:CtiMgrClass>Provider</ns0:CtiMgrClass>"
        '<ns0:Status>Any</ns0:Status><ns0:NodeName xsi:nil="true"/>'
        "<ns0:SelectAppBy>UserId</ns0:SelectAppBy>"
        f"<ns0:AppItems><ns0:item><ns0:AppItem>{APP}</ns0:AppItem></ns0:item></ns0:AppItems>"
        '<ns0:DevNames xsi:nil="true"/><ns0:DirNumbers xsi:nil="true"/>'
        "</ns0:CtiSelectionCriteria>"
    )
    root = ok(post(sim, via, RIS, "selectCtiItem", inner))
    return [
        node.findtext(f"{{{NS}}}Name") or ""
        for node in root.iter(f"{{{NS}}}item")
        if node.find(f"{{{NS}}}CtiItems/{{{NS}}}item") is not None
    ]


def devices_open(sim: api.SimServer, node: str) -> int:
    inner = f"<ns0:Host>{node}</ns0:Host><ns0:Object>Cisco CTI Manager</ns0:Object>"
    root = ok(post(sim, node, PERFMON, "perfmonCollectCounterData", inner))
    counters = {
        el.findtext(f"{{{NS}}}Name", "").rsplit("\\", 1)[1]: int(el.findtext(f"{{{NS}}}Value", ""))
        for el in root.iter(f"{{{NS}}}perfmonCollectCounterDataReturn")
    }
    return counters["DevicesOpen"]


def test_ctimanager_stop_fails_over_and_start_does_not_fail_back(sim: api.SimServer) -> None:
    assert provider_node(sim, SUB2) == [SUB1]
    assert (devices_open(sim, SUB1), devices_open(sim, SUB2)) == (1, 0)

    assert values(ok(control(sim, SUB1, "Stop")), "ServiceStatus") == ["Stopping"]
    wait_for(sim, SUB1, "Stopped")
    assert provider_node(sim, SUB2) == [SUB2]
    assert (devices_open(sim, SUB1), devices_open(sim, SUB2)) == (0, 1)

    assert values(ok(control(sim, SUB1, "Start")), "ServiceStatus") == ["Starting"]
    wait_for(sim, SUB1, "Started")
    assert provider_node(sim, SUB1) == [SUB2]
    assert (devices_open(sim, SUB1), devices_open(sim, SUB2)) == (0, 1)


def test_control_center_is_local_node_only(sim: api.SimServer) -> None:
    response = control(sim, SUB1, "Stop", target=SUB2)
    assert response.status_code == 500
    assert b"only on the local node" in response.content
    assert cti_status(sim, SUB2) == "Started"


def test_ris_rate_limit_fault_after_the_allowed_calls(sim: api.SimServer) -> None:
    limit = 3
    sim.options.ris_rate_per_minute = limit
    for _ in range(limit):
        provider_node(sim, SUB1)
    response = post(sim, SUB1, RIS, "selectCtiItem", "<ns0:StateInfo/>")
    assert response.status_code == 500
    assert b"AxisFault: Exceeded allowed rate for Reatime information" in response.content
    assert b"is 3 requests per minute" in response.content
    assert provider_node(sim, SUB2) == [SUB1]


def test_wsdl_is_served_with_the_node_address(sim: api.SimServer) -> None:
    response = requests.get(
        sim.node_url(SUB2) + RIS + "?wsdl",
        auth=(sim.options.username, sim.options.password),
        timeout=5,
    )
    assert response.status_code == 200
    location = etree.fromstring(response.content).xpath(
        "string(//*[local-name()='address']/@location)"
    )
    assert "127.0.0.3" in location
    assert location.endswith(RIS)


def test_wsdl_without_a_wsdl_dir_is_404() -> None:
    with api.SimServer(SimOptions(wsdl_dir=None)) as sim:
        response = requests.get(
            sim.node_url(SUB1) + PERFMON + "?wsdl",
            auth=(sim.options.username, sim.options.password),
            timeout=5,
        )
    assert response.status_code == 404
