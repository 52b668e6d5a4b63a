"""Is the cluster answering at all: AXL on the publisher, Serviceability on every node."""

from __future__ import annotations

import time

from bot.config import HealthSettings
from bot.cucm.errors import CucmError
from bot.health.checks.base import CheckResult, Target, fail, ok
from bot.health.store import HealthStore

NAME = "heartbeat"
CTI_MANAGER = "Cisco CTIManager"


def run(target: Target, settings: HealthSettings, store: HealthStore) -> list[CheckResult]:
    started = time.monotonic()
    try:
        version = target.axl.get_version()
    except CucmError as exc:
        return [fail(target, NAME, "axl", "critical", f"AXL not answering on {target.name}: {exc}")]
    latency_ms = round((time.monotonic() - started) * 1000, 1)
    results = [ok(target, NAME, "axl", f"AXL {version} in {latency_ms} ms", latency_ms=latency_ms)]
    nodes = target.node_names()

    def probe(node: str) -> float:
        began = time.monotonic()
        target.controlcenter.get_service_status(node, [CTI_MANAGER])
        return round((time.monotonic() - began) * 1000, 1)

    for node, outcome in zip(nodes, target.per_node(probe, nodes), strict=True):
        subject = f"serviceability/{node}"
        if isinstance(outcome, Exception):
            results.append(
                fail(
                    target,
                    NAME,
                    subject,
                    "warning",
                    f"Serviceability not answering on {node} ({target.name}): {outcome}",
                    node=node,
                )
            )
        else:
            results.append(
                ok(
                    target,
                    NAME,
                    subject,
                    f"answered in {outcome} ms",
                    node=node,
                    latency_ms=outcome,
                )
            )
    return results
