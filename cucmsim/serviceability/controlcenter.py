"""ControlCenterServices: service status, activation and start/stop, on the local node only.

Answers carry CUCM's ReasonCodes per service (docs/cucm-interfaces.md#control-center) instead of
faults, because CUCM reports per-service outcomes inside a successful
ServiceInformationResponse; only malformed requests and requests naming
another node are SOAP faults.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lxml import etree

from cucmsim.model import ServiceState
from cucmsim.options import SimOptions
from cucmsim.serviceability import lifecycle
from cucmsim.serviceability.dispatch import handler_for, settled
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

PATH = "/controlcenterservice2/services/ControlCenterServices"

NOT_FOUND = (-1010, "Service Not Found")
BAD_ARGUMENTS = (-1012, "Invalid Arguments")
ALREADY_STARTED = (-1039, "Service Already Started")
ALREADY_STOPPED = (-1040, "Service Already Stopped")
TRANSITION_NOT_ALLOWED = (-1042, "Transition Not Allowed")
NO_CHANGES = (-1043, "No Changes")
NOT_SUPPORTED = (-1045, "Operation Not Supported")

NETWORK_SERVICES = frozenset(
    s.casefold()
    for s in (
        "A Cisco DB",
        "A Cisco DB Replicator",
        "Cisco Tomcat",
        "Cisco Database Layer Monitor",
        "Cisco RIS Data Collector",
        "Cisco AMC Service",
        "Cisco DRF Local",
        "Cisco DRF Master",
        "Cisco CDP",
        "Cisco Trace Collection Service",
        "Cisco Certificate Expiry Monitor",
        "Host Resources Agent",
        "SNMP Master Agent",
        "Platform Administrative Web Service",
    )
)

Outcome = tuple[str, ServiceState | None, tuple[int, str] | None]  # name, state, error


def deployable(service_name: str) -> bool:
    """Network services run always; only feature services can be (de)activated."""
    return service_name.casefold() not in NETWORK_SERVICES


class ControlCenterService:
    """The SoapService behind `/controlcenterservice2/services/ControlCenterServices`."""

    path = PATH

    def __init__(self, options: SimOptions) -> None:
        self.options = options
        self._ops: dict[str, Callable[[SoapRequest], etree._Element]] = {
            "soapGetServiceStatus": self._get_service_status,
            "soapDoControlServices": self._do_control_services,
            "soapDoServiceDeployment": self._do_service_deployment,
            "soapGetStaticServiceList": self._get_static_service_list,
        }

    def handle(self, request: SoapRequest) -> etree._Element:
        handler = handler_for(request, self._ops)
        with settled(request.cluster):
            return handler(request)

    def wsdl(self, host: str) -> bytes:
        return load_wsdl(self.options.wsdl_dir, "controlcenter.wsdl", host, self.path)

    def _get_service_status(self, request: SoapRequest) -> etree._Element:
        wanted = [
            el.text.strip()
            for el in request.body
            if etree.QName(el).localname == "ServiceStatus" and el.text and el.text.strip()
        ]
        services = lifecycle.node_services(request.cluster, request.node.name)
        if wanted:
            outcomes: list[Outcome] = []
            for name in wanted:
                found = lifecycle.find_service(request.cluster, request.node.name, name)
                outcomes.append((name, found[1], None) if found else (name, None, NOT_FOUND))
        else:
            outcomes = [(state.name, state, None) for _, state in services]
        return _response("soapGetServiceStatus", outcomes)

    def _do_control_services(self, request: SoapRequest) -> etree._Element:
        req = _local_request(request, "ControlServiceRequest")
        control = _choice(text(req, "ControlType"), ("Start", "Stop", "Restart"), "ControlType")
        outcomes = [self._control_one(request, name, control) for name in _service_list(req)]
        return _response("soapDoControlServices", outcomes)

    def _control_one(self, request: SoapRequest, name: str, control: str) -> Outcome:
        found = lifecycle.find_service(request.cluster, request.node.name, name)
        if found is None:
            return name, None, NOT_FOUND
        node, state = found
        if not state.activated:
            return state.name, state, lifecycle.NOT_ACTIVATED
        t = self.options.service_transition_s
        if control == "Start":
            if state.status in ("Started", "Starting"):
                return state.name, state, ALREADY_STARTED
            if state.status == "Stopping":
                return state.name, state, TRANSITION_NOT_ALLOWED
            lifecycle.start(request.cluster, node, state, t)
        elif control == "Stop":
            if state.status in ("Stopped", "Stopping"):
                return state.name, state, ALREADY_STOPPED
            lifecycle.stop(request.cluster, node, state, t)
        elif state.status == "Started":
            lifecycle.restart(request.cluster, node, state, t)
        elif state.status == "Stopped":
            lifecycle.start(request.cluster, node, state, t)
        else:
            return state.name, state, TRANSITION_NOT_ALLOWED
        return state.name, state, None

    def _do_service_deployment(self, request: SoapRequest) -> etree._Element:
        req = _local_request(request, "DeploymentServiceRequest")
        deploy = _choice(text(req, "DeployType"), ("Deploy", "UnDeploy"), "DeployType")
        outcomes = [self._deploy_one(request, name, deploy) for name in _service_list(req)]
        return _response("soapDoServiceDeployment", outcomes)

    def _deploy_one(self, request: SoapRequest, name: str, deploy: str) -> Outcome:
        found = lifecycle.find_service(request.cluster, request.node.name, name)
        if found is None:
            return name, None, NOT_FOUND
        node, state = found
        if not deployable(state.name):
            return state.name, state, NOT_SUPPORTED
        t = self.options.service_transition_s
        if deploy == "Deploy":
            if state.activated:
                return state.name, state, NO_CHANGES
            lifecycle.activate(request.cluster, node, state, t)
        else:
            if not state.activated:
                return state.name, state, NO_CHANGES
            lifecycle.deactivate(request.cluster, node, state, t)
        return state.name, state, None

    def _get_static_service_list(self, request: SoapRequest) -> etree._Element:
        names: dict[str, str] = {}
        for state in request.cluster.services.values():
            names.setdefault(state.name.casefold(), state.name)
        root = element("soapGetStaticServiceListResponse")
        services = container(container(root, "soapGetStaticServiceListReturn"), "Services")
        for name in names.values():
            item = container(services, "item")
            sub(item, "ServiceName", name)
            sub(item, "ServiceType", "Service")
            sub(item, "Deployable", deployable(name))
            sub(item, "GroupName", "CM Services" if deployable(name) else "Platform Services")
            container(item, "DependentServices")
        return root


def _local_request(request: SoapRequest, tag: str) -> etree._Element:
    """The request element, refusing any NodeName but the node the call was sent to."""
    req = find(request.body, tag)
    if req is None:
        raise bad_request(f"{tag} is required")
    node_name = text(req, "NodeName")
    if node_name is not None and node_name.casefold() not in (
        request.node.name.casefold(),
        request.node.address.casefold(),
    ):
        raise SoapFault(
            f"Control Center services allow operations only on the local node: "
            f"NodeName {node_name} is not {request.node.name}",
            "soapenv:Client",
        )
    return req


def _choice(value: str | None, allowed: tuple[str, ...], field: str) -> str:
    for choice in allowed:
        if value is not None and value.casefold() == choice.casefold():
            return choice
    raise bad_request(f"{field} must be one of {', '.join(allowed)}; got {value!r}")


def _service_list(req: etree._Element) -> list[str]:
    names = items(req, "ServiceList")
    if not names:
        raise bad_request("ServiceList must name at least one service")
    return names


def _info(
    parent: etree._Element, name: str, state: ServiceState | None, error: tuple[int, str] | None
) -> None:
    item = container(parent, "item")
    sub(item, "ServiceName", name)
    if state is None:
        reason = error or NOT_FOUND
        sub(item, "ServiceStatus", "Unknown")
        sub(item, "ReasonCode", reason[0])
        sub(item, "ReasonCodeString", reason[1])
        sub(item, "StartTime", None)
        sub(item, "UpTime", -1)
        return
    reason = error or _state_reason(state)
    sub(item, "ServiceStatus", state.status)
    sub(item, "ReasonCode", reason[0])
    sub(item, "ReasonCodeString", reason[1])
    started = state.status == "Started" and state.start_time is not None
    sub(item, "StartTime", time.ctime(state.start_time) if started and state.start_time else None)
    sub(item, "UpTime", int(time.time() - state.start_time) if started and state.start_time else -1)


def _state_reason(state: ServiceState) -> tuple[int, str]:
    if not state.activated and state.status == "Stopped":
        return lifecycle.NOT_ACTIVATED
    return state.reason_code, state.reason


def _response(operation: str, outcomes: list[Outcome]) -> etree._Element:
    """ServiceInformationResponse: overall result, then one item per service."""
    root = element(f"{operation}Response")
    ret = container(root, f"{operation}Return")
    first_error = next((error for _, _, error in outcomes if error is not None), None)
    sub(ret, "ReturnCode", "0" if first_error is None else "1")
    reason = first_error or lifecycle.SUCCESS
    sub(ret, "ReasonCode", reason[0])
    sub(ret, "ReasonString", reason[1])
    infos = container(ret, "ServiceInfoList")
    for name, state, error in outcomes:
        _info(infos, name, state, error)
    return root
