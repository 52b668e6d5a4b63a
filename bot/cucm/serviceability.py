"""Shared wiring for the Serviceability APIs (Control Center, RIS, PerfMon).

They share one namespace, qualified children and HTTP Basic; Control Center is local-node
only and PerfMon is addressed per node, so each client gets a factory that returns the
``SoapService`` for a node (cached per node by ``CucmCluster``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.cucm.convert import field
from bot.cucm.soap import SoapService

ServiceFor = Callable[[str], SoapService]

CONTROLCENTER_PATH = "/controlcenterservice2/services/ControlCenterServices"
RIS_PATH = "/realtimeservice2/services/RISService70"
PERFMON_PATH = "/perfmonservice2/services/PerfmonService"


def unwrap(response: Any, name: str) -> Any:
    """The ``name`` child of a response, or the response itself if zeep already unwrapped it."""
    inner = field(response, name)
    return response if inner is None else inner
