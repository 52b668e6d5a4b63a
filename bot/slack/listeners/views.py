"""Modal submissions: validate synchronously (errors keep the modal open), run async."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.slack.delivery import deliver
from bot.slack.deps import SlackDeps
from bot.slack.modals import CALLBACK_ID, field_errors, submission_text
from commands.base import Actor, Role, UsageError

log = logging.getLogger(__name__)


def register(app: App, deps: SlackDeps) -> None:
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        found = deps.runner.registry.resolve(str(meta.get("command", "")).split())
        if found is None:
            log.warning("modal for unknown command %r submitted; closing it", meta.get("command"))
            ack()
            return
        command = found[0]
        text = submission_text(command, view["state"]["values"])
        user_id = body["user"]["id"]
        grant = deps.roles.grant_of(user_id)
        try:
            deps.runner.prepare(text, grant.role)
        except UsageError as exc:
            ack(response_action="errors", errors=field_errors(command, exc))
            return
        ack()
        actor = Actor(
            user_id=user_id,
            name=body["user"].get("username", ""),
            channel_id=meta.get("channel_id"),
        )
        deps.workers.submit(_run, deps, client, text, actor, grant.role, grant.via, meta)

    app.view(CALLBACK_ID)(on_submit)


def _run(
    deps: SlackDeps,
    client: WebClient,
    text: str,
    actor: Actor,
    role: Role,
    via: str,
    meta: dict[str, Any],
) -> None:
    outcome = deps.runner.handle(text, actor, role, grant=via)
    response_url = meta.get("response_url")
    if response_url:
        respond: Any = Respond(response_url=response_url)
    else:

        def respond(**message: Any) -> None:
            message.pop("response_type", None)
            message.pop("replace_original", None)
            client.chat_postEphemeral(channel=actor.channel_id, user=actor.user_id, **message)

    deliver(deps, client, respond, outcome, channel_id=actor.channel_id, response_url=response_url)
