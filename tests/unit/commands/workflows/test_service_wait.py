"""The bounded wait of the SERVICE kind, without a simulator."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

import pytest

from bot.cucm.errors import CucmError
from bot.cucm.models import ServiceStatus
from commands.engine.base import StillInProgress
from commands.kinds import services
from commands.kinds.services import reporting_to, wait_for_status


@dataclass
class FakeControlCenter:
    statuses: list[str]
    calls: list[str] = field(default_factory=list)

    def get_service_status(self, node: str, names: list[str]) -> list[ServiceStatus]:
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        self.calls.append(status)
        return [ServiceStatus(node, names[0], status, -1, "Successful", None, None)]


@dataclass
class FakeEndpoint:
    service_wait_s: float = 300.0


@dataclass
class FakeCluster:
    controlcenter: FakeControlCenter
    name: str = "lab"
    endpoint: FakeEndpoint = field(default_factory=FakeEndpoint)


def test_wait_reports_progress_until_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "POLL_INTERVAL_S", 0.0)
    cucm = FakeCluster(FakeControlCenter(["Starting", "Started"]))
    seen: list[str] = []
    with reporting_to(seen.append):
        status = wait_for_status(cucm, "n1", "Cisco CTIManager", "Started")  # type: ignore[arg-type]  # a fake cluster
    assert status.status == "Started"
    assert seen == [
        "Cisco CTIManager on n1: Starting, waiting for Started (up to 300 s)…",
        "Cisco CTIManager on n1: Started",
    ]


def test_a_long_wait_keeps_reporting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Minutes of Starting must not look like a hang: the status repeats with the time waited."""
    monkeypatch.setattr(services, "POLL_INTERVAL_S", 0.0)
    cucm = FakeCluster(FakeControlCenter(["Starting", "Starting", "Starting", "Started"]))
    seen: list[str] = []
    with reporting_to(seen.append):
        wait_for_status(cucm, "n1", "Cisco CTIManager", "Started")  # type: ignore[arg-type]  # a fake cluster
    still = [m for m in seen if "still Starting after" in m]
    assert len(still) >= 2, seen
    assert all(m.endswith("(waiting up to 300 s)…") for m in still)


def test_the_bound_is_the_clusters_service_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ending the wait is not a failure: CUCM took the request and is still carrying it out."""
    monkeypatch.setattr(services, "POLL_INTERVAL_S", 0.01)
    cucm = FakeCluster(FakeControlCenter(["Stopping"]), endpoint=FakeEndpoint(0.05))
    with pytest.raises(StillInProgress, match="still Stopping after 0 s") as caught:
        wait_for_status(cucm, "n1", "Cisco CTIManager", "Stopped")  # type: ignore[arg-type]  # a fake cluster
    assert not isinstance(caught.value, CucmError)
    assert "/cti service status" in str(caught.value)


def test_polls_slow_down_on_a_long_wait() -> None:
    """Control Center is rate limited: a wait of minutes must not poll five times a second."""
    intervals = list(islice(services.poll_intervals(), 20))
    assert intervals[0] == services.POLL_INTERVAL_S
    assert intervals == sorted(intervals)
    assert max(intervals) == services.MAX_POLL_INTERVAL_S
