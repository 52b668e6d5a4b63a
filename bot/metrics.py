"""Prometheus metrics, on a registry owned by each bot rather than the process-global one.

A private ``CollectorRegistry`` lets tests (and the demo) build several bots in one
process without "duplicated timeseries" errors. The service layer and the runner never
import this module: bootstrap hands them the plain callbacks defined here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# CUCM answers in tens of ms when idle and in seconds when it throttles or a write is paced.
CUCM_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

AlertCounts = Callable[[], Mapping[tuple[str, str], int]]


class AlertCollector(Collector):
    """``ctibot_alerts{state,severity}`` read at scrape time, so it is never stale."""

    def __init__(self, counts: AlertCounts) -> None:
        self._counts = counts

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "ctibot_alerts", "Health alerts by state and severity.", labels=["state", "severity"]
        )
        for (state, severity), count in sorted(self._counts().items()):
            family.add_metric([state, severity], count)
        yield family


class Metrics:
    """Every ctibot metric, registered on one private registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.commands = Counter(
            "ctibot_commands",
            "Commands run, by command name and outcome.",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.cucm_call_seconds = Histogram(
            "ctibot_cucm_call_seconds",
            "Duration of each CUCM request attempt, by API operation.",
            ["operation"],
            buckets=CUCM_BUCKETS,
            registry=self.registry,
        )
        self.cucm_retries = Counter(
            "ctibot_cucm_retries",
            "CUCM request attempts that were retries.",
            ["operation"],
            registry=self.registry,
        )
        self.cucm_throttles = Counter(
            "ctibot_cucm_throttles",
            "CUCM answers saying it is throttling (HTTP 503 / AXL rate limit).",
            ["operation"],
            registry=self.registry,
        )
        self.cucm_errors = Counter(
            "ctibot_cucm_errors",
            "CUCM calls that failed after their retries.",
            ["operation"],
            registry=self.registry,
        )
        self.slack_duplicates = Counter(
            "ctibot_slack_duplicates",
            "Slack redeliveries of a request already received: acked, not run again.",
            registry=self.registry,
        )
        self.scheduler_lag = Gauge(
            "ctibot_scheduler_lag_seconds",
            "How late the last run of each scheduled job started.",
            ["job"],
            registry=self.registry,
        )

        self.scheduler_leader = Gauge(
            "ctibot_scheduler_leader",
            "1 while this replica leads the scheduler (runs the checks), 0 while it stands by.",
            registry=self.registry,
        )

    # ----- runner observer -----
    def command(self, command: str, outcome: str) -> None:
        self.commands.labels(command=command, outcome=outcome).inc()

    def seen_before(self, seen: Callable[[str], bool]) -> Callable[[str], bool]:
        """`seen` (the delivery de-duplication), counting the redeliveries it catches."""

        def counted(key: str) -> bool:
            duplicate = seen(key)
            if duplicate:
                self.slack_duplicates.inc()
            return duplicate

        return counted

    # ----- bot.cucm.stats.StatsObserver -----
    def attempt(self, operation: str, *, retry: bool, latency_s: float) -> None:
        self.cucm_call_seconds.labels(operation=operation).observe(latency_s)
        if retry:
            self.cucm_retries.labels(operation=operation).inc()

    def throttled(self, operation: str) -> None:
        self.cucm_throttles.labels(operation=operation).inc()

    def failed(self, operation: str) -> None:
        self.cucm_errors.labels(operation=operation).inc()

    # ----- health -----
    def record_job_lag(self, job: str, seconds: float) -> None:
        self.scheduler_lag.labels(job=job).set(max(0.0, seconds))

    def watch_scheduler(self, scheduler: Any) -> None:
        """Record each APScheduler job's lateness, without touching the scheduler's code."""
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

        def on_run(event: Any) -> None:
            lag = datetime.now(UTC) - event.scheduled_run_time
            self.record_job_lag(event.job_id, lag.total_seconds())

        scheduler.add_listener(on_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def leading(self, leader: bool) -> None:
        self.scheduler_leader.set(1 if leader else 0)

    def watch_alerts(self, counts: AlertCounts) -> None:
        self.registry.register(AlertCollector(counts))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def alert_counts(alerts: Callable[[], Iterable[Any]]) -> AlertCounts:
    """Count alert records (anything with ``state`` and ``severity``) by both."""

    def counts() -> dict[tuple[str, str], int]:
        tally: dict[tuple[str, str], int] = {}
        for alert in alerts():
            key = (alert.state, alert.severity)
            tally[key] = tally.get(key, 0) + 1
        return tally

    return counts
