"""ControlCenterServices: status, activation (deployment) and start/stop of services.

Control Center acts only on the node a request is sent to
(docs/cucm-interfaces.md#control-center), so every request goes to the address of the node it
concerns. Start/stop is asynchronous: the call returns at once and the status moves through
Starting/Stopping; callers poll ``get_service_status``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from bot.cucm.convert import field, items, optional_int, text
from bot.cucm.models import ServiceStatus
from bot.cucm.serviceability import ServiceFor, unwrap

CTI_MANAGER = "Cisco CTIManager"
ControlAction = Literal["Start", "Stop", "Restart"]


def _statuses(node: str, response: Any, returned: str) -> list[ServiceStatus]:
    report = unwrap(response, returned)
    result = []
    for info in items(report, "ServiceInfoList", "item"):
        uptime = optional_int(field(info, "UpTime"))
        result.append(
            ServiceStatus(
                node=node,
                service=text(info, "ServiceName"),
                status=text(info, "ServiceStatus") or "Unknown",
                reason_code=optional_int(field(info, "ReasonCode")),
                reason=text(info, "ReasonCodeString"),
                start_time=text(info, "StartTime") or None,
                uptime_s=uptime if uptime is not None and uptime >= 0 else None,
            )
        )
    return result


class ControlCenterClient:
    """Service status and control on one node at a time."""

    def __init__(self, service_for: ServiceFor) -> None:
        self._service_for = service_for

    def get_service_status(
        self, node: str, services: Sequence[str] = (CTI_MANAGER,)
    ) -> list[ServiceStatus]:
        """Status of ``services`` on ``node`` (an empty sequence asks for all services)."""
        response = self._service_for(node).call(
            "soapGetServiceStatus", read=True, obj=node, ServiceStatus=list(services) or [""]
        )
        return _statuses(node, response, "soapGetServiceStatusReturn")

    def deploy(
        self, node: str, services: Sequence[str], undeploy: bool = False
    ) -> list[ServiceStatus]:
        """Activate (or deactivate) services on ``node``; a write, never retried blindly."""
        request = {
            "NodeName": node,
            "DeployType": "UnDeploy" if undeploy else "Deploy",
            "ServiceList": {"item": list(services)},
        }
        response = self._service_for(node).call(
            "soapDoServiceDeployment", read=False, obj=node, DeploymentServiceRequest=request
        )
        return _statuses(node, response, "soapDoServiceDeploymentReturn")

    def control(
        self, node: str, action: ControlAction, services: Sequence[str] = (CTI_MANAGER,)
    ) -> list[ServiceStatus]:
        if action not in ("Start", "Stop", "Restart"):
            raise ValueError(f"action must be Start, Stop or Restart, not {action!r}")
        request = {
            "NodeName": node,
            "ControlType": action,
            "ServiceList": {"item": list(services)},
        }
        response = self._service_for(node).call(
            "soapDoControlServices", read=False, obj=node, ControlServiceRequest=request
        )
        return _statuses(node, response, "soapDoControlServicesReturn")
