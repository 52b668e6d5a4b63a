"""The fake Socket Mode endpoint keeps Slack's side of the contract, and holds the bot to its own.

Driven here by a plain WebSocket client, so a wrong ack is ours to send.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from bot.demo.fake_socket_mode import FakeSocketMode


@pytest.fixture
def fake() -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    try:
        yield server
    finally:
        server.stop()


def receive(client: ClientConnection) -> dict[str, Any]:
    message = json.loads(client.recv(timeout=5))
    assert isinstance(message, dict)
    return message


def test_hello_then_envelopes_acked_by_id(fake: FakeSocketMode) -> None:
    with connect(fake.new_url()) as client:
        assert receive(client)["type"] == "hello"
        envelope = fake.send("slash_commands", {"command": "/cti", "trigger_id": "t1"})
        sent = receive(client)
        assert sent == {
            "envelope_id": envelope.envelope_id,
            "type": "slash_commands",
            "payload": {"command": "/cti", "trigger_id": "t1"},
            "accepts_response_payload": True,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        client.send(json.dumps({"envelope_id": envelope.envelope_id}))
        assert fake.wait_for_ack(envelope) == {"envelope_id": envelope.envelope_id}
    assert fake.problems == []


def test_a_url_is_good_for_one_connection(fake: FakeSocketMode) -> None:
    url = fake.new_url()
    with connect(url) as client:
        receive(client)
    with pytest.raises(InvalidStatus, match="401"):
        connect(url)
    assert len(fake.problems) == 1 and "unknown or used ticket" in fake.problems[0]


def test_wrong_acks_are_recorded(fake: FakeSocketMode) -> None:
    with connect(fake.new_url()) as client:
        receive(client)
        click = fake.send("interactive", {"type": "block_actions"}, accepts_response_payload=False)
        receive(client)
        client.send(json.dumps({"envelope_id": "nope"}))
        client.send("not json")
        client.send(json.dumps({"envelope_id": click.envelope_id, "payload": {"text": "hi"}}))
        fake.wait_for_ack(click)
    assert fake.problems[0].startswith("ack for an unknown or acked envelope")
    assert fake.problems[1].startswith("not an ack")
    assert fake.problems[2].startswith("payload in the ack of a interactive envelope")


def test_unacked_envelope_is_delivered_again_on_the_next_connection(fake: FakeSocketMode) -> None:
    with connect(fake.new_url()) as first:
        receive(first)
        envelope = fake.send("slash_commands", {"trigger_id": "t2"})
        receive(first)
    with connect(fake.new_url()) as second:
        receive(second)  # hello
        again = receive(second)
        assert again["payload"] == {"trigger_id": "t2"}
        assert (again["retry_attempt"], again["retry_reason"]) == (1, "timeout")
        assert again["envelope_id"] != envelope.envelope_id
        second.send(json.dumps({"envelope_id": again["envelope_id"]}))
        fake.wait_for_ack(envelope)
    assert fake.problems == []
