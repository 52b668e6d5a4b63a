"""The AXL client: everything ctibot reads or writes in the CUCM database.

Object families live in mixins (devices, lines, users); this module holds the cluster-level
reads, service parameters and the builder that wires a ``SoapService`` to the publisher.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import zeep

from bot.cucm import schemas
from bot.cucm.axl_devices import DeviceMixin
from bot.cucm.axl_lines import LineMixin
from bot.cucm.axl_users import UserMixin
from bot.cucm.convert import field, fk, items, optional_int, ret, text
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.errors import NotFound
from bot.cucm.models import CallManagerGroup, DevicePool, ProcessNode, ServiceParameter
from bot.cucm.retry import RetryPolicy
from bot.cucm.soap import Recorder, SoapService
from bot.cucm.stats import Stats
from bot.cucm.transport import CucmTransport

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
    """AXL operations returning plain dataclasses; errors are ``bot.cucm.errors`` types."""

    # ----- cluster -----
    def get_version(self) -> str:
        response = self._call("getCCMVersion")
        return text(field(ret(response), "componentVersion"), "version")

    def list_process_nodes(self) -> list[ProcessNode]:
        """CUCM nodes, without the virtual ``EnterpriseWideData`` node."""
        response = self._call(
            "listProcessNode",
            searchCriteria={"name": "%"},
            returnedTags={"name": "", "description": "", "nodeUsage": "", "processNodeRole": ""},
        )
        nodes = [
            ProcessNode(
                name=text(n, "name"),
                role=text(n, "processNodeRole"),
                description=text(n, "description"),
                usage=text(n, "nodeUsage"),
            )
            for n in items(ret(response), "", "processNode")
        ]
        return [n for n in nodes if n.name and n.name != ENTERPRISE_NODE]

    def list_device_pools(self, like: str = "%") -> list[DevicePool]:
        response = self._call(
            "listDevicePool",
            searchCriteria={"name": like},
            returnedTags={"name": "", "callManagerGroupName": "", "locationName": ""},
        )
        return [_device_pool(p) for p in items(ret(response), "", "devicePool")]

    def get_device_pool(self, name: str) -> DevicePool:
        return _device_pool(
            field(ret(self._call("getDevicePool", obj=name, name=name)), "devicePool")
        )

    def get_cm_group(self, name: str) -> CallManagerGroup:
        """The group's nodes in failover order (priority ascending)."""
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

    # ----- service parameters -----
    def list_service_parameters(self, node: str, service: str) -> list[ServiceParameter]:
        response = self._call(
            "listServiceParameter",
            obj=f"{service} on {node}",
            searchCriteria={"processNodeName": node, "service": service},
            returnedTags=_SERVICE_PARAMETER_TAGS,
        )
        return [_parameter(p, node, service) for p in items(ret(response), "", "serviceParameter")]

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


def build_axl(
    endpoint: ClusterEndpoint,
    transport: CucmTransport,
    *,
    policy: RetryPolicy,
    stats: Stats,
    recorder: Recorder | None = None,
    sleep: Callable[[float], None] | None = None,
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
    )
    return AxlClient(service)
