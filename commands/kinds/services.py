"""The CTIManager activation state of one node, as an object plans can change and undo.

Activation goes through ControlCenterServices on the node itself (it only acts
on the local node) and is asynchronous: the write returns at once and the
service passes through Starting/Stopping, for minutes on a busy node. The kind
follows it for the cluster's `service_wait`, reporting as it goes, so a step
reports done only when CTIManager really runs (or really stopped); a wait that
ends first is "still starting" (StillInProgress), not a failure. Compensation
is the reverse deployment.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot.cucm.errors import CucmError
from commands.engine.base import StillInProgress
from commands.engine.objects import ObjectKind, State

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import ServiceStatus

CTI_MANAGER = "Cisco CTIManager"
NOT_ACTIVATED_CODE = -1068
POLL_INTERVAL_S = 0.2  # the first poll; later ones back off
MAX_POLL_INTERVAL_S = 5.0  # Control Center is rate limited: a long wait polls gently

_progress: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "service_progress", default=None
)


@contextmanager
def reporting_to(progress: Callable[[str], None]) -> Iterator[None]:
    """Route the wait's progress messages to a command's progress callback."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


def _report(message: str) -> None:
    sink = _progress.get()
    if sink is not None:
        sink(message)


def service_key(node: str, service: str = CTI_MANAGER) -> str:
    return f"{node}/{service}"


def split_key(key: str) -> tuple[str, str]:
    node, _, service = key.partition("/")
    return node, service or CTI_MANAGER


def is_activated(status: ServiceStatus) -> bool:
    """CUCM reports a never-deployed service as Stopped with 'Service Not Activated'."""
    return status.reason_code != NOT_ACTIVATED_CODE


def read_status(cucm: CucmCluster, node: str, service: str = CTI_MANAGER) -> ServiceStatus:
    return pick_status(cucm.controlcenter.get_service_status(node, [service]), node, service)


def pick_status(found: Iterable[ServiceStatus], node: str, service: str) -> ServiceStatus:
    """`service` out of one Control Center answer; CucmError when the node lacks it."""
    for status in found:
        if status.service.casefold() == service.casefold():
            return status
    raise CucmError(f"{service} is not installed on {node}")


def poll_intervals() -> Iterator[float]:
    """Quick at first (the simulator and a warm node settle in a second), then every few s."""
    interval = POLL_INTERVAL_S
    while True:
        yield interval
        interval = min(MAX_POLL_INTERVAL_S, max(interval * 1.5, 0.1))


def wait_for_status(
    cucm: CucmCluster,
    node: str,
    service: str,
    target: str,
    timeout_s: float | None = None,
) -> ServiceStatus:
    """Poll until `target` (Started/Stopped) holds; progress goes to the command's sink.

    The bound is the cluster's `service_wait` (activation on a real node can take
    minutes). Control Center answers a deployment or control request at once with the
    service still Starting/Stopping, so the first poll waits one interval instead of
    asking straight away. When the bound ends first, StillInProgress: CUCM is still
    carrying the request out, which is not a failure.
    """
    bound = cucm.endpoint.service_wait_s if timeout_s is None else timeout_s
    started = time.monotonic()
    deadline = started + bound
    last = ""
    intervals = poll_intervals()
    while True:
        time.sleep(max(0.0, min(next(intervals), deadline - time.monotonic())))
        status = read_status(cucm, node, service)
        now = time.monotonic()
        if status.status == target:
            _report(f"{service} on {node}: {target}")
            return status
        if status.status != last:
            _report(
                f"{service} on {node}: {status.status}, waiting for {target} (up to {bound:.0f} s)…"
            )
            last = status.status
        else:  # every poll, so a wait of minutes never looks like a hang
            _report(
                f"{service} on {node}: still {status.status} after {now - started:.0f} s "
                f"(waiting up to {bound:.0f} s)…"
            )
        if now >= deadline:
            raise StillInProgress(
                f"{service} on {node} is still {status.status} after {now - started:.0f} s "
                f"(expected {target}; the request was accepted): follow it with "
                f"`/cti service status`"
            )


class ServiceKind(ObjectKind):
    """State {"node", "service", "activated"}; there is nothing to create or delete."""

    name = "service"
    add_op = "soapDoServiceDeployment"
    update_op = "soapDoServiceDeployment"
    remove_op = "soapDoServiceDeployment"

    def read(self, cucm: CucmCluster, key: str) -> State | None:
        node, service = split_key(key)
        return state_of(node, service, read_status(cucm, node, service))

    def create(self, cucm: CucmCluster, state: State) -> None:
        raise CucmError("a service cannot be created; only activated or deactivated")

    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        node, service = split_key(key)
        activate = bool(after["activated"])
        if bool(before["activated"]) == activate:
            return
        cucm.controlcenter.deploy(node, [service], undeploy=not activate)
        wait_for_status(cucm, node, service, "Started" if activate else "Stopped")

    def delete(self, cucm: CucmCluster, key: str) -> None:
        raise CucmError("a service cannot be deleted; only activated or deactivated")


def state_of(node: str, service: str, status: ServiceStatus) -> State:
    return {"node": node, "service": service, "activated": is_activated(status)}


SERVICE = ServiceKind()
