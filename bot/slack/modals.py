"""A write command typed with no arguments opens a form instead of a usage error.

The modal is opened straight from the listener with the trigger_id (it expires
after 3 seconds), before any slow work. Its submission is turned back into
`key=value` text and bound exactly like typed text, so the form can never
accept what the command line would refuse; errors land under the input
they concern.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from slack_sdk import WebClient

from bot.mrkdwn import mrkdwn
from bot.slack.deps import SlackDeps
from commands.engine.args import ArgumentError, normalise_key, parse
from commands.engine.base import Param, UsageError
from commands.engine.command import Command
from commands.engine.registry import Registry

CALLBACK_ID = "cti_modal"
ACTION_ID = "value"
CLUSTER_BLOCK = "cluster"
MAX_TITLE = 24


def modal_command(registry: Registry, text: str) -> Command | None:
    """The write command named by `text` when nothing else was typed, else None."""
    try:
        parsed = parse(text)
    except UsageError:
        return None
    if parsed.options or parsed.flags:
        return None
    found = registry.resolve(parsed.positionals)
    if found is None or found[1]:
        return None
    command = found[0]
    return command if command.spec.writes and command.spec.params else None


def open_modal(
    deps: SlackDeps, client: WebClient, command: Command, payload: dict[str, Any]
) -> None:
    client.views_open(trigger_id=payload["trigger_id"], view=build_view(deps, command, payload))


def build_view(deps: SlackDeps, command: Command, payload: dict[str, Any]) -> dict[str, Any]:
    spec = command.spec
    blocks = [_input(p) for p in spec.params]
    clusters = deps.runner.clusters.names()
    if len(clusters) > 1:
        blocks.append(_cluster_input(clusters, deps.runner.clusters.default_name))
    metadata = {
        "command": spec.name,
        "channel_id": payload.get("channel_id"),
        "response_url": payload.get("response_url"),
    }
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": _cut(f"/cti {spec.name}", MAX_TITLE)},
        "submit": {"type": "plain_text", "text": "Plan"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(spec.summary)}},
            *blocks,
        ],
    }


def submission_text(command: Command, values: dict[str, dict[str, Any]]) -> str:
    """The form as the command line the user could have typed."""
    parts = [command.spec.name]
    for param in command.spec.params:
        value = _value((values.get(param.name) or {}).get(ACTION_ID))
        if param.flag:
            if value:
                parts.append(f"--{param.name}")
        elif value:
            parts.append(f"{param.name}={shlex.quote(value)}")
    cluster = _value((values.get(CLUSTER_BLOCK) or {}).get(ACTION_ID))
    if cluster:
        parts.append(f"--cluster {shlex.quote(cluster)}")
    return " ".join(parts)


def field_errors(command: Command, exc: UsageError) -> dict[str, str]:
    """Slack shows each error under the input whose block_id is the key."""
    names = {normalise_key(p.name): p.name for p in command.spec.params}
    param = getattr(exc, "param", None) if isinstance(exc, ArgumentError) else None
    block = names.get(normalise_key(param)) if param else None
    if block is None:
        block = command.spec.params[0].name
    return {block: _cut(str(exc), 150)}


def _input(param: Param) -> dict[str, Any]:
    element: dict[str, Any]
    if param.flag:
        element = {
            "type": "checkboxes",
            "options": [_option(param.help[:75] or param.name, "yes")],
        }
    elif param.choices:
        element = {"type": "static_select", "options": [_option(c, c) for c in param.choices]}
        if param.default in param.choices:
            element["initial_option"] = _option(param.default, param.default)
    else:
        element = {"type": "plain_text_input"}
        if param.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": _cut(param.placeholder, 150)}
        if param.default is not None:
            element["initial_value"] = param.default
    element["action_id"] = ACTION_ID
    return {
        "type": "input",
        "block_id": param.name,
        "optional": not param.required,
        "label": {"type": "plain_text", "text": _cut(param.name, 2000)},
        "hint": {"type": "plain_text", "text": _cut(param.help, 2000)},
        "element": element,
    }


def _cluster_input(names: list[str], default: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ACTION_ID,
        "options": [_option(n, n) for n in names],
    }
    if default in names:
        element["initial_option"] = _option(default, default)
    return {
        "type": "input",
        "block_id": CLUSTER_BLOCK,
        "optional": True,
        "label": {"type": "plain_text", "text": "cluster"},
        "element": element,
    }


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": _cut(text, 75)}, "value": value}


def _value(state: Any) -> str:
    if not isinstance(state, dict):
        return ""
    kind = state.get("type")
    if kind == "checkboxes":
        return "yes" if state.get("selected_options") else ""
    if kind == "static_select":
        return ((state.get("selected_option") or {}).get("value")) or ""
    return (state.get("value") or "").strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
