"""Devices open per provider and per node against the live Max Devices limits.

CUCM lets applications exceed the limits (it only raises the
MaxDevicesPer*Exceeded alarms), so the bot warns at 80 % and goes critical above
100 %. The limits are read from the node every run, through the parameter
resolver, because an admin may change them at any time.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bot.config import HealthSettings
from bot.health.capacity import Sample
from bot.health.checks.base import CheckResult, Severity, Target, fail, ok
from bot.health.store import HealthStore

NAME = "limits"
WARN_RATIO = 0.8
CONTEXT_COUNTERS = ("CTIConnectionActive", "DevicesOpen")


def grade(count: int, limit: int) -> Severity | None:
    if limit <= 0 or count > limit:
        return "critical"
    if count >= WARN_RATIO * limit:
        return "warning"
    return None


def _perfmon(target: Target, node: str) -> dict[str, int]:
    return {
        c.counter: c.value
        for c in target.perfmon.collect(node)
        if c.counter in CONTEXT_COUNTERS and c.instance in (None, "")
    }


def _result(
    target: Target, subject: str, what: str, count: int, limit: int, node: str, **extra: Any
) -> CheckResult:
    percent = round(100 * count / limit) if limit else 0
    details = {"open": count, "limit": limit, "percent": percent, "node": node, **extra}
    severity = grade(count, limit)
    if severity is None:
        return ok(target, NAME, subject, f"{count}/{limit} devices ({percent} %)", **details)
    return fail(
        target,
        NAME,
        subject,
        severity,
        f"{what}: {count} devices open of {limit} allowed ({percent} %) ({target.name})",
        **details,
    )


def run(target: Target, settings: HealthSettings, store: HealthStore) -> list[CheckResult]:
    """Measure, and keep the figures as capacity samples for the chart."""
    results = measure(target)
    at = datetime.now(UTC)
    store.capacity.record(
        target.name,
        [Sample(r.subject, at, int(r.details["open"]), int(r.details["limit"])) for r in results],
    )
    return results


def measure(target: Target) -> list[CheckResult]:
    """One result per node and per provider with devices open (``ctibot doctor`` uses it too)."""
    items = target.ris.select_cti_items("Device", status="Open")
    per_node = Counter(i.node for i in items)
    per_provider = Counter((i.user_id, i.node) for i in items)
    nodes = sorted(set(per_node) | {node for _, node in per_provider})
    resolver = target.parameters

    def limits(node: str) -> tuple[int, int]:
        return (
            int(resolver.get(node, "max_devices_per_node").value or 0),
            int(resolver.get(node, "max_devices_per_provider").value or 0),
        )

    found = dict(zip(nodes, target.per_node(limits, nodes), strict=True))
    counters = dict(zip(nodes, target.per_node(lambda n: _perfmon(target, n), nodes), strict=True))
    results: list[CheckResult] = []
    for node in nodes:
        outcome = found[node]
        if isinstance(outcome, Exception):
            raise outcome
        node_limit, provider_limit = outcome
        context = counters[node] if isinstance(counters[node], dict) else {}
        results.append(
            _result(
                target,
                f"node/{node}",
                f"CTIManager on {node}",
                per_node[node],
                node_limit,
                node,
                perfmon=context,
            )
        )
        for (user, on_node), count in sorted(per_provider.items()):
            if on_node == node:
                results.append(
                    _result(
                        target,
                        f"provider/{user}/{node}",
                        f"Provider {user} on {node}",
                        count,
                        provider_limit,
                        node,
                        provider=user,
                    )
                )
    return results
