"""The stream of messages the demo user sees, followed as the fake Slack records them.

A background watcher turns each new recorded call into a `Message`, hands it
to whoever draws the screen, and wakes anyone waiting for a reply, so alerts
that arrive while the user is typing still show up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bot.demo.fake_slack import Call, FakeSlack
from bot.demo.messages import Message, buttons, from_call
from bot.demo.signed_client import Button
from bot.demo.terminal_render import plain_text

POLL_S = 0.1


class DemoSlack(FakeSlack):
    """The fake Slack, also remembering what it answered: a posted message's ts lives there."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self._answers: dict[int, dict[str, Any]] = {}

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        reply = super().answer(method, params)
        self._answers[id(params)] = reply
        return reply

    def answer_to(self, call: Call) -> dict[str, Any] | None:
        return self._answers.get(id(call.params))


class Feed:
    def __init__(
        self, slack: DemoSlack, show: Callable[[Message], None], default_channel: str
    ) -> None:
        self._slack = slack
        self._show = show
        self._default_channel = default_channel
        self._seen = 0
        self._messages: list[Message] = []
        self._texts: list[str] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def count(self) -> int:
        with self._changed:
            return len(self._messages)

    def start(self) -> Feed:
        self._thread = threading.Thread(target=self._watch, name="demo-feed", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.poll()

    def poll(self) -> None:
        """Show every call recorded since the last poll, in order."""
        with self._changed:
            calls = self._slack.calls[self._seen :]
            self._seen += len(calls)
            for call in calls:
                message = from_call(call, self._slack.answer_to(call))
                if message is None:
                    continue
                self._messages.append(message)
                self._texts.append(plain_text(message))
                self._show(message)
            if calls:
                self._changed.notify_all()

    def wait_for(self, match: Callable[[Message], bool], since: int, timeout: float) -> bool:
        """True once a message at index >= `since` matches, False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if any(match(m) for m in self._messages[since:]):
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, POLL_S))

    def wait_for_text(self, text: str, timeout: float) -> bool:
        """`!expect`: has any message so far contained `text` (waiting up to `timeout`)?"""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if any(text in t for t in self._texts):
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, POLL_S))

    def latest_buttons(self) -> list[Button]:
        """Buttons of the newest message that still shows some; an edit without them retires
        the older versions of that message (a decided confirmation is not clickable)."""
        retired: set[tuple[str, str]] = set()
        with self._changed:
            for message in reversed(self._messages):
                where = (message.channel, message.ts)
                if message.ts and where in retired:
                    continue
                retired.add(where)
                found = buttons(message, self._default_channel)
                if found:
                    return found
        return []

    def _watch(self) -> None:
        while not self._stop.wait(POLL_S):
            self.poll()
