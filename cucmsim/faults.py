"""Fault injection and the AXL write throttle, both changeable at run time."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Literal, get_args

FaultKind = Literal["timeout", "timeout_after", "reset", "http503", "axl_fault", "http401"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


@dataclass(frozen=True)
class FaultSpec:
    kind: str
    delay_s: float = 5.0
    axlcode: int = 5003
    message: str = "Injected fault"


class FaultInjector:
    """The next `count` calls of an operation (on any endpoint) get the fault."""

    def __init__(self) -> None:
        self._pending: dict[str, deque[FaultSpec]] = defaultdict(deque)
        self._lock = threading.Lock()

    def inject(
        self,
        operation: str,
        kind: str,
        count: int = 1,
        delay_s: float = 5.0,
        axlcode: int = 5003,
        message: str = "Injected fault",
    ) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        spec = FaultSpec(kind, float(delay_s), int(axlcode), message)
        with self._lock:
            self._pending[operation].extend([spec] * int(count))

    def take(self, operation: str) -> FaultSpec | None:
        with self._lock:
            queue = self._pending.get(operation)
            return queue.popleft() if queue else None

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()


class WriteThrottle:
    """Token bucket: `rate` writes per second with a burst of max(rate, 1); None = no limit."""

    def __init__(self, rate: float | None) -> None:
        self._lock = threading.Lock()
        self.set_rate(rate)

    def set_rate(self, rate: float | None) -> None:
        with self._lock:
            self.rate = rate
            self._tokens = max(rate or 0.0, 1.0)
            self._stamp = time.monotonic()

    def try_acquire(self) -> bool:
        with self._lock:
            if self.rate is None:
                return True
            now = time.monotonic()
            capacity = max(self.rate, 1.0)
            self._tokens = min(capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True
