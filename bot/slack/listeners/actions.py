"""Confirm / Cancel clicks: the runner re-checks the clicker's role and re-plans.

The outcome replaces the plan message (chat.update), so the channel shows
what happened; a refused click (no role, already decided) is told only to
the clicker and leaves the message and its buttons as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.logging_setup import request_id_var
from bot.slack.deps import SlackDeps
from bot.slack.progress import MessageProgress
from bot.slack.render import CANCEL_ACTION, CONFIRM_ACTION, outcome_message, reply_message
from bot.slack.request_id import CONTEXT_KEY
from commands.engine.base import Actor, Reply
from commands.engine.runner import ConfirmationRequest


def register(app: App, deps: SlackDeps) -> None:
    app.action(CONFIRM_ACTION)(_on_click(deps, confirm=True))
    app.action(CANCEL_ACTION)(_on_click(deps, confirm=False))


def _on_click(deps: SlackDeps, *, confirm: bool) -> Callable[..., None]:
    """A listener for one of the two buttons; Bolt passes it what its parameters name."""

    def on_click(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        ack()
        rid = context.get(CONTEXT_KEY)
        deps.workers.submit(decide, deps, client, respond, body, action, confirm, request_id=rid)

    return on_click


def decide(
    deps: SlackDeps,
    client: WebClient,
    respond: Respond,
    body: dict[str, Any],
    action: dict[str, Any],
    confirm: bool,
) -> None:
    user = body["user"]
    channel_id = (body.get("channel") or {}).get("id")
    container = body.get("container") or {}
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    grant = deps.roles.grant_of(user["id"])
    actor = Actor(user_id=user["id"], name=user.get("username", ""), channel_id=channel_id)
    # The plan message this click came from, when it can be edited in place.
    editing = (channel_id, ts) if channel_id and ts and not container.get("is_ephemeral") else None
    progress = MessageProgress(client, *editing) if editing and confirm else None
    outcome = deps.runner.decide(
        str(action.get("value") or ""),
        actor,
        grant.role,
        confirm,
        request_id=request_id_var.get(),
        progress=progress,
        grant=grant.via,
    )
    if isinstance(outcome, Reply) and outcome.status == "denied":
        respond(response_type="ephemeral", replace_original=False, **reply_message(outcome))
        return
    message = outcome_message(outcome)
    if editing:
        client.chat_update(channel=editing[0], ts=editing[1], **message)
    else:
        respond(replace_original=True, **message)
    if isinstance(outcome, ConfirmationRequest):
        deps.confirmations.attach_message(outcome.token, body.get("response_url"), ts)
