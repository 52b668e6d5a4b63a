"""The health monitor as one unit: store, alert engine, Slack notifier and scheduler.

Bootstrap builds it for every process (so `/cti health` and `/cti silence`
always work); only a process that serves Slack starts the notifier, and only
the one that leads (bot/health/leader.py) runs the scheduler, so `ctibot run`
never posts alerts or runs checks and N replicas run each check once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cucm.cluster import ClusterDirectory
from bot.health.alerts import AlertEngine
from bot.health.notifier import Notifier
from bot.health.scheduler import HealthScheduler
from bot.health.store import HealthStore

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy.engine import Engine

    from bot.config import Settings


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
    engine: Engine,
    clusters: ClusterDirectory,
    client: WebClient | None,
    housekeeping: Callable[[], object] | None = None,
) -> HealthMonitor:
    store = HealthStore(engine)
    channel = settings.slack.alert_channel
    notifier = None
    if client is not None and channel:
        notifier = Notifier(
            client,
            store,
            channel,
            interval_s=settings.health.post_interval,
            runbook_url=settings.health.runbook_url,
        )
    alerts = AlertEngine(store, settings.health, notifier)
    scheduler = HealthScheduler(settings, clusters, store, alerts, housekeeping=housekeeping)
    return HealthMonitor(store, alerts, scheduler, notifier)
