"""When checks run: APScheduler jobs in the bot process, or one synchronous sweep.

The serving process's housekeeping (bot/housekeeping.py) runs here too, hourly,
whether or not the checks are enabled.

One job per check per cluster, each with its own interval, coalesced (a late
run is run once, not caught up), never overlapping itself, with jitter so the
clusters' checks do not hit CUCM in lock-step. A job never raises: whatever a
check or the database does, the next run still happens. Per-node calls fan out
on a bounded pool separate from the pool that runs checks side by side, so a
sweep can never deadlock on its own workers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor as JobExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from bot.changelog.errors import reason
from bot.config import Settings
from bot.cucm.param_catalog import ParameterResolver
from bot.health.alerts import AlertEngine
from bot.health.checks import CHECK_SUBJECT, CHECKS, run_check
from bot.health.checks.base import CheckResult, Target
from bot.health.ratelimit import LimitedPerfmon, LimitedRis, RateLimiter
from bot.health.recording_alarm import RecordingAlarm
from bot.health.store import CheckRunRecord, HealthStore

log = logging.getLogger(__name__)

TICK_JOB = "health-tick"
TICK_INTERVAL_S = 60
HOUSEKEEPING_JOB = "housekeeping"
HOUSEKEEPING_INTERVAL_S = 3600

if TYPE_CHECKING:
    from bot.cucm.cluster import ClusterDirectory


class _Inline(Executor):
    """Runs each call at once in the caller: the one-after-another baseline of the bench."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@dataclass
class SweepReport:
    wall_s: float
    results: dict[str, list[CheckResult]] = field(default_factory=dict)  # "check@cluster"
    errors: dict[str, str] = field(default_factory=dict)


