"""The bounded wait of the SERVICE kind, without a simulator."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.cucm.models import ServiceStatus
from commands.kinds import services
from commands.kinds.services import ServiceNotSettled, reporting_to, wait_for_status


@dataclass
class FakeControlCenter:
    statuses: list[str]
    calls: list[str] = field(default_factory=list)

    def get_service_status(self, node: str, names: list[str]) -> list[ServiceStatus]:
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        self.calls.append(status)
        return [ServiceStatus(node, names[0], status, -1, "Successful", None, None)]


@dataclass
class FakeCluster:
    controlcenter: FakeControlCenter
    name: str = "lab"


def test_wait_reports_progress_until_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "POLL_INTERVAL_S", 0.0)
    cucm = FakeCluster(FakeControlCenter(["Starting", "Starting", "Started"]))
    seen: list[str] = []
    with reporting_to(seen.append):
        status = wait_for_status(cucm, "n1", "Cisco CTIManager", "Started")  # type: ignore[arg-type]
    assert status.status == "Started"
    assert seen == [
        "Cisco CTIManager on n1: Starting, waiting for Started…",
        "Cisco CTIManager on n1: Started",
    ]


def test_wait_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "POLL_INTERVAL_S", 0.01)
    cucm = FakeCluster(FakeControlCenter(["Stopping"]))
    with pytest.raises(ServiceNotSettled, match="still Stopping after 0 s"):
        wait_for_status(cucm, "n1", "Cisco CTIManager", "Stopped", timeout_s=0.05)  # type: ignore[arg-type]
