"""Run the checks in order against one cluster; a check that needs an earlier one's success
is skipped (with the reason) instead of piling a second error on the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.cucm.cluster import CucmCluster
from bot.cucm.endpoint import ClusterEndpoint
from bot.doctor.report import Finding, Mark, Report
from bot.health.ratelimit import LimitedPerfmon, LimitedRis, RateLimiter


@dataclass(frozen=True)
class Rates:
    """RIS and PerfMon calls a minute, as the health monitor is configured: doctor keeps to
    them too, so it is safe on a production cluster at any time."""

    ris_per_minute: int = 15
    perfmon_per_minute: int = 80


@dataclass
class Probe:
    """What every check gets: how ctibot reaches the cluster, a client, and what ran before.

    RIS and PerfMon are only reached through ``ris`` and ``perfmon``, behind the client-side
    rate limiter every check of this run shares.
    """

    endpoint: ClusterEndpoint
    cucm: CucmCluster
    passed: set[str] = field(default_factory=set)  # names of checks with no failure
    rates: Rates = field(default_factory=Rates)
    ris: LimitedRis = field(init=False)
    perfmon: LimitedPerfmon = field(init=False)

    def __post_init__(self) -> None:
        self.ris = LimitedRis(self.cucm.ris, RateLimiter(self.rates.ris_per_minute))
        self.perfmon = LimitedPerfmon(self.cucm.perfmon, RateLimiter(self.rates.perfmon_per_minute))


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Probe], Iterable[Finding]]
    needs: tuple[str, ...] = ()  # checks that must have passed first


def diagnose(endpoint: ClusterEndpoint, checks: Iterable[Check], rates: Rates = Rates()) -> Report:
    report = Report(endpoint.name)
    with CucmCluster(endpoint) as cucm:
        probe = Probe(endpoint, cucm, rates=rates)
        for check in checks:
            missing = [n for n in check.needs if n not in probe.passed]
            if missing:
                report.findings.append(
                    Finding(
                        check.name,
                        endpoint.name,
                        Mark.SKIP,
                        f"not checked: {', '.join(missing)} did not pass",
                    )
                )
                continue
            found = list(check.run(probe))
            report.findings += found
            if all(f.mark in (Mark.PASS, Mark.WARN) for f in found):
                probe.passed.add(check.name)
    return report
