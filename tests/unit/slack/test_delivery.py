"""A long report goes to a thread, and to an ephemeral reply where the bot cannot post."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.delivery import deliver, post_threaded
from commands.engine.base import Reply

REPORT = Reply(
    "Doctor of lab", "error", lines=["✓ a: fine", "✗ b: broken"], footer="1 passed", thread=True
)


class Channel:
    """chat.postMessage as Slack answers it: a ts per message, or an error for the channel."""

    def __init__(self, error: str | None = None) -> None:
        self.error = error
        self.posted: list[dict[str, Any]] = []

    def chat_postMessage(self, **params: Any) -> dict[str, Any]:
        if self.error is not None:
            raise SlackApiError(self.error, {"ok": False, "error": self.error})
        self.posted.append(params)
        return {"ok": True, "ts": f"1700000000.{len(self.posted):06d}"}


def test_summary_in_the_channel_and_findings_in_its_thread() -> None:
    channel = Channel()
    assert post_threaded(channel, REPORT, "C1")  # type: ignore[arg-type]  # a WebClient stand-in
    head, details = channel.posted
    assert head["channel"] == details["channel"] == "C1"
    assert "thread_ts" not in head and details["thread_ts"] == "1700000000.000001"
    assert "1 passed" in json.dumps(head) and "broken" not in json.dumps(head)
    assert "✗ b: broken" in json.dumps(details, ensure_ascii=False)


def test_a_channel_the_bot_cannot_post_to_gets_the_whole_report_privately() -> None:
    channel = Channel(error="not_in_channel")
    replies: list[dict[str, Any]] = []
    deliver(
        None,  # a reply needs no confirmation store
        channel,  # type: ignore[arg-type]  # a WebClient stand-in
        lambda **kw: replies.append(kw),
        REPORT,
        channel_id="C1",
        response_url="https://hooks.example/1",
    )
    assert channel.posted == []
    (reply,) = replies
    assert reply["response_type"] == "ephemeral"
    assert "✗ b: broken" in json.dumps(reply, ensure_ascii=False)
