"""RISService70 handlers: CTI providers/devices/lines per node, CTI device registration, limits."""

from __future__ import annotations

import pytest
from lxml import etree

from cucmsim import cti
from cucmsim.model import CTI_MANAGER, Cluster
from cucmsim.options import SimOptions
from cucmsim.serviceability.ris import RisService
from cucmsim.soap import SoapFault
from tests.unit.cucmsim.serviceability.lab import SUB1, SUB2, E, build_cluster, nil, request, texts

NODES = "selectCtiItemReturn/SelectCtiItemResult/CtiNodes/item"
CTI_ITEMS = f"{NODES}/CtiItems/item"


@pytest.fixture
def cluster() -> Cluster:
    cluster = build_cluster()
    cti.connect_all(cluster)
    return cluster


def ris(limit: int = -1) -> RisService:
    return RisService(SimOptions(ris_rate_per_minute=limit))


def select_cti(
    mgr_class: str = "Provider",
    status: str = "Any",
    node: str | None = None,
    by: str = "UserId",
    apps: list[str] | None = None,
    devices: list[str] | None = None,
) -> etree._Element:
    return E.selectCtiItem(
        E.StateInfo(),
        E.CtiSelectionCriteria(
            E.MaxReturnedItems("1000"),
            E.CtiMgrClass(mgr_class),
            E.Status(status),
            E.NodeName(node) if node else nil("NodeName"),
            E.SelectAppBy(by),
            E.AppItems(*[E.item(E.AppItem(a)) for a in apps]) if apps else nil("AppItems"),
            E.DevNames(*[E.item(E.DevName(d)) for d in devices]) if devices else nil("DevNames"),
            nil("DirNumbers"),
        ),
    )


def call(cluster: Cluster, body: etree._Element, node: str = SUB1) -> etree._Element:
    return ris().handle(request(cluster, node, body))


def per_node(root: etree._Element, field: str) -> dict[str, list[str]]:
    """Node name -> the field's texts in that node's CtiItems."""
    return {
        node.xpath("string(*[local-name()='Name'])"): texts(node, f"CtiItems/item/{field}")
        for node in root.xpath("//*[local-name()='CtiNodes']/*[local-name()='item']")
    }


def test_providers_are_listed_under_their_current_node(cluster: Cluster) -> None:
    root = call(cluster, select_cti())
    assert per_node(root, "UserId") == {SUB1: ["ctiapp"], SUB2: ["recorder"]}
    assert texts(root, "selectCtiItemReturn/SelectCtiItemResult/TotalItemsFound") == ["2"]
    assert texts(root, f"{CTI_ITEMS}/AppStatus") == ["Open", "Open"]
    assert texts(root, f"{CTI_ITEMS}/AppIpAddr") == ["10.1.1.20", "10.1.1.21"]
    assert all(el.tag.startswith("{http://schemas.cisco.com/ast/soap}") for el in root.iter())


def test_failover_moves_the_provider_and_drops_the_stopped_node(cluster: Cluster) -> None:
    cluster.services[(SUB1, CTI_MANAGER)].status = "Stopped"
    cti.on_ctimanager_stopped(cluster, SUB1)
    root = call(cluster, select_cti(apps=["CTIAPP"]))
    assert per_node(root, "UserId") == {SUB2: ["ctiapp"]}


def test_app_filter_by_app_id_and_node_filter(cluster: Cluster) -> None:
    root = call(cluster, select_cti(by="AppId", apps=["102"]))
    assert per_node(root, "UserId") == {SUB1: [], SUB2: ["recorder"]}
    root = call(cluster, select_cti(node=SUB2))
    assert per_node(root, "UserId") == {SUB2: ["recorder"]}
    root = call(cluster, select_cti(node="cucm-nowhere"))
    assert texts(root, f"{NODES}/ReturnCode") == ["InvalidNodeName"]


