"""`!sim …`: break and mend the simulated cluster the way an operator would.

Services are stopped and started with Control Center's own SOAP call
(soapDoControlServices) sent to the node's address, exactly as someone in
Cisco Unified Serviceability would; CTI applications fail and recover through
the simulator's `/__sim__/` control path, since on a real cluster that
happens on the application server, not on CUCM.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from bot.cucm.controlcenter import CTI_MANAGER, ControlAction, ControlCenterClient
from bot.cucm.errors import CucmError
from bot.demo.script import USAGE

CONTROL_TIMEOUT_S = 10
ACTIONS: dict[str, ControlAction] = {"stop": "Stop", "start": "Start", "restart": "Restart"}


class SimActionError(ValueError):
    """A `!sim` line that could not be carried out, worded for the console."""


@dataclass
class SimActions:
    control_url: str  # the simulator's http://…/__sim__/
    controlcenter: ControlCenterClient

    def run(self, args: list[str]) -> str:
        """Carry out one `!sim` line; returns what happened, in a sentence."""
        verb, rest = args[0].lower(), args[1:]
        if verb == "nodes" and not rest:
            return self.nodes()
        if verb in ACTIONS and len(rest) >= 2:
            return self.control(ACTIONS[verb], rest[0], service_name(" ".join(rest[1:])))
        if verb in ("fail-app", "recover-app") and len(rest) == 1:
            return self.application(verb.removesuffix("-app"), rest[0])
        raise SimActionError(f"usage: {USAGE['sim']}")

    def control(self, action: ControlAction, node: str, service: str) -> str:
        try:
            statuses = self.controlcenter.control(node, action, [service])
        except CucmError as exc:
            raise SimActionError(f"Control Center on {node} refused: {exc}") from None
        states = ", ".join(f"{s.service}: {s.status}" for s in statuses) or "no status returned"
        return f"soapDoControlServices {action} on {node} → {states}"

    def application(self, action: str, app_user: str) -> str:
        reply = self._post(f"apps/{app_user}/{action}")
        if reply.status_code != 200:
            raise SimActionError(f"simulator: {_error_of(reply)}")
        return f"CTI application {app_user}: {action}ed (as its application server would)"

    def nodes(self) -> str:
        reply = requests.get(self.control_url + "nodes", timeout=CONTROL_TIMEOUT_S)
        reply.raise_for_status()
        lines = []
        for node in reply.json():
            lines.append(f"{node['role']:<10} {node['name']:<10} {node['url']}  {self._cti(node)}")
        return "\n".join(lines)

    def _cti(self, node: dict[str, str]) -> str:
        try:
            statuses = self.controlcenter.get_service_status(node["name"], [CTI_MANAGER])
        except CucmError as exc:
            return f"CTIManager: unknown ({exc})"
        return ", ".join(f"CTIManager: {s.status}" for s in statuses) or "CTIManager: -"

    def _post(self, route: str) -> requests.Response:
        return requests.post(self.control_url + route, timeout=CONTROL_TIMEOUT_S)


def service_name(typed: str) -> str:
    """`CTIManager` is what people type; Control Center wants `Cisco CTIManager`."""
    return typed if typed.lower().startswith("cisco ") else f"Cisco {typed}"


def _error_of(reply: requests.Response) -> str:
    try:
        return str(reply.json().get("error", reply.text))
    except ValueError:
        return reply.text[:200]
