"""The `/__sim__/` JSON control path: what tests and demos use to steer the simulator.

It lives beside the CUCM paths, never on them, and needs no credentials.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from cucmsim.context import SimContext
from cucmsim.options import set_service_delay

JsonReply = tuple[int, Any]
PREFIX = "/__sim__/"


def _json_body(payload: bytes) -> dict[str, Any]:
    if not payload.strip():
        return {}
    data = json.loads(payload)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    return data


def state(ctx: SimContext) -> dict[str, Any]:
    """A JSON-friendly dump of the model, for debugging and independent checks."""
    cluster = ctx.cluster
    with cluster.lock:
        return {
            "nodes": [dataclasses.asdict(n) for n in cluster.nodes.values()],
            "services": [
                {"node": node, **dataclasses.asdict(s)} for (node, _), s in cluster.services.items()
            ],
            "devices": [dataclasses.asdict(d) for d in cluster.devices.values()],
            "lines": [dataclasses.asdict(line) for line in cluster.lines.values()],
            "users": [dataclasses.asdict(u) for u in cluster.users.values()],
            "app_users": [dataclasses.asdict(u) for u in cluster.app_users.values()],
            "user_groups": [dataclasses.asdict(g) for g in cluster.user_groups.values()],
            "service_parameters": [
                dataclasses.asdict(p) for p in cluster.service_parameters.values()
            ],
            "applications": [dataclasses.asdict(a) for a in cluster.applications.values()],
        }


def _app_action(ctx: SimContext, app_user: str, action: str) -> JsonReply:
    from cucmsim import cti  # written alongside the serviceability endpoints

    if action == "fail":
        cti.fail_app(ctx.cluster, app_user)
    elif action == "recover":
        cti.recover_app(ctx.cluster, app_user)
    else:
        return 404, {"error": f"unknown application action {action!r}"}
    return 200, {"ok": True}


def _route(ctx: SimContext, method: str, path: str, body: dict[str, Any]) -> JsonReply:
    runtime = ctx.runtime
    route = path[len(PREFIX) :].strip("/")
    if (method, route) == ("GET", "nodes"):
        return 200, ctx.nodes()
    if (method, route) == ("POST", "faults"):
        operation, kind = body.pop("operation"), body.pop("kind")
        runtime.faults.inject(operation, kind, **body)
        return 200, {"ok": True}
    if (method, route) == ("DELETE", "faults"):
        runtime.faults.clear()
        return 200, {"ok": True}
    if (method, route) == ("POST", "latency"):
        runtime.set_latency(int(body["ms"]), body.get("scope", "all"))
        return 200, dict(runtime.latency_ms)
    if (method, route) == ("POST", "throttle"):
        rate = body.get("axl_write_rate")
        runtime.throttle.set_rate(None if rate is None else float(rate))
        return 200, {"axl_write_rate": runtime.throttle.rate}
    if (method, route) == ("POST", "service-delay"):
        return 200, {"seconds": set_service_delay(ctx.options, float(body["seconds"]))}
    if (method, route) == ("GET", "counters"):
        return 200, runtime.counters()
    if (method, route) == ("DELETE", "counters"):
        runtime.reset_counters()
        return 200, {"ok": True}
    if (method, route) == ("GET", "requests"):
        return 200, [dataclasses.asdict(r) for r in runtime.requests()]
    if (method, route) == ("GET", "state"):
        return 200, state(ctx)
    parts = route.split("/")
    if method == "POST" and len(parts) == 3 and parts[0] == "apps":
        return _app_action(ctx, parts[1], parts[2])
    return 404, {"error": f"no control route {method} {path}"}


def handle(ctx: SimContext, method: str, path: str, payload: bytes) -> JsonReply:
    try:
        return _route(ctx, method, path, _json_body(payload))
    except (KeyError, ValueError, TypeError) as exc:
        return 400, {"error": f"{type(exc).__name__}: {exc}"}
