"""When and how long to retry a CUCM call.

Only failures that are safe to repeat are retried: throttling (HTTP 503, AXL memory limit,
Serviceability "Exceeded allowed rate"), a connection that failed before anything was sent,
and a timeout or reset on a READ. A write whose outcome is unknown is never retried here: it
surfaces as ``OutcomeUnknown`` and the caller re-reads.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    nap,
    retry_if_exception,
    stop_before_delay,
)

from bot.cucm.errors import Throttled, Timeout, Unreachable

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded in attempts AND total time; exponential backoff with full jitter.

    ``rate_limit_wait_s`` is the (longer) pause after a Serviceability rate-limit fault: those
    limits are per minute, so a short backoff would just burn the next allowance.
    ``throttle_wait_s`` starts the backoff after a throttled WRITE: CUCM refuses writes per
    queued change, so the next slot is a fraction of a second away (about 1/rate), and the
    write pacer already spaces the retry; a full second would only idle the queue.
    ``throttle_max_attempts`` gives a throttled write more, shorter tries than other
    failures, so it still waits out several seconds of throttling as Cisco advises.
    """

    max_attempts: int = 4
    max_total_s: float = 60.0
    base_wait_s: float = 1.0
    max_wait_s: float = 10.0
    rate_limit_wait_s: float = 30.0
    throttle_wait_s: float = 0.1
    throttle_max_attempts: int = 8
    jitter: bool = True

    @classmethod
    def none(cls) -> RetryPolicy:
        return cls(max_attempts=1, throttle_max_attempts=1)


def is_retryable(error: BaseException, *, read: bool) -> bool:
    """True for the failures listed in the module docstring."""
    if isinstance(error, Throttled):
        return True
    if isinstance(error, Unreachable):
        return error.retryable
    return isinstance(error, Timeout) and read


def _wait(policy: RetryPolicy, *, read: bool) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, Throttled) and error.rate_limited:
            return policy.rate_limit_wait_s
        write_throttled = isinstance(error, Throttled) and not read
        base = policy.throttle_wait_s if write_throttled else policy.base_wait_s
        ceiling = min(policy.max_wait_s, base * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling) if policy.jitter else ceiling

    return wait


def _stop(policy: RetryPolicy, *, read: bool) -> Callable[[RetryCallState], bool]:
    out_of_time = stop_before_delay(policy.max_total_s)

    def stop(state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        throttled_write = isinstance(error, Throttled) and not error.rate_limited and not read
        limit = policy.throttle_max_attempts if throttled_write else policy.max_attempts
        return state.attempt_number >= limit or out_of_time(state)

    return stop


def run_with_retries(
    policy: RetryPolicy,
    attempt: Callable[[int], T],
    *,
    read: bool,
    sleep: Callable[[float], None] | None = None,
) -> T:
    """Call ``attempt(n)`` (n = 1, 2, ...) until it returns or a non-retryable error escapes."""
    retrying = Retrying(
        stop=_stop(policy, read=read),
        wait=_wait(policy, read=read),
        retry=retry_if_exception(lambda e: is_retryable(e, read=read)),
        reraise=True,
        sleep=sleep or nap.sleep,
    )
    for attempt_state in retrying:
        with attempt_state:
            return attempt(attempt_state.retry_state.attempt_number)
    raise AssertionError("unreachable: tenacity either returns or re-raises")
