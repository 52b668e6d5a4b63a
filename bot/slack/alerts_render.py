"""One alert as a Slack message: a coloured attachment wrapping Block Kit blocks.

The colour bar exists only on attachments (docs/slack-interfaces.md#colour-bar), so
the blocks live inside one attachment; the top-level text stays short and
greppable ("[CRITICAL] CTIManager down on cucm-sub1 (lab)") for notifications,
search and screen readers. Summaries and details carry values read from
CUCM (descriptions, names), so every mrkdwn text is escaped (bot/mrkdwn.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.changelog.labels import KIND_LABELS, field_label, kind_label
from bot.health.alerts import duration_text, state_text
from bot.health.runbook import runbook_link
from bot.health.store import AlertRecord
from bot.mrkdwn import escape, mrkdwn

ACK_ACTION = "health_alert_ack"
SILENCE_ACTIONS = {
    "health_alert_silence_1h": 1,
    "health_alert_silence_4h": 4,
    "health_alert_silence_24h": 24,
}
COLOURS = {
    "critical": "#D40E0D",
    "warning": "#F2A900",
    "resolved": "#2EB67D",
    "quiet": "#9E9E9E",
}
EMOJI = {
    "critical": ":red_circle:",
    "warning": ":large_orange_circle:",
    "resolved": ":large_green_circle:",
    "acknowledged": ":eyes:",
    "silenced": ":no_bell:",
}
MAX_SECTION = 2900


def _label(alert: AlertRecord) -> str:
    return alert.severity.upper() if alert.state in ("firing", "pending") else alert.state.upper()


def _emoji(alert: AlertRecord) -> str:
    return EMOJI.get(alert.state) or EMOJI[alert.severity]


def _colour(alert: AlertRecord) -> str:
    if alert.state == "resolved":
        return COLOURS["resolved"]
    if alert.state in ("acknowledged", "silenced"):
        return COLOURS["quiet"]
    return COLOURS[alert.severity]


def _stamp(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at else "-"


def top_text(alert: AlertRecord) -> str:
    return f"{_emoji(alert)} [{_label(alert)}] {mrkdwn(alert.summary)}"


def _detail_lines(alert: AlertRecord) -> str:
    shown = {k: v for k, v in alert.details.items() if v not in (None, "", [], {})}
    text = "\n".join(
        f"*{mrkdwn(k.replace('_', ' '))}:* {mrkdwn(_value(v))}" for k, v in shown.items()
    )
    return text[:MAX_SECTION]


def _status_line(alert: AlertRecord) -> str:
    if alert.state == "resolved" and alert.resolved_at:
        since = alert.fired_at or alert.first_failed_at or alert.resolved_at
        now = state_text(alert.details)
        return f"*RESOLVED* after {duration_text(alert.resolved_at - since)}" + (
            f" · now {mrkdwn(now)}" if now else ""
        )
    if alert.state == "acknowledged":
        return f"*Acknowledged* by <@{alert.acked_by}> at {_stamp(alert.acked_at)}"
    if alert.state == "silenced":
        return "*Silenced*: notifications paused, state still tracked"
    return f"*{alert.severity.upper()}*: {mrkdwn(alert.summary)}"[:MAX_SECTION]


def alert_actions(alert: AlertRecord) -> list[dict[str, Any]]:
    value = str(alert.id)
    buttons: list[dict[str, Any]] = []
    if alert.state == "firing":
        buttons.append(
            {
                "type": "button",
                "action_id": ACK_ACTION,
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "style": "primary",
                "value": value,
            }
        )
    if alert.state in ("firing", "acknowledged"):
        for action_id, hours in SILENCE_ACTIONS.items():
            buttons.append(
                {
                    "type": "button",
                    "action_id": action_id,
                    "text": {"type": "plain_text", "text": f"Silence {hours}h"},
                    "value": value,
                }
            )
    return buttons


def blocks(alert: AlertRecord, runbook_url: str | None = None) -> list[dict[str, Any]]:
    header = f"[{_label(alert)}] {alert.summary}"[:150]
    count = f"{alert.consecutive_failures} failing check(s) in a row"
    if alert.flaps:
        count += f", {alert.flaps} flap(s)"
    out: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _status_line(alert)}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Node*\n{mrkdwn(alert.node or 'cluster-wide')}"},
                {"type": "mrkdwn", "text": f"*Check*\n{alert.check} · {mrkdwn(_subject(alert))}"},
                {"type": "mrkdwn", "text": f"*Since*\n{_stamp(alert.first_failed_at)}"},
                {"type": "mrkdwn", "text": f"*Count*\n{count}"},
            ],
        },
    ]
    details = _detail_lines(alert)
    if details:
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": details}})
    out.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"Last check {_stamp(alert.last_checked_at)} · cluster "
                    f"{mrkdwn(alert.cluster)} · {link(alert, runbook_url)}",
                }
            ],
        }
    )
    actions = alert_actions(alert)
    if actions:
        out.append({"type": "actions", "block_id": f"health_alert_{alert.id}", "elements": actions})
    return out


def message(alert: AlertRecord, runbook_url: str | None = None) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.update."""
    text = top_text(alert)
    attachment = {"color": _colour(alert), "fallback": text, "blocks": blocks(alert, runbook_url)}
    return {"text": text, "attachments": [attachment]}


def link(alert: AlertRecord, runbook_url: str | None = None) -> str:
    """mrkdwn `<url#anchor|Runbook: what>`: ctibot's own link markup, its parts escaped."""
    found = runbook_link(alert, runbook_url)
    url = escape(found.url).replace("|", "%7C")
    return f"<{url}|{escape(found.text)}>"


def _subject(alert: AlertRecord) -> str:
    """`route_point/RP_X` -> `CTI Route Point RP_X`; the alert key keeps the internal name."""
    head, _, rest = alert.subject.partition("/")
    singular = head[:-1] if head.endswith("s") and head[:-1] in KIND_LABELS else None
    if not rest or (head not in KIND_LABELS and singular is None):
        return alert.subject
    label = kind_label(head) if singular is None else f"{kind_label(singular)}s"
    return f"{label} {rest.replace('/', ' · ')}"


def _value(value: object) -> str:
    """Lists read as `a, b` and mappings as `Field: value; ...`, never as Python's repr, in a
    message meant for people; a drifted field says what it is now and what ctibot left."""
    if isinstance(value, Mapping):
        if set(value) == {"expected", "actual"}:
            return f"{_value(value['actual'])} (ctibot left {_value(value['expected'])})"
        return "; ".join(f"{field_label(str(k))}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return ", ".join(_value(v) for v in value)
    if value is None:
        return "(none)"
    return str(value)
