"""Getting an outcome in front of the user once the ack has gone.

Replies go through `response_url` (works in DMs and private channels without
the bot being a member). A long report (`Reply.thread`) is posted with
chat.postMessage as its title and summary, the details in that message's
thread; where the bot cannot post, it is an ephemeral reply like any other.
A confirmation request is posted with chat.postMessage too, because it must
outlive response_url's 30 minutes and be editable by whoever clicks; if the
bot cannot post there, it falls back to an ephemeral reply so the plan is
never lost. A reply's files (a chart) are uploaded to the channel with
Slack's current three-step flow (upload URL, bytes, complete), which
slack_sdk's `files_upload_v2` performs; the reply itself carries the same
figures as text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.deps import SlackDeps
from bot.slack.render import confirmation_message, reply_message
from bot.text import note
from commands.engine.base import Reply
from commands.engine.runner import ConfirmationRequest, Outcome

log = logging.getLogger(__name__)

Respond = Callable[..., Any]


def deliver(
    deps: SlackDeps,
    client: WebClient,
    respond: Respond,
    outcome: Outcome,
    *,
    channel_id: str | None,
    response_url: str | None,
) -> None:
    if isinstance(outcome, ConfirmationRequest):
        post_confirmation(deps, client, respond, outcome, channel_id, response_url)
        return
    if outcome.files and channel_id:
        upload_files(client, outcome, channel_id)
    if outcome.thread and channel_id and post_threaded(client, outcome, channel_id):
        return
    send_reply(respond, outcome)


def upload_files(
    client: WebClient, reply: Reply, channel_id: str, thread_ts: str | None = None
) -> bool:
    """Share the reply's files in the channel; False (logged) when Slack refuses."""
    uploads = [{"content": f.content, "filename": f.name, "title": f.title} for f in reply.files]
    try:
        client.files_upload_v2(file_uploads=uploads, channel=channel_id, thread_ts=thread_ts)
    except Exception as exc:
        log.warning("cannot upload %s to %s: %s", [f.name for f in reply.files], channel_id, exc)
        reply.lines = [
            *reply.lines,
            note("warning", f"The chart could not be posted here ({exc})."),
        ]
        return False
    return True


def send_reply(respond: Respond, reply: Reply) -> None:
    response_type = "in_channel" if reply.in_channel else "ephemeral"
    respond(response_type=response_type, replace_original=False, **reply_message(reply))


def post_threaded(client: WebClient, reply: Reply, channel_id: str) -> bool:
    """The title and footer in the channel, everything else in its thread; False when the
    bot could not post the details (the caller then replies with the whole report)."""
    head = Reply(reply.title, reply.status, footer=reply.footer, in_channel=True)
    details = Reply(
        reply.title, reply.status, lines=reply.lines, fields=reply.fields, table=reply.table
    )
    try:
        ts = client.chat_postMessage(channel=channel_id, **reply_message(head))["ts"]
        client.chat_postMessage(channel=channel_id, thread_ts=ts, **reply_message(details))
    except SlackApiError as exc:
        log.warning("cannot post %r to %s (%s); replying ephemerally", reply.title, channel_id, exc)
        return False
    return True


def post_confirmation(
    deps: SlackDeps,
    client: WebClient,
    respond: Respond,
    request: ConfirmationRequest,
    channel_id: str | None,
    response_url: str | None,
) -> None:
    message = confirmation_message(request)
    ts: str | None = None
    if channel_id:
        try:
            ts = client.chat_postMessage(channel=channel_id, **message)["ts"]
        except SlackApiError as exc:
            log.warning(
                "cannot post the confirmation to %s (%s); replying ephemerally", channel_id, exc
            )
    if ts is None:
        respond(response_type="ephemeral", replace_original=False, **message)
    deps.confirmations.attach_message(request.token, response_url, ts)
