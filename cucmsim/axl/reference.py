"""Read-only reference data: version, process nodes, device pools, CM groups,
partitions, calling search spaces, locations."""

from __future__ import annotations

from lxml import etree

from cucmsim.axl import faults
from cucmsim.axl.common import AxlCall, Handler, get_and_list, list_result
from cucmsim.axl.xml import Element, leaf, sub, value
from cucmsim.model import CallingSearchSpace, CallManagerGroup, DevicePool, ProcessNode, key

ENTERPRISE_WIDE = "EnterpriseWideData"


def get_ccm_version(call: AxlCall) -> Element:
    node_name = value(call.body, "processNodeName")
    if node_name is not None and key(node_name) not in call.cluster.nodes:
        raise faults.not_found("Process Node", call.operation)
    version = etree.Element("componentVersion")
    sub(version, "version", call.cluster.version)
    return version


def _process_node(name: str, description: str, usage: str, uuid: str) -> Element:
    elem = leaf("processNode", uuid=uuid)
    sub(elem, "name", name)
    sub(elem, "description", description)
    sub(elem, "mac")
    sub(elem, "ipv6Name")
    sub(elem, "nodeUsage", usage)
    sub(elem, "lbmHubGroup")
    sub(elem, "processNodeRole", "CUCM Voice/Video")
    return elem


def _render_node(node: ProcessNode) -> Element:
    return _process_node(node.name, node.description, node.role, node.uuid)


def list_process_node(call: AxlCall) -> list[Element]:
    """CUCM lists the virtual EnterpriseWideData node first, then the real ones."""
    virtual = _process_node(
        ENTERPRISE_WIDE, "", "Publisher", "{00000000-1111-0000-0000-000000000000}"
    )
    nodes = [virtual, *(_render_node(n) for n in call.cluster.nodes.values())]
    return list_result(call, nodes)


def _render_device_pool(call: AxlCall, pool: DevicePool) -> Element:
    cluster = call.cluster
    elem = leaf("devicePool", uuid=pool.uuid)
    sub(elem, "name", pool.name)
    sub(elem, "dateTimeSettingName", "CMLocal")
    group = cluster.cm_groups.get(key(pool.cm_group))
    sub(elem, "callManagerGroupName", pool.cm_group, group.uuid if group else None)
    sub(elem, "mediaResourceListName")
    sub(elem, "regionName", pool.region)
    sub(elem, "srstName", "Disable")
    location = cluster.locations.get(key(pool.location))
    sub(elem, "locationName", pool.location, location.uuid if location else None)
    return elem


def _render_cm_group(call: AxlCall, group: CallManagerGroup) -> Element:
    elem = leaf("callManagerGroup", uuid=group.uuid)
    sub(elem, "name", group.name)
    sub(elem, "tftpDefault", "true" if key(group.name) == "default" else "false")
    members = sub(elem, "members")
    for priority, node_name in enumerate(group.members, start=1):
        node = call.cluster.nodes.get(key(node_name))
        member = sub(members, "member", uuid=node.uuid if node else None)
        sub(member, "callManagerName", node_name, node.uuid if node else None)
        sub(member, "priority", str(priority))
    return elem


def list_route_partition(call: AxlCall) -> list[Element]:
    rendered = []
    for partition in call.cluster.partitions.values():
        elem = leaf("routePartition", uuid=partition.uuid)
        sub(elem, "name", partition.name)
        sub(elem, "description", partition.description)
        rendered.append(elem)
    return list_result(call, rendered)


def _render_css(css: CallingSearchSpace) -> Element:
    """A CSS with its partitions as CUCM's read-only `clause` (colon-separated, in order)."""
    elem = leaf("css", uuid=css.uuid)
    sub(elem, "description", css.description)
    sub(elem, "clause", ":".join(css.partitions))
    sub(elem, "name", css.name)
    return elem


def list_location(call: AxlCall) -> list[Element]:
    rendered = []
    for location in call.cluster.locations.values():
        elem = leaf("location", uuid=location.uuid)
        sub(elem, "name", location.name)
        rendered.append(elem)
    return list_result(call, rendered)


OPERATIONS: dict[str, Handler] = {
    "getCCMVersion": get_ccm_version,
    "listProcessNode": list_process_node,
    **get_and_list("DevicePool", "Device Pool", lambda c: c.device_pools, _render_device_pool),
    **get_and_list(
        "CallManagerGroup", "Call Manager Group", lambda c: c.cm_groups, _render_cm_group
    ),
    "listRoutePartition": list_route_partition,
    **get_and_list("Css", "Calling Search Space", lambda c: c.css, lambda _, css: _render_css(css)),
    "listLocation": list_location,
}
