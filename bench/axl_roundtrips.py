"""AXL round trips per /cti command: what each run costs CUCM, against the job's minimum.

CUCM's AXL service is shared with every other admin tool and throttled per
cluster, so each request a command sends beyond what the job needs is load we
impose for nothing. Each command runs twice through the real Runner (plan,
confirmation click when asked, apply) against a fresh simulator: the first run
changes CUCM, the re-run must find nothing to do. Requests are counted on the
simulator's side (what CUCM would see) and on the client's (retries included).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bench.axl_minimums import CASES, Case
from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.cucm.cluster import CucmCluster, SingleCluster
from bot.cucm.endpoint import ClusterEndpoint
from bot.demo.sim_cluster import sim_endpoint
from commands.catalog import build_registry, build_runner
from commands.engine.base import Actor, Reply, Role
from commands.engine.command import Command
from commands.engine.registry import Registry
from commands.engine.runner import ConfirmationRequest, Runner
from commands.workflows import (
    associate,
    groups,
    lines,
    ports,
    preflight,
    provision,
    routepoints,
    service,
    service_parameters,
)
from cucmsim.api import SimServer
from cucmsim.options import Seed, SimOptions

ADMIN = Actor("UBENCH", "bench", "CBENCH")
# The workflow modules' own command lists: used for a command the catalog does not
# (yet) register, so the figures exist before the wiring does; the report says which.
MODULE_COMMANDS: tuple[list[Command], ...] = (
    routepoints.COMMANDS,
    lines.COMMANDS,
    ports.COMMANDS,
    associate.COMMANDS,
    groups.COMMANDS,
    provision.COMMANDS,
    service_parameters.COMMANDS,
    service.COMMANDS,
    preflight.COMMANDS,
)


@dataclass(frozen=True)
class Run:
    sim: Counter[str]  # "endpoint.operation" as the simulator saw them
    client: Counter[str]  # as the client sent them, retries included
    confirmed: bool
    status: str


@dataclass(frozen=True)
class Result:
    case: Case
    source: str  # "catalog", "module" or "missing"
    first: Run | None = None
    rerun: Run | None = None

    def extra(self, rerun: bool) -> Counter[str]:
        run = self.rerun if rerun else self.first
        if run is None:
            return Counter()
        return run.sim - self.case.minimum(rerun=rerun, confirmed=run.confirmed)

    @property
    def passed(self) -> bool:
        return self.first is not None and not self.extra(False) and not self.extra(True)


def registry_for(names: list[str]) -> tuple[Registry, dict[str, str]]:
    """The catalog's commands, topped up from the workflow modules for the ones it lacks."""
    catalog = build_registry()
    by_name = {c.spec.name: c for group in MODULE_COMMANDS for c in group}
    chosen: list[Command] = []
    sources: dict[str, str] = {}
    for name in names:
        found = catalog.resolve(name.split())
        if found is not None and not found[1]:
            chosen.append(found[0])
            sources[name] = "catalog"
        elif name in by_name:
            chosen.append(by_name[name])
            sources[name] = "module"
        else:
            sources[name] = "missing"
    return Registry(chosen), sources


def endpoint_for(sim: SimServer) -> ClusterEndpoint:
    return replace(sim_endpoint(sim), read_timeout=10.0)


@dataclass(frozen=True)
class SimRunner:
    """A runner and the simulator behind it, whose counters say what CUCM saw."""

    runner: Runner
    sim: SimServer


@contextmanager
def fresh_runner(
    registry: Registry, template: Path, workdir: Path, seed: Seed = "demo"
) -> Iterator[SimRunner]:
    """A new simulator, client and change log: no case sees another's state."""
    options = SimOptions(seed=seed, service_transition_s=0.05, ris_rate_per_minute=10_000)
    database = workdir / "changelog.db"
    shutil.copyfile(template, database)
    engine = make_engine(f"sqlite:///{database}")
    try:
        with SimServer(options) as sim, CucmCluster(endpoint_for(sim)) as cluster:
            runner = build_runner(
                SingleCluster(cluster),
                ChangeLog(engine),
                ConfirmationStore(engine),
                600,
                registry=registry,
            )
            yield SimRunner(runner, sim)
    finally:
        engine.dispose()


