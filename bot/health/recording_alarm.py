"""Health results the database refuses: said in the alert channel, not only in a log line.

A check whose result cannot be stored can raise no alert (alerts live in the
same database), so a full disk would silently switch monitoring off. The
first failure posts one plain message to the alert channel, repeated at most
hourly while it lasts, and a second message when results are stored again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.text import Text, note

log = logging.getLogger(__name__)

REPEAT_S = 3600.0


class RecordingAlarm:
    def __init__(
        self,
        say: Callable[[Text], None],
        *,
        repeat_s: float = REPEAT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._say = say
        self._repeat_s = repeat_s
        self._clock = clock
        self._lock = threading.Lock()
        self._last_said: float | None = None  # None: recording works

    def failed(self, what: str, exc: str) -> None:
        """``exc``: why, in one line (the driver's message)."""
        log.error("could not record %s: %s", what, exc)
        now = self._clock()
        with self._lock:
            if self._last_said is not None and now - self._last_said < self._repeat_s:
                return
            self._last_said = now
        self._say(
            note(
                "alarm",
                f"ctibot cannot record health results in its database ({exc}). "
                "Checks still run, but their results are lost and no alert can fire or "
                f"resolve until the database takes writes again (first seen on {what}). "
                "Check the database's disk.",
            )
        )

    def recorded(self) -> None:
        with self._lock:
            if self._last_said is None:
                return
            self._last_said = None
        self._say(note("ok", "ctibot records health results again; alerts are live."))
