"""The /cti slash command: ack at once, do the work on the bounded worker pool."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.logging_setup import request_id_var
from bot.slack.delivery import deliver
from bot.slack.deps import SlackDeps
from bot.slack.modals import modal_command, open_modal
from bot.slack.request_id import CONTEXT_KEY
from commands.engine.base import Actor

log = logging.getLogger(__name__)

COMMAND = "/cti"


def register(app: App, deps: SlackDeps) -> None:
    def on_cti(
        ack: Ack,
        command: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        ack()
        text = command.get("text") or ""
        user_id = command["user_id"]
        target = modal_command(deps.runner.registry, text)
        if target is not None and deps.roles.role_of(user_id) >= target.spec.role:
            open_modal(deps, client, target, command)
            return
        deps.workers.submit(
            run_command, deps, client, respond, command, request_id=context.get(CONTEXT_KEY)
        )

    app.command(COMMAND)(on_cti)


def run_command(
    deps: SlackDeps, client: WebClient, respond: Respond, command: dict[str, Any]
) -> None:
    user_id = command["user_id"]
    grant = deps.roles.grant_of(user_id)
    actor = Actor(
        user_id=user_id, name=command.get("user_name", ""), channel_id=command.get("channel_id")
    )
    outcome = deps.runner.handle(
        command.get("text") or "",
        actor,
        grant.role,
        request_id=request_id_var.get(),
        grant=grant.via,
    )
    deliver(
        deps,
        client,
        respond,
        outcome,
        channel_id=command.get("channel_id"),
        response_url=command.get("response_url"),
    )
