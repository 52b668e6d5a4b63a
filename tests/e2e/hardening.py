"""Helpers shared by the hardening tests (fuzz, security, load, crash recovery)."""

from __future__ import annotations

from typing import Any

from commands.engine.base import Reply
from commands.engine.runner import ConfirmationRequest, Outcome

# What CUCM would have to act on: AXL writes and Control Center actions.
AXL_WRITE_PREFIXES = ("add", "update", "remove", "apply", "reset", "restart", "do", "wipe")
CONTROL_WRITE_PREFIXES = ("soapDo",)


def is_write(endpoint: str, operation: str) -> bool:
    if endpoint == "axl":
        return operation.startswith(AXL_WRITE_PREFIXES) or operation == "executeSQLUpdate"
    return operation.startswith(CONTROL_WRITE_PREFIXES)


def write_count(sim: Any) -> int:
    """Every write request the simulator has received since its counters were reset."""
    return sum(
        count
        for endpoint, ops in sim.counters().items()
        for operation, count in ops.items()
        if is_write(endpoint, operation)
    )


def write_log(sim: Any) -> list[tuple[str, str]]:
    """The ordered (endpoint, operation) of every write in the simulator's request log."""
    return [
        (r["endpoint"], r["operation"])
        for r in sim.requests()
        if is_write(r["endpoint"], r["operation"])
    ]


def reply_of(outcome: Outcome) -> Reply:
    return outcome.reply if isinstance(outcome, ConfirmationRequest) else outcome
