"""Which process applies a change set, and whether it is gone.

A change set left `applying` is only someone else's to recover when the
process applying it is gone: `ctibot run`, a replica or a second `serve` that
is about to fail on "address in use" may be applying it right now. So every
`applying` set names its owner (host, pid, process start time) and carries a
heartbeat the owner refreshes per step and on a timer; recovery takes over a
set whose owner is dead on this host (or a new process with its pid, as pid 1
in a fresh container), or whose heartbeat is older than ``STALE_AFTER_S``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.changelog.models import utcnow

log = logging.getLogger(__name__)

HEARTBEAT_S = 10.0
STALE_AFTER_S = 60.0  # six missed heartbeats: no living owner is that late


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started_at: datetime


_THIS_PROCESS = Owner(host=socket.gethostname(), pid=os.getpid(), started_at=utcnow())


def this_process() -> Owner:
    """Computed once per process: the start time tells this process from a later one with its
    pid. A fork (none in ctibot) would need its own."""
    return _THIS_PROCESS


@dataclass(frozen=True)
class Claim:
    """What a change set row says about its owner; every field None for rows older than 0004."""

    host: str | None
    pid: int | None
    started_at: datetime | None
    heartbeat_at: datetime | None


def owner_gone(
    claim: Claim,
    *,
    me: Owner,
    now: datetime,
    stale_after: timedelta = timedelta(seconds=STALE_AFTER_S),
    alive: Callable[[int], bool] | None = None,
) -> bool:
    """True when nobody is applying this set any more, so recovery may take it over."""
    if claim.host is None or claim.pid is None or claim.heartbeat_at is None:
        return True  # written before owners were recorded: only a dead process left it
    if claim.host == me.host:
        if claim.pid == me.pid:
            return claim.started_at != me.started_at
        if not (alive or pid_alive)(claim.pid):
            return True
    return now - claim.heartbeat_at > stale_after


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class Heartbeat:
    """Refreshes the heartbeat of the sets this process is applying, every ``interval_s``.

    A step can wait on CUCM longer than the stale limit (timeouts, retries), so the
    per-step refresh alone could let a living owner look dead; this timer cannot.
    """

    def __init__(
        self, beat: Callable[[Iterable[int]], None], interval_s: float = HEARTBEAT_S
    ) -> None:
        self._beat = beat
        self._interval_s = interval_s
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def hold(self, set_id: int) -> None:
        with self._lock:
            self._ids.add(set_id)
            if self._thread is None:
                self._stopping.clear()
                self._thread = threading.Thread(
                    target=self._run, name="changeset-heartbeat", daemon=True
                )
                self._thread.start()

    def release(self, set_id: int) -> None:
        with self._lock:
            self._ids.discard(set_id)

    def held(self) -> list[int]:
        with self._lock:
            return sorted(self._ids)

    def stop(self) -> None:
        """The database is going away: beating on would only log failures until exit."""
        with self._lock:
            thread = self._thread
        self._stopping.set()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        """Ends when no set is held, or on `stop`; the next `hold` starts another."""
        while not self._stopping.wait(self._interval_s):
            with self._lock:
                ids = sorted(self._ids)
                if not ids:
                    self._thread = None
                    return
            try:
                self._beat(ids)
            except Exception as exc:  # the database may be briefly unwritable; keep beating
                log.error("could not refresh the heartbeat of change sets %s: %s", ids, exc)
        with self._lock:
            self._thread = None
