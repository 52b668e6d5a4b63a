"""The background jobs: registered as the issue asks, and a crashing check kills nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.changelog.db import make_engine, upgrade
from bot.config import Settings
from bot.health.alerts import AlertEngine
from bot.health.checks import CHECKS
from bot.health.scheduler import TICK_JOB, HealthScheduler
from bot.health.store import HealthStore


class Broken:
    """A CUCM whose every call raises, like a cluster that just went away."""

    def __getattr__(self, name: str) -> Any:
        raise ConnectionError(f"{name}: connection refused")


class Clusters:
    default_name = "lab"

    def names(self) -> list[str]:
        return ["lab"]

    def get(self, name: str) -> Any:
        return Broken()


def _monitor(tmp_path: Path) -> HealthScheduler:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    upgrade(url)
    store = HealthStore(make_engine(url))
    settings = Settings(health={"jitter": 7, "fire_after": 1})
    return HealthScheduler(settings, Clusters(), store, AlertEngine(store, settings.health))


def test_jobs_coalesce_run_alone_and_jitter(tmp_path: Path) -> None:
    monitor = _monitor(tmp_path)
    scheduler = BackgroundScheduler()
    monitor.start(scheduler)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {f"{check}@lab" for check in CHECKS} | {TICK_JOB}
        heartbeat = jobs["heartbeat@lab"]
        assert heartbeat.coalesce is True and heartbeat.max_instances == 1
        assert heartbeat.trigger.jitter == 7
        assert heartbeat.trigger.interval.total_seconds() == 30
        assert jobs["drift@lab"].trigger.interval.total_seconds() == 900
    finally:
        monitor.shutdown()


def test_a_raising_check_becomes_a_check_failure_and_the_job_survives(tmp_path: Path) -> None:
    monitor = _monitor(tmp_path)
    monitor._job("lab", "services")  # would raise out of the job if not contained
    monitor._job("lab", "services")
    alert = monitor.store.get_alert("lab|services|check")
    assert alert is not None and alert.state == "firing"
    assert alert.summary.startswith("services check failed on lab:")
    run = monitor.store.last_runs("lab")["services"]
    assert run.ok is False and "connection refused" in (run.error or "")
    monitor.shutdown()
