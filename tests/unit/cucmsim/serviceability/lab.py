"""A small hand-built cluster, independent of the seed, for the Serviceability unit tests.

Three nodes; CTIManager runs on both subscribers and is not activated on the
publisher. `ctiapp` (primary sub1, backup sub2) controls a route point, two
CTI ports, a phone (not a CTI device) and a name that does not exist;
`recorder` (primary sub2, backup sub1) controls one route point.
"""

from __future__ import annotations

from lxml import etree
from lxml.builder import ElementMaker

from cucmsim.model import (
    CALL_MANAGER,
    CTI_MANAGER,
    CallManagerGroup,
    Cluster,
    CtiApplication,
    Device,
    DevicePool,
    LineAppearance,
    NodeRole,
    ProcessNode,
    ServiceState,
    User,
    key,
)
from cucmsim.serviceability.xml import NS
from cucmsim.soap import SoapRequest

PUB, SUB1, SUB2 = "cucm-pub", "cucm-sub1", "cucm-sub2"
CTI_ENABLED = "Standard CTI Enabled"
E = ElementMaker(namespace=NS, nsmap={"ns0": NS})


def _device(name: str, product: str, *patterns: str) -> Device:
    return Device(
        name=name,
        product=product,
        device_class="CTI Route Point" if product == "CTI Route Point" else "Phone",
        protocol="SCCP",
        device_pool="DP_CTI",
        location="Hub_None",
        lines=[
            LineAppearance(index=i + 1, pattern=p, partition=None) for i, p in enumerate(patterns)
        ],
    )


def build_cluster() -> Cluster:
    cluster = Cluster(name="lab")
    roles: list[tuple[str, NodeRole]] = [
        (PUB, "Publisher"),
        (SUB1, "Subscriber"),
        (SUB2, "Subscriber"),
    ]
    for i, (name, role) in enumerate(roles):
        cluster.nodes[key(name)] = ProcessNode(name=name, address=f"127.0.0.{i + 1}", role=role)
        cluster.services[(name, CALL_MANAGER)] = ServiceState(CALL_MANAGER, True, "Started")
        cti_on = name != PUB
        cluster.services[(name, CTI_MANAGER)] = ServiceState(
            CTI_MANAGER,
            cti_on,
            "Started" if cti_on else "Stopped",
            start_time=1.0 if cti_on else None,
        )
        cluster.services[(name, "Cisco Tomcat")] = ServiceState("Cisco Tomcat", True, "Started")
    cluster.cm_groups[key("CMG_Subs")] = CallManagerGroup("CMG_Subs", [SUB1, SUB2])
    cluster.device_pools[key("DP_CTI")] = DevicePool("DP_CTI", "CMG_Subs")
    for device in (
        _device("RP_IVR1", "CTI Route Point", "7000"),
        _device("CTIP1", "CTI Port", "7101"),
        _device("CTIP2", "CTI Port", "7102"),
        _device("RP_REC", "CTI Route Point", "7200"),
        _device("SEP001122334455", "Cisco 8841", "7300"),
    ):
        cluster.devices[key(device.name)] = device
    cluster.app_users[key("ctiapp")] = User(
        "ctiapp",
        is_app_user=True,
        associated_devices=["RP_IVR1", "CTIP1", "CTIP2", "SEP001122334455", "RP_MISSING"],
        groups=[CTI_ENABLED],
    )
    cluster.app_users[key("recorder")] = User(
        "recorder", is_app_user=True, associated_devices=["RP_REC"], groups=[CTI_ENABLED]
    )
    cluster.applications[key("ctiapp")] = CtiApplication("ctiapp", SUB1, SUB2, "10.1.1.20", "101")
    cluster.applications[key("recorder")] = CtiApplication(
        "recorder", SUB2, SUB1, "10.1.1.21", "102"
    )
    return cluster


def request(cluster: Cluster, node: str, body: etree._Element, path: str = "/") -> SoapRequest:
    return SoapRequest(
        path=path,
        operation=etree.QName(body).localname,
        body=body,
        soap_action=None,
        node=cluster.nodes[key(node)],
        cluster=cluster,
        username="axladmin",
    )


def nil(tag: str) -> etree._Element:
    el = getattr(E, tag)()
    el.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
    return el


def texts(root: etree._Element, path: str) -> list[str]:
    """Texts at a path of local names separated by '/'."""
    xpath = "/".join(f"*[local-name()='{part}']" for part in path.split("/"))
    return [el.text or "" for el in root.xpath(xpath)]
