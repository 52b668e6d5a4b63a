"""Slack posting for alerts: one sender thread, paced per channel, 429-proof.

The alert engine only enqueues "post alert N", "update alert N with this
history line" or "announce maintenance notice N"; the message is rendered from
the stored state when it is sent, so a queued edit always shows the newest
state. Slack allows about one message a second per channel, so sends are
paced; a 429 that the WebClient's own retry handler could not absorb puts the
notice back at the head of the queue after Retry-After, so a burst loses
nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.health.checks import CHECK_SUBJECT
from bot.health.checks import limits as limits_check
from bot.health.store import AlertRecord, HealthStore
from bot.slack import alerts_render as render
from bot.slack.render import slack_text
from bot.text import Text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # for errors other than rate limiting, which is retried without limit
DEFAULT_RETRY_AFTER_S = 1.0
POSTABLE = frozenset({"firing", "acknowledged"})
CHART_WINDOW = ("24h", timedelta(hours=24))  # the capacity chart a limits alert carries


@dataclass
class Notice:
    ref: int  # the alert's id; the maintenance notice's id for "announce"
    kind: str  # "post" | "edit" | "reply" | "announce" | "say"
    line: Text = ""
    attempts: int = 0


def retry_after(error: SlackApiError) -> float | None:
    """Seconds to wait when Slack rate-limited us, else None."""
    response = error.response
    if response.status_code != 429 and response.get("error") != "ratelimited":
        return None
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    value = headers.get("retry-after")
    if value is None:
        return DEFAULT_RETRY_AFTER_S
    try:
        return float(value[0] if isinstance(value, list) else value)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_S


class AlertNotifier:
    """The alert engine's `Notices` (bot/health/alerts.py) told to Slack."""

    def __init__(
        self,
        client: WebClient,
        store: HealthStore,
        channel: str,
        *,
        interval_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        runbook_url: str | None = None,
    ) -> None:
        self._client = client
        self._runbook_url = runbook_url
        self._store = store
        self.channel = channel
        self._interval = interval_s
        self._sleep = sleep
        self._queue: deque[Notice] = deque()
        self._cond = threading.Condition()
        self._busy = False
        self._stopping = False
        self._last_sent: dict[str, float] = {}
        self._thread: threading.Thread | None = None
        self.sent = 0
        self.rate_limited = 0

    # ----- the engine's side -----
    def post(self, alert_id: int) -> None:
        self._put(Notice(alert_id, "post"))

    def update(self, alert_id: int, line: Text) -> None:
        self._put(Notice(alert_id, "edit"))
        self._put(Notice(alert_id, "reply", line))

    def announce(self, notice_id: int) -> None:
        self._put(Notice(notice_id, "announce"))

    def say(self, text: Text) -> None:
        """A plain message to the alert channel, needing nothing from the database."""
        self._put(Notice(0, "say", text))

    def _put(self, notice: Notice) -> None:
        with self._cond:
            self._queue.append(notice)
            self._cond.notify_all()

    # ----- lifecycle -----
    def start(self) -> AlertNotifier:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="health-notifier", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far has been sent (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + (1 if self._busy else 0)

    # ----- the sender thread -----
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if not self._queue:
                    return
                notice = self._queue.popleft()
                self._busy = True
            try:
                self._deliver(notice)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _deliver(self, notice: Notice) -> None:
        try:
            self._send(notice)
        except SlackApiError as exc:
            wait = retry_after(exc)
            if wait is not None:
                self.rate_limited += 1
                log.warning(
                    "Slack rate limit, retrying %s %s in %.1fs", notice.kind, notice.ref, wait
                )
                self._requeue(notice)
                self._sleep(wait)
                return
            self._failed(notice, exc)
        except Exception as exc:
            self._failed(notice, exc)

    def _failed(self, notice: Notice, exc: Exception) -> None:
        notice.attempts += 1
        if notice.attempts >= MAX_ATTEMPTS:
            log.error("giving up on %s %s: %s", notice.kind, notice.ref, exc)
            return
        log.warning("%s %s failed (%s); will retry", notice.kind, notice.ref, exc)
        self._requeue(notice)
        self._sleep(min(2.0**notice.attempts, 30.0))

    def _requeue(self, notice: Notice) -> None:
        with self._cond:
            self._queue.appendleft(notice)

    def _pace(self, channel: str) -> None:
        last = self._last_sent.get(channel)
        if last is not None:
            wait = last + self._interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)
        self._last_sent[channel] = time.monotonic()

    def _send(self, notice: Notice) -> None:
        if notice.kind == "say":
            self._pace(self.channel)
            self._client.chat_postMessage(channel=self.channel, text=slack_text(notice.line))
            self.sent += 1
            return
        if notice.kind == "announce":
            self._announce(notice.ref)
            return
        alert = self._store.get_alert_by_id(notice.ref)
        if alert is None:
            return
        if alert.message_ts is None:
            if alert.state in POSTABLE:
                self._post(alert)
            return
        channel = alert.channel or self.channel
        if notice.kind == "reply":
            self._pace(channel)
            self._client.chat_postMessage(
                channel=channel, thread_ts=alert.message_ts, text=slack_text(notice.line)
            )
        else:
            self._pace(channel)
            self._client.chat_update(
                channel=channel, ts=alert.message_ts, **render.message(alert, self._runbook_url)
            )
        self.sent += 1

    def _post(self, alert: AlertRecord) -> None:
        """The first message of an alert; its channel and ts are stored at once."""
        self._pace(self.channel)
        response: Any = self._client.chat_postMessage(
            channel=self.channel, **render.message(alert, self._runbook_url)
        )
        self._store.save_alert(
            alert.key, {"channel": response["channel"], "message_ts": response["ts"]}
        )
        self.sent += 1
        if alert.check == limits_check.NAME and alert.subject != CHECK_SUBJECT:
            self._attach_chart(alert, response["channel"], response["ts"])

    def _attach_chart(self, alert: AlertRecord, channel: str, ts: str) -> None:
        """The last day's capacity chart in the alert's thread: how fast it got here.
        Best-effort: the alert itself is already posted."""
        from bot.health.chart import render_png  # matplotlib loads on first chart only

        window, span = CHART_WINDOW
        samples = self._store.capacity.since(alert.cluster, datetime.now(UTC) - span)
        if not samples:
            return
        title = f"CTI capacity of {alert.cluster}, last {window}"
        upload = {
            "content": render_png(alert.cluster, samples, window),
            "filename": f"capacity-{alert.cluster}-{window}.png",
            "title": title,
        }
        try:
            self._pace(channel)
            self._client.files_upload_v2(file_uploads=[upload], channel=channel, thread_ts=ts)
        except Exception as exc:
            log.warning("could not attach the capacity chart to alert %s: %s", alert.key, exc)

    def _announce(self, notice_id: int) -> None:
        """A top-level message of its own; sent once, as its stored ts says."""
        notice = self._store.get_notice(notice_id)
        if notice is None or notice.message_ts is not None:
            return
        self._pace(self.channel)
        response: Any = self._client.chat_postMessage(
            channel=self.channel, text=slack_text(notice.line)
        )
        self._store.notice_sent(notice.id, response["channel"], response["ts"])
        self.sent += 1
