"""Bulk at production distance: `create-ports` of 500 ports, AXL +100 ms a call, 10 writes/s.

A plan that reads each port and DN one by one pays the round trip 1,000 times before the
first write; with reads in batches (one listPhone and one listLine for the whole range,
paged when large) the plan costs a handful of requests and the run is bounded by CUCM's
write rate alone. Goal: wall time from the confirmation click to the reply within 1.15 x
(writes / rate), and at most 20 AXL reads for the whole job (plan, re-plan at the click,
apply). Runs through the real Runner and change log against cucmsim on loopback.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass

from bench.bulk_throttle import OPERATOR, command_text, missing_in_sim, runner_on
from bot.cucm.pacer import is_axl_write
from commands.engine.base import Reply, Role
from commands.engine.runner import ConfirmationRequest, Runner
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

GOAL_RATIO = 1.15
MAX_READS = 20
MAX_PORTS = 500


@dataclass
class Figures:
    ports: int
    writes: int
    reads: Counter[str]
    seconds: float
    in_sim: float  # the simulator's own answering time (it runs in this process)
    failed: list[str]
    status: str

    def ratio(self, rate: float) -> float:
        ideal = self.writes / rate
        return self.seconds / ideal if ideal else float("inf")


def measure(sim: SimServer, runner: Runner, ports: int) -> Figures:
    """Plan, confirm and apply one create-ports; AXL requests as the simulator saw them."""
    sim.reset_counters()
    started = time.monotonic()
    done = runner.handle(command_text(ports), OPERATOR, Role.OPERATOR)
    if isinstance(done, ConfirmationRequest):  # a large range asks first: time from the click
        started = time.monotonic()
        done = runner.decide(done.token, OPERATOR, Role.OPERATOR, confirm=True)
    seconds = time.monotonic() - started
    if not isinstance(done, Reply):
        raise RuntimeError(f"expected a reply, got: {done}")
    axl = Counter(sim.counters().get("axl", {}))
    writes = sum(n for op, n in axl.items() if is_axl_write(op))
    reads = Counter({op: n for op, n in axl.items() if not is_axl_write(op)})
    record = runner.changelog.get(done.change_set_id) if done.change_set_id else None
    failed = [f"{c.object_name}: {c.status}" for c in (record.changes if record else ())]
    failed = [f for f in failed if not f.endswith(": applied")] + missing_in_sim(sim, ports)
    in_sim = sim.handler_seconds()
    return Figures(ports, writes, reads, seconds, in_sim, failed, f"{done.status}: {done.title}")


def report(figures: Figures, rate: float, latency_ms: int) -> bool:
    ratio = figures.ratio(rate)
    total_reads = figures.reads.total()
    passed = ratio <= GOAL_RATIO and total_reads <= MAX_READS and not figures.failed
    print(f"create-ports of {figures.ports}, AXL +{latency_ms} ms, {rate:g} writes/s")
    print(f"  {figures.status}")
    print(f"  AXL writes {figures.writes}; ideal {figures.writes / rate:.1f} s")
    reads = ", ".join(f"{op} x{n}" for op, n in sorted(figures.reads.items()))
    print(f"  AXL reads {total_reads} (goal <= {MAX_READS}): {reads}")
    print(f"  confirm to reply {figures.seconds:.1f} s, ratio {ratio:.3f} (goal <= {GOAL_RATIO})")
    per_write = (figures.seconds - figures.writes / rate) / max(figures.writes, 1) * 1000
    print(
        f"  beyond the ideal: {per_write:.1f} ms a write; the simulator's own answering "
        f"took {figures.in_sim:.1f} s of the run (in this process, so on the same CPUs)"
    )
    shown = "".join(f"\n    {f}" for f in figures.failed[:5])
    print(f"  failed items {len(figures.failed)}{shown}")
    print("PASS" if passed else "FAIL")
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", type=int, default=MAX_PORTS)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--seed", choices=("demo", "large"), default="large")
    args = parser.parse_args(argv)
    ports = max(1, min(args.ports, MAX_PORTS))
    rate = max(0.5, args.rate)
    options = SimOptions(seed=args.seed, axl_write_rate=rate)
    with SimServer(options) as sim, runner_on(sim, pace=True) as (_, runner):
        sim.set_latency(args.latency_ms, "axl")
        figures = measure(sim, runner, ports)
    return 0 if report(figures, rate, args.latency_ms) else 1


if __name__ == "__main__":
    raise SystemExit(main())
