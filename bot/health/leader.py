"""Which replica runs the scheduler: one leader per database, the others standing by.

On PostgreSQL the leader is whoever holds a session advisory lock on a connection kept
for nothing else. PostgreSQL releases a session lock when its connection ends, so a
leader killed with SIGKILL, or cut off from the database, frees the lock by itself; a
standby trying every `poll_s` seconds takes over within one poll once the server has
noticed. The leader re-checks its connection at the same pace and stands down when it
is gone, since another replica may already lead.

SQLite means one host, where the serving process has always run the scheduler: it
leads at once, with no election.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

LEADER = "leader"
STANDBY = "standby"
DEFAULT_POLL_S = 3.0


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key, as PostgreSQL's advisory lock functions take."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


SCHEDULER_KEY = advisory_key("ctibot:scheduler-leader")


class LeaderElection:
    """Calls `on_elected` when this process becomes leader and `on_deposed` when it stops
    being one; `state` is "leader" or "standby" for /readyz and /metrics."""

    def __init__(
        self,
        engine: Engine,
        on_elected: Callable[[], None],
        on_deposed: Callable[[], None],
        *,
        poll_s: float = DEFAULT_POLL_S,
        key: int = SCHEDULER_KEY,
        observe: Callable[[bool], None] | None = None,
    ) -> None:
        self._engine = engine
        self._on_elected = on_elected
        self._on_deposed = on_deposed
        self._poll_s = poll_s
        self._key = key
        self._observe = observe
        self._connection: Connection | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = STANDBY

    @property
    def elects(self) -> bool:
        """Only PostgreSQL is shared by replicas; anything else is one host."""
        return self._engine.dialect.name == "postgresql"

    def start(self) -> None:
        if self._observe is not None:
            self._observe(False)
        if not self.elects:
            self._lead()
            return
        self._thread = threading.Thread(target=self._run, name="leader-election", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stand down (the scheduler waits for its running checks), then free the lock."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        elif self.state == LEADER:
            self._stand_down()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.state == LEADER:
                    self._confirm()
                else:
                    self._try()
            except Exception as exc:
                log.warning("scheduler leadership: %s", exc)
                self._lost()
            self._stopping.wait(self._poll_s)
        if self.state == LEADER:
            self._stand_down()
        self._release()

    def _try(self) -> None:
        if self._connection is None:
            self._connection = self._engine.connect()
        won = self._connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
        self._connection.commit()
        if won:
            log.info("this replica now leads the scheduler")
            self._lead()

    def _confirm(self) -> None:
        assert self._connection is not None
        self._connection.scalar(text("SELECT 1"))
        self._connection.commit()

    def _lost(self) -> None:
        if self.state == LEADER:
            log.warning("lost the database connection holding scheduler leadership; standing by")
            self._stand_down()
        self._release()

    def _lead(self) -> None:
        self.state = LEADER
        if self._observe is not None:
            self._observe(True)
        self._on_elected()

    def _stand_down(self) -> None:
        self.state = STANDBY
        if self._observe is not None:
            self._observe(False)
        self._on_deposed()

    def _release(self) -> None:
        """Closing the connection for good (not back to the pool) is what frees the lock."""
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except Exception as exc:
                log.debug("closing the leadership connection: %s", exc)
            self._connection = None
