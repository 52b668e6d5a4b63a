"""Check 6: devices open per provider and per node against the live Max Devices limits.

The counting and grading are the health monitor's limits check (RIS Open devices, the
limits read through the parameter resolver, PerfMon for context), run once on doctor's
rate-limited clients: ⚠ from 80 %, ✗ above 100 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from bot.cucm.errors import AuthFailed, CucmError, ParameterUnresolved
from bot.cucm.param_catalog import ParameterResolver
from bot.doctor.report import Finding, Mark
from bot.doctor.run import Check, Probe
from bot.health.checks import limits
from bot.health.checks.base import CheckResult, Target

NAME = "limits"
POOL_SIZE = 2  # per-node reads side by side, few enough for Serviceability's limits
FIXES = {
    "node": "CUCM lets CTIManager exceed it but raises MaxDevicesPerNodeExceeded: spread the "
    "applications over more CTIManager nodes, or raise it with "
    "`/cti params set max-devices-per-node <n>`.",
    "provider": "CUCM lets the application exceed it but raises MaxDevicesPerProviderExceeded: "
    "split the devices over more application users, or raise it with "
    "`/cti params set max-devices-per-provider <n>`.",
}


def _finding(result: CheckResult) -> Finding:
    kind, *rest = result.subject.split("/")
    subject = (
        f"provider {rest[0]} on {rest[1]}" if kind == "provider" else f"CTIManager on {rest[0]}"
    )
    details = result.details
    detail = f"{details['open']} of {details['limit']} devices open ({details['percent']} %)"
    if result.ok:
        return Finding(NAME, subject, Mark.PASS, detail)
    mark = Mark.FAIL if result.severity == "critical" else Mark.WARN
    return Finding(NAME, subject, mark, detail, FIXES[kind])


def check(probe: Probe) -> Iterator[Finding]:
    endpoint = probe.endpoint
    cucm = probe.cucm
    with ThreadPoolExecutor(POOL_SIZE, thread_name_prefix="doctor-limits") as pool:
        target = Target(
            name=endpoint.name,
            axl=cucm.axl,
            controlcenter=cucm.controlcenter,
            ris=probe.ris,
            perfmon=probe.perfmon,
            pool=pool,
            timeout_s=endpoint.read_timeout * 2,
            resolver=ParameterResolver(
                cucm.axl, cluster=endpoint.name, overrides=endpoint.param_names
            ),
        )
        try:
            results = limits.measure(target)
        except ParameterUnresolved as exc:
            yield Finding(
                NAME,
                endpoint.name,
                Mark.SKIP,
                f"not checked: the device limits' internal names are unresolved ({exc.obj}); "
                "see params",
            )
            return
        except AuthFailed as exc:
            yield Finding(
                NAME, endpoint.name, Mark.FAIL, f"could not count devices: {exc}; see permissions"
            )
            return
        except CucmError as exc:
            yield Finding(NAME, endpoint.name, Mark.FAIL, f"could not count devices: {exc}")
            return
    if not results:
        yield Finding(NAME, endpoint.name, Mark.PASS, "no CTI devices open")
        return
    yield from (_finding(result) for result in results)


LIMITS = Check(NAME, check, needs=("credentials",))
