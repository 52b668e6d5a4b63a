"""The health monitor as one unit: store, alert engine, notifier and scheduler.

Bootstrap builds it for every process (so `/cti health` and `/cti silence`
always work), and hands it the Slack layer's notifier when the process serves
Slack; only such a process starts the notifier, and only
the one that leads (bot/health/leader.py) runs the scheduler, so `ctibot run`
never posts alerts or runs checks and N replicas run each check once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.cucm.cluster import ClusterDirectory
from bot.health.alerts import AlertEngine, Notices
from bot.health.scheduler import HealthScheduler
from bot.health.store import HealthStore

if TYPE_CHECKING:
    from bot.config import Settings


class Notifier(Notices, Protocol):
    """Notices sent from a thread of their own (the Slack layer's alert notifier), so the
    engine never waits on the network; the monitor starts and stops that thread."""

    def start(self) -> object: ...
    def stop(self) -> None: ...


@dataclass
class HealthMonitor:
    store: HealthStore
    alerts: AlertEngine
    scheduler: HealthScheduler
    notifier: Notifier | None = None
    running: bool = False

    def start(self, *, checks: bool = True) -> None:
        """The single process case: post alerts and lead at once."""
        self.start_notifier()
        self.lead(checks=checks)

    def start_notifier(self) -> None:
        """Every serving replica posts what its own clicks and commands change."""
        if self.notifier is not None:
            self.notifier.start()

    def lead(self, *, checks: bool = True) -> None:
        """Run the scheduler; first send what a previous leader left unsent.
        With `checks` off (health disabled) only the reminder tick and housekeeping run."""
        self.alerts.resync()
        self.scheduler.start(checks=checks)
        self.running = True

    def stand_down(self) -> None:
        """Stop the scheduler, waiting for running checks; `lead` may start it again."""
        if self.running:
            self.scheduler.shutdown()
        self.running = False

    def stop(self) -> None:
        self.stand_down()
        if self.notifier is not None:
            self.notifier.stop()


def build_monitor(
    settings: Settings,
    store: HealthStore,
    clusters: ClusterDirectory,
    notifier: Notifier | None,
    housekeeping: Callable[[], object] | None = None,
) -> HealthMonitor:
    alerts = AlertEngine(store, settings.health, notifier)
    scheduler = HealthScheduler(settings, clusters, store, alerts, housekeeping=housekeeping)
    return HealthMonitor(store, alerts, scheduler, notifier)
