"""PerfmonService: the `Cisco CTI Manager` counters of the node a request is sent to.

Responses repeat the `<op>Return` element once per object or counter (no
`item` wrapper), as PerfmonService's doc/literal WSDL declares them; all
objects are single-instance, so perfmonListInstance answers an empty list.

Counter values are computed from the CTI simulation at request time, so a
failover shows up as CTIConnectionActive / DevicesOpen leaving one node and
arriving on another, and staying there.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lxml import etree

from cucmsim import cti
from cucmsim.model import CALL_MANAGER, Cluster
from cucmsim.options import SimOptions
from cucmsim.serviceability import lifecycle
from cucmsim.serviceability.dispatch import admit, handler_for, settled
from cucmsim.serviceability.ratelimit import RateLimiter
from cucmsim.serviceability.xml import bad_request, container, element, load_wsdl, sub, text
from cucmsim.soap import SoapFault, SoapRequest

PATH = "/perfmonservice2/services/PerfmonService"
CTI_OBJECT = "Cisco CTI Manager"
CM_OBJECT = "Cisco CallManager"
QBE_VERSION = 23

Counters = dict[str, Callable[[Cluster, str], int]]


def _cti_counters() -> Counters:
    def links(cluster: Cluster, node: str) -> int:
        return (
            len(lifecycle.started_nodes(cluster, CALL_MANAGER))
            if cti.ctimanager_started(cluster, node)
            else 0
        )

    return {
        "CcmLinkActive": links,
        "CTIConnectionActive": lambda c, n: len(cti.providers_on(c, n)),
        "DevicesOpen": cti.devices_open,
        "LinesOpen": cti.lines_open,
        "QbeVersion": lambda c, n: QBE_VERSION if cti.ctimanager_started(c, n) else 0,
    }


def _cm_counters() -> Counters:
    return {
        "CallManagerHeartBeat": lambda c, n: int(time.monotonic()),
        "CallsActive": lambda c, n: 0,
    }


OBJECTS: dict[str, Counters] = {CTI_OBJECT: _cti_counters(), CM_OBJECT: _cm_counters()}


def rate_fault(limit: int) -> SoapFault:
    return SoapFault(
        "Exceeded allowed rate for Perfmon information. Current allowed rate for perfmon "
        f"information is {limit} requests per minute.",
        "soapenv:Server",
    )


class PerfmonService:
    """The SoapService behind `/perfmonservice2/services/PerfmonService`."""

    path = PATH

    def __init__(self, options: SimOptions) -> None:
        self.options = options
        self.limiter = RateLimiter(lambda: self.options.perfmon_rate_per_minute)
        self._ops: dict[str, Callable[[SoapRequest, str], etree._Element]] = {
            "perfmonListCounter": self._list_counter,
            "perfmonCollectCounterData": self._collect_counter_data,
            "perfmonListInstance": self._list_instance,
        }

    def set_rate_limit(self, per_minute: int) -> None:
        """Change the per-node limit while running (negative: unlimited); counting continues."""
        self.options.perfmon_rate_per_minute = per_minute

    def handle(self, request: SoapRequest) -> etree._Element:
        handler = handler_for(request, self._ops)
        admit(request, self.limiter, rate_fault)
        host = _local_host(request)
        with settled(request.cluster):
            return handler(request, host)

    def wsdl(self, host: str) -> bytes:
        return load_wsdl(self.options.wsdl_dir, "perfmon.wsdl", host, self.path)

    def _list_counter(self, request: SoapRequest, host: str) -> etree._Element:
        root = element("perfmonListCounterResponse")
        for name, counters in OBJECTS.items():
            item = container(root, "perfmonListCounterReturn")
            sub(item, "Name", name)
            sub(item, "MultiInstance", False)
            listed = container(item, "ArrayOfCounter")
            for counter in counters:
                sub(container(listed, "item"), "Name", counter)
        return root

    def _collect_counter_data(self, request: SoapRequest, host: str) -> etree._Element:
        name, counters = _object(request)
        root = element("perfmonCollectCounterDataResponse")
        for counter, value in counters.items():
            item = container(root, "perfmonCollectCounterDataReturn")
            sub(item, "Name", f"\\\\{host}\\{name}\\{counter}")
            sub(item, "Value", value(request.cluster, request.node.name))
            sub(item, "CStatus", 1)
        return root

    def _list_instance(self, request: SoapRequest, host: str) -> etree._Element:
        _object(request)
        return element("perfmonListInstanceResponse")


def _local_host(request: SoapRequest) -> str:
    """Host as the client wrote it; it must name the node the request was sent to."""
    host = text(request.body, "Host")
    if host is None:
        raise bad_request("Host is required")
    if host.casefold() not in (request.node.name.casefold(), request.node.address.casefold()):
        raise SoapFault(f"Host {host} is not this node ({request.node.name})", "soapenv:Client")
    return host


def _object(request: SoapRequest) -> tuple[str, Counters]:
    wanted = text(request.body, "Object")
    for name, counters in OBJECTS.items():
        if wanted is not None and name.casefold() == wanted.casefold():
            return name, counters
    raise SoapFault(f"Object {wanted!r} does not exist on this node", "soapenv:Client")
