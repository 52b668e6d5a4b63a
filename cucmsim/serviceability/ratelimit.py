"""Per-node sliding-window request limits, as RIS and PerfMon enforce them.

CUCM counts requests per node over a rolling minute and answers the excess
with an AxisFault. The limit is read on every call so the control path can
change it while the simulator runs.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class RateLimiter:
    """Admits at most `limit()` requests per key in any `window_s` seconds."""

    def __init__(
        self,
        limit: Callable[[], int],
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @property
    def limit(self) -> int:
        """A negative value means unlimited."""
        return self._limit()

    def admit(self, key: str) -> bool:
        """Count one request for `key`; False when it is over the limit (not counted)."""
        limit = self._limit()
        if limit < 0:
            return True
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key.casefold(), deque())
            while hits and hits[0] <= now - self._window_s:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            return True

    def reset(self) -> None:
        """Forget every counted request (a fresh minute for every node)."""
        with self._lock:
            self._hits.clear()
