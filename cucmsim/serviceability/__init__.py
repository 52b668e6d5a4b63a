"""CUCM Serviceability APIs: ControlCenterServices, RISService70 and PerfmonService."""

from __future__ import annotations

from cucmsim.options import SimOptions
from cucmsim.serviceability.controlcenter import ControlCenterService
from cucmsim.serviceability.perfmon import PerfmonService
from cucmsim.serviceability.ris import RisService
from cucmsim.soap import SoapService

__all__ = ["ControlCenterService", "PerfmonService", "RisService", "build_services"]


def build_services(options: SimOptions) -> list[SoapService]:
    """The three endpoints, sharing `options` so run-time limit changes apply at once."""
    return [ControlCenterService(options), RisService(options), PerfmonService(options)]
