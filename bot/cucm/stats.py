"""Per-operation request counters, read by benchmarks and the health view.

Counts every attempt (not every logical call), so retries and throttles are visible.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol


@dataclass
class OperationStats:
    requests: int = 0
    retries: int = 0
    throttles: int = 0
    errors: int = 0
    latency_s: float = 0.0


class StatsObserver(Protocol):
    """Told about every attempt too (e.g. Prometheus), so this layer never imports exporters."""

    def attempt(self, operation: str, *, retry: bool, latency_s: float) -> None: ...

    def throttled(self, operation: str) -> None: ...

    def failed(self, operation: str) -> None: ...


class Stats:
    """Thread-safe counters keyed by operation name (e.g. ``axl.getCtiRoutePoint``)."""

    def __init__(self, observer: StatsObserver | None = None) -> None:
        self._lock = threading.Lock()
        self._ops: dict[str, OperationStats] = {}
        self._observer = observer

    def _get(self, operation: str) -> OperationStats:
        return self._ops.setdefault(operation, OperationStats())

    def attempt(self, operation: str, *, retry: bool, latency_s: float) -> None:
        with self._lock:
            entry = self._get(operation)
            entry.requests += 1
            entry.latency_s += latency_s
            if retry:
                entry.retries += 1
        if self._observer is not None:
            self._observer.attempt(operation, retry=retry, latency_s=latency_s)

    def throttled(self, operation: str) -> None:
        with self._lock:
            self._get(operation).throttles += 1
        if self._observer is not None:
            self._observer.throttled(operation)

    def failed(self, operation: str) -> None:
        with self._lock:
            self._get(operation).errors += 1
        if self._observer is not None:
            self._observer.failed(operation)

    def snapshot(self) -> dict[str, dict[str, float]]:
        """A copy safe to keep: ``{op: {requests, retries, throttles, errors, latency_s}}``."""
        with self._lock:
            return {op: dict(vars(s)) for op, s in self._ops.items()}

    def reset(self) -> None:
        with self._lock:
            self._ops.clear()
