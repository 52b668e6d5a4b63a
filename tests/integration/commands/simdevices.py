"""Independent reads of devices and lines straight from the simulator's model.

These never go through the service layer, so a bug there cannot hide a bug
in what CUCM (the simulator) really holds.
"""

from __future__ import annotations

from typing import Any

from cucmsim.model import key


def device(sim: Any, name: str) -> dict[str, Any] | None:
    with sim.cluster.lock:
        found = sim.cluster.devices.get(key(name))
        if found is None:
            return None
        return {
            "name": found.name,
            "product": found.product,
            "device_pool": found.device_pool,
            "css": found.calling_search_space,
            "location": found.location,
            "description": found.description,
            "lines": [
                (a.index, a.pattern, a.partition, a.max_num_calls, a.busy_trigger)
                for a in found.lines
            ],
        }


def line(sim: Any, pattern: str, partition: str | None) -> dict[str, Any] | None:
    with sim.cluster.lock:
        found = sim.cluster.lines.get((key(pattern), key(partition or "")))
        if found is None:
            return None
        return {
            "pattern": found.pattern,
            "partition": found.partition,
            "description": found.description,
            "alerting_name": found.alerting_name,
            "cfna": _destination(found, "callForwardNoAnswer"),
            "cfna_int": _destination(found, "callForwardNoAnswerInt"),
            "cfof": _destination(found, "callForwardOnFailure"),
            "cfnr": _destination(found, "callForwardNotRegistered"),
            "forward_css": {
                block: forward.calling_search_space
                for block, forward in found.forwards.items()
                if forward.calling_search_space
            },
        }


def _destination(found: Any, block: str) -> str | None:
    forward = found.forwards.get(block)
    return (forward.destination or None) if forward else None


def controlled(sim: Any, userid: str) -> list[str]:
    with sim.cluster.lock:
        return sorted(sim.cluster.app_users[key(userid)].associated_devices)


def axl_writes(sim: Any) -> dict[str, int]:
    counted = sim.counters().get("axl", {})
    prefixes = ("add", "update", "remove", "apply", "reset", "restart", "do")
    return {op: n for op, n in counted.items() if op.startswith(prefixes)}


def axl_reads(sim: Any) -> dict[str, int]:
    counted = sim.counters().get("axl", {})
    return {op: n for op, n in counted.items() if op.startswith(("get", "list"))}
