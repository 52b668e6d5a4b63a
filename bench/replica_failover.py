"""Replicas on PostgreSQL: leader failover time and alert detection latency.

Real `ctibot serve` processes on one PostgreSQL (CTIBOT_TEST_POSTGRES_URL, else a
throwaway server from this machine's binaries) and one in-process simulator and fake
Slack, all on loopback.

- Failover: SIGKILL the leader, time until the standby's /readyz says "leader".
  Goal: at most one heartbeat interval + 5 s.
- Detection: stop CTIManager on a node, time until the alert message is posted; start
  it again and wait for the edit that resolves it; p95 over the runs, on a single
  process and again after a failover. Goal: p95 at most interval x fire_after + 2 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import requests

from bench.ack_latency import percentile
from bot.changelog.db import make_engine, upgrade
from bot.demo.fake_slack import FakeSlack
from bot.demo.loopback import ENV, Roles, write_replica_config
from bot.health.store import HealthStore
from cucmsim.api import SimServer
from cucmsim.model import CTI_MANAGER, ServiceStatus
from cucmsim.options import SimOptions
from tests.postgres import PostgresUnavailable, postgres_server

CTIBOT = Path(sys.executable).parent / "ctibot"
NODE = "cucm-sub1"
DATABASE = "ctibot_bench_replicas"
SERVICES_INTERVAL_S = 2.0
FIRE_AFTER = 2
HEARTBEAT_INTERVAL_S = 30.0  # the default
LEADER_POLL_S = 3.0  # the default
MAX_RUNS = 30


class Replica:
    def __init__(self, config: Path, log: Path) -> None:
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [str(CTIBOT), "serve", "--config", str(config), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=self._log,
            env={**os.environ, **ENV},
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        if not line.startswith("ctibot ready: "):
            raise RuntimeError(f"ctibot serve did not start: {line!r}; see {log}")
        self.url = line.split("ctibot ready: ", 1)[1].strip().removesuffix("/healthz")

    def role(self) -> str:
        try:
            return str(requests.get(f"{self.url}/readyz", timeout=5).json().get("scheduler"))
        except requests.RequestException:
            return "gone"

    def has_role(self, role: str) -> bool:
        return self.role() == role

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        if not self._log.closed:
            self._log.close()


def wait(condition: Callable[[], Any], timeout: float, step: float = 0.05) -> float:
    """Seconds until `condition()` held; raises on timeout."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not within {timeout} s")
        time.sleep(step)
    return time.monotonic() - started


def set_cti_manager(sim: SimServer, status: ServiceStatus) -> None:
    with sim.cluster.lock:
        service = sim.cluster.services[(NODE, CTI_MANAGER)]
        service.activated = True
        service.status = status


def _alert_posted(fake: FakeSlack, since: int) -> bool:
    """Whether the CTIManager alert is among the messages posted after the first `since`."""
    posted = fake.calls_to("chat.postMessage")[since:]
    return any(f"CTIManager down on {NODE}" in c.params.get("text", "") for c in posted)


def detection(sim: SimServer, fake: FakeSlack, store: HealthStore, runs: int) -> list[float]:
    """Seconds from CTIManager stopped to the alert posted, `runs` times."""
    samples = []
    alert_key = f"lab|services|CTIManager/{NODE}"
    for _ in range(runs):
        posts = len(fake.calls_to("chat.postMessage"))
        set_cti_manager(sim, "Stopped")
        samples.append(wait(partial(_alert_posted, fake, posts), timeout=60))
        set_cti_manager(sim, "Started")
        wait(lambda: (a := store.get_alert(alert_key)) is None or a.state == "resolved", 60)
    return samples


def failover(first: Replica, second: Replica) -> float:
    first.kill()
    return wait(lambda: second.role() == "leader", timeout=HEARTBEAT_INTERVAL_S + 30)


def config_for(directory: Path, sim: SimServer, fake: FakeSlack, url: str) -> Path:
    return write_replica_config(
        directory,
        sim,
        fake,
        Roles(),
        url,
        services_interval=SERVICES_INTERVAL_S,
        heartbeat_interval=HEARTBEAT_INTERVAL_S,
        fire_after=FIRE_AFTER,
        leader_poll=LEADER_POLL_S,
    )


def report(name: str, samples: list[float], goal: float) -> bool:
    p50, p95 = sorted(samples)[len(samples) // 2], percentile(samples, 0.95)
    met = p95 <= goal
    print(
        f"{name}: n={len(samples)} p50 {p50:.2f} s  p95 {p95:.2f} s  max {max(samples):.2f} s"
        f"  (goal p95 <= {goal:.1f} s: {'met' if met else 'MISSED'})"
    )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=10)
    parser.add_argument("--failovers", type=int, default=3)
    args = parser.parse_args(argv)
    runs = max(1, min(args.runs, MAX_RUNS))
    try:
        with postgres_server() as server, tempfile.TemporaryDirectory(prefix="ctibot-ha-") as tmp:
            server.drop_database(DATABASE)
            url = server.create_database(DATABASE)
            try:
                return measure(Path(tmp), url, runs, max(1, min(args.failovers, MAX_RUNS)))
            finally:
                server.drop_database(DATABASE)
    except PostgresUnavailable as exc:
        print(f"no PostgreSQL here ({exc}): skipped")
        return 0


def measure(directory: Path, url: str, runs: int, failovers: int) -> int:
    upgrade(url)
    store = HealthStore(make_engine(url))
    sim = SimServer(SimOptions(seed="demo")).start()
    fake = FakeSlack().start()
    config = config_for(directory, sim, fake, url)
    replicas: list[Replica] = []
    try:
        leader = Replica(config, directory / "replica0.log")
        replicas.append(leader)
        wait(lambda: leader.role() == "leader", timeout=30)
        single = detection(sim, fake, store, runs)
        takeovers = []
        for n in range(failovers):
            standby = Replica(config, directory / f"replica{n + 1}.log")
            replicas.append(standby)
            wait(partial(standby.has_role, "standby"), timeout=30)
            takeovers.append(failover(leader, standby))
            leader = standby
        after = detection(sim, fake, store, runs)
    finally:
        for replica in replicas:
            replica.stop()
        fake.stop()
        sim.stop()
    detect_goal = SERVICES_INTERVAL_S * FIRE_AFTER + 2
    failover_goal = HEARTBEAT_INTERVAL_S + 5
    print(
        f"services check every {SERVICES_INTERVAL_S:g} s, fire_after {FIRE_AFTER}, "
        f"leader_poll {LEADER_POLL_S:g} s, heartbeat_interval {HEARTBEAT_INTERVAL_S:g} s"
    )
    met = [
        report("failover (SIGKILL -> standby leading)", takeovers, failover_goal),
        report("alert detection, single process", single, detect_goal),
        report("alert detection, after a failover", after, detect_goal),
    ]
    return 0 if all(met) else 1


if __name__ == "__main__":
    raise SystemExit(main())
