"""The CUCM nodes a command may target, and CTIManager's state on each, read in parallel.

ControlCenterServices only answers for the node it is sent to, so a cluster
view is one request per node; a small pool keeps `service status` fast
without tripping Serviceability's rate limits.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import TYPE_CHECKING

from bot.cucm.errors import CucmError
from commands.engine.base import UsageError
from commands.kinds.services import CTI_MANAGER, pick_status

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import ServiceStatus

STATUS_POOL_SIZE = 4
VIRTUAL_NODES = frozenset({"enterprisewidedata"})
_NODE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$")


def check_node_name(node: str) -> str:
    """Syntax only (a host name or address); existence is checked against CUCM later."""
    node = node.strip()
    if not _NODE_NAME.match(node):
        raise UsageError(f"`{node}` is not a valid node name (a host name or IP address).")
    return node


def voice_nodes(cucm: CucmCluster) -> list[str]:
    """CallManager nodes in CUCM's order, without the EnterpriseWideData pseudo-node."""
    names = []
    for node in cucm.axl.list_process_nodes():
        if node.name.casefold() in VIRTUAL_NODES:
            continue
        if "presence" in node.role.casefold():
            continue
        names.append(node.name)
    return names


def match_node(node: str, nodes: list[str]) -> str:
    """CUCM's spelling of `node`, or a UsageError listing the valid nodes."""
    for name in nodes:
        if name.casefold() == node.casefold():
            return name
    listing = ", ".join(f"`{n}`" for n in nodes) or "none"
    raise UsageError(f"Unknown node `{node}`. Nodes of this cluster: {listing}.")


def cti_statuses(
    cucm: CucmCluster, nodes: list[str], service: str = CTI_MANAGER
) -> dict[str, ServiceStatus | CucmError]:
    """Status per node; an unreachable node yields its error instead of failing the rest."""
    return {
        node: found[service] for node, found in service_statuses(cucm, nodes, (service,)).items()
    }


def service_statuses(
    cucm: CucmCluster, nodes: list[str], services: tuple[str, ...]
) -> dict[str, dict[str, ServiceStatus | CucmError]]:
    """Several services per node in one Control Center request per node."""

    def one(node: str) -> dict[str, ServiceStatus | CucmError]:
        try:
            found = cucm.controlcenter.get_service_status(node, list(services))
        except CucmError as exc:
            return dict.fromkeys(services, exc)
        result: dict[str, ServiceStatus | CucmError] = {}
        for service in services:
            try:
                result[service] = pick_status(found, node, service)
            except CucmError as exc:
                result[service] = exc
        return result

    if not nodes:
        return {}
    with ThreadPoolExecutor(max_workers=min(STATUS_POOL_SIZE, len(nodes))) as pool:
        # copy_context: the pool's threads would otherwise log without the request id
        futures = [pool.submit(copy_context().run, one, node) for node in nodes]
        return dict(zip(nodes, [f.result() for f in futures], strict=True))
