"""Is every configured cluster answering AXL? Asked by /readyz, answered from a short cache.

An orchestrator probes every few seconds; sending CUCM a getCCMVersion each time would
spend its AXL rate budget on ourselves, so an answer is reused for ``ttl_s``. A probe of
an unreachable cluster can hang in connect timeouts and retries: it runs on its own
thread and the caller waits at most ``timeout_s``, while at most one probe per cluster
is ever in flight.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING

CACHE_TTL_S = 10.0
PROBE_TIMEOUT_S = 5.0

if TYPE_CHECKING:
    from bot.cucm.cluster import ClusterDirectory


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    detail: str
    at: float


class ClusterProbe:
    """Per-cluster reachability: ``check()`` -> (all ok, {cluster: "ok" or the reason})."""

    def __init__(
        self,
        clusters: ClusterDirectory,
        *,
        ttl_s: float = CACHE_TTL_S,
        timeout_s: float = PROBE_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clusters = clusters
        self._ttl_s = ttl_s
        self._timeout_s = timeout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._results: dict[str, ProbeResult] = {}
        self._inflight: dict[str, Future[ProbeResult]] = {}
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ready-probe")

    def check(self) -> tuple[bool, dict[str, str]]:
        results = {name: self._result(name) for name in self._clusters.names()}
        detail = {name: "ok" if r.ok else r.detail for name, r in results.items()}
        return all(r.ok for r in results.values()), detail

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _result(self, name: str) -> ProbeResult:
        with self._lock:
            cached = self._results.get(name)
            if cached is not None and self._clock() - cached.at < self._ttl_s:
                return cached
            future = self._inflight.get(name)
            if future is None:
                future = self._pool.submit(self._probe, name)
                self._inflight[name] = future
        try:
            result = future.result(timeout=self._timeout_s)
        except FutureTimeout:
            return ProbeResult(False, f"no AXL answer within {self._timeout_s:g}s", self._clock())
        with self._lock:
            self._results[name] = result
            if self._inflight.get(name) is future:
                del self._inflight[name]
        return result

    def _probe(self, name: str) -> ProbeResult:
        try:
            version = self._clusters.get(name).axl.probe_version()
        except Exception as exc:
            return ProbeResult(False, f"unreachable: {exc}", self._clock())
        return ProbeResult(True, f"CUCM {version}", self._clock())
