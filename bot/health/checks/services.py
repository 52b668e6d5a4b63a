"""CTIManager on every node: a stopped one moves applications to their backups.

A node where CTIManager was never activated is information, not an alert; an
activated one that is not running is critical for that node; no node running
it at all is critical for the cluster (every CTI application is down).

Cisco CallManager's status comes back in the same request and is reported as
a passing `CallManager/<node>` result whatever it is: the boards (App Home)
show it beside CTIManager, but device registration is the devices check's
business, so it never raises an alert of its own.
"""

from __future__ import annotations

from bot.config import HealthSettings
from bot.cucm.models import ServiceStatus
from bot.health.checks.base import CheckResult, Target, fail, ok
from bot.health.store import HealthStore

NAME = "services"
CTI_MANAGER = "Cisco CTIManager"
CALL_MANAGER = "Cisco CallManager"
NOT_ACTIVATED_CODE = -1068


def _status(target: Target, node: str) -> tuple[ServiceStatus, ServiceStatus | None]:
    """CTIManager's status (which must be installed) and CallManager's, if it is."""
    found = {
        s.service.casefold(): s
        for s in target.controlcenter.get_service_status(node, [CTI_MANAGER, CALL_MANAGER])
    }
    cti = found.get(CTI_MANAGER.casefold())
    if cti is None:
        raise LookupError(f"{CTI_MANAGER} is not installed on {node}")
    return cti, found.get(CALL_MANAGER.casefold())


def _reason(status: ServiceStatus) -> str:
    code = "" if status.reason_code is None else f" {status.reason_code}"
    return f"{status.reason}{code}".strip()


def run(target: Target, settings: HealthSettings, store: HealthStore) -> list[CheckResult]:
    nodes = target.node_names()
    outcomes = target.per_node(lambda node: _status(target, node), nodes)
    if all(isinstance(o, Exception) for o in outcomes):
        raise RuntimeError(f"no node answered ControlCenterServices: {outcomes[0]}")
    results: list[CheckResult] = []
    started: list[str] = []
    for node, answer in zip(nodes, outcomes, strict=True):
        subject = f"CTIManager/{node}"
        outcome = answer if isinstance(answer, Exception) else answer[0]
        if not isinstance(answer, Exception):
            results.append(_call_manager(target, node, answer[1]))
        if isinstance(outcome, Exception):
            results.append(
                fail(
                    target,
                    NAME,
                    subject,
                    "warning",
                    f"CTIManager status unknown on {node} ({target.name}): {outcome}",
                    node=node,
                )
            )
        elif outcome.reason_code == NOT_ACTIVATED_CODE:
            results.append(
                ok(target, NAME, subject, "not activated", node=node, status="Not activated")
            )
        elif outcome.status == "Started":
            started.append(node)
            results.append(ok(target, NAME, subject, "Started", node=node, status="Started"))
        else:
            results.append(
                fail(
                    target,
                    NAME,
                    subject,
                    "critical",
                    f"CTIManager down on {node} ({target.name})",
                    node=node,
                    status=outcome.status,
                    reason=_reason(outcome),
                )
            )
    if started:
        results.append(ok(target, NAME, "CTIManager/cluster", f"started on {', '.join(started)}"))
    else:
        results.append(
            fail(
                target,
                NAME,
                "CTIManager/cluster",
                "critical",
                f"CTIManager running on no node of {target.name}: every CTI application is down",
            )
        )
    return results


def _call_manager(target: Target, node: str, status: ServiceStatus | None) -> CheckResult:
    text = "not installed" if status is None else status.status
    if status is not None and status.reason_code == NOT_ACTIVATED_CODE:
        text = "Not activated"
    return ok(target, NAME, f"CallManager/{node}", text, node=node, status=text)
