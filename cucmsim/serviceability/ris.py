"""RISService70: where CTI providers, devices and lines are open, and CTI device registration.

Everything is derived on each call from the CTI application simulation, so
RIS always agrees with Control Center and PerfMon about failovers.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from cucmsim import cti
from cucmsim.model import CALL_MANAGER, Cluster, CtiApplication, Device, LineAppearance, key
from cucmsim.options import SimOptions
from cucmsim.serviceability import lifecycle
from cucmsim.serviceability.dispatch import admit, handler_for, settled
from cucmsim.serviceability.ratelimit import RateLimiter
from cucmsim.serviceability.xml import (
    bad_request,
    container,
    element,
    find,
    items,
    load_wsdl,
    sub,
    text,
)
from cucmsim.soap import SoapFault, SoapRequest

PATH = "/realtimeservice2/services/RISService70"
DEFAULT_MAX_ITEMS = 1000
# RIS hands back at most `ris_max_items` per call and a StateInfo to ask for the rest. CUCM's
# StateInfo is opaque to clients (its format is not documented); ours carries an offset.
_STATE_PREFIX = "cucmsim-offset:"


def _offset(state_info: str | None) -> int:
    if not state_info:
        return 0
    if not state_info.startswith(_STATE_PREFIX) or not state_info[len(_STATE_PREFIX) :].isdigit():
        raise bad_request(f"StateInfo {state_info!r} was not issued by this server")
    return int(state_info[len(_STATE_PREFIX) :])


MODELS = {"cti route point": 73, "cti port": 72}


def rate_fault(limit: int) -> SoapFault:
    """CUCM's wording, typo included: clients match on the 'Exceeded allowed rate' prefix."""
    return SoapFault(
        "AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for "
        f"realtime information is {limit} requests per minute.",
        "soapenv:Server",
    )


def matches(value: str | None, patterns: list[str] | None) -> bool:
    """RIS criteria match case-insensitively and accept `*` wildcards; None is no filter."""
    if patterns is None:
        return True
    if value is None:
        return False
    return any(fnmatch.fnmatchcase(value.casefold(), p.casefold()) for p in patterns)


@dataclass(frozen=True)
class CtiRow:
    """One CtiItem: a provider, or one of its devices, or one line of a device."""

    app: CtiApplication
    status: str
    device_name: str | None = None
    device: Device | None = None
    line: LineAppearance | None = None


@dataclass(frozen=True)
class CtiCriteria:
    max_items: int
    mgr_class: str
    status: str
    node_name: str | None
    select_app_by: str
    app_items: list[str] | None
    dev_names: list[str] | None
    dir_numbers: list[str] | None

    @classmethod
    def parse(cls, body: etree._Element) -> CtiCriteria:
        crit = find(body, "CtiSelectionCriteria")
        if crit is None:
            raise bad_request("CtiSelectionCriteria is required")
        return cls(
            max_items=_int(text(crit, "MaxReturnedItems"), DEFAULT_MAX_ITEMS),
            mgr_class=_one_of(
                text(crit, "CtiMgrClass"), ("Provider", "Device", "Line"), "Provider"
            ),
            status=_one_of(
                text(crit, "Status"), ("Any", "Open", "Closed", "OpenFailed", "Unknown"), "Any"
            ),
            node_name=text(crit, "NodeName"),
            select_app_by=_one_of(
                text(crit, "SelectAppBy"),
                ("AppId", "AppIPV4Address", "AppIPV6Address", "UserId"),
                "AppId",
            ),
            app_items=items(crit, "AppItems", "AppItem"),
            dev_names=items(crit, "DevNames", "DevName"),
            dir_numbers=items(crit, "DirNumbers", "DirNumber"),
        )

    def wants(self, row: CtiRow) -> bool:
        if self.status != "Any" and row.status != self.status:
            return False
        if not matches(_app_key(row.app, self.select_app_by), self.app_items):
            return False
        if self.mgr_class == "Provider":
            return True
        if not matches(row.device_name, self.dev_names):
            return False
        if self.mgr_class == "Line":
            return matches(row.line.pattern if row.line else None, self.dir_numbers)
        lines = row.device.lines if row.device else []
        return self.dir_numbers is None or any(
            matches(ln.pattern, self.dir_numbers) for ln in lines
        )


def _app_key(app: CtiApplication, select_app_by: str) -> str | None:
    return {
        "AppId": app.app_id,
        "UserId": app.app_user,
        "AppIPV4Address": app.ip_address,
        "AppIPV6Address": None,
    }[select_app_by]


