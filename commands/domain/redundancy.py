"""The two kinds of CTI redundancy, checked apart because CUCM handles them apart.

- Device registration and recovery: route points and CTI ports register with
  Cisco CallManager on the first node of the CM group of their device pool,
  and re-home to the next member when that node fails. What counts is the
  Cisco CallManager service on the group's members.
- Provider failover: the application's provider connects to the primary
  CTIManager of the application's own configuration and re-opens on its backup
  when that one fails (it does not fail back by itself). What counts is Cisco
  CTIManager on those two nodes. CUCM does not know them: they come from
  `ctimanager=primary,backup` or the application's `[[health.applications]]`
  entry in the bot's configuration.

Both feed `/cti preflight` (as checks) and `/cti provision-app` (as warnings).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.cucm.errors import CucmError, NotFound
from commands.domain.nodes import check_node_name, cti_statuses, match_node
from commands.engine.base import Param, UsageError
from commands.kinds.services import CTI_MANAGER, is_activated

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import DevicePool, ServiceStatus
    from commands.engine.context import Context

CALL_MANAGER = "Cisco CallManager"
CONTROL_CENTER = "Cisco Unified Serviceability > Tools > Control Center - Feature Services"
FROM_ARGUMENT = "from ctimanager="
FROM_CONFIG = "from the application's health settings"
NO_CTIMANAGERS_NOTE = (
    "Give `ctimanager=primary,backup` (or list the application under [[health.applications]] "
    "in the configuration) to check where its provider fails over."
)

CTIMANAGER = Param(
    "ctimanager",
    "The application's primary and backup CTIManager nodes, as set in the application "
    "(default: its [[health.applications]] entry).",
    placeholder="cucm-sub1,cucm-sub2",
)

Statuses = dict[str, "ServiceStatus | CucmError"]


@dataclass(frozen=True)
class Finding:
    """One redundancy check: passed, passed with a warning, or failed, and the fix."""

    ok: bool
    label: str
    detail: str
    fix: str | None = None
    warning: bool = False

    def as_warning(self) -> str | None:
        """A plan warning for anything short of a clean pass."""
        if self.ok and not self.warning:
            return None
        fix = f" Fix: {self.fix}." if self.fix else ""
        return f"{self.label}: {self.detail}.{fix}"


@dataclass(frozen=True)
class AppCtiManagers:
    """Where an application's provider connects, and where it re-opens when that fails."""

    app_user: str | None
    primary: str
    backup: str | None
    source: str


def started(found: ServiceStatus | CucmError) -> bool:
    return not isinstance(found, CucmError) and found.status == "Started"


def start_fix(node: str, found: ServiceStatus | CucmError) -> str:
    """The /cti command that gets CTIManager running on `node`."""
    if isinstance(found, CucmError):
        return f"check that {node} is reachable, then `/cti service status`"
    if not is_activated(found):
        return f"`/cti service activate {node}`"
    return f"`/cti service restart {node}`"


def parse_ctimanagers(value: str | None) -> tuple[str, ...]:
    """Syntax of `ctimanager=primary[,backup]`; the nodes are matched against CUCM later."""
    if value is None or not value.strip():
        return ()
    names = tuple(check_node_name(n) for n in value.split(","))
    if len(names) > 2:
        raise UsageError(
            "`ctimanager=` takes the application's primary and backup CTIManager: "
            "two nodes at most, e.g. ctimanager=cucm-sub1,cucm-sub2."
        )
    if len(names) == 2 and names[0].casefold() == names[1].casefold():
        raise UsageError(f"`ctimanager=` names {names[0]} twice: the backup must be another node.")
    return names


def app_ctimanagers(
    ctx: Context, app_user: str | None, typed: tuple[str, ...]
) -> AppCtiManagers | None:
    """The typed nodes, else the application's configured ones, else None (no read)."""
    if typed:
        return AppCtiManagers(
            app_user, typed[0], typed[1] if len(typed) > 1 else None, FROM_ARGUMENT
        )
    if app_user is None:
        return None
    default = ctx.clusters.default_name.casefold() == ctx.cluster_name.casefold()
    for app in ctx.applications:
        here = (app.cluster or "").casefold() == ctx.cluster_name.casefold() or (
            app.cluster is None and default
        )
        if here and app.app_user.casefold() == app_user.casefold():
            return AppCtiManagers(app.app_user, app.primary_node, app.backup_node, FROM_CONFIG)
    return None


def on_cluster(app: AppCtiManagers, nodes: list[str]) -> AppCtiManagers:
    """The nodes in CUCM's spelling. A typed node CUCM does not have is bad input; a
    configured one is left for the check to report."""
    if app.source == FROM_ARGUMENT:
        backup = match_node(app.backup, nodes) if app.backup else None
        return replace(app, primary=match_node(app.primary, nodes), backup=backup)
    return app


