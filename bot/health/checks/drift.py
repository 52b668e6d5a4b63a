"""CTI service parameters and provisioned objects changed outside the bot.

The reference is the after-state the bot last recorded in the change log. A
value the bot never wrote gets a baseline in the health tables the first time it
is seen, and is compared against that from then on: the first run never alerts.
A clusterwide parameter is also compared across nodes: CUCM stores it per node,
so a write to one node (AXL, CLI, an older ctibot) leaves nodes disagreeing,
which no baseline would notice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.changelog.labels import field_label, kind_label
from bot.config import HealthSettings
from bot.cucm.errors import NotFound
from bot.cucm.param_catalog import CATALOGUE, Scope
from bot.health.checks.base import CheckResult, Target, fail, ok
from bot.health.checks.line_drift import line_changes
from bot.health.store import HealthStore, RecordedObject

NAME = "drift"
PARAM_CONCEPTS = (
    "max_devices_per_provider",
    "max_devices_per_node",
    "heartbeat_min_interval",
    "heartbeat_max_interval",
    "new_call_accept_timer",
)
OBJECT_FIELDS = ("description", "device_pool", "css", "location")
PARAMETER = "service_parameter"
DEVICE_KINDS = ("route_point", "cti_port")


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "an unknown time"


def _params(target: Target, node: str) -> dict[str, tuple[str, str, str | None]]:
    """Concept -> (service, internal name, current value) on one node."""
    found = {}
    for concept in PARAM_CONCEPTS:
        spec = CATALOGUE[concept]
        param = target.parameters.get(node, concept)
        found[concept] = (spec.service, param.name, param.value)
    return found


def _param_results(
    target: Target, store: HealthStore, recorded: dict[str, RecordedObject]
) -> list[CheckResult]:
    nodes = target.node_names()
    now = datetime.now(UTC)
    results = []
    seen: dict[str, dict[str, str | None]] = {}
    for node, outcome in zip(
        nodes, target.per_node(lambda n: _params(target, n), nodes), strict=True
    ):
        if isinstance(outcome, Exception):
            raise outcome
        for concept, (service, name, value) in outcome.items():
            seen.setdefault(concept, {})[node] = value
            display = CATALOGUE[concept].display_name
            subject = f"param/{node}/{name}"
            record = recorded.get(f"{node}/{service}/{name}")
            if record is not None:
                expected, seen_at, source = record.after.get("value"), record.at, "the bot set it"
            else:
                baseline = store.baseline(f"{target.name}|{subject}")
                if baseline is None:
                    store.save_baseline(f"{target.name}|{subject}", target.name, value, now)
                    results.append(ok(target, NAME, subject, f"baseline {value}", node=node))
                    continue
                expected, seen_at = baseline
                source = "first seen"
            if str(expected) == str(value):
                results.append(ok(target, NAME, subject, f"{display} = {value}", node=node))
                continue
            results.append(
                fail(
                    target,
                    NAME,
                    subject,
                    "warning",
                    f"{display} on {node} changed outside the bot: {expected} -> {value} "
                    f"({target.name})",
                    node=node,
                    parameter=display,
                    expected=expected,
                    actual=value,
                    last_seen=f"{_when(seen_at)} ({source})",
                )
            )
    return results + _clusterwide_results(target, seen)


def _clusterwide_results(
    target: Target, seen: dict[str, dict[str, str | None]]
) -> list[CheckResult]:
    """One result per clusterwide parameter: do all nodes hold the same value?"""
    results = []
    for concept, values in seen.items():
        spec = CATALOGUE[concept]
        if spec.scope is not Scope.CLUSTERWIDE:
            continue
        subject = f"clusterwide/{concept}"
        if len(set(values.values())) <= 1:
            results.append(ok(target, NAME, subject, f"{spec.display_name} same on every node"))
            continue
        listing = ", ".join(f"{node} {value}" for node, value in values.items())
        results.append(
            fail(
                target,
                NAME,
                subject,
                "warning",
                f"Nodes disagree on clusterwide {spec.display_name}: {listing} ({target.name})",
                parameter=spec.display_name,
                values=values,
                fix=f"/cti params set {spec.key.replace('_', '-')} <value>",
            )
        )
    return results


def _read(target: Target, obj: RecordedObject) -> dict[str, Any] | None:
    reader = (
        target.axl.get_route_point if obj.object_type == "route_point" else target.axl.get_cti_port
    )
    try:
        found = reader(obj.name)
    except NotFound:
        return None
    return {**{f: getattr(found, f, None) for f in OBJECT_FIELDS}, "lines": found.lines}


def _object_results(target: Target, objects: list[RecordedObject]) -> list[CheckResult]:
    results = []
    for obj, current in zip(
        objects, target.per_node(lambda o: _read(target, o), objects), strict=True
    ):
        if isinstance(current, Exception):
            raise current
        subject = f"{obj.object_type}/{obj.name}"
        when = _when(obj.at)
        if current is None:
            results.append(
                fail(
                    target,
                    NAME,
                    subject,
                    "warning",
                    f"{kind_label(obj.object_type)} {obj.name} deleted outside the bot "
                    f"({target.name})",
                    last_seen=when,
                )
            )
            continue
        changed = {
            f: {"expected": obj.after.get(f), "actual": current[f]}
            for f in OBJECT_FIELDS
            if f in obj.after and (obj.after.get(f) or None) != (current[f] or None)
        }
        if "lines" in obj.after:
            changed.update(line_changes(obj.after["lines"], current["lines"]))
        if not changed:
            results.append(ok(target, NAME, subject, "as the bot left it"))
            continue
        listing = ", ".join(
            f"{field_label(f)} {v['expected']} -> {v['actual']}" for f, v in changed.items()
        )
        results.append(
            fail(
                target,
                NAME,
                subject,
                "warning",
                f"{kind_label(obj.object_type)} {obj.name} changed outside the bot: "
                f"{listing} ({target.name})",
                changed=changed,
                last_seen=when,
            )
        )
    return results


def run(target: Target, settings: HealthSettings, store: HealthStore) -> list[CheckResult]:
    recorded = store.provisioned(target.name, (PARAMETER, *DEVICE_KINDS))
    params = {o.name: o for o in recorded if o.object_type == PARAMETER}
    objects = [o for o in recorded if o.object_type in DEVICE_KINDS]
    return _param_results(target, store, params) + _object_results(target, objects)
