"""The demo user's side of Slack: every console line leaves as a signed HTTP request.

Signing and the slash-command form body come from `slack_peer` (shared with the
end-to-end tests) so the demo exercises exactly the verification path Slack
traffic takes; this module adds what the console needs on top: a fixed demo
user and channel, and clicks on whatever button a message actually carries
(confirmations and alert buttons alike), not only the confirmation block.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from bot.demo.fake_slack import TEAM_ID, FakeSlack
from bot.demo.slack_peer import SlackPeer

DEMO_USER = "UDEMO0001"
DEMO_CHANNEL = "CDEMO0001"

_clicks = itertools.count(1)


@dataclass(frozen=True)
class Button:
    """One clickable element of a message, with where that message lives."""

    label: str
    action_id: str
    value: str
    block_id: str
    channel: str
    message_ts: str
    home: bool = False  # on the app's Home tab, not in a channel message


class DemoClient(Protocol):
    """The demo user's side of Slack, over HTTP (`SignedClient`) or Socket Mode."""

    user: str
    channel: str

    def command(self, text: str) -> str: ...

    def click(self, button: Button) -> str: ...

    def open_home(self) -> None: ...


def click_key() -> str:
    """A fresh response_url key for one click."""
    return f"click-demo{next(_clicks)}"


@dataclass
class SignedClient:
    events_url: str
    secret: str
    fake: FakeSlack
    user: str = DEMO_USER
    channel: str = DEMO_CHANNEL

    @property
    def peer(self) -> SlackPeer:
        return SlackPeer(self.events_url, self.secret, self.fake)

    def command(self, text: str) -> str:
        """Send `/cti text`; returns the response_url key its reply will arrive on."""
        body, key = self.peer.command_body(text, self.user, self.channel)
        response = self.peer.post(body)
        if response.status_code != 200:
            raise RuntimeError(f"bot answered {response.status_code}: {response.text[:200]}")
        return key

    def click(self, button: Button) -> str:
        """Send a block_actions payload for `button`; returns its response_url key."""
        key = click_key()
        payload = block_actions_payload(button, self.user, self.fake.response_url(key))
        response = self.peer.post(urlencode({"payload": json.dumps(payload)}))
        if response.status_code != 200:
            raise RuntimeError(f"bot answered {response.status_code}: {response.text[:200]}")
        return key

    def open_home(self) -> None:
        """Open the app's Home tab: Slack's signed `app_home_opened` event."""
        response = self.peer.open_home(self.user)
        if response.status_code != 200:
            raise RuntimeError(f"bot answered {response.status_code}: {response.text[:200]}")


def block_actions_payload(button: Button, user: str, response_url: str) -> dict[str, Any]:
    """What Slack POSTs when `user` clicks `button` in a channel message, or on the Home
    tab, where there is no channel, message or response_url."""
    if button.home:
        return {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0CTI",
            "team": {"id": TEAM_ID},
            "container": {"type": "view", "view_id": "VHOME"},
            "trigger_id": f"{time.time_ns()}.click",
            "view": {"id": "VHOME", "type": "home"},
            "actions": [_action(button)],
        }
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0CTI",
        "team": {"id": TEAM_ID},
        "container": {
            "type": "message",
            "message_ts": button.message_ts,
            "channel_id": button.channel,
        },
        "trigger_id": f"{time.time_ns()}.click",
        "channel": {"id": button.channel},
        "message": {"ts": button.message_ts},
        "response_url": response_url,
        "actions": [_action(button)],
    }


def _action(button: Button) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": button.action_id,
        "block_id": button.block_id,
        "value": button.value,
        "text": {"type": "plain_text", "text": button.label},
        "action_ts": str(time.time()),
    }
