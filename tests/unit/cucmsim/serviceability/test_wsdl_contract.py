"""The client's compact WSDLs (bot/cucm/wsdl) and the simulator agree on the wire.

zeep builds each request from the client's WSDL and parses the simulator's
answer with it (strict), without HTTP: a transport hands the envelope straight
to the SoapService. The WSDL files are read as data; nothing from `bot` is
imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import zeep
from lxml import etree
from zeep.transports import Transport

from cucmsim import cti
from cucmsim.model import CTI_MANAGER, Cluster
from cucmsim.options import SimOptions
from cucmsim.serviceability import ControlCenterService, PerfmonService, RisService
from cucmsim.soap import SoapFault, SoapService, envelope, fault_envelope, parse_body
from tests.unit.cucmsim.serviceability.lab import SUB1, SUB2, build_cluster, request

WSDL_DIR = Path(__file__).resolve().parents[4] / "bot" / "cucm" / "wsdl"


class DirectTransport(Transport):
    """Delivers zeep's envelope to one SoapService as if it had been sent to `node`."""

    def __init__(self, service: SoapService, cluster: Cluster, node: str) -> None:
        super().__init__()
        self._service, self._cluster, self._node = service, cluster, node

    def post_xml(
        self, address: str, envelope_el: etree._Element, headers: dict
    ) -> requests.Response:
        body = parse_body(etree.tostring(envelope_el))
        response = requests.Response()
        try:
            response._content = envelope(
                self._service.handle(request(self._cluster, self._node, body))
            )
            response.status_code = 200
        except SoapFault as fault:
            response._content = fault_envelope(fault)
            response.status_code = fault.http_status
        response.headers["Content-Type"] = "text/xml; charset=utf-8"
        return response


@pytest.fixture
def cluster() -> Cluster:
    cluster = build_cluster()
    cti.connect_all(cluster)
    return cluster


def client(wsdl: str, service: SoapService, cluster: Cluster, node: str = SUB1) -> zeep.Client:
    transport = DirectTransport(service, cluster, node)
    return zeep.Client(
        str(WSDL_DIR / wsdl), transport=transport, settings=zeep.Settings(strict=True)
    )


def test_control_center_round_trip(cluster: Cluster) -> None:
    svc = client(
        "controlcenter.wsdl", ControlCenterService(SimOptions(service_transition_s=0)), cluster
    )
    status = svc.service.soapGetServiceStatus([CTI_MANAGER])
    assert status.ServiceInfoList.item[0].ServiceStatus == "Started"
    reply = svc.service.soapDoControlServices(
        {"NodeName": SUB1, "ControlType": "Stop", "ServiceList": {"item": [CTI_MANAGER]}}
    )
    assert reply.ServiceInfoList.item[0].ServiceStatus in ("Stopping", "Stopped")
    assert svc.service.soapGetServiceStatus([""]).ServiceInfoList.item[1].ReasonCode == -1069


def test_ris_round_trip(cluster: Cluster) -> None:
    ris = client("ris.wsdl", RisService(SimOptions(ris_rate_per_minute=-1)), cluster)
    criteria = {
        "MaxReturnedItems": 100,
        "CtiMgrClass": "Line",
        "Status": "Any",
        "NodeName": None,
        "SelectAppBy": "UserId",
        "AppItems": {"item": [{"AppItem": "ctiapp"}]},
        "DevNames": None,
        "DirNumbers": None,
    }
    result = ris.service.selectCtiItem(StateInfo="", CtiSelectionCriteria=criteria)
    nodes = result.SelectCtiItemResult.CtiNodes.item
    assert [n.Name for n in nodes] == [SUB1, SUB2]
    assert [i.CtiLine.DirNumber for i in nodes[0].CtiItems.item] == ["7000", "7101", "7102"]
    devices = ris.service.selectCmDevice(
        StateInfo="",
        CmSelectionCriteria={
            "MaxReturnedDevices": 100,
            "DeviceClass": "Cti",
            "Model": 255,
            "Status": "Registered",
            "NodeName": None,
            "SelectBy": "Name",
            "SelectItems": {"item": [{"Item": "RP*"}]},
            "Protocol": "Any",
            "DownloadStatus": "Any",
        },
    )
    assert devices.SelectCmDeviceResult.TotalDevicesFound == 2


def test_perfmon_round_trip(cluster: Cluster) -> None:
    perfmon = client("perfmon.wsdl", PerfmonService(SimOptions()), cluster, SUB2)
    objects = perfmon.service.perfmonListCounter(Host=SUB2)
    assert "Cisco CTI Manager" in [o.Name for o in objects]
    values = perfmon.service.perfmonCollectCounterData(Host=SUB2, Object="Cisco CTI Manager")
    assert {v.Name.rsplit("\\", 1)[1]: v.Value for v in values}["DevicesOpen"] == 1