class HealthScheduler:
    def __init__(
        self,
        settings: Settings,
        clusters: ClusterDirectory,
        store: HealthStore,
        engine: AlertEngine,
        *,
        rate_backoff_s: float = 30.0,
        housekeeping: Callable[[], object] | None = None,
    ) -> None:
        self.settings = settings
        self._housekeeping = housekeeping
        self.health = settings.health
        self._clusters = clusters
        self.store = store
        self.engine = engine
        self._rate_backoff_s = rate_backoff_s
        self._pool = self._node_pool()
        self._targets: dict[str, Target] = {}
        self._latest: dict[tuple[str, str], list[CheckResult]] = {}
        self._latest_lock = threading.Lock()
        self.scheduler: BackgroundScheduler | None = None
        self.recording = RecordingAlarm(engine.notifier.say)

    def _node_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(
            max_workers=self.health.max_workers, thread_name_prefix="health-node"
        )

    # ----- targets -----
    def target(self, cluster: str, pool: Executor | None = None) -> Target:
        """The cluster as checks see it; RIS and PerfMon behind per-cluster rate limiters."""
        if pool is None and cluster in self._targets:
            return self._targets[cluster]
        cucm = self._clusters.get(cluster)
        configured = next((c for c in self.settings.clusters if c.name == cluster), None)
        cached = self._targets.get(cluster)
        target = Target(
            name=cluster,
            axl=cucm.axl,
            controlcenter=cucm.controlcenter,
            ris=cached.ris if cached else LimitedRis(cucm.ris, self._limiter("ris")),
            perfmon=cached.perfmon
            if cached
            else LimitedPerfmon(cucm.perfmon, self._limiter("perfmon")),
            pool=pool or self._pool,
            timeout_s=self.health.check_timeout,
            default=bool(configured and configured.default) or len(self._clusters.names()) == 1,
            resolver=ParameterResolver(
                cucm.axl, cluster=cluster, overrides=configured.param_names if configured else None
            ),
        )
        if pool is None:
            self._targets[cluster] = target
        return target

    def _limiter(self, api: str) -> RateLimiter:
        per_minute = self.health.ris_per_minute if api == "ris" else self.health.perfmon_per_minute
        return RateLimiter(per_minute, backoff_s=self._rate_backoff_s)

    # ----- one run -----
    def run(self, cluster: str, check: str, pool: Executor | None = None) -> list[CheckResult]:
        """Run one check, record the run, feed the alert engine; never raises."""
        started = time.monotonic()
        at = datetime.now(UTC)
        try:
            target = self.target(cluster, pool)
            results, error = run_check(check, target, self.health, self.store)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            results = [
                CheckResult(
                    cluster,
                    check,
                    CHECK_SUBJECT,
                    False,
                    "warning",
                    f"{check} check failed on {cluster}: {exc}",
                    {"error": error},
                )
            ]
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        if error is None:
            with self._latest_lock:
                self._latest[(cluster, check)] = results
        try:
            self.store.record_run(
                CheckRunRecord(check, cluster, at, duration_ms, error is None, error)
            )
            self.engine.process(cluster, check, results, complete=error is None)
        except SQLAlchemyError as exc:
            self.recording.failed(f"{check} on {cluster}", reason(exc))
        except Exception:
            log.exception("could not record %s on %s", check, cluster)
        else:
            self.recording.recorded()
        return results

    def latest(self, cluster: str, check: str) -> list[CheckResult] | None:
        """The last complete run's results, kept in memory so boards (App Home) that are
        drawn often never ask CUCM again for what the monitor has just read."""
        with self._latest_lock:
            return self._latest.get((cluster, check))

    def sweep_once(
        self,
        *,
        clusters: Iterable[str] | None = None,
        checks: Iterable[str] | None = None,
        parallel: bool = True,
    ) -> SweepReport:
        """Every check on every cluster once, now, and wait for all of them."""
        names = list(clusters) if clusters is not None else self._clusters.names()
        wanted = list(checks) if checks is not None else list(CHECKS)
        jobs = [(c, k) for c in names for k in wanted]
        started = time.monotonic()
        report = SweepReport(wall_s=0.0)
        if parallel:
            with ThreadPoolExecutor(
                max_workers=max(1, len(jobs)), thread_name_prefix="health-check"
            ) as checks_pool:
                futures = {f"{k}@{c}": checks_pool.submit(self.run, c, k) for c, k in jobs}
                for name, future in futures.items():
                    report.results[name] = future.result()
        else:
            inline = _Inline()
            for c, k in jobs:
                report.results[f"{k}@{c}"] = self.run(c, k, pool=inline)
        report.wall_s = time.monotonic() - started
        for name, results in report.results.items():
            for result in results:
                if result.subject == CHECK_SUBJECT and not result.ok:
                    report.errors[name] = result.summary
        return report

    # ----- background -----
    def start(
        self, scheduler: BackgroundScheduler | None = None, *, checks: bool = True
    ) -> BackgroundScheduler:
        """Register one job per check per cluster (unless `checks` is off), the reminder
        tick and housekeeping, and start."""
        self.scheduler = scheduler or BackgroundScheduler(
            executors={"default": JobExecutor(self.health.max_workers)}, timezone=UTC
        )
        for cluster in self._clusters.names() if checks else []:
            for check in CHECKS:
                self.scheduler.add_job(
                    self._job,
                    IntervalTrigger(seconds=self.health.interval(check), jitter=self.health.jitter),
                    args=(cluster, check),
                    id=f"{check}@{cluster}",
                    name=f"health {check} on {cluster}",
                    coalesce=True,
                    max_instances=1,
                    misfire_grace_time=int(self.health.interval(check)),
                    replace_existing=True,
                    next_run_time=datetime.now(UTC),
                )
        self.scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=TICK_INTERVAL_S),
            id=TICK_JOB,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        if self._housekeeping is not None:
            self.scheduler.add_job(
                self._housekeep,
                IntervalTrigger(seconds=HOUSEKEEPING_INTERVAL_S),
                id=HOUSEKEEPING_JOB,
                coalesce=True,
                max_instances=1,
                replace_existing=True,
                next_run_time=datetime.now(UTC),
            )
        if not self.scheduler.running:
            self.scheduler.start()
        return self.scheduler

    def _job(self, cluster: str, check: str) -> None:
        try:
            self.run(cluster, check)
        except Exception:
            log.exception("health job %s on %s", check, cluster)

    def _housekeep(self) -> None:
        try:
            if self._housekeeping is not None:
                self._housekeeping()
        except Exception:
            log.exception("housekeeping")

    def _tick(self) -> None:
        try:
            self.engine.tick()
        except Exception:
            log.exception("health tick")

    def shutdown(self) -> None:
        """Waits for running checks (each bounded by check_timeout): none may outlive the bot's
        database or write an alert after the process said it stopped. A replica that stops
        leading may lead again later, so the node pool is replaced, not just closed."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        pool, self._pool = self._pool, self._node_pool()
        self._targets.clear()
        pool.shutdown(wait=False, cancel_futures=True)
