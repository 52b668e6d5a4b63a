"""Waiting in tests for an end that can be seen, never for a fixed time.

A test that sleeps "long enough" proves little when it passes (the thing may
simply not have happened yet) and fails at random on a loaded machine. Every
layer's tests wait through these instead: until a condition holds, or until
the bot's worker pool has finished all it was given, and then assert.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol


def wait_until(
    condition: Callable[[], Any], timeout: float = 10.0, step: float = 0.02, what: str = ""
) -> Any:
    """Poll until `condition()` is truthy; its value, or AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what or 'condition'} not met within {timeout} s")
        time.sleep(step)


class Drainable(Protocol):
    """A worker pool that can say when it has no work queued or running (bot.slack.deps)."""

    def wait_idle(self, timeout: float) -> bool: ...


def drain(workers: Drainable | None, timeout: float = 10.0) -> None:
    """Return once all work submitted so far has finished.

    Over HTTP the bot submits a request's work before it answers the request,
    so after the answers have come back, a drained pool means everything those
    requests set off is done: what did not happen by then never will.
    """
    assert workers is not None, "no worker pool: this bot does not serve Slack"
    assert workers.wait_idle(timeout), f"the worker pool was still busy after {timeout} s"
