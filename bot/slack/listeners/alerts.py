"""Acknowledge / Silence buttons on alert messages.

A click runs `/cti alert ack <id>` or `/cti alert silence <id> <hours>h` through
the runner, as if the clicker had typed it, so the role check, a refusal's
record in the change log, the log line and the metric are the same as for any
command. The engine records who did what and asks the notifier to edit the
message and reply in its thread; the clicker gets an ephemeral word either
way. The same buttons on the App Home tab come without a response_url (there
is no message to answer in), so there the word goes to the clicker's direct
messages with the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.logging_setup import request_id_var
from bot.slack.alerts_render import ACK_ACTION, SILENCE_ACTIONS
from bot.slack.deps import SlackDeps
from bot.slack.render import Message, outcome_message
from bot.slack.request_id import CONTEXT_KEY
from commands.engine.base import Actor

log = logging.getLogger(__name__)

SILENCE_REASON = "from the alert"


def register(app: App, deps: SlackDeps) -> None:
    def on_click(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        tell = _teller(body, respond, client)
        deps.workers.submit(handle, deps, body, action, tell, request_id=context.get(CONTEXT_KEY))

    app.action(ACK_ACTION)(on_click)
    for action_id in SILENCE_ACTIONS:
        app.action(action_id)(on_click)


def command_text(action: dict[str, Any]) -> str | None:
    """The command a button stands for; None for a value no button of ours carries."""
    try:
        alert_id = int(action["value"])
    except (KeyError, ValueError):
        return None
    action_id = action.get("action_id")
    if action_id == ACK_ACTION:
        return f"alert ack {alert_id}"
    hours = SILENCE_ACTIONS.get(str(action_id))
    return None if hours is None else f"alert silence {alert_id} {hours}h {SILENCE_REASON}"


def handle(
    deps: SlackDeps,
    body: dict[str, Any],
    action: dict[str, Any],
    tell: Callable[[Message], object],
) -> None:
    text = command_text(action)
    if text is None:
        log.warning("alert button with a bad value: %r", action.get("value"))
        return
    user = body["user"]
    grant = deps.roles.grant_of(user["id"])
    channel_id = (body.get("channel") or {}).get("id")
    actor = Actor(user_id=user["id"], name=user.get("username", ""), channel_id=channel_id)
    outcome = deps.runner.handle(
        text, actor, grant.role, request_id=request_id_var.get(), grant=grant.via
    )
    tell(outcome_message(outcome))


def _teller(
    body: dict[str, Any], respond: Respond, client: WebClient
) -> Callable[[Message], object]:
    """An ephemeral reply under the alert message, or a direct message from the Home tab."""
    if body.get("response_url"):
        return lambda message: respond(response_type="ephemeral", replace_original=False, **message)
    user = body["user"]["id"]
    return lambda message: client.chat_postMessage(channel=user, **message)
