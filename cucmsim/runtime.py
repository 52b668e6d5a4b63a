"""Mutable state shared by every listener: counters, request log, latency, faults.

Kept apart from the cluster model because it describes the simulator, not
CUCM; the control path and SimServer read and change it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from cucmsim.faults import FaultInjector, WriteThrottle
from cucmsim.options import SimOptions

LATENCY_SCOPES = ("axl", "serviceability")


@dataclass
class LoggedRequest:
    endpoint: str
    operation: str
    node: str
    time: float


@dataclass
class Runtime:
    options: SimOptions
    faults: FaultInjector = field(default_factory=FaultInjector)
    throttle: WriteThrottle = field(init=False)
    latency_ms: dict[str, int] = field(init=False)
    _counters: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    _log: list[LoggedRequest] = field(default_factory=list)
    _sessions: dict[str, str] = field(default_factory=dict)  # JSESSIONIDSSO -> userid
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _handler_s: float = 0.0

    def __post_init__(self) -> None:
        self.throttle = WriteThrottle(self.options.axl_write_rate)
        self.latency_ms = dict.fromkeys(LATENCY_SCOPES, self.options.latency_ms)

    def set_latency(self, ms: int, scope: str = "all") -> None:
        if scope != "all" and scope not in LATENCY_SCOPES:
            raise ValueError(f"unknown latency scope {scope!r}")
        for name in LATENCY_SCOPES if scope == "all" else (scope,):
            self.latency_ms[name] = int(ms)

    def record(self, endpoint: str, operation: str, node: str) -> None:
        with self._lock:
            ops = self._counters[endpoint]
            ops[operation] = ops.get(operation, 0) + 1
            self._log.append(LoggedRequest(endpoint, operation, node, time.time()))

    def spent(self, seconds: float) -> None:
        """Time the simulator's own model took to answer (not latency it was told to add)."""
        with self._lock:
            self._handler_s += seconds

    def handler_seconds(self) -> float:
        with self._lock:
            return self._handler_s

    def counters(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {endpoint: dict(ops) for endpoint, ops in self._counters.items()}

    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def reset_counters(self) -> None:
        with self._lock:
            self._counters.clear()
            self._log.clear()
            self._handler_s = 0.0

    def open_session(self, userid: str) -> str:
        token = secrets.token_hex(16).upper()
        with self._lock:
            self._sessions[token] = userid
        return token

    def session_user(self, token: str) -> str | None:
        """Who logged in with this session, or None for an unknown session."""
        with self._lock:
            return self._sessions.get(token)
