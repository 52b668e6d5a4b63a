"""The AXL client: everything ctibot reads or writes in the CUCM database.

Object families live in mixins (devices, lines, users); this module holds the cluster-level
reads, service parameters and the builder that wires a ``SoapService`` to the publisher.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import zeep
from cachetools import TTLCache

from bot.cucm import schemas
from bot.cucm.axl_devices import DeviceMixin
from bot.cucm.axl_lines import LineMixin
from bot.cucm.axl_users import UserMixin
from bot.cucm.convert import field, fk, items, optional_int, ret, text
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.errors import NotFound
from bot.cucm.models import (
    CallingSearchSpace,
    CallManagerGroup,
    DevicePool,
    ProcessNode,
    ServiceParameter,
)
from bot.cucm.pacer import WritePacer
from bot.cucm.retry import RetryPolicy
from bot.cucm.soap import Recorder, SoapService
from bot.cucm.stats import Stats
from bot.cucm.transport import CucmTransport

T = TypeVar("T")

ENTERPRISE_NODE = "EnterpriseWideData"
AXL_PATH = "/axl/"  # the trailing slash is required by CUCM

_SERVICE_PARAMETER_TAGS = {
    "processNodeName": "",
    "name": "",
    "service": "",
    "value": "",
    "valueType": "",
}


def _parameter(raw: Any, node: str, service: str) -> ServiceParameter:
    value = field(raw, "value")
    return ServiceParameter(
        node=fk(field(raw, "processNodeName")) or node,
        service=text(raw, "service") or service,
        name=text(raw, "name"),
        value=None if value is None else str(value),
        value_type=text(raw, "valueType"),
    )


class AxlClient(DeviceMixin, LineMixin, UserMixin):
    """AXL operations returning plain dataclasses; errors are ``bot.cucm.errors`` types.

    Reference data (process nodes, device pools, CM groups, CSSs) is never written by ctibot and
    changes rarely, so successful reads of it are kept for ``reference_ttl_s``: a plan, its
    re-plan at the confirmation click and the next command do not ask CUCM again.
    """

    def __init__(self, service: SoapService, *, reference_ttl_s: float = 300.0) -> None:
        super().__init__(service)
        self._reference: TTLCache[tuple[str, ...], Any] | None = (
            TTLCache(maxsize=256, ttl=reference_ttl_s) if reference_ttl_s > 0 else None
        )
        self._reference_lock = threading.Lock()

    def _cached(self, key: tuple[str, ...], load: Callable[[], T]) -> T:
        """Only successful reads are kept; an error is raised and never cached."""
        if self._reference is None:
            return load()
        with self._reference_lock:
            if key in self._reference:
                return self._reference[key]
        value = load()
        with self._reference_lock:
            self._reference[key] = value
        return value

    def forget_reference_data(self) -> None:
        if self._reference is not None:
            with self._reference_lock:
                self._reference.clear()

    # ----- cluster -----
    def get_version(self) -> str:
        response = self._call("getCCMVersion")
        return text(field(ret(response), "componentVersion"), "version")

    def probe_version(self) -> str:
        """getCCMVersion once, without retries: a probe must report, not wait out an outage."""
        response = self.soap.call("getCCMVersion", read=True, policy=RetryPolicy.none())
        return text(field(ret(response), "componentVersion"), "version")

    def list_process_nodes(self) -> list[ProcessNode]:
        """CUCM nodes, without the virtual ``EnterpriseWideData`` node."""
        return list(self._cached(("listProcessNode",), self._load_process_nodes))

    def _load_process_nodes(self) -> tuple[ProcessNode, ...]:
        rows = self._list(
            "listProcessNode",
            "processNode",
            obj="%",
            criteria={"name": "%"},
            tags={"name": "", "description": "", "nodeUsage": "", "processNodeRole": ""},
        )
        nodes = [
            ProcessNode(
                name=text(n, "name"),
                role=text(n, "processNodeRole"),
                description=text(n, "description"),
                usage=text(n, "nodeUsage"),
            )
            for n in rows
        ]
        return tuple(n for n in nodes if n.name and n.name != ENTERPRISE_NODE)

    def list_device_pools(self, like: str = "%") -> list[DevicePool]:
        rows = self._list(
            "listDevicePool",
            "devicePool",
            obj=like,
            criteria={"name": like},
            tags={"name": "", "callManagerGroupName": "", "locationName": ""},
        )
        return [_device_pool(p) for p in rows]

    def get_device_pool(self, name: str) -> DevicePool:
        return self._cached(
            ("getDevicePool", name.casefold()),
            lambda: _device_pool(
                field(ret(self._call("getDevicePool", obj=name, name=name)), "devicePool")
            ),
        )

    def get_cm_group(self, name: str) -> CallManagerGroup:
        """The group's nodes in failover order (priority ascending)."""
        return self._cached(("getCallManagerGroup", name.casefold()), lambda: self._cm_group(name))

    def _cm_group(self, name: str) -> CallManagerGroup:
        group = field(
            ret(self._call("getCallManagerGroup", obj=name, name=name)), "callManagerGroup"
        )
        members = sorted(
            items(group, "members", "member"),
            key=lambda m: optional_int(field(m, "priority")) or 0,
        )
        return CallManagerGroup(
            name=text(group, "name") or name,
            members=tuple(text(m, "callManagerName") for m in members),
        )

    def get_css(self, name: str) -> CallingSearchSpace:
        """A calling search space and its partitions in search order (cached as reference data)."""
        return self._cached(("getCss", name.casefold()), lambda: self._css(name))

    def _css(self, name: str) -> CallingSearchSpace:
        response = self._call(
            "getCss", obj=name, name=name, returnedTags={"name": "", "clause": ""}
        )
        return _css(field(ret(response), "css"), name)

    def list_css(self, like: str = "%") -> list[str]:
        """Names of the calling search spaces matching a LIKE pattern, sorted."""
        return self._list_names("listCss", "css", like)

    # ----- service parameters -----
    def list_service_parameters(self, node: str, service: str) -> list[ServiceParameter]:
        rows = self._list(
            "listServiceParameter",
            "serviceParameter",
            obj=f"{service} on {node}",
            criteria={"processNodeName": node, "service": service},
            tags=_SERVICE_PARAMETER_TAGS,
        )
        return [_parameter(p, node, service) for p in rows]

    def get_service_parameter(self, node: str, service: str, name: str) -> ServiceParameter:
        response = self._call(
            "getServiceParameter",
            obj=f"{name} ({service} on {node})",
            processNodeName=node,
            name=name,
            service=service,
        )
        return _parameter(field(ret(response), "serviceParameter"), node, service)

    def update_service_parameter(self, node: str, service: str, name: str, value: str) -> str:
        """AXL does not range-check values: validate with ``params.validate`` first."""
        return self._write(
            "updateServiceParameter",
            obj=f"{name} ({service} on {node})",
            processNodeName=node,
            name=name,
            service=service,
            value=value,
        )

    # ----- re-read after OutcomeUnknown -----
    def exists(self, kind: str, name: str, partition: str | None = None) -> bool:
        """Whether an object exists: the safe re-read after ``OutcomeUnknown`` on a write."""
        readers: dict[str, Callable[[], object]] = {
            "route_point": lambda: self.get_route_point(name),
            "cti_port": lambda: self.get_cti_port(name),
            "line": lambda: self.get_line(name, partition),
            "app_user": lambda: self.get_app_user(name),
            "end_user": lambda: self.get_end_user(name),
            "user_group": lambda: self.get_user_group(name),
            "device_pool": lambda: self.get_device_pool(name),
        }
        if kind not in readers:
            raise ValueError(f"unknown kind {kind!r}; use one of {sorted(readers)}")
        try:
            readers[kind]()
        except NotFound:
            return False
        return True


