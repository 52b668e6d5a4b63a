"""Plays Slack's side of the wire: signed slash commands, button clicks, modal submits, events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

from bot.demo.fake_slack import FakeSlack

_ids = itertools.count(1)


def sign(secret: str, timestamp: int, body: str) -> str:
    """Slack's v0 signature, computed here rather than with the SDK under test."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SlackPeer:
    url: str  # the bot's /slack/events
    secret: str
    fake: FakeSlack

    def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        age_s: int = 0,
        signature: str | None = None,
        retry_num: int | None = None,
    ) -> requests.Response:
        ts = int(time.time()) - age_s
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature
            if signature is not None
            else sign(self.secret, ts, body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return requests.post(self.url, data=body.encode(), headers=headers, timeout=10)

    def command_body(self, text: str, user: str, channel: str = "CCTI") -> tuple[str, str]:
        """The form body of `/cti text` and the response_url key the reply will use."""
        fields, key = command_fields(self.fake, text, user, channel)
        return urlencode(fields), key

    def command(self, text: str, user: str, **kw: Any) -> tuple[requests.Response, str]:
        body, key = self.command_body(text, user)
        return self.post(body, **kw), key

    def interact(self, payload: dict[str, Any]) -> requests.Response:
        """An interactivity payload (a click, a modal submission), as Slack POSTs it."""
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def click(
        self, action_id: str, token: str, user: str, message_ts: str, channel: str = "CCTI"
    ) -> requests.Response:
        return self.interact(click_payload(self.fake, action_id, token, user, message_ts, channel))

    def submit_view(
        self, view: dict[str, Any], values: dict[str, Any], user: str
    ) -> requests.Response:
        return self.interact(view_submission_payload(view, values, user))

    def event(self, event: dict[str, Any]) -> requests.Response:
        """An Events API delivery: a signed JSON `event_callback`."""
        return self.post(json.dumps(event_callback(event)), "application/json")

    def open_home(self, user: str) -> requests.Response:
        return self.event(home_opened(user))


def command_fields(
    fake: FakeSlack, text: str, user: str, channel: str = "CCTI"
) -> tuple[dict[str, str], str]:
    """The fields of `/cti text` (a form over HTTP, an envelope's payload in Socket Mode)
    and the response_url key the reply will use."""
    n = next(_ids)
    key = f"cmd{n}"
    fields = {
        "token": "deprecated",
        "team_id": "T0CTIBOT",
        "channel_id": channel,
        "user_id": user,
        "user_name": user.lower(),
        "command": "/cti",
        "text": text,
        "api_app_id": "A0CTI",
        "response_url": fake.response_url(key),
        "trigger_id": f"{n}.{time.time_ns()}.trigger",
    }
    return fields, key


def click_payload(
    fake: FakeSlack, action_id: str, value: str, user: str, message_ts: str, channel: str
) -> dict[str, Any]:
    """A click on a confirmation button of the message at `message_ts`."""
    n, payload = _interaction("block_actions", user, "click")
    return {
        **payload,
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel},
        "message": {"ts": message_ts},
        "response_url": fake.response_url(f"click{n}"),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "cti_confirmation",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }


def view_submission_payload(
    view: dict[str, Any], values: dict[str, Any], user: str
) -> dict[str, Any]:
    _, payload = _interaction("view_submission", user, "view")
    return {**payload, "view": {**view, "id": "V1", "state": {"values": values}}}


def _interaction(kind: str, user: str, trigger: str) -> tuple[int, dict[str, Any]]:
    """What every interactivity payload carries (its type, who acted, a fresh trigger_id),
    with the number that makes its ids unique."""
    n = next(_ids)
    return n, {
        "type": kind,
        "user": {"id": user, "username": user.lower(), "team_id": "T0CTIBOT"},
        "api_app_id": "A0CTI",
        "team": {"id": "T0CTIBOT"},
        "trigger_id": f"{n}.{time.time_ns()}.{trigger}",
    }


def event_callback(event: dict[str, Any]) -> dict[str, Any]:
    """The envelope Slack wraps every Events API event in, with a unique event_id."""
    n = next(_ids)
    return {
        "token": "deprecated",
        "team_id": "T0CTIBOT",
        "api_app_id": "A0CTI",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{n:08d}{time.time_ns()}",
        "event_time": int(time.time()),
    }


def home_opened(user: str) -> dict[str, Any]:
    """`app_home_opened` as Slack sends it when `user` opens the app's Home tab."""
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user[1:]}",
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
