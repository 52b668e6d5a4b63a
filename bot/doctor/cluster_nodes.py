"""The nodes doctor checks one by one: CUCM voice nodes, as ``listProcessNode`` names them."""

from __future__ import annotations

from bot.doctor.run import Probe


def voice_nodes(probe: Probe) -> list[str]:
    """Every CallManager node (IM and Presence nodes run no CTIManager and no CTI limits)."""
    return [
        node.name
        for node in probe.cucm.axl.list_process_nodes()
        if "presence" not in node.role.casefold()
    ]
