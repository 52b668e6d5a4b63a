"""Interoperability: a plain zeep client built from Cisco's own 12.5 AXLAPI.wsdl
provisions a CTI application against the simulator in strict mode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from cucmsim.api import SimServer
from cucmsim.options import SimOptions

from .conftest import AUTH, cisco_schema_dir

SCHEMA_DIR = cisco_schema_dir()
BINDING = "{http://www.cisco.com/AXLAPIService/}AXLAPIBinding"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    assert SCHEMA_DIR is not None, "the ciscoaxl test dependency carries no AXL 12.5 schema"
    options = SimOptions(strict=True, axl_xsd=SCHEMA_DIR / "AXLSoap.xsd")
    with SimServer(options) as server:
        yield server


@pytest.fixture(scope="module")
def service(sim: SimServer) -> Any:
    from zeep import Client, Settings
    from zeep.transports import Transport

    assert SCHEMA_DIR is not None, "the ciscoaxl test dependency carries no AXL 12.5 schema"
    session = requests.Session()
    session.auth = AUTH
    session.trust_env = False
    client = Client(
        str(SCHEMA_DIR / "AXLAPI.wsdl"),
        settings=Settings(strict=False, xml_huge_tree=True),
        transport=Transport(session=session, operation_timeout=10),
    )
    return client.create_service(BINDING, sim.base_url + "/axl/")


def test_provisioning_sequence(service: Any, sim: SimServer) -> None:
    service.addLine(
        line={
            "pattern": "7100",
            "usage": "Device",
            "routePartitionName": "PT_CTI",
            "description": "IVR 2",
            "callForwardOnFailure": {"destination": "6000"},
        }
    )
    service.addCtiRoutePoint(
        ctiRoutePoint={
            "name": "RP_IVR2",
            "product": "CTI Route Point",
            "class": "CTI Route Point",
            "protocol": "SCCP",
            "protocolSide": "User",
            "devicePoolName": "DP_CTI",
            "locationName": "Hub_None",
            "useTrustedRelayPoint": "Default",
            "lines": {
                "line": [
                    {
                        "index": 1,
                        "dirn": {"pattern": "7100", "routePartitionName": "PT_CTI"},
                        "maxNumCalls": 5000,
                        "busyTrigger": 4500,
                    }
                ]
            },
        }
    )
    current = service.getAppUser(userid="ctiapp_rec")["return"]["appUser"]
    devices = (current["associatedDevices"] or {}).get("device") or []
    service.updateAppUser(userid="ctiapp_rec", associatedDevices={"device": [*devices, "RP_IVR2"]})
    service.updateAppUser(
        userid="ctiapp_rec",
        associatedGroups={"userGroup": [{"name": "Standard CTI Enabled"}]},
    )
    service.updateUserGroup(
        name="Standard CTI Allow Call Monitoring",
        addMembers={"member": [{"userId": "ctiapp_rec"}]},
    )

    line = service.getLine(pattern="7100", routePartitionName="PT_CTI")["return"]["line"]
    assert line["callForwardOnFailure"]["destination"] == "6000"
    assert line["description"] == "IVR 2"
    assert line["associatedDevices"]["device"] == ["RP_IVR2"]

    rp = service.getCtiRoutePoint(name="RP_IVR2")["return"]["ctiRoutePoint"]
    assert rp["devicePoolName"]["_value_1"] == "DP_CTI"
    assert rp["uuid"].startswith("{")
    rp_line = rp["lines"]["line"][0]
    assert rp_line["dirn"]["pattern"] == "7100"
    assert rp_line["dirn"]["routePartitionName"]["_value_1"] == "PT_CTI"
    assert (int(rp_line["maxNumCalls"]), int(rp_line["busyTrigger"])) == (5000, 4500)

    app_user = service.getAppUser(userid="ctiapp_rec")["return"]["appUser"]
    assert app_user["associatedDevices"]["device"] == ["RP_IVR2"]
    assert [g["name"] for g in app_user["associatedGroups"]["userGroup"]] == [
        "Standard CTI Enabled",
        "Standard CTI Allow Call Monitoring",
    ]
    group = service.getUserGroup(name="Standard CTI Allow Call Monitoring")["return"]["userGroup"]
    assert [m["userId"] for m in group["members"]["member"]] == ["ctiapp_rec"]


def test_reads_and_faults_through_zeep(service: Any) -> None:
    from zeep.exceptions import Fault

    params = service.listServiceParameter(
        searchCriteria={"processNodeName": "cucm-sub1", "service": "Cisco CTIManager"},
        returnedTags={"name": "", "value": "", "valueType": ""},
    )["return"]["serviceParameter"]
    assert {p["name"]: p["value"] for p in params}["CtiMaxDevicesPerNode"] == "800"
    version = service.getCCMVersion()["return"]["componentVersion"]["version"]
    assert version.startswith("12.5")
    with pytest.raises(Fault) as raised:
        service.getCtiRoutePoint(name="RP_NOPE")
    assert raised.value.detail.find(".//axlcode").text == "5007"
