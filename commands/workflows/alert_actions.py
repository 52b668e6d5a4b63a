"""`/cti alert ack` and `/cti alert silence`: what the buttons on an alert message do.

The buttons run these through the runner like any typed command, so the role
check, the recorded refusal, the log line and the metric are the runner's,
never a listener's own. The clicker's role counts, not the role of whoever the
alert was posted for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.engine.args import parse_id
from commands.engine.base import Arguments, CommandSpec, Param, Reply, Role
from commands.engine.command import Command
from commands.workflows.silences import DURATION, parse_duration, reason_text

if TYPE_CHECKING:
    from commands.engine.context import Context

_ALERT = Param(
    "alert",
    "The alert id, carried by the buttons on the alert message.",
    positional=True,
    required=True,
    placeholder="12",
)


def _alert_id(args: Arguments) -> int:
    return parse_id(args["alert"], "an alert id", "the buttons on an alert message carry it")


class AlertAckCommand:
    spec = CommandSpec(
        name="alert ack",
        summary="Acknowledge a firing alert: no more reminders for it",
        role=Role.OPERATOR,
        params=(_ALERT,),
        examples=("/cti alert ack 12",),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        done, answer = ctx.monitor().alerts.acknowledge(_alert_id(args), ctx.actor.user_id)
        return Reply(title=answer.title, status="ok" if done else "warning", lines=answer.lines)


class AlertSilenceCommand:
    spec = CommandSpec(
        name="alert silence",
        summary="Stop one alert's notifications for a while",
        role=Role.OPERATOR,
        params=(
            _ALERT,
            DURATION,
            Param("reason", "Why (shown on the alert).", positional=True, multiple=True),
        ),
        examples=("/cti alert silence 12 4h patching",),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        alert_id = _alert_id(args)
        duration = parse_duration(str(args["duration"]))
        reason = reason_text(args)
        silence, text = ctx.monitor().alerts.silence_alert(
            alert_id, duration, ctx.actor.user_id, reason
        )
        return Reply(title=text, status="ok" if silence is not None else "warning")


COMMANDS: list[Command] = [AlertAckCommand(), AlertSilenceCommand()]
