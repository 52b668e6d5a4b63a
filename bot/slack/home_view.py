"""The App Home tab as a Block Kit view, inside Slack's 100-block limit.

A view over the limit is rejected whole, and a Home tab that fails to publish
shows the user yesterday's board without a word. So each part is a list of
items of one or more blocks; when they do not all fit, the least needed part
(alerts beyond the first ones, then commands, then change sets) is cut and a
"showing N of M" line says so. Every value from CUCM or a user goes through
`bot.mrkdwn`, here or in the shared reply renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.changelog.store import ChangeSetRecord
from bot.health.store import AlertRecord
from bot.mrkdwn import mrkdwn
from bot.slack.alerts_render import alert_actions, top_text
from bot.slack.render import MAX_SECTION_CHARS, Block, context, cut, reply_message, section
from commands.engine.base import Reply, Role
from commands.engine.command import Command

MAX_VIEW_BLOCKS = 100
DETAILS_ACTION = "home_change_details"
COMMANDS_PER_SECTION = 15
NO_ROLE = (
    "You have no ctibot role, so there is nothing to show you here. Ask an administrator "
    "to add your Slack user ID `{}` (or a user group you are in) to `[rbac]`."
)


@dataclass(frozen=True)
class HomeContent:
    """What one user's Home tab shows; gathered by `bot.slack.home`."""

    user_id: str
    role: Role
    boards: list[Reply]
    alerts: list[AlertRecord]
    changes: list[ChangeSetRecord]
    commands: list[Command]
    at: datetime


@dataclass
class _Part:
    title: str
    what: str  # plural noun for the "showing N of M" line
    items: list[list[Block]] = field(default_factory=list)
    empty: str = ""


def home_view(content: HomeContent) -> dict[str, Any]:
    """`view` for views.publish."""
    intro: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "ctibot"}},
        context(
            f"For <@{content.user_id}> · role {content.role.label} · "
            f"drawn {content.at.strftime('%Y-%m-%d %H:%M:%S UTC')}"
        ),
    ]
    if content.role < Role.VIEWER:
        return {"type": "home", "blocks": [*intro, section(NO_ROLE.format(content.user_id))]}
    board = _Part("Clusters", "clusters", [_board(r) for r in content.boards], "No cluster.")
    alerts = _Part(
        f"Active alerts ({len(content.alerts)})",
        "alerts",
        [_alert(a) for a in content.alerts],
        "No active alert.",
    )
    changes = _Part(
        "Recent change sets",
        "change sets",
        [_change(c) for c in content.changes],
        "No change set yet.",
    )
    commands = _Part(
        f"Your commands ({content.role.label})",
        "command sections",
        _commands(content.commands),
        "None: ask an administrator for a role in `[rbac]`.",
    )
    shown = [board, alerts, changes, commands]
    # every part has a header and one line more when empty or cut: reserved up front,
    # given back by the parts that fit whole
    budget = MAX_VIEW_BLOCKS - len(intro) - 2 * len(shown)
    kept = _allot(budget, [board, changes, commands, alerts])
    blocks = list(intro)
    for part in shown:
        blocks += _render(part, kept[part.title])
    return {"type": "home", "blocks": blocks}


def _allot(budget: int, by_priority: list[_Part]) -> dict[str, int]:
    """How many items of each part fit, the earlier parts served first."""
    kept: dict[str, int] = {}
    for part in by_priority:
        count = 0
        for item in part.items:
            if len(item) > budget:
                break
            budget -= len(item)
            count += 1
        kept[part.title] = count
        if part.items and count == len(part.items):
            budget += 1  # no "showing N of M" line needed
    return kept


def _render(part: _Part, keep: int) -> list[Block]:
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": part.title}}]
    for item in part.items[:keep]:
        blocks += item
    if not part.items:
        blocks.append(context(part.empty))
    elif keep < len(part.items):
        blocks.append(context(f"Showing {keep} of {len(part.items)} {part.what}."))
    return blocks


def _board(board: Reply) -> list[Block]:
    """The same board `/cti health` answers with, less its header (the part has one)."""
    blocks = reply_message(board)["blocks"]
    title = section(f"*{mrkdwn(board.title)}*")
    return [title, *blocks[1:]]


def _alert(alert: AlertRecord) -> list[Block]:
    """The alert channel's own buttons, so a click here follows the channel's rules."""
    text = f"{top_text(alert)}\n{mrkdwn(alert.cluster)} · {mrkdwn(alert.node or 'cluster-wide')}"
    blocks = [section(cut(text, MAX_SECTION_CHARS))]
    buttons = alert_actions(alert)
    if buttons:
        blocks.append(
            {"type": "actions", "block_id": f"home_alert_{alert.id}", "elements": buttons}
        )
    return blocks


def _change(record: ChangeSetRecord) -> list[Block]:
    requester = record.requester_id or record.actor_id
    approver = f"<@{record.actor_id}>" if record.approved_by_other else "no second person"
    text = (
        f"*#{record.id}* `{record.command_text or record.command}` · {record.status}\n"
        f"on {record.cluster or '-'} · requested by <@{requester}> · approved by {approver} · "
        f"{record.created_at.strftime('%Y-%m-%d %H:%M UTC')}"
    )
    block = section(cut(mrkdwn(text), MAX_SECTION_CHARS))
    block["accessory"] = {
        "type": "button",
        "action_id": DETAILS_ACTION,
        "text": {"type": "plain_text", "text": "Details"},
        "value": str(record.id),
    }
    return [block]


def _commands(commands: list[Command]) -> list[list[Block]]:
    lines = [f"`/cti {c.spec.name}`: {c.spec.summary}" for c in commands]
    return [
        [section(cut(mrkdwn("\n".join(lines[i : i + COMMANDS_PER_SECTION])), MAX_SECTION_CHARS))]
        for i in range(0, len(lines), COMMANDS_PER_SECTION)
    ]
