"""The App Home tab: publish it when opened; its Details buttons open a change set.

`app_home_opened` also arrives for the Messages tab, which has nothing to draw.
A Details click runs `/cti show-change` through the runner with the clicker's
role at click time, and shows the answer in a modal: a Home tab has no channel
to reply in.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.logging_setup import request_id_var
from bot.slack.deps import SlackDeps
from bot.slack.home import HomePublisher
from bot.slack.home_view import DETAILS_ACTION
from bot.slack.render import cut, reply_message
from bot.slack.request_id import CONTEXT_KEY
from commands.engine.base import Actor, Reply
from commands.engine.runner import ConfirmationRequest

HOME_TAB = "home"
MAX_MODAL_TITLE = 24


def register(app: App, deps: SlackDeps, publisher: HomePublisher) -> None:
    def on_opened(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        ack()
        user = event.get("user")
        if event.get("tab", HOME_TAB) == HOME_TAB and isinstance(user, str):
            deps.workers.submit(publisher.opened, user, request_id=context.get(CONTEXT_KEY))

    def on_details(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        rid = context.get(CONTEXT_KEY)
        deps.workers.submit(show_details, deps, client, body, action, request_id=rid)

    app.event("app_home_opened")(on_opened)
    app.action(DETAILS_ACTION)(on_details)


def show_details(
    deps: SlackDeps, client: WebClient, body: dict[str, Any], action: dict[str, Any]
) -> None:
    user = body["user"]
    grant = deps.roles.grant_of(user["id"])
    actor = Actor(user_id=user["id"], name=user.get("username", ""), channel_id=None)
    set_id = str(action.get("value") or "")
    outcome = deps.runner.handle(
        f"show-change {set_id}",
        actor,
        grant.role,
        request_id=request_id_var.get(),
        grant=grant.via,
    )
    reply = outcome.reply if isinstance(outcome, ConfirmationRequest) else outcome
    client.views_open(trigger_id=body["trigger_id"], view=details_modal(set_id, reply))


def details_modal(set_id: str, reply: Reply) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": cut(f"Change set #{set_id}", MAX_MODAL_TITLE)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": reply_message(reply)["blocks"],
    }
