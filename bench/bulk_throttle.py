"""Bulk under throttling: `create-ports` of N ports against a CUCM that answers 503 past R writes/s.

Scripts that fire writes back to back fail here: CUCM refuses every write past its rate with
HTTP 503. The bot must finish close to the ideal time (writes / rate) with nothing failed and
no manual retry. The command goes through the real Runner (plan, confirmation, re-plan,
apply_plan with a change log in a temporary SQLite file) against cucmsim on loopback; the
figures come from the service layer's counters, the change log and the simulator's own model.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.cucm.cluster import CucmCluster, SingleCluster
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.pacer import is_axl_write
from bot.demo.sim_cluster import sim_endpoint
from commands.catalog import build_runner
from commands.engine.base import Actor, Reply, Role
from commands.engine.runner import ConfirmationRequest, Runner
from cucmsim.api import SimServer
from cucmsim.model import key
from cucmsim.options import SimOptions

GOAL_RATIO = 1.15
MAX_PORTS = 500
FIRST_DN = 7001
APP_USER = "ctiapp_rec"
OPERATOR = Actor("UBENCH", "bench", "CBENCH")


@dataclass
class Figures:
    steps: int
    attempts: int
    throttles: int
    retries: int
    failed: list[str]
    seconds: float
    reply: str


def endpoint_for(sim: SimServer, *, pace: bool) -> ClusterEndpoint:
    return replace(sim_endpoint(sim), pace_writes=pace)


def command_text(ports: int) -> str:
    last = FIRST_DN + ports - 1
    return (
        f"create-ports CTIP{{001..{ports:03d}}} {FIRST_DN}-{last} "
        f"partition=PT_CTI device-pool=DP_CTI app-user={APP_USER}"
    )


def missing_in_sim(sim: SimServer, ports: int) -> list[str]:
    """What CUCM (the simulator's model) lacks, read without the service layer."""
    names = [f"CTIP{i:03d}" for i in range(1, ports + 1)]
    with sim.cluster.lock:
        controlled = {key(d) for d in sim.cluster.app_users[key(APP_USER)].associated_devices}
        missing = [f"line {FIRST_DN + i}" for i in range(ports) if not _has_line(sim, i)]
        missing += [f"port {n}" for n in names if key(n) not in sim.cluster.devices]
        missing += [f"{APP_USER} control of {n}" for n in names if key(n) not in controlled]
    return missing


def _has_line(sim: SimServer, index: int) -> bool:
    return (key(str(FIRST_DN + index)), key("PT_CTI")) in sim.cluster.lines


def run(sim: SimServer, cluster: CucmCluster, runner: Runner, ports: int) -> Figures:
    asked = runner.handle(command_text(ports), OPERATOR, Role.OPERATOR)
    if not isinstance(asked, ConfirmationRequest):
        raise RuntimeError(f"expected a confirmation, got: {asked}")
    cluster.stats.reset()
    started = time.monotonic()
    done = runner.decide(asked.token, OPERATOR, Role.OPERATOR, confirm=True)
    seconds = time.monotonic() - started
    if not isinstance(done, Reply):
        raise RuntimeError(f"expected a reply, got: {done}")
    writes = {
        op: s for op, s in cluster.stats.snapshot().items() if is_axl_write(op.split(".", 1)[1])
    }
    record = runner.changelog.get(done.change_set_id) if done.change_set_id else None
    changes = record.changes if record else ()
    failed = [f"{c.object_name}: {c.status}" for c in changes if c.status != "applied"]
    return Figures(
        steps=len(changes),
        attempts=int(sum(s["requests"] for s in writes.values())),
        throttles=int(sum(s["throttles"] for s in writes.values())),
        retries=int(sum(s["retries"] for s in writes.values())),
        failed=failed + missing_in_sim(sim, ports),
        seconds=seconds,
        reply=f"{done.status}: {done.title}",
    )


def report(figures: Figures, rate: float, pace: bool) -> bool:
    ideal = figures.steps / rate
    ratio = figures.seconds / ideal if ideal else float("inf")
    passed = ratio <= GOAL_RATIO and not figures.failed and figures.steps > 0
    print(f"pacer {'on' if pace else 'off'}; CUCM write limit {rate:g}/s; {figures.reply}")
    print(f"writes needed {figures.steps}, sent {figures.attempts} (incl. retries)")
    print(f"503s received {figures.throttles}, retries {figures.retries}")
    print(f"failed items {len(figures.failed)}" + "".join(f"\n  {f}" for f in figures.failed[:10]))
    print(f"completion {figures.seconds:.2f} s, ideal {ideal:.2f} s, ratio {ratio:.3f}")
    print(f"goal ratio <= {GOAL_RATIO} and 0 failed: {'PASS' if passed else 'FAIL'}")
    return passed


@contextmanager
def runner_on(sim: SimServer, *, pace: bool) -> Iterator[tuple[CucmCluster, Runner]]:
    """A Runner with every command, a fresh migrated change log and a client of `sim`."""
    with tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'changelog.db'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            with CucmCluster(endpoint_for(sim, pace=pace)) as cluster:
                changelog, confirmations = ChangeLog(engine), ConfirmationStore(engine)
                yield (
                    cluster,
                    build_runner(SingleCluster(cluster), changelog, confirmations, 600),
                )
        finally:
            engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--no-pacer", action="store_true", help="show the unpaced baseline")
    args = parser.parse_args(argv)
    ports = max(1, min(args.ports, MAX_PORTS))
    rate = max(0.5, args.rate)
    pace = not args.no_pacer
    options = SimOptions(seed="demo", axl_write_rate=rate)
    with SimServer(options) as sim, runner_on(sim, pace=pace) as (cluster, runner):
        figures = run(sim, cluster, runner, ports)
        pacer = cluster.pacer.snapshot() if cluster.pacer else None
    passed = report(figures, rate, pace)
    if pacer is not None:
        final = f"{pacer.rate:.2f}/s" if pacer.rate else "unpaced"
        print(f"pacer: {pacer.cuts} rate cuts, final rate {final}, waited {pacer.waited_s:.1f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
