"""Which buttons `!click` means, and how `!expect` sees messages arrive."""

from __future__ import annotations

from typing import Any

from bot.demo.fake_slack import Call
from bot.demo.feed import Feed
from bot.demo.messages import Message


class Recorded:
    """Stands in for DemoSlack: recorded calls and the answers given to them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.answers: dict[int, dict[str, Any]] = {}

    def add(self, method: str, params: dict[str, Any], ts: str = "") -> None:
        self.calls.append(Call(method, f"/api/{method}", params, {}, 200))
        self.answers[id(params)] = {"ok": True, "ts": ts}

    def answer_to(self, call: Call) -> dict[str, Any] | None:
        return self.answers.get(id(call.params))


def button(label: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": f"act_{label.lower()}",
        "value": value,
    }


def with_buttons(*labels: str) -> list[dict[str, Any]]:
    elements = [button(label, "v") for label in labels]
    return [{"type": "actions", "block_id": "b1", "elements": elements}]


def feed_of(slack: Recorded) -> tuple[Feed, list[Message]]:
    shown: list[Message] = []
    feed = Feed(slack, shown.append, default_channel="CDEMO")  # type: ignore[arg-type]  # a WebClient stand-in
    return feed, shown


def test_latest_buttons_skip_messages_whose_newest_version_has_none() -> None:
    slack = Recorded()
    slack.add("chat.postMessage", {"channel": "#alerts", "blocks": with_buttons("Ack")}, "1.1")
    slack.add("chat.postMessage", {"channel": "C1", "blocks": with_buttons("Yes", "No")}, "2.1")
    feed, shown = feed_of(slack)
    feed.poll()
    assert [b.label for b in feed.latest_buttons()] == ["Yes", "No"]
    slack.add("chat.update", {"channel": "C1", "ts": "2.1", "text": "Applied"})
    slack.add("response_url", {"text": "done"})
    feed.poll()
    latest = feed.latest_buttons()
    assert [(b.label, b.channel, b.message_ts) for b in latest] == [("Ack", "#alerts", "1.1")]
    assert len(shown) == 4


def test_wait_for_text_sees_messages_polled_so_far() -> None:
    slack = Recorded()
    feed, _ = feed_of(slack)
    assert not feed.wait_for_text("[CRITICAL]", timeout=0.05)
    slack.add("chat.postMessage", {"channel": "#a", "text": "[CRITICAL] CTIManager down"}, "1.1")
    feed.poll()
    assert feed.wait_for_text("[CRITICAL]", timeout=0)
    assert feed.wait_for(lambda m: m.channel == "#a", since=0, timeout=0)
    assert not feed.wait_for(lambda m: m.channel == "#a", since=1, timeout=0)
