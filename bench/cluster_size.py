"""Cluster size must not show: every benchmarked workflow on the large seed vs the demo seed.

The large seed holds the demo lab inside a production-sized cluster (20,000 phones, 5,000
end users, 3,000 CTI devices, a provider holding 2,500 of them). A command whose reads grow
with the cluster (listing every phone, reading every user) sends more requests there, or
takes longer. Each command runs (first run, then `--reruns` no-change re-runs, timed as the
first plus the median re-run) on a fresh simulator of each seed, `--repeat` times
alternating seeds; the goal is the same AXL and
Serviceability requests on both and a median time ratio (large / demo) of at most 1.2 for
the bot's own time: the CPU time of the thread that runs the command. The simulator shares
this process and its model answers by scanning in-memory tables (CUCM's database is
indexed), so wall time shows the simulator as much as the bot; it is printed beside.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.axl_minimums import CASES, Case
from bench.axl_roundtrips import Run, SimRunner, fresh_runner, registry_for, run_once
from bot.changelog.db import upgrade
from commands.engine.registry import Registry
from cucmsim.options import Seed

GOAL_RATIO = 1.2
SEEDS: tuple[Seed, Seed] = ("demo", "large")


@dataclass
class Timing:
    case: Case
    wall: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SEEDS})
    bot: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SEEDS})
    requests: dict[str, Counter[str]] = field(default_factory=dict)

    def median(self, seed: str, bot: bool = True) -> float:
        return statistics.median((self.bot if bot else self.wall)[seed])

    def ratio_of(self, bot: bool) -> float:
        return self.median("large", bot) / max(self.median("demo", bot), 1e-9)

    @property
    def ratio(self) -> float:
        return self.ratio_of(bot=True)

    @property
    def same_requests(self) -> bool:
        return self.requests["demo"] == self.requests["large"]

    @property
    def passed(self) -> bool:
        return self.same_requests and self.ratio <= GOAL_RATIO


def timed(runner: SimRunner, text: str) -> tuple[Run, float, float]:
    """One run: its requests, wall seconds, and the bot's own CPU seconds (this thread's:
    the simulator answers on its own threads, so its work and the waits are not in it)."""
    started, cpu = time.perf_counter(), time.thread_time()
    run = run_once(runner, text)
    return run, time.perf_counter() - started, time.thread_time() - cpu


def run_case(
    registry: Registry, case: Case, template: Path, workdir: Path, seed: Seed, reruns: int
) -> tuple[float, float, Counter[str]]:
    """First run, then `reruns` no-change re-runs, on a fresh simulator: wall and bot CPU
    seconds of the first run plus the median re-run, and the requests as CUCM saw them."""
    with fresh_runner(registry, template, workdir, seed) as runner:
        # The simulated cluster lives in this process: keep its 100,000+ model objects out
        # of the bot's garbage collections, as a remote CUCM's memory would be.
        gc.collect()
        gc.freeze()
        first, first_wall, first_bot = timed(runner, case.text)
        again = [timed(runner, case.text) for _ in range(max(1, reruns))]
    gc.unfreeze()
    wall = first_wall + statistics.median(w for _, w, _ in again)
    bot = first_bot + statistics.median(b for _, _, b in again)
    sent = Counter({f"first {k}": n for k, n in first.sim.items()})
    sent.update({f"rerun {k}": n for k, n in again[0][0].sim.items()})
    return wall, bot, sent


def measure(cases: tuple[Case, ...], workdir: Path, repeat: int, reruns: int = 5) -> list[Timing]:
    registry, _ = registry_for([c.command for c in cases])
    template = workdir / "template.db"
    upgrade(f"sqlite:///{template}")
    timings = []
    for case in cases:
        timing = Timing(case)
        for _ in range(repeat):
            for seed in SEEDS:
                wall, bot, sent = run_case(registry, case, template, workdir, seed, reruns)
                timing.wall[seed].append(wall)
                timing.bot[seed].append(bot)
                timing.requests[seed] = sent
        timings.append(timing)
    return timings


def report(timings: list[Timing]) -> bool:
    print(
        f"{'command':<20}{'requests':>9}{'same':>6}{'bot cpu demo':>14}{'large':>7}{'ratio':>7}"
        f"{'wall ms demo':>14}{'large':>7}{'ratio':>7}"
    )
    for t in timings:
        print(
            f"{t.case.command:<20}{t.requests['large'].total():>9}"
            f"{'yes' if t.same_requests else 'NO':>6} "
            f"{t.median('demo') * 1000:>13.0f}{t.median('large') * 1000:>7.0f}{t.ratio:>7.2f}"
            f"{t.median('demo', False) * 1000:>14.0f}{t.median('large', False) * 1000:>7.0f}"
            f"{t.ratio_of(bot=False):>7.2f}  {'PASS' if t.passed else 'FAIL'}"
        )
        if not t.same_requests:
            extra = t.requests["large"] - t.requests["demo"]
            fewer = t.requests["demo"] - t.requests["large"]
            print(f"    large only: {dict(extra)}; demo only: {dict(fewer)}")
    passed = all(t.passed for t in timings)
    print(
        "bot = CPU time of the thread running the command; wall includes the simulator, "
        "whose model scans in-memory tables where CUCM's database is indexed"
    )
    print(f"goal: same requests, median bot ratio <= {GOAL_RATIO}: {'PASS' if passed else 'FAIL'}")
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("commands", nargs="*", help="only these commands (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="fresh simulators per seed")
    parser.add_argument("--reruns", type=int, default=9, help="no-change re-runs per simulator")
    args = parser.parse_args(argv)
    cases = tuple(c for c in CASES if not args.commands or c.command in args.commands)
    with tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        timings = measure(cases, Path(tmp), max(1, args.repeat), args.reruns)
    return 0 if report(timings) else 1


if __name__ == "__main__":
    raise SystemExit(main())
