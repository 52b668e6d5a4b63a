"""Client-side pacing of AXL writes: back off before CUCM has to say 503.

CUCM throttles writes on its change-notification queue (HTTP 503) and publishes no fixed
rate, so the pacer learns one. It starts unpaced; the first 503 on a write sets the rate to
what CUCM actually accepted over the last ``window_s`` (a measured estimate, not a guess);
each further 503 cuts it (multiplicative decrease) and every accepted write raises it
(additive increase, ``increase_per_s`` writes/s per second of writing at full pace), so the
rate hovers just under CUCM's and the 503 retry rarely fires.

A 503 after fewer than ``min_samples`` accepted writes in the window was not caused by our
pace (CUCM is busy with BAT, the GUI or another client): it sets no rate, only cuts one
already set, and the retry backoff waits it out. After ``forget_after_s`` without a cut the
queue has drained and the estimate is stale, so the pacer goes back to unpaced. With
``max_rate`` set (a replica's share of CUCM's rate, when several processes write to one
cluster) the pacer never goes faster than that, learned rate or not. One pacer
per cluster, shared by every thread: slots are reserved under a lock and waited for outside
it, so concurrent writers queue fairly instead of bursting together.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WRITE_PREFIXES = ("add", "update", "remove", "apply", "reset", "restart", "do", "wipe")


def is_axl_write(operation: str) -> bool:
    """The AXL operations CUCM throttles; reads (get/list/executeSQLQuery) are never paced."""
    return operation.startswith(WRITE_PREFIXES) or operation == "executeSQLUpdate"


@dataclass(frozen=True)
class PacerSettings:
    """The knobs; defaults suit a CUCM whose write rate is unknown and may change."""

    window_s: float = 1.0
    decrease: float = 0.9
    increase_per_s: float = 0.5
    min_rate: float = 1.0
    min_samples: int = 5
    forget_after_s: float = 5.0
    max_rate: float | None = None

    def __post_init__(self) -> None:
        if self.window_s <= 0 or self.min_rate <= 0 or self.increase_per_s < 0:
            raise ValueError("window_s and min_rate must be > 0, increase_per_s >= 0")
        if self.max_rate is not None and self.max_rate <= 0:
            raise ValueError("max_rate must be > 0")
        if self.min_samples < 1:
            raise ValueError("min_samples must be at least 1")
        if not 0 < self.decrease < 1:
            raise ValueError("decrease must be between 0 and 1")


@dataclass(frozen=True)
class PacerSnapshot:
    """What benchmarks and the health view report: the current rate and what pacing cost."""

    rate: float | None
    throttles: int
    cuts: int
    waits: int
    waited_s: float


class WritePacer:
    """AIMD token pacing of one cluster's AXL writes (see the module docstring)."""

    def __init__(
        self,
        settings: PacerSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or PacerSettings()
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._rate: float | None = None
        self._next_slot = 0.0
        self._last_cut = float("-inf")
        self._accepted: deque[float] = deque()
        self._throttles = 0
        self._cuts = 0
        self._waits = 0
        self._waited_s = 0.0

    @property
    def rate(self) -> float | None:
        """Writes per second allowed now; None while unpaced."""
        with self._lock:
            return self._rate

    def acquire(self) -> float:
        """Block until this write may be sent; return the send time to hand to ``throttled``."""
        with self._lock:
            now = self._clock()
            if self._rate is not None and now - self._last_cut >= self.settings.forget_after_s:
                self._rate = None
            rate = self._ceiling(self._rate)
            if rate is None:
                return now
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / rate
            wait = slot - now
            if wait > 0:
                self._waits += 1
                self._waited_s += wait
        if wait > 0:
            self._sleep(wait)
        return slot

    def succeeded(self) -> None:
        """CUCM accepted a write: remember it for the estimate and probe a little faster."""
        with self._lock:
            now = self._clock()
            self._accepted.append(now)
            self._prune(now)
            if self._rate is not None:
                self._rate = self._ceiling(self._rate + self.settings.increase_per_s / self._rate)

    def throttled(self, sent_at: float) -> None:
        """CUCM answered 503 to a write sent at ``sent_at``: slow down, once per congestion.

        A write sent before the last cut was paced at the old rate; its 503 is the same
        congestion already reacted to, so it does not cut again.
        """
        with self._lock:
            self._throttles += 1
            if sent_at < self._last_cut:
                return
            now = self._clock()
            self._prune(now)
            wanted = self._estimate()
            if wanted is None:
                return
            self._rate = self._ceiling(max(self.settings.min_rate, wanted))
            assert self._rate is not None
            self._last_cut = now
            self._next_slot = max(self._next_slot, now + 1.0 / self._rate)
            self._cuts += 1

    def snapshot(self) -> PacerSnapshot:
        with self._lock:
            return PacerSnapshot(
                rate=self._rate,
                throttles=self._throttles,
                cuts=self._cuts,
                waits=self._waits,
                waited_s=self._waited_s,
            )

    def _estimate(self) -> float | None:
        """The rate after a cut, or None when a 503 says nothing about our pace."""
        settings = self.settings
        enough = len(self._accepted) >= settings.min_samples
        measured = len(self._accepted) / settings.window_s
        if self._rate is None:
            return measured if enough else None
        cut = self._rate * settings.decrease
        return min(cut, measured) if enough else cut

    def _ceiling(self, rate: float | None) -> float | None:
        """The rate held to ``max_rate``; ``max_rate`` itself while nothing was learned."""
        cap = self.settings.max_rate
        if cap is None:
            return rate
        return cap if rate is None else min(rate, cap)

    def _prune(self, now: float) -> None:
        horizon = now - self.settings.window_s
        while self._accepted and self._accepted[0] <= horizon:
            self._accepted.popleft()
