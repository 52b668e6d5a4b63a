"""Progress of a confirmed job, shown by editing its plan message in place.

A bulk job (e.g. 100 CTI ports under CUCM's write throttling) runs for tens
of seconds after the click; without this the channel sees nothing until the
end. The first edit comes only once the job has run `interval_s` (a quick
job shows just its result), edits are spaced (chat.update is rate-limited per
workspace), and they are best-effort: a failed edit never fails the job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient

from bot.mrkdwn import mrkdwn

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 2.0


class MessageProgress:
    def __init__(
        self,
        client: WebClient,
        channel: str,
        ts: str,
        *,
        interval_s: float = MIN_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._channel = channel
        self._ts = ts
        self._interval = interval_s
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self._lock:
            now = self._clock()
            if now - self._last < self._interval:
                return
            self._last = now
        text = f":hourglass_flowing_sand: Applying… {mrkdwn(line)}"
        try:
            self._client.chat_update(
                channel=self._channel,
                ts=self._ts,
                text=text,
                blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
            )
        except Exception as exc:
            log.warning("progress update of %s failed: %s", self._ts, exc)