def run_once(target: SimRunner, text: str) -> Run:
    """One command as a user runs it: /cti text, then Confirm when the bot asks."""
    runner, sim = target.runner, target.sim
    cluster = runner.clusters.get(runner.clusters.default_name)
    sim.reset_counters()
    cluster.stats.reset()
    outcome = runner.handle(text, ADMIN, Role.ADMIN)
    confirmed = isinstance(outcome, ConfirmationRequest)
    if isinstance(outcome, ConfirmationRequest):
        outcome = runner.decide(outcome.token, ADMIN, Role.ADMIN, confirm=True)
    status = outcome.status if isinstance(outcome, Reply) else "confirmation"
    seen = Counter(
        {f"{endpoint}.{op}": n for endpoint, ops in sim.counters().items() for op, n in ops.items()}
    )
    sent = Counter({op: int(s["requests"]) for op, s in cluster.stats.snapshot().items()})
    return Run(seen, sent, confirmed, status)


def measure(cases: tuple[Case, ...], workdir: Path) -> list[Result]:
    registry, sources = registry_for([c.command for c in cases])
    template = workdir / "template.db"
    upgrade(f"sqlite:///{template}")
    results = []
    for case in cases:
        if sources[case.command] == "missing":
            results.append(Result(case, "missing"))
            continue
        with fresh_runner(registry, template, workdir) as runner:
            first = run_once(runner, case.text)
            rerun = run_once(runner, case.text)
        results.append(Result(case, sources[case.command], first, rerun))
    return results


def _calls(counts: Counter[str]) -> str:
    return ", ".join(f"{op.split('.', 1)[-1]}x{n}" for op, n in sorted(counts.items())) or "-"


def report(results: list[Result]) -> bool:
    print(f"{'command':<20}{'first':>6}{'min':>5}{'ratio':>7}{'rerun':>7}{'min':>5}{'ratio':>7}  ")
    for r in results:
        if r.first is None or r.rerun is None:
            print(f"{r.case.command:<20}  skipped: not in commands/ nor the catalog")
            continue
        low = r.case.minimum(rerun=False, confirmed=r.first.confirmed).total()
        low_re = r.case.minimum(rerun=True, confirmed=r.rerun.confirmed).total()
        first, again = r.first.sim.total(), r.rerun.sim.total()
        verdict = "PASS" if r.passed else "FAIL"
        note = "" if r.source == "catalog" else "  (not in catalog yet)"
        print(
            f"{r.case.command:<20}{first:>6}{low:>5}{first / max(low, 1):>7.2f}"
            f"{again:>7}{low_re:>5}{again / max(low_re, 1):>7.2f}  {verdict}{note}"
        )
    for r in results:
        if r.first is None or r.rerun is None:
            continue
        print(f"  {r.case.command}: minimum = {r.case.why}")
        for label, run, rerun in (("first", r.first, False), ("re-run", r.rerun, True)):
            extra = r.extra(rerun)
            missing = r.case.minimum(rerun=rerun, confirmed=run.confirmed) - run.sim
            if extra or missing or run.sim != run.client:
                print(f"  {r.case.command} {label} [{run.status}]: sent {_calls(run.sim)}")
                if extra:
                    print(f"    beyond the minimum: {_calls(extra)}")
                if missing:
                    print(f"    minimum expected but not sent: {_calls(missing)}")
                if run.sim != run.client:
                    print(f"    client counted {_calls(run.client)} (retries included)")
    return all(r.passed for r in results if r.first is not None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("commands", nargs="*", help="only these commands (default: all)")
    args = parser.parse_args(argv)
    cases = tuple(c for c in CASES if not args.commands or c.command in args.commands)
    with tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        results = measure(cases, Path(tmp))
    passed = report(results)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
