"""Metrics on a private registry, fed by the service layer's stats observer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from bot.cucm.stats import Stats
from bot.metrics import Metrics, alert_counts


def samples(metrics: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = metrics.render().decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(metrics: Metrics, name: str, **labels: str) -> float:
    return samples(metrics).get((name, frozenset(labels.items())), 0.0)


def test_commands_are_counted_by_name_and_outcome() -> None:
    metrics = Metrics()
    metrics.command("version", "read")
    metrics.command("version", "read")
    metrics.command("service restart", "confirmation")
    assert value(metrics, "ctibot_commands_total", command="version", outcome="read") == 2
    assert (
        value(metrics, "ctibot_commands_total", command="service restart", outcome="confirmation")
        == 1
    )


def test_stats_observer_feeds_cucm_call_metrics() -> None:
    metrics = Metrics()
    stats = Stats(observer=metrics)
    stats.attempt("axl.getPhone", retry=False, latency_s=0.02)
    stats.throttled("axl.getPhone")
    stats.attempt("axl.getPhone", retry=True, latency_s=0.3)
    stats.failed("axl.getPhone")
    op = {"operation": "axl.getPhone"}
    assert value(metrics, "ctibot_cucm_call_seconds_count", **op) == 2
    assert value(metrics, "ctibot_cucm_call_seconds_sum", **op) == 0.32
    assert value(metrics, "ctibot_cucm_retries_total", **op) == 1
    assert value(metrics, "ctibot_cucm_throttles_total", **op) == 1
    assert value(metrics, "ctibot_cucm_errors_total", **op) == 1
    assert stats.snapshot()["axl.getPhone"]["requests"] == 2


def test_each_bot_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.command("help", "read")
    assert value(second, "ctibot_commands_total", command="help", outcome="read") == 0


def test_alerts_are_read_at_scrape_time() -> None:
    current: list[Any] = []
    metrics = Metrics()
    metrics.watch_alerts(alert_counts(lambda: current))
    assert value(metrics, "ctibot_alerts", state="firing", severity="critical") == 0
    current += [SimpleNamespace(state="firing", severity="critical")] * 2
    current.append(SimpleNamespace(state="acknowledged", severity="warning"))
    assert value(metrics, "ctibot_alerts", state="firing", severity="critical") == 2
    assert value(metrics, "ctibot_alerts", state="acknowledged", severity="warning") == 1


class FakeScheduler:
    def __init__(self) -> None:
        self.listeners: list[tuple[Any, int]] = []

    def add_listener(self, callback: Any, mask: int) -> None:
        self.listeners.append((callback, mask))


def test_scheduler_lag_comes_from_job_events() -> None:
    metrics = Metrics()
    scheduler = FakeScheduler()
    metrics.watch_scheduler(scheduler)
    callback, _ = scheduler.listeners[0]
    late = datetime.now(UTC) - timedelta(seconds=3)
    callback(SimpleNamespace(job_id="ris@lab", scheduled_run_time=late))
    lag = value(metrics, "ctibot_scheduler_lag_seconds", job="ris@lab")
    assert 3 <= lag < 10
    metrics.record_job_lag("tick", -1.0)
    assert value(metrics, "ctibot_scheduler_lag_seconds", job="tick") == 0