def _int(value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise bad_request(f"Not an integer: {value!r}") from exc


def _one_of(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    for choice in allowed:
        if choice.casefold() == value.casefold():
            return choice
    raise bad_request(f"{value!r} is not one of {', '.join(allowed)}")


def _listing_node(cluster: Cluster, app: CtiApplication) -> str | None:
    """Where RIS shows a provider: its node when open; when down, the node it would use."""
    if cti.connected(app):
        return app.current_node
    for node in (app.primary_node, app.backup_node):
        if cti.ctimanager_started(cluster, node):
            return node
    return None


def cti_rows(cluster: Cluster, node: str, mgr_class: str) -> Iterator[CtiRow]:
    """Every CtiItem of `mgr_class` that RIS lists under `node`, before filtering."""
    apps = sorted(cluster.applications.values(), key=lambda a: a.app_user.casefold())
    for app in apps:
        if not cti.same_name(_listing_node(cluster, app), node):
            continue
        is_open = cti.connected(app)
        if mgr_class == "Provider":
            if is_open:
                yield CtiRow(app, "Open")
            continue
        for name, device in cti.controlled_devices(cluster, app):
            status = "Open" if is_open and device is not None else "Closed"
            if mgr_class == "Device":
                yield CtiRow(app, status, name, device)
            elif device is not None:
                for line in device.lines:
                    yield CtiRow(app, status, device.name, device, line)


def _node_item(nodes: etree._Element, name: str, code: str, listing: str) -> etree._Element:
    """One node's entry of a RIS answer, with its (possibly empty) `listing` container."""
    node_el = container(nodes, "item")
    sub(node_el, "ReturnCode", code)
    sub(node_el, "Name", name)
    sub(node_el, "NoChange", False)
    return container(node_el, listing)


class RisService:
    """The SoapService behind `/realtimeservice2/services/RISService70`."""

    path = PATH

    def __init__(self, options: SimOptions) -> None:
        self.options = options
        self.limiter = RateLimiter(lambda: self.options.ris_rate_per_minute)
        self._ops: dict[str, Callable[[SoapRequest], etree._Element]] = {
            "selectCtiItem": self._select_cti_item,
            "selectCmDevice": self._select_cm_device,
            "selectCmDeviceExt": self._select_cm_device,
        }

    def set_rate_limit(self, per_minute: int) -> None:
        """Change the per-node limit while running (negative: unlimited); counting continues."""
        self.options.ris_rate_per_minute = per_minute

    def handle(self, request: SoapRequest) -> etree._Element:
        handler = handler_for(request, self._ops)
        admit(request, self.limiter, rate_fault)
        with settled(request.cluster):
            return handler(request)

    def wsdl(self, host: str) -> bytes:
        return load_wsdl(self.options.wsdl_dir, "ris.wsdl", host, self.path)

    def _select_cti_item(self, request: SoapRequest) -> etree._Element:
        criteria = CtiCriteria.parse(request.body)
        cluster = request.cluster
        root = element("selectCtiItemResponse")
        ret = container(root, "selectCtiItemReturn")
        result = container(ret, "SelectCtiItemResult")
        total = sub(result, "TotalItemsFound", 0)
        nodes = container(result, "CtiNodes")
        found = 0
        skip = _offset(text(request.body, "StateInfo"))
        limit = min(criteria.max_items, self.options.ris_max_items)
        budget = limit
        for name, code in _node_list(cluster, criteria.node_name, cti.ctimanager_started):
            items_el = _node_item(nodes, name, code, "CtiItems")
            if code != "Ok":
                continue
            for row in cti_rows(cluster, name, criteria.mgr_class):
                if not criteria.wants(row):
                    continue
                found += 1
                if found > skip and budget > 0:
                    budget -= 1
                    _cti_item(items_el, row, criteria.mgr_class)
        total.text = str(found)
        returned = skip + limit - budget
        sub(ret, "StateInfo", f"{_STATE_PREFIX}{returned}" if returned < found else "")
        return root

    def _select_cm_device(self, request: SoapRequest) -> etree._Element:
        cluster = request.cluster
        crit = find(request.body, "CmSelectionCriteria")
        if crit is None:
            raise bad_request("CmSelectionCriteria is required")
        max_devices = _int(text(crit, "MaxReturnedDevices"), DEFAULT_MAX_ITEMS)
        device_class = text(crit, "DeviceClass") or "Any"
        model = _int(text(crit, "Model"), 255)
        status = text(crit, "Status") or "Any"
        select_by = text(crit, "SelectBy") or "Name"
        select_items = items(crit, "SelectItems", "Item")
        protocol = text(crit, "Protocol") or "Any"

        operation = etree.QName(request.body).localname
        root = element(f"{operation}Response")
        ret = container(root, f"{operation}Return")
        result = container(ret, "SelectCmDeviceResult")
        total = sub(result, "TotalDevicesFound", 0)
        nodes = container(result, "CmNodes")
        found = 0
        budget = max_devices

        def call_manager_started(_: Cluster, node: str | None) -> bool:
            return node is not None and node in lifecycle.started_nodes(cluster, CALL_MANAGER)

        for name, code in _node_list(cluster, text(crit, "NodeName"), call_manager_started):
            devices_el = _node_item(nodes, name, code, "CmDevices")
            if code != "Ok":
                continue
            for device in _registered_on(cluster, name):
                opener = cti.opener_of(cluster, device.name)
                dev_status = "Registered" if opener is not None else "UnRegistered"
                wanted = (
                    device_class.casefold() in ("any", "cti")
                    and model in (255, MODELS[device.product.casefold()])
                    and status.casefold() in ("any", dev_status.casefold())
                    and protocol.casefold() in ("any", device.protocol.casefold())
                    and _select_by(device, select_by, select_items)
                )
                if not wanted:
                    continue
                found += 1
                if budget > 0:
                    budget -= 1
                    _cm_device(devices_el, device, dev_status, opener)
        total.text = str(found)
        sub(ret, "StateInfo", "")
        return root


def _node_list(
    cluster: Cluster, node_name: str | None, running: Callable[[Cluster, str | None], bool]
) -> list[tuple[str, str]]:
    """(node, RisReturnCode): the running nodes, or the one node asked for."""
    if node_name is None:
        return [(n.name, "Ok") for n in cluster.nodes.values() if running(cluster, n.name)]
    node = cluster.nodes.get(key(node_name)) or next(
        (n for n in cluster.nodes.values() if n.address == node_name), None
    )
    if node is None:
        return [(node_name, "InvalidNodeName")]
    return [(node.name, "Ok" if running(cluster, node.name) else "NotFound")]


def _cti_item(parent: etree._Element, row: CtiRow, mgr_class: str) -> None:
    now = int(time.time())
    stamp = int(row.app.opened_at) if row.status == "Open" else now
    app_open = cti.connected(row.app)
    item = container(parent, "item")
    sub(item, "AppId", row.app.app_id)
    sub(item, "UserId", row.app.app_user)
    sub(item, "AppIpAddr", row.app.ip_address)
    sub(item, "AppIpv6Addr", None)
    sub(item, "AppStatus", "Open" if app_open else "Closed")
    sub(item, "AppStatusReason", 0)
    sub(item, "AppTimeStamp", int(row.app.opened_at) if app_open else now)
    if mgr_class == "Provider":
        sub(item, "CtiDevice", None)
    else:
        device = container(item, "CtiDevice")
        is_port = row.device is not None and row.device.product.casefold() == "cti port"
        sub(device, "AppControlsMedia", is_port)
        sub(device, "DeviceName", row.device_name)
        sub(device, "DeviceStatus", row.status if mgr_class == "Device" else None)
        sub(device, "DeviceStatusReason", 0)
        sub(device, "DeviceTimeStamp", stamp)
    if mgr_class == "Line" and row.line is not None:
        line = container(item, "CtiLine")
        sub(line, "DirNumber", row.line.pattern)
        sub(line, "LineStatus", row.status)
        sub(line, "LineStatusReason", 0)
        sub(line, "LineTimeStamp", stamp)
    else:
        sub(item, "CtiLine", None)


def _registered_on(cluster: Cluster, node: str) -> list[Device]:
    """CTI devices whose CallManager is `node`: first started member of their CM group."""
    running = lifecycle.started_nodes(cluster, CALL_MANAGER)
    result = []
    for device in cluster.devices.values():
        if not cti.is_cti_device(device):
            continue
        pool = cluster.device_pools.get(key(device.device_pool or ""))
        group = cluster.cm_groups.get(key(pool.cm_group)) if pool else None
        members = group.members if group else [n.name for n in cluster.nodes.values()]
        home = next((m for m in members if any(cti.same_name(m, r) for r in running)), None)
        if cti.same_name(home, node):
            result.append(device)
    return sorted(result, key=lambda d: d.name.casefold())


def _select_by(device: Device, select_by: str, patterns: list[str] | None) -> bool:
    by = select_by.casefold()
    if by == "name":
        return matches(device.name, patterns)
    if by == "dirnumber":
        return patterns is None or any(matches(ln.pattern, patterns) for ln in device.lines)
    if by == "description":
        return matches(device.description, patterns)
    return patterns is None


def _cm_device(
    parent: etree._Element, device: Device, status: str, opener: CtiApplication | None
) -> None:
    item = container(parent, "item")
    suffix = "Registered" if status == "Registered" else "UnRegistered"
    sub(item, "Name", device.name)
    sub(item, "DirNumber", ",".join(f"{ln.pattern}-{suffix}" for ln in device.lines) or None)
    sub(item, "DeviceClass", "Cti")
    sub(item, "Model", MODELS[device.product.casefold()])
    sub(item, "IsCtiControllable", True)
    sub(item, "LoginUserId", opener.app_user if opener else None)
    sub(item, "Status", status)
    sub(item, "StatusReason", 0)
    sub(item, "Description", device.description)
    sub(item, "TimeStamp", int(opener.opened_at) if opener else int(time.time()))
    sub(item, "Protocol", device.protocol)
