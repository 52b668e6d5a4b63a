"""Playing one user's side of a Slack conversation with the bot, over signed HTTP.

A slash command is answered on its `response_url`; a plan that needs
confirming is posted with chat.postMessage, and the click's outcome edits
that message (chat.update). These helpers send the request and wait, with a
timeout, for what the bot sends back to the fake Slack.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.demo.loopback import Loopback
from bot.slack.render import CONFIRM_ACTION
from tests.waiting import wait_until

PROGRESS_MARK = "Applying…"
_SET_ID = re.compile(r"Change set #(\d+)")


def text_of(message: dict[str, Any]) -> str:
    """Everything a user could read in a message: the fallback text and every block."""
    return message.get("text", "") + json.dumps(message.get("blocks", []))


def delivered(stack: Loopback, method: str) -> int:
    """How many calls of `method` the fake Slack answered with 200: the calls `wait_for` counts.

    A test that counted the throttled ones too would wait for one call more than will come.
    """
    return len([c for c in stack.fake.calls_to(method) if c.status == 200])


def reply_to(stack: Loopback, key: str, timeout: float = 10.0) -> dict[str, Any]:
    """The last message the bot sent to the response_url of the command with this key."""
    calls = stack.fake.wait_for(
        "response_url", timeout=timeout, where=lambda c: c.path.endswith(f"/{key}")
    )
    return calls[-1].params


def run(stack: Loopback, text: str, user: str, timeout: float = 10.0) -> dict[str, Any]:
    """`/cti text` as `user`; the bot's reply to it."""
    response, key = stack.peer.command(text, user)
    assert response.status_code == 200, response.text
    return reply_to(stack, key, timeout)


def message_ts(stack: Loopback, token: str, timeout: float = 5.0) -> str:
    """The ts of the posted plan; the bot records it just after chat.postMessage returns."""

    def recorded() -> str | None:
        pending = stack.bot.confirmations.get(token)
        return pending.message_ts if pending is not None else None

    return str(wait_until(recorded, timeout=timeout))


def ask(stack: Loopback, text: str, user: str) -> tuple[str, str]:
    """Run a command whose plan needs confirming; (token, ts) of the posted plan."""
    posts = delivered(stack, "chat.postMessage")
    response, _ = stack.peer.command(text, user)
    assert response.status_code == 200, response.text
    post = stack.fake.wait_for("chat.postMessage", count=posts + 1)[-1]
    actions = post.params["blocks"][-1]
    assert actions["type"] == "actions", post.params
    token = actions["elements"][0]["value"]
    return token, message_ts(stack, token)


def confirm(
    stack: Loopback, token: str, ts: str, user: str, timeout: float = 30.0
) -> dict[str, Any]:
    """Click Confirm as `user`; the edit of the plan message that carries the outcome."""

    def outcome(call: Any) -> bool:
        return call.params.get("ts") == ts and PROGRESS_MARK not in call.params.get("text", "")

    seen = len([c for c in stack.fake.calls_to("chat.update") if outcome(c)])
    assert stack.peer.click(CONFIRM_ACTION, token, user, ts).status_code == 200
    return stack.fake.wait_for("chat.update", count=seen + 1, timeout=timeout, where=outcome)[
        -1
    ].params


def run_confirmed(stack: Loopback, text: str, user: str, timeout: float = 30.0) -> dict[str, Any]:
    """Run a command, confirm its plan as the same user; the outcome message."""
    token, ts = ask(stack, text, user)
    return confirm(stack, token, ts, user, timeout)


def change_set_id(message: dict[str, Any]) -> int:
    """The change-set number a reply names in its footer."""
    found = _SET_ID.search(text_of(message))
    assert found, f"no change-set id in {message.get('text', '')!r}"
    return int(found.group(1))


def mrkdwn_texts(node: object, parent_type: str = "mrkdwn") -> list[str]:
    """Every string Slack would parse as mrkdwn: top-level text, fallbacks, mrkdwn objects."""
    found: list[str] = []
    if isinstance(node, dict):
        kind = node.get("type", parent_type)
        for name, value in node.items():
            if name in ("text", "fallback") and isinstance(value, str) and kind != "plain_text":
                found.append(value)
            else:
                found += mrkdwn_texts(value, kind if isinstance(kind, str) else parent_type)
    elif isinstance(node, list):
        for item in node:
            found += mrkdwn_texts(item, parent_type)
    return found
