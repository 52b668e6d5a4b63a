"""What the fake Slack recorded, seen as the messages a Slack user would see.

The console, the renderer and `!expect` all work on these, so a message's
buttons are numbered the same way on screen and for `!click <n>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.demo.fake_slack import Call
from bot.demo.signed_client import Button

Kind = Literal["reply", "post", "thread", "update", "modal", "home"]

_MESSAGE_METHODS = {
    "response_url",
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.open",
    "views.update",
    "views.push",
    "views.publish",
}


@dataclass(frozen=True)
class Message:
    kind: Kind
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    channel: str = ""
    ts: str = ""
    thread_ts: str = ""
    key: str = ""  # the response_url key, for replies
    visibility: str = ""  # ephemeral / in_channel, for replies
    replaces: bool = False  # a response_url reply that replaces the original
    user: str = ""  # whose Home tab, for a published one


def from_call(call: Call, answer: dict[str, Any] | None = None) -> Message | None:
    """The message a successful recorded call shows, or None for API chatter (auth.test…)."""
    if call.status != 200 or call.method not in _MESSAGE_METHODS:
        return None
    params = call.params
    if call.method == "response_url":
        return Message(
            kind="update" if _true(params.get("replace_original")) else "reply",
            text=str(params.get("text", "")),
            blocks=_list(params.get("blocks")),
            attachments=_list(params.get("attachments")),
            key=call.path.rsplit("/", 1)[-1],
            visibility=str(params.get("response_type") or "ephemeral"),
            replaces=_true(params.get("replace_original")),
        )
    if call.method == "views.publish":
        view = params.get("view") or {}
        blocks = view.get("blocks", []) if isinstance(view, dict) else []
        return Message(kind="home", blocks=_list(blocks), user=str(params.get("user_id", "")))
    if call.method.startswith("views."):
        view = params.get("view") or {}
        title = (view.get("title") or {}).get("text", "") if isinstance(view, dict) else ""
        blocks = view.get("blocks", []) if isinstance(view, dict) else []
        return Message(kind="modal", text=title, blocks=_list(blocks))
    ts = str(params.get("ts") or (answer or {}).get("ts") or "")
    thread_ts = str(params.get("thread_ts") or "")
    kind: Kind = "post"
    if call.method == "chat.update":
        kind = "update"
    elif thread_ts:
        kind = "thread"
    elif call.method == "chat.postEphemeral":
        kind = "reply"
    return Message(
        kind=kind,
        text=str(params.get("text", "")),
        blocks=_list(params.get("blocks")),
        attachments=_list(params.get("attachments")),
        channel=str(params.get("channel", "")),
        ts=ts,
        thread_ts=thread_ts,
        visibility="ephemeral" if call.method == "chat.postEphemeral" else "",
    )


def button_elements(message: Message) -> list[tuple[str, dict[str, Any]]]:
    """Every button in display order, with the block_id of the actions block holding it."""
    blocks = list(message.blocks)
    for attachment in message.attachments:
        blocks.extend(_list(attachment.get("blocks")))
    found: list[tuple[str, dict[str, Any]]] = []
    for block in blocks:
        if block.get("type") == "actions":
            block_id = str(block.get("block_id", ""))
            found.extend((block_id, e) for e in block.get("elements", []) if _is_button(e))
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and _is_button(accessory):
            found.append((str(block.get("block_id", "")), accessory))
    return found


def buttons(message: Message, default_channel: str) -> list[Button]:
    """The clickable buttons of `message`, ready for a signed block_actions request."""
    return [
        Button(
            label=label_of(element),
            action_id=str(element.get("action_id", "")),
            value=str(element.get("value", "")),
            block_id=block_id,
            channel=message.channel or default_channel,
            message_ts=message.ts,
            home=message.kind == "home",
        )
        for block_id, element in button_elements(message)
    ]


def label_of(element: dict[str, Any]) -> str:
    text = element.get("text")
    if isinstance(text, dict):
        return str(text.get("text", ""))
    return str(text or element.get("action_id", "button"))


def _is_button(element: Any) -> bool:
    return isinstance(element, dict) and element.get("type") == "button"


def _true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _list(value: Any) -> list[dict[str, Any]]:
    """Slack accepts blocks as a JSON string in form bodies; the fake may leave them so."""
    if isinstance(value, str) and value.startswith("["):
        value = json.loads(value)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
