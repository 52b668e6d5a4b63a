"""The process nodes checks 1 and 2 visit besides the publisher.

Listing them takes an AXL login over verified TLS, which is what later checks judge; until
it works, the node part of a check is a warning that points there, not a failure of its own,
so the report names each problem once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.cucm.errors import CucmError
from bot.cucm.models import ProcessNode
from bot.doctor.report import Finding, Mark
from bot.doctor.run import Probe


@dataclass(frozen=True)
class Target:
    """One address ctibot talks to, and how the report names it."""

    label: str
    address: str


def publisher(probe: Probe) -> Target:
    return Target(f"publisher {probe.endpoint.host}", probe.endpoint.host)


def process_nodes(probe: Probe, check: str) -> tuple[list[ProcessNode], Finding | None]:
    """The cluster's nodes, or none and the warning that says why they were not visited."""
    try:
        return probe.cucm.axl.list_process_nodes(), None
    except CucmError:
        return [], Finding(
            check,
            "process nodes",
            Mark.WARN,
            "not checked yet: listing them needs the AXL login, which fails (see credentials)",
        )


def node_target(probe: Probe, node: ProcessNode) -> Target:
    address = probe.endpoint.node_address(node.name)
    label = node.name if address == node.name else f"{node.name} ({address})"
    return Target(label, address)
