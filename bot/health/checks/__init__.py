"""The checks by name, and the one wrapper that turns a crash into a check failure."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import HealthSettings
from bot.health.checks import applications, devices, drift, heartbeat, limits, services
from bot.health.checks.base import CheckResult, Target
from bot.health.store import HealthStore

CheckFn = Callable[[Target, HealthSettings, HealthStore], list[CheckResult]]
CHECK_SUBJECT = "check"

CHECKS: dict[str, CheckFn] = {
    heartbeat.NAME: heartbeat.run,
    services.NAME: services.run,
    applications.NAME: applications.run,
    devices.NAME: devices.run,
    limits.NAME: limits.run,
    drift.NAME: drift.run,
}


def run_check(
    name: str, target: Target, settings: HealthSettings, store: HealthStore
) -> tuple[list[CheckResult], str | None]:
    """The check's results plus its own health; (a failure result, error text) if it crashed.

    A crashed run says nothing about its subjects, so it reports only the
    ``check`` subject: their alerts keep their state until a run completes.
    """
    try:
        results = CHECKS[name](target, settings, store)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        summary = f"{name} check failed on {target.name}: {exc}"
        return [
            CheckResult(
                target.name, name, CHECK_SUBJECT, False, "warning", summary, {"error": error}
            )
        ], error
    return [*results, CheckResult(target.name, name, CHECK_SUBJECT, True, summary="ran")], None
