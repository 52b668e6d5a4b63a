"""The limits health check on a provider holding 2,500 devices (the large seed).

Max Devices Per Provider defaults to 2000 and CUCM lets an application exceed it (only
alarms), so the check must count every device a provider holds. RIS answers at most 1000
CTI items per call; a check that reads one page sees 1000 and reports 50 %. Goal: the
provider is measured at 2,500 of 2,000 (125 %, critical) and its node at 2,501, with the
RIS calls that paging needs (three pages) and no more.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bot.changelog.db import make_engine, upgrade
from bot.config import Settings
from bot.cucm.cluster import CucmCluster, SingleCluster
from bot.demo.sim_cluster import sim_endpoint
from bot.health.alerts import AlertEngine
from bot.health.checks.base import CheckResult
from bot.health.scheduler import HealthScheduler
from bot.health.store import HealthStore
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from cucmsim.seed import BIG_PROVIDER, LARGE

PROVIDER_LIMIT = 2000
RIS_PAGES = 3


def sweep_limits(sim: SimServer, tmp: Path) -> tuple[list[CheckResult], float, int]:
    """One limits sweep: its results, its wall time and the RIS calls it made."""
    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    store = HealthStore(make_engine(url))
    settings = Settings(health={"ris_per_minute": 1000, "perfmon_per_minute": 1000})
    with CucmCluster(sim_endpoint(sim)) as cucm:
        monitor = HealthScheduler(
            settings, SingleCluster(cucm), store, AlertEngine(store, settings.health)
        )
        sim.reset_counters()
        report = monitor.sweep_once(checks=["limits"])
        monitor.shutdown()
    if report.errors:
        raise RuntimeError(f"limits check failed: {report.errors}")
    results = [r for found in report.results.values() for r in found]
    return results, report.wall_s, sim.counters().get("ris", {}).get("selectCtiItem", 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args(argv)
    options = SimOptions(seed="large", ris_rate_per_minute=10_000, perfmon_rate_per_minute=10_000)
    started = time.perf_counter()
    with SimServer(options) as sim, tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        start_s = time.perf_counter() - started
        results, wall_s, ris_calls = sweep_limits(sim, Path(tmp))
    provider = next((r for r in results if r.subject.startswith(f"provider/{BIG_PROVIDER}/")), None)
    held = LARGE.big_provider_ports
    print(f"large seed: simulator up in {start_s:.2f} s; {held} devices open by {BIG_PROVIDER}")
    if provider is None:
        print("  no result for the provider: FAIL")
        return 1
    details = provider.details
    print(f"  {provider.subject}: {details['open']}/{details['limit']} ({details['percent']} %)")
    print(f"  severity {provider.severity}; sweep {wall_s * 1000:.0f} ms; RIS calls {ris_calls}")
    for result in results:
        if result.subject.startswith("node/"):
            print(f"  {result.subject}: {result.details['open']}/{result.details['limit']}")
    passed = (
        details["open"] == held
        and details["limit"] == PROVIDER_LIMIT
        and provider.severity == "critical"
        and ris_calls == RIS_PAGES
    )
    print(f"goal: {held} of {PROVIDER_LIMIT} measured, critical: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
