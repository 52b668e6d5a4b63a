"""The demo user's side of Slack over Socket Mode: each console line leaves as an envelope.

The same payloads as the signed HTTP client, sent on the fake Slack's
WebSocket; a line returns once the bot has acked it, as Slack's client would.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.demo.signed_client import DEMO_CHANNEL, DEMO_USER, Button, block_actions_payload, click_key
from bot.demo.socket_peer import SocketPeer


@dataclass
class SocketClient:
    peer: SocketPeer
    user: str = DEMO_USER
    channel: str = DEMO_CHANNEL

    def command(self, text: str) -> str:
        """Send `/cti text`; returns the response_url key its reply will arrive on."""
        envelope, key = self.peer.send_command(text, self.user, self.channel)
        self.peer.acked(envelope)
        return key

    def click(self, button: Button) -> str:
        """Send a block_actions envelope for `button`; returns its response_url key."""
        key = click_key()
        self.peer.interact(
            block_actions_payload(button, self.user, self.peer.fake.response_url(key))
        )
        return key

    def open_home(self) -> None:
        """Open the app's Home tab: an `app_home_opened` events_api envelope."""
        self.peer.open_home(self.user)
