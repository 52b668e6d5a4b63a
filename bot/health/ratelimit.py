"""Client-side pacing for RIS and PerfMon, which CUCM limits per minute.

CUCM answers "Exceeded allowed rate" once a client goes over (RIS is often
quoted at 15 requests a minute, PerfMon at 80), and a check that trips it fails
every check sharing the API. So calls wait for a slot in a sliding one-minute
window, and a rate-limit fault pauses every caller for a back-off before one
retry.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.cucm.errors import Throttled
from bot.cucm.models import CmDevice, CtiItem, PerfCounter
from bot.health.checks.base import Perfmon, Ris

WINDOW_S = 60.0
RATE_TEXT = "exceeded allowed rate"
T = TypeVar("T")


def is_rate_limited(error: BaseException) -> bool:
    if isinstance(error, Throttled) and error.rate_limited:
        return True
    return RATE_TEXT in str(error).casefold()


class RateLimiter:
    """At most ``per_minute`` calls in any 60 s window, shared by every thread."""

    def __init__(
        self,
        per_minute: int,
        *,
        backoff_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.backoff_s = backoff_s
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self.waited_s = 0.0

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                while self._calls and self._calls[0] <= now - WINDOW_S:
                    self._calls.popleft()
                wait = self._paused_until - now
                if wait <= 0 and len(self._calls) < self.per_minute:
                    self._calls.append(now)
                    return
                if wait <= 0:
                    wait = self._calls[0] + WINDOW_S - now
                self.waited_s += wait
            self._sleep(wait)

    def pause(self) -> None:
        """CUCM said we went over: every caller waits out the back-off."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + self.backoff_s)

    def call(self, work: Callable[[], T]) -> T:
        self.acquire()
        try:
            return work()
        except Exception as exc:
            if not is_rate_limited(exc):
                raise
        self.pause()
        self.acquire()
        return work()


class LimitedRis:
    def __init__(self, inner: Ris, limiter: RateLimiter) -> None:
        self._inner = inner
        self.limiter = limiter

    def select_cti_items(self, cti_class: Any, **criteria: Any) -> list[CtiItem]:
        return self.limiter.call(lambda: self._inner.select_cti_items(cti_class, **criteria))

    def select_cm_devices(self, names: Sequence[str], **criteria: Any) -> list[CmDevice]:
        inner: Any = self._inner
        return self.limiter.call(lambda: inner.select_cm_devices(names, **criteria))


class LimitedPerfmon:
    def __init__(self, inner: Perfmon, limiter: RateLimiter) -> None:
        self._inner = inner
        self.limiter = limiter

    def collect(self, node: str, *args: Any) -> list[PerfCounter]:
        return self.limiter.call(lambda: self._inner.collect(node, *args))

    def list_counters(self, node: str) -> dict[str, tuple[str, ...]]:
        inner: Any = self._inner
        return self.limiter.call(lambda: inner.list_counters(node))
