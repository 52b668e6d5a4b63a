"""Service activation and start/stop on one node, with CUCM's asynchronous transitions.

A control request only begins a transition (Starting / Stopping); it settles
after `transition_s`, on a timer and also lazily whenever anyone calls
`settle` (every Serviceability request does), so readers never see a
transition that should already be over. CTIManager changes drive the CTI
application simulation: providers drop as soon as the service begins to stop,
and reconnect once it has started.
"""

from __future__ import annotations

import threading
import time
from typing import Literal

from cucmsim import cti
from cucmsim.model import CTI_MANAGER, Cluster, ServiceState

Action = Literal["Start", "Stop", "Restart", "Deploy", "UnDeploy"]

SUCCESS = (-1, "Successful")
NOT_ACTIVATED = (-1068, "Service Not Activated")
COMMANDED_OUT = (-1069, "Commanded Out of Service")


def node_services(cluster: Cluster, node: str) -> list[tuple[str, ServiceState]]:
    """(node name as stored, state) for every service installed on `node`."""
    with cluster.lock:
        return [
            (node_name, state)
            for (node_name, _), state in cluster.services.items()
            if cti.same_name(node_name, node)
        ]


def find_service(cluster: Cluster, node: str, service: str) -> tuple[str, ServiceState] | None:
    for node_name, state in node_services(cluster, node):
        if cti.same_name(state.name, service):
            return node_name, state
    return None


def started_nodes(cluster: Cluster, service: str) -> list[str]:
    """Nodes running `service`, in the cluster's node order."""
    return [
        node.name
        for node in cluster.nodes.values()
        if (found := find_service(cluster, node.name, service))
        and found[1].activated
        and found[1].status == "Started"
    ]


def _is_cti_manager(state: ServiceState) -> bool:
    return cti.same_name(state.name, CTI_MANAGER)


def _set_reason(state: ServiceState, reason: tuple[int, str]) -> None:
    state.reason_code, state.reason = reason


def _begin(
    cluster: Cluster,
    node: str,
    state: ServiceState,
    status: Literal["Starting", "Stopping"],
    transition_s: float,
) -> None:
    state.status = status
    state.settles_at = time.monotonic() + transition_s
    if status == "Stopping":
        state.start_time = None
        if _is_cti_manager(state):
            cti.on_ctimanager_stopped(cluster, node)
    if transition_s <= 0:
        settle(cluster)
    else:
        timer = threading.Timer(transition_s + 0.001, settle, args=(cluster,))
        timer.daemon = True
        timer.start()


def start(cluster: Cluster, node: str, state: ServiceState, transition_s: float) -> None:
    """Begin starting an activated service."""
    with cluster.lock:
        state.restart_after = None
        _set_reason(state, SUCCESS)
        _begin(cluster, node, state, "Starting", transition_s)


def stop(
    cluster: Cluster,
    node: str,
    state: ServiceState,
    transition_s: float,
    reason: tuple[int, str] = COMMANDED_OUT,
) -> None:
    """Begin stopping a service; an admin stop leaves it 'Commanded Out of Service'."""
    with cluster.lock:
        state.restart_after = None
        _set_reason(state, reason)
        _begin(cluster, node, state, "Stopping", transition_s)


def restart(cluster: Cluster, node: str, state: ServiceState, transition_s: float) -> None:
    """Stopping, then Starting, then Started: two transitions, like CUCM."""
    with cluster.lock:
        _set_reason(state, SUCCESS)
        state.restart_after = transition_s
        _begin(cluster, node, state, "Stopping", transition_s)


def activate(cluster: Cluster, node: str, state: ServiceState, transition_s: float) -> None:
    """Deploy: CUCM starts a service as it activates it."""
    with cluster.lock:
        state.activated = True
        start(cluster, node, state, transition_s)


def deactivate(cluster: Cluster, node: str, state: ServiceState, transition_s: float) -> None:
    """UnDeploy: stops the service and leaves it 'Service Not Activated'."""
    with cluster.lock:
        state.activated = False
        if state.status in ("Started", "Starting"):
            stop(cluster, node, state, transition_s, NOT_ACTIVATED)
        else:
            _set_reason(state, NOT_ACTIVATED)


def settle(cluster: Cluster) -> None:
    """Finish every transition whose time has come, firing the CTI hooks."""
    with cluster.lock:
        now = time.monotonic()
        for (node, _), state in list(cluster.services.items()):
            if state.settles_at is None or state.settles_at > now:
                continue
            state.settles_at = None
            if state.status == "Starting":
                state.status = "Started"
                state.start_time = time.time()
                if _is_cti_manager(state):
                    cti.on_ctimanager_started(cluster, node)
            elif state.status == "Stopping":
                state.status = "Stopped"
                if state.restart_after is not None:
                    start(cluster, node, state, state.restart_after)


def apply(
    cluster: Cluster, node: str, service: str, action: Action, transition_s: float = 0.0
) -> ServiceState:
    """One entry point for the simulator's control path (no CUCM reason-code checks).

    KeyError when `service` is not installed on `node`.
    """
    with cluster.lock:
        found = find_service(cluster, node, service)
        if found is None:
            raise KeyError(f"{service!r} is not installed on {node!r}")
        node_name, state = found
        steps = {
            "Start": start,
            "Stop": stop,
            "Restart": restart,
            "Deploy": activate,
            "UnDeploy": deactivate,
        }
        steps[action](cluster, node_name, state, transition_s)
        return state
