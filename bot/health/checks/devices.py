"""The CTI route points and ports the bot provisioned (or config names) are open.

A closed route point means its number rings nowhere useful: critical, one alert
per route point. Closed ports are grouped into one alert per application and
node with a count, so a failed-over application is one message, not fifty. A
port no application has opened has no RIS entry to name either: its
application is then the user the change log gave control of it (or none), and
the message says it is open on no node rather than printing a placeholder.
"""

from __future__ import annotations

from collections import defaultdict

from bot.config import HealthSettings
from bot.cucm.models import CtiItem
from bot.health.checks.base import CheckResult, Target, fail, ok
from bot.health.store import HealthStore

NAME = "devices"
ROUTE_POINT = "route_point"
CTI_PORT = "cti_port"
NO_APP = "no application"
NO_NODE = "-"
USER_KINDS = ("app_user", "end_user")


def watched(target: Target, settings: HealthSettings, store: HealthStore) -> dict[str, str]:
    """Device name -> kind: provisioned by the bot, plus configured extras (as route points)."""
    found = {o.name: o.object_type for o in store.provisioned(target.name, (ROUTE_POINT, CTI_PORT))}
    for name in settings.devices:
        found.setdefault(name, ROUTE_POINT)
    return found


def controllers(target: Target, store: HealthStore) -> dict[str, str]:
    """Device name (casefolded) -> the user the bot last gave control of it."""
    found: dict[str, str] = {}
    for user in store.provisioned(target.name, USER_KINDS):
        for device in user.after.get("associated_devices") or []:
            found[str(device).casefold()] = user.name
    return found


def ports_summary(count: int, app: str, node: str, cluster: str) -> str:
    ports = f"{count} CTI port{'s' if count != 1 else ''}"
    if node != NO_NODE:
        owner = f" of {app}" if app != NO_APP else ""
        closed = f"{ports}{owner} closed on {node} ({cluster})"
        return closed if app != NO_APP else f"{closed}: no application has them open"
    if app != NO_APP:
        return f"{ports} of {app} not open on any node ({cluster})"
    return f"{ports} not open on any node ({cluster}): no application controls them"


def _by_device(items: list[CtiItem]) -> dict[str, list[CtiItem]]:
    grouped: dict[str, list[CtiItem]] = defaultdict(list)
    for item in items:
        grouped[item.device_name.casefold()].append(item)
    return grouped


def _is_open(items: list[CtiItem]) -> bool:
    return any(i.device_status.casefold() == "open" for i in items)


def run(target: Target, settings: HealthSettings, store: HealthStore) -> list[CheckResult]:
    devices = watched(target, settings, store)
    if not devices:
        return []
    seen = _by_device(target.ris.select_cti_items("Device", devices=sorted(devices)))
    owners = controllers(target, store)
    results: list[CheckResult] = []
    closed_ports: dict[tuple[str, str], list[str]] = defaultdict(list)
    open_ports: dict[tuple[str, str], int] = defaultdict(int)
    for name, kind in sorted(devices.items()):
        items = seen.get(name.casefold(), [])
        node = items[0].node if items else None
        app = next((i.user_id for i in items if i.user_id), NO_APP)
        if kind == CTI_PORT:
            if not items:
                app = owners.get(name.casefold(), NO_APP)
            group = (app, node or NO_NODE)
            if _is_open(items):
                open_ports[group] += 1
            else:
                closed_ports[group].append(name)
            continue
        subject = f"route_point/{name}"
        if _is_open(items):
            results.append(ok(target, NAME, subject, f"open on {node} by {app}", node=node))
            continue
        status = items[0].device_status if items else "not opened by any application"
        results.append(
            fail(
                target,
                NAME,
                subject,
                "critical",
                f"Route point {name} closed ({target.name}): calls to it are not answered",
                node=node,
                device=name,
                status=status,
                application=app,
            )
        )
    for (app, node), names in sorted(closed_ports.items()):
        count = len(names)
        results.append(
            fail(
                target,
                NAME,
                f"cti_ports/{app}/{node}",
                "warning",
                ports_summary(count, app, node, target.name),
                node=None if node == NO_NODE else node,
                application=app,
                count=count,
                ports=names[:20],
                open=open_ports.get((app, node), 0),
            )
        )
    return results
