"""Run the checks in order against one cluster; a check that needs an earlier one's success
is skipped (with the reason) instead of piling a second error on the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.cucm.cluster import CucmCluster
from bot.cucm.endpoint import ClusterEndpoint
from bot.doctor.report import Finding, Mark, Report


@dataclass
class Probe:
    """What every check gets: how ctibot reaches the cluster, a client, and what ran before."""

    endpoint: ClusterEndpoint
    cucm: CucmCluster
    passed: set[str] = field(default_factory=set)  # names of checks with no failure


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Probe], Iterable[Finding]]
    needs: tuple[str, ...] = ()  # checks that must have passed first


def diagnose(endpoint: ClusterEndpoint, checks: Iterable[Check]) -> Report:
    report = Report(endpoint.name)
    with CucmCluster(endpoint) as cucm:
        probe = Probe(endpoint, cucm)
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
