"""Capacity chart: 30 days of samples at the default sweep, loaded and drawn, goal < 1 s.

`/cti capacity --since 30d` reads every sample of a cluster for the window
from the database and draws them (bot/health/chart.py) on a worker thread; a
slow chart holds a worker and keeps the admin waiting. The seed is a busy
cluster: 4 CTIManager nodes and 20 providers sampled every 900 s (the default
`limits_interval`) for 30 days, about 69,000 rows, written through the same
store the limits check uses. The figure is load + render, as the command does.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.changelog.db import make_engine, upgrade
from bot.health.capacity import CapacityStore, Sample
from bot.health.chart import render_png

GOAL_MS = 1000.0
DAYS = 30
SWEEP_S = 900
NODES = 4
PROVIDERS = 20
CLUSTER = "prod"


@dataclass(frozen=True)
class Timing:
    rows: int
    load_ms: list[float]
    render_ms: list[float]
    png_bytes: int

    @property
    def worst_total_ms(self) -> float:
        return max(a + b for a, b in zip(self.load_ms, self.render_ms, strict=True))


def seed(store: CapacityStore, now: datetime, days: int, rng: random.Random) -> int:
    sweeps = days * 86400 // SWEEP_S
    rows = 0
    for sweep in range(sweeps):
        at = now - timedelta(seconds=SWEEP_S * (sweeps - sweep))
        daily = 0.6 + 0.4 * abs(((at.hour + at.minute / 60) - 12) / 12)  # busy by day
        samples = [
            Sample(f"node/cucm-sub{n}", at, int(900 * (1 - daily) + rng.randint(0, 40)), 1200)
            for n in range(NODES)
        ]
        samples += [
            Sample(
                f"provider/app_{p:02d}/cucm-sub{p % NODES}",
                at,
                int(150 * (1 - daily) + rng.randint(0, 20) + p * 5),
                400,
            )
            for p in range(PROVIDERS)
        ]
        rows += store.record(CLUSTER, samples)
    return rows


def measure(directory: Path, days: int = DAYS, runs: int = 5) -> Timing:
    url = f"sqlite:///{directory / 'capacity.db'}"
    upgrade(url)
    store = CapacityStore(make_engine(url))
    now = datetime.now(UTC)
    rows = seed(store, now, days, random.Random(12))
    load_ms: list[float] = []
    render_ms: list[float] = []
    png = b""
    for _ in range(runs):
        started = time.perf_counter()
        samples = store.since(CLUSTER, now - timedelta(days=days))
        loaded = time.perf_counter()
        png = render_png(CLUSTER, samples, f"{days}d")
        load_ms.append((loaded - started) * 1000)
        render_ms.append((time.perf_counter() - loaded) * 1000)
    return Timing(rows, load_ms, render_ms, len(png))


def report(timing: Timing, runs: int) -> bool:
    passed = timing.worst_total_ms < GOAL_MS
    print(f"{timing.rows} samples ({NODES} nodes, {PROVIDERS} providers, {DAYS} d at {SWEEP_S} s)")
    print(
        f"load median {statistics.median(timing.load_ms):.0f} ms, "
        f"render median {statistics.median(timing.render_ms):.0f} ms, "
        f"worst load+render of {runs} {timing.worst_total_ms:.0f} ms, PNG {timing.png_bytes} bytes"
    )
    print(f"goal < {GOAL_MS:.0f} ms: {'PASS' if passed else 'FAIL'}")
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        timing = measure(Path(directory), runs=args.runs)
    return 0 if report(timing, args.runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
