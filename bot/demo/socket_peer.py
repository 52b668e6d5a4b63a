"""Plays Slack's side over Socket Mode: the same requests as `SlackPeer`, sent as envelopes.

Each method sends one envelope on the fake Socket Mode connection and waits
for the bot's ack, which it returns shaped like the HTTP answer (a status, a
text body, `json()`), so one end-to-end scenario runs over either transport.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.demo.fake_slack import FakeSlack
from bot.demo.fake_socket_mode import ACK_DEADLINE_S, Envelope, FakeSocketMode
from bot.demo.slack_peer import (
    click_payload,
    command_fields,
    event_callback,
    home_opened,
    view_submission_payload,
)

RESPONDS_IN_ACK = frozenset({"view_submission", "block_suggestion"})


@dataclass(frozen=True)
class Ack:
    """The bot's acknowledgement of one envelope; its payload is what HTTP would carry."""

    envelope: Envelope
    payload: dict[str, Any] | None

    @property
    def status_code(self) -> int:
        return 200

    @property
    def text(self) -> str:
        return json.dumps(self.payload) if self.payload else ""

    def json(self) -> dict[str, Any] | None:
        return self.payload


@dataclass
class SocketPeer:
    socket: FakeSocketMode
    fake: FakeSlack
    ack_timeout: float = ACK_DEADLINE_S

    def send_command(self, text: str, user: str, channel: str = "CCTI") -> tuple[Envelope, str]:
        """Send `/cti text` without waiting; the envelope and its response_url key."""
        fields, key = command_fields(self.fake, text, user, channel)
        return self.socket.send("slash_commands", fields), key

    def command(self, text: str, user: str, channel: str = "CCTI") -> tuple[Ack, str]:
        envelope, key = self.send_command(text, user, channel)
        return self.acked(envelope), key

    def interact(self, payload: dict[str, Any]) -> Ack:
        """A click or a modal submission; only a submission's ack may carry a response."""
        accepts = payload.get("type") in RESPONDS_IN_ACK
        return self.acked(
            self.socket.send("interactive", payload, accepts_response_payload=accepts)
        )

    def click(
        self, action_id: str, token: str, user: str, message_ts: str, channel: str = "CCTI"
    ) -> Ack:
        return self.interact(click_payload(self.fake, action_id, token, user, message_ts, channel))

    def submit_view(self, view: dict[str, Any], values: dict[str, Any], user: str) -> Ack:
        return self.interact(view_submission_payload(view, values, user))

    def event(self, event: dict[str, Any]) -> Ack:
        """An Events API delivery, as an `events_api` envelope (whose ack carries nothing)."""
        envelope = self.socket.send(
            "events_api", event_callback(event), accepts_response_payload=False
        )
        return self.acked(envelope)

    def open_home(self, user: str) -> Ack:
        return self.event(home_opened(user))

    def acked(self, envelope: Envelope) -> Ack:
        ack = self.socket.wait_for_ack(envelope, self.ack_timeout)
        return Ack(envelope, ack.get("payload"))
