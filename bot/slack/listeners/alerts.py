"""Acknowledge / Silence buttons on alert messages.

Only operators and above may act on an alert (the clicker's role, checked at
click time, not the role of whoever the alert was posted for). The engine
records who did what and asks the notifier to edit the message and reply in
its thread; the clicker gets an ephemeral word either way. The same buttons on
the App Home tab come without a response_url (there is no message to answer
in), so there the word goes to the clicker's direct messages with the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.health.alerts import AlertEngine
from bot.mrkdwn import mrkdwn
from bot.slack.alerts_render import ACK_ACTION, SILENCE_ACTIONS
from bot.slack.deps import Workers
from bot.slack.rbac import RoleResolver
from commands.engine.base import Role

log = logging.getLogger(__name__)


def register(app: App, engine: AlertEngine, roles: RoleResolver, workers: Workers) -> None:
    def on_ack(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
    ) -> None:
        ack()
        workers.submit(handle, engine, roles, body, action, _teller(body, respond, client))

    app.action(ACK_ACTION)(on_ack)
    for action_id in SILENCE_ACTIONS:
        app.action(action_id)(on_ack)


def handle(
    engine: AlertEngine,
    roles: RoleResolver,
    body: dict[str, Any],
    action: dict[str, Any],
    tell: Callable[[str], None],
) -> None:
    user = body["user"]["id"]
    role = roles.role_of(user)
    if role < Role.OPERATOR:
        tell(f"Acting on alerts needs the operator role; you are {role.label}.")
        return
    try:
        alert_id = int(action["value"])
    except (KeyError, ValueError):
        log.warning("alert button with a bad value: %r", action.get("value"))
        return
    action_id = action["action_id"]
    if action_id == ACK_ACTION:
        _, text = engine.acknowledge(alert_id, user)
    else:
        hours = SILENCE_ACTIONS[action_id]
        _, text = engine.silence_alert(alert_id, timedelta(hours=hours), user, "from the alert")
    tell(mrkdwn(text))


def _teller(body: dict[str, Any], respond: Respond, client: WebClient) -> Callable[[str], None]:
    """An ephemeral reply under the alert message, or a direct message from the Home tab."""
    if body.get("response_url"):
        return lambda text: respond(response_type="ephemeral", replace_original=False, text=text)
    user = body["user"]["id"]
    return lambda text: client.chat_postMessage(channel=user, text=text)
