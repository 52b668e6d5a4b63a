"""Modal submissions: validate synchronously (errors keep the modal open), run async."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.logging_setup import request_id_var
from bot.slack.delivery import deliver
from bot.slack.deps import SlackDeps
from bot.slack.modals import CALLBACK_ID, field_errors, submission_text
from bot.slack.request_id import CONTEXT_KEY
from commands.engine.base import Actor, Role, UsageError

log = logging.getLogger(__name__)


def register(app: App, deps: SlackDeps) -> None:
    def on_submit(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        meta = _metadata(view.get("private_metadata"))
        found = deps.runner.registry.resolve(str(meta.get("command", "")).split())
        values = (view.get("state") or {}).get("values")
        user_id = (body.get("user") or {}).get("id")
        if found is None or not isinstance(values, dict) or not isinstance(user_id, str):
            log.warning("malformed modal submission for %r; closing it", meta.get("command"))
            ack()
            return
        command = found[0]
        text = submission_text(command, values)
        grant = deps.roles.grant_of(user_id)
        try:
            deps.runner.resolve_invocation(text, grant.role)
        except UsageError as exc:
            ack(response_action="errors", errors=field_errors(command, exc))
            return
        ack()
        actor = Actor(
            user_id=user_id,
            name=body["user"].get("username", ""),
            channel_id=meta.get("channel_id"),
        )
        deps.workers.submit(
            _run,
            deps,
            client,
            text,
            actor,
            grant.role,
            grant.via,
            meta,
            request_id=context.get(CONTEXT_KEY),
        )

    app.view(CALLBACK_ID)(on_submit)


def _metadata(raw: Any) -> dict[str, Any]:
    """Our own private_metadata, or {} when it is missing or not what we wrote."""
    try:
        meta = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _run(
    deps: SlackDeps,
    client: WebClient,
    text: str,
    actor: Actor,
    role: Role,
    via: str,
    meta: dict[str, Any],
) -> None:
    outcome = deps.runner.handle(text, actor, role, request_id=request_id_var.get(), grant=via)
    response_url = meta.get("response_url")
    channel_id = actor.channel_id
    if response_url:
        respond: Any = Respond(response_url=response_url)
    elif channel_id:

        def respond(**message: Any) -> None:
            message.pop("response_type", None)
            message.pop("replace_original", None)
            client.chat_postEphemeral(channel=channel_id, user=actor.user_id, **message)

    else:
        log.warning("modal submission %r carried no response_url and no channel", text)
        return

    deliver(deps, client, respond, outcome, channel_id=actor.channel_id, response_url=response_url)