def _state(node: str, found: ServiceStatus | CucmError) -> str:
    if isinstance(found, CucmError):
        return f"{node} unreachable"
    if not is_activated(found):
        return f"{node} not activated"
    return f"{node} {found.status}"


def device_recovery(cucm: CucmCluster, pool: DevicePool, known: Statuses | None = None) -> Finding:
    """Cisco CallManager on the members of the pool's CM group, in failover order.

    `known`: Cisco CallManager statuses already read (preflight reads every node's
    services in one request each); members missing from it are read here.
    """
    if not pool.cm_group:
        return Finding(
            False,
            "Device registration and recovery",
            f"device pool {pool.name} has no CM group, so its route points and ports "
            "have no Cisco CallManager to register with",
            fix="give the device pool a CM group in CUCM Administration > System > Device Pool",
        )
    label = f"Device registration and recovery ({pool.cm_group})"
    try:
        members = list(cucm.axl.get_cm_group(pool.cm_group).members)
    except NotFound:
        members = []
    if not members:
        return Finding(
            False,
            label,
            f"CM group {pool.cm_group} of device pool {pool.name} has no node",
            fix="add nodes to the CM group in CUCM Administration > System > "
            "Cisco Unified CM Group",
        )
    known = known or {}
    statuses = {n: known[n] for n in members if n in known}
    statuses |= cti_statuses(cucm, [n for n in members if n not in known], CALL_MANAGER)
    down = [n for n in members if not started(statuses[n])]
    order = " > ".join(members)
    detail = f"route points and ports register and recover on {order} ({CALL_MANAGER})"
    start = f"start {CALL_MANAGER} on {', '.join(down)} ({CONTROL_CENTER})"
    if len(down) == len(members):
        states = ", ".join(_state(n, statuses[n]) for n in members)
        detail = (
            f"{CALL_MANAGER} is not started on any node of CM group {pool.cm_group} "
            f"({states}): the devices of device pool {pool.name} cannot register"
        )
        return Finding(False, label, detail, fix=start)
    if down:
        states = ", ".join(_state(n, statuses[n]) for n in down)
        detail += f"; {CALL_MANAGER} is not started on {states}, so they cannot recover there"
        return Finding(True, label, detail, fix=start, warning=True)
    if len(members) == 1:
        detail += "; a single node, so nothing recovers them when it fails"
        fix = (
            f"add a second node to CM group {pool.cm_group} in CUCM Administration > System > "
            "Cisco Unified CM Group"
        )
        return Finding(True, label, detail, fix=fix, warning=True)
    return Finding(True, label, detail)


def provider_failover(app: AppCtiManagers, nodes: list[str], statuses: Statuses) -> Finding:
    """Cisco CTIManager on the application's primary and backup nodes."""
    label = f"CTI provider failover ({app.app_user})" if app.app_user else "CTI provider failover"
    unknown = [n for n in (app.primary, app.backup) if n and not _known(n, nodes)]
    if unknown:
        return Finding(
            False,
            label,
            f"{', '.join(unknown)} ({app.source}) is not a node of this cluster "
            f"(nodes: {', '.join(nodes) or 'none'})",
            fix="correct the application's entry under [[health.applications]]",
        )
    primary = match_node(app.primary, nodes)
    found = {n: statuses.get(n) or CucmError("not read") for n in nodes}
    roles = [("primary", primary)] + (
        [("backup", match_node(app.backup, nodes))] if app.backup else []
    )
    detail = ", ".join(f"{role} {_state(n, found[n])}" for role, n in roles) + f" ({app.source})"
    down = [n for _, n in roles if not started(found[n])]
    fixes = " and ".join(start_fix(n, found[n]) for n in down)
    if len(down) == len(roles):
        detail += f": the provider cannot open, {CTI_MANAGER} runs on none of them"
        return Finding(False, label, detail, fix=fixes)
    if primary in down:
        detail += (
            "; the provider opens on the backup and will not fail back by itself "
            "when the primary returns"
        )
        return Finding(True, label, detail, fix=fixes, warning=True)
    if down:
        detail += "; the provider has no working backup"
        return Finding(True, label, detail, fix=fixes, warning=True)
    if app.backup is None:
        detail += "; no backup CTIManager, so a CTIManager failure closes the provider"
        fix = "configure a backup CTIManager in the application and name it in `ctimanager=`"
        return Finding(True, label, detail, fix=fix, warning=True)
    return Finding(True, label, detail)


def read_ctimanagers(cucm: CucmCluster, app: AppCtiManagers, nodes: list[str]) -> Statuses:
    """CTIManager on the application's own nodes only (what provision-app needs)."""
    wanted = [match_node(n, nodes) for n in (app.primary, app.backup) if n and _known(n, nodes)]
    return cti_statuses(cucm, wanted)


def _known(node: str, nodes: list[str]) -> bool:
    return node.casefold() in (n.casefold() for n in nodes)