def _device_pool(raw: Any) -> DevicePool:
    return DevicePool(
        name=text(raw, "name"),
        cm_group=fk(field(raw, "callManagerGroupName")),
        location=fk(field(raw, "locationName")),
    )


def _css(raw: Any, name: str) -> CallingSearchSpace:
    """CUCM reads a CSS's partitions back as its `clause`, colon-separated in search order."""
    clause = text(raw, "clause")
    return CallingSearchSpace(
        name=text(raw, "name") or name,
        partitions=tuple(p for p in clause.split(":") if p),
    )


def build_axl(
    endpoint: ClusterEndpoint,
    transport: CucmTransport,
    *,
    policy: RetryPolicy,
    stats: Stats,
    recorder: Recorder | None = None,
    sleep: Callable[[float], None] | None = None,
    pacer: WritePacer | None = None,
) -> AxlClient:
    """An AxlClient for the cluster's publisher, on the shared parsed WSDL."""
    document = schemas.axl_document(endpoint.axl_version, endpoint.axl_wsdl)
    client = zeep.Client(document, transport=transport, settings=schemas.SETTINGS)
    service = SoapService(
        api="axl",
        client=client,
        binding=schemas.AXL_BINDING,
        address=endpoint.base_url() + AXL_PATH,
        cluster=endpoint.name,
        policy=policy,
        stats=stats,
        read_timeout=endpoint.read_timeout,
        recorder=recorder,
        sleep=sleep,
        pacer=pacer,
        ca_bundle=endpoint.ca_bundle,
    )
    return AxlClient(service, reference_ttl_s=endpoint.reference_ttl_s)