def test_devices_open_and_missing_device_closed(cluster: Cluster) -> None:
    root = call(cluster, select_cti("Device", apps=["ctiapp"]))
    names = texts(root, f"{CTI_ITEMS}/CtiDevice/DeviceName")
    statuses = texts(root, f"{CTI_ITEMS}/CtiDevice/DeviceStatus")
    assert dict(zip(names, statuses, strict=True)) == {
        "RP_IVR1": "Open",
        "CTIP1": "Open",
        "CTIP2": "Open",
        "SEP001122334455": "Closed",
        "RP_MISSING": "Closed",
    }
    root = call(cluster, select_cti("Device", status="Open", devices=["ctip*"]))
    assert texts(root, f"{CTI_ITEMS}/CtiDevice/DeviceName") == ["CTIP1", "CTIP2"]


def test_devices_of_a_failed_app_are_closed(cluster: Cluster) -> None:
    cti.fail_app(cluster, "ctiapp")
    root = call(cluster, select_cti("Device", status="Open", apps=["ctiapp"]))
    assert texts(root, f"{CTI_ITEMS}/CtiDevice/DeviceName") == []
    root = call(cluster, select_cti("Device", status="Closed", apps=["ctiapp"]))
    assert per_node(root, "AppStatus")[SUB1] == ["Closed"] * 5


def test_lines_of_open_devices(cluster: Cluster) -> None:
    root = call(cluster, select_cti("Line", apps=["ctiapp"]))
    assert texts(root, f"{CTI_ITEMS}/CtiLine/DirNumber") == ["7000", "7101", "7102"]
    assert texts(root, f"{CTI_ITEMS}/CtiLine/LineStatus") == ["Open"] * 3


def test_select_cm_device_registers_cti_devices_on_first_started_cm(cluster: Cluster) -> None:
    body = E.selectCmDevice(
        E.StateInfo(),
        E.CmSelectionCriteria(
            E.MaxReturnedDevices("1000"),
            E.DeviceClass("Any"),
            E.Model("255"),
            E.Status("Any"),
            nil("NodeName"),
            E.SelectBy("Name"),
            E.SelectItems(E.item(E.Item("*"))),
            E.Protocol("Any"),
            E.DownloadStatus("Any"),
        ),
    )
    cti.fail_app(cluster, "recorder")
    root = call(cluster, body)
    devices = "selectCmDeviceReturn/SelectCmDeviceResult/CmNodes/item/CmDevices/item"
    nodes = texts(root, "selectCmDeviceReturn/SelectCmDeviceResult/CmNodes/item/Name")
    assert nodes == ["cucm-pub", SUB1, SUB2]
    found = dict(zip(texts(root, f"{devices}/Name"), texts(root, f"{devices}/Status"), strict=True))
    assert found == {
        "CTIP1": "Registered",
        "CTIP2": "Registered",
        "RP_IVR1": "Registered",
        "RP_REC": "UnRegistered",
    }
    assert texts(root, f"{devices}/Model") == ["72", "72", "73", "73"]


def test_rate_limit_faults_with_cisco_wording(cluster: Cluster) -> None:
    svc = ris(limit=2)
    svc.handle(request(cluster, SUB1, select_cti()))
    svc.handle(request(cluster, SUB1, select_cti()))
    svc.handle(request(cluster, SUB2, select_cti()))
    with pytest.raises(SoapFault) as caught:
        svc.handle(request(cluster, SUB1, select_cti()))
    assert caught.value.http_status == 500
    assert caught.value.faultstring.startswith(
        "AxisFault: Exceeded allowed rate for Reatime information. "
        "Current allowed rate for realtime information is 2 requests per minute."
    )
    svc.set_rate_limit(3)
    svc.handle(request(cluster, SUB1, select_cti()))


def test_missing_criteria_is_a_client_fault(cluster: Cluster) -> None:
    with pytest.raises(SoapFault, match="CtiSelectionCriteria"):
        call(cluster, E.selectCtiItem(E.StateInfo()))
