"""One health sweep over an 8-node simulated cluster with 200 ms per Serviceability call.

Prints the sweep's wall time and its ratio to the same checks run one after
another with one call at a time (goal: under 0.25). The parallelism comes from
running checks side by side and fanning per-node calls out on the bounded pool.
Loopback only; two sweeps, then it stops.
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
from bot.health.scheduler import HealthScheduler
from bot.health.store import HealthStore
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

GOAL_RATIO = 0.25
MAX_NODES = 8


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=MAX_NODES)
    parser.add_argument("--latency-ms", type=int, default=200)
    args = parser.parse_args(argv)
    nodes = max(2, min(args.nodes, MAX_NODES))
    options = SimOptions(
        seed="demo", node_count=nodes, ris_rate_per_minute=10000, perfmon_rate_per_minute=10000
    )
    with SimServer(options) as sim, tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        store = HealthStore(make_engine(url))
        settings = Settings(
            health={
                "max_workers": nodes,
                "ris_per_minute": 1000,
                "perfmon_per_minute": 1000,
                "devices": ["RP_MAIN"],
                "applications": [
                    {
                        "app_user": "ctiapp_ivr",
                        "primary_node": "cucm-sub1",
                        "backup_node": "cucm-sub2",
                    }
                ],
            }
        )
        with CucmCluster(sim_endpoint(sim)) as cucm:
            monitor = HealthScheduler(
                settings, SingleCluster(cucm), store, AlertEngine(store, settings.health)
            )
            monitor.sweep_once()  # warm up: WSDLs parsed, sessions open, baselines taken
            sim.set_latency(args.latency_ms, "serviceability")
            sim.reset_counters()
            parallel = monitor.sweep_once(parallel=True)
            sequential = monitor.sweep_once(parallel=False)
            calls = sim.counters()
            monitor.shutdown()
    ratio = parallel.wall_s / sequential.wall_s
    print(f"health sweep, {nodes} nodes, +{args.latency_ms} ms per Serviceability call")
    print(f"  parallel sweep:      {parallel.wall_s * 1000:8.0f} ms")
    print(f"  one after another:   {sequential.wall_s * 1000:8.0f} ms")
    print(f"  ratio:               {ratio:8.3f}  (goal < {GOAL_RATIO})")
    print(f"  simulator calls (both sweeps): {calls}")
    if parallel.errors or sequential.errors:
        print(f"  check failures: {parallel.errors or sequential.errors}")
        return 1
    return 0 if ratio < GOAL_RATIO else 1


if __name__ == "__main__":
    start = time.monotonic()
    code = main()
    print(f"  bench wall time: {time.monotonic() - start:.1f} s")
    raise SystemExit(code)
