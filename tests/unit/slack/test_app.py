"""The key that makes a Slack redelivery a no-op, over HTTP and Socket Mode alike."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltRequest
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.metrics import Metrics
from bot.slack.app import delivery_key


def socket_request(payload: dict[str, Any], retry_attempt: int | None = None) -> BoltRequest:
    """What Bolt's Socket Mode adapter builds from an envelope: the parsed payload, no raw body."""
    envelope = SocketModeRequest(
        type="events_api",
        envelope_id=f"env-{retry_attempt}",
        payload=payload,
        retry_attempt=retry_attempt,
        retry_reason="timeout" if retry_attempt else None,
    )
    return BoltRequest(mode="socket_mode", body=envelope.payload, headers=build_headers(envelope))


def test_socket_mode_command_is_keyed_by_its_trigger_whatever_the_envelope() -> None:
    command = {"command": "/cti", "text": "version", "trigger_id": "1.2.abc"}
    first, again = socket_request(command), socket_request(dict(command), retry_attempt=1)
    assert delivery_key(first) == delivery_key(again) == "trigger:1.2.abc"


def test_socket_mode_event_is_keyed_by_its_event_id() -> None:
    event = {"type": "event_callback", "event_id": "Ev01", "event": {"type": "app_mention"}}
    assert delivery_key(socket_request(event, retry_attempt=1)) == "event:Ev01"


def test_retried_socket_mode_bodies_without_ids_do_not_collide() -> None:
    one = socket_request({"type": "view_closed", "view": {"id": "V1"}}, retry_attempt=1)
    two = socket_request({"type": "view_closed", "view": {"id": "V2"}}, retry_attempt=1)
    assert delivery_key(one) != delivery_key(two)
    assert delivery_key(one) == delivery_key(
        socket_request({"view": {"id": "V1"}, "type": "view_closed"}, retry_attempt=2)
    )


def test_http_retry_is_keyed_by_its_raw_body() -> None:
    body = "payload=%7B%22type%22%3A%22view_closed%22%7D"
    retried = BoltRequest(body=body, headers={"x-slack-retry-num": "1"})
    assert delivery_key(retried) == delivery_key(
        BoltRequest(body=body, headers={"x-slack-retry-num": "2"})
    )
    assert delivery_key(BoltRequest(body=body)) is None


def test_duplicates_are_counted() -> None:
    metrics = Metrics()
    seen: set[str] = set()

    def seen_before(key: str) -> bool:
        found = key in seen
        seen.add(key)
        return found

    counted = metrics.seen_before(seen_before)
    assert [counted("a"), counted("b"), counted("a")] == [False, False, True]
    assert metrics.registry.get_sample_value("ctibot_slack_duplicates_total") == 1
