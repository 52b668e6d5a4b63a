"""A stop in progress, as the runner and the apply loop see it.

`serve` starts it on SIGTERM/SIGINT with a grace period. While it runs, an
apply in progress keeps going step by step; once the grace period is over it
stops between two steps (never inside one) and its set is `interrupted`.
Requests that would start writing are refused at once (nothing sent, run it
again after the restart); read-only requests still queued are answered
during the grace period and told "restarting" after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Shutdown:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._deadline: float | None = None

    def begin(self, grace_s: float) -> None:
        """The first call wins: a second signal does not extend the grace period."""
        with self._lock:
            if self._deadline is None:
                self._deadline = self._clock() + grace_s

    @property
    def requested(self) -> bool:
        return self._deadline is not None

    def expired(self) -> bool:
        """The grace period is over: stop at the next step boundary, answer no more reads."""
        deadline = self._deadline
        return deadline is not None and self._clock() >= deadline


RESTARTING = "ctibot is restarting; nothing was sent to CUCM. Run it again in a minute."
