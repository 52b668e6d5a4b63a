"""`/cti health [--cluster X]`: the status board, read live, plus what the monitor knows.

It runs the services, applications and limits checks once through the
monitor's own targets (so RIS and PerfMon stay behind the same rate limiter),
without feeding the alert engine: looking at the board changes no alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.health.checks import run_check
from bot.text import Line, Mark, note
from commands.domain.provisioned_devices import device_lines, provisioned_devices
from commands.engine.base import Arguments, CommandSpec, Reply, Role, Table
from commands.engine.command import Command

if TYPE_CHECKING:
    from bot.health.checks.base import CheckResult
    from bot.health.scheduler import HealthScheduler
    from commands.engine.context import Context

BOARD_CHECKS = ("services", "applications", "limits")


def _stamp(at: datetime | None) -> str:
    return at.strftime("%H:%M:%S UTC") if at else "never"


class HealthCommand:
    spec = CommandSpec(
        name="health",
        summary="CTIManager, applications, provisioned devices, limits and active alerts, now",
        role=Role.VIEWER,
        examples=("/cti health", "/cti health --cluster lab"),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        monitor = ctx.monitor().scheduler
        cluster = ctx.cluster_name
        target = monitor.target(cluster)
        found: dict[str, list[CheckResult]] = {}
        problems: list[Line] = []
        for check in BOARD_CHECKS:
            results, error = run_check(check, target, monitor.health, monitor.store)
            found[check] = results
            if error:
                problems.append(note("warning", f"{check}: {error}"))
        try:
            devices = provisioned_devices(target, monitor.health, monitor.store)
        except Exception as exc:  # RIS down or throttled: the rest of the board still helps
            devices = []
            problems.append(note("warning", f"provisioned devices: {type(exc).__name__}: {exc}"))
        closed = any(not d.open for d in devices)
        return Reply(
            title=f"CTI health of {cluster}",
            status="warning" if problems or closed or _active(monitor, cluster) else "ok",
            lines=[
                *problems,
                *application_lines(found["applications"]),
                *device_lines(cluster, devices),
            ],
            table=node_table(found),
            fields=[
                ("Devices open per provider", provider_text(found["limits"])),
                ("Last checks", _last_runs(monitor, cluster)),
                ("Active alerts", _alerts(monitor, cluster)),
            ],
        )


def _active(monitor: HealthScheduler, cluster: str) -> list[Any]:
    return monitor.store.alerts(cluster=cluster, states=("firing", "acknowledged", "silenced"))


def _last_runs(monitor: HealthScheduler, cluster: str) -> str:
    runs = monitor.store.last_runs(cluster)
    if not runs:
        return "no check has run yet"
    return ", ".join(
        f"{name} {_stamp(run.at)}{'' if run.ok else ' (failed)'}"
        for name, run in sorted(runs.items())
    )


def _alerts(monitor: HealthScheduler, cluster: str) -> str:
    active = _active(monitor, cluster)
    if not active:
        return "none"
    return "\n".join(f"[{a.state.upper()}] {a.summary}" for a in active[:20])


def node_table(found: dict[str, list[CheckResult]]) -> Table:
    """One row per node: CTIManager and CallManager (services check), devices open (limits)."""
    rows: dict[str, list[str]] = {}
    for result in found.get("services", []):
        if result.node:
            row = rows.setdefault(result.node, [result.node, "-", "-", "-"])
            column = 2 if result.subject.startswith("CallManager/") else 1
            row[column] = str(result.details.get("status", result.summary))
    for result in found.get("limits", []):
        if result.subject.startswith("node/") and result.node in rows:
            details = result.details
            rows[result.node][3] = f"{details['open']}/{details['limit']} ({details['percent']} %)"
    return Table(
        ("Node", "CTIManager", "CallManager", "Devices open / limit"),
        [tuple(r) for r in rows.values()],
    )


def provider_text(results: list[CheckResult]) -> str:
    """Per provider as well as per node: each has its own Maximum Devices limit."""
    lines = [
        f"{r.details['provider']} on {r.node}: "
        f"{r.details['open']}/{r.details['limit']} ({r.details['percent']} %)"
        for r in results
        if "provider" in r.details
    ]
    return "\n".join(lines) or "none open"


def application_lines(results: list[CheckResult]) -> list[Line]:
    """Each application on its primary or backup CTIManager, with the check's verdict."""
    lines = []
    for result in results:
        if result.subject == "check":
            continue
        mark: Mark = (
            "ok" if result.ok else ("critical" if result.severity == "critical" else "major")
        )
        lines.append(note(mark, f"{result.subject}: {result.summary}", objects=(result.subject,)))
    return lines


COMMANDS: list[Command] = [HealthCommand()]
