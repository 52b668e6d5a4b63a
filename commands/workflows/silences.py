"""`/cti silence`, `/cti silences`, `/cti unsilence`: time-boxed quiet for known work.

A silence stops Slack notifications for matching alerts (by check, node or
whole cluster) while their state keeps being tracked; it expires on its own,
so nobody has to remember to undo it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.cucm.errors import CucmError
from bot.health.checks import CHECKS
from bot.health.models import MATCHER_VALUE_MAX
from commands.engine.args import parse_id
from commands.engine.base import (
    Arguments,
    CommandSpec,
    Param,
    Reply,
    Role,
    Table,
    UsageError,
)
from commands.engine.command import Command

if TYPE_CHECKING:
    from commands.engine.context import Context

KINDS = ("check", "node", "cluster")
_DURATION = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
MAX_DURATION = timedelta(days=30)
DURATION = Param(
    "duration", "How long: 30m, 4h, 1d.", positional=True, required=True, placeholder="4h"
)


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise UsageError(f"`{text}` is not a duration; use e.g. 30m, 4h or 1d.")
    try:
        duration = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:
        duration = MAX_DURATION * 2
    if not timedelta(0) < duration <= MAX_DURATION:
        raise UsageError("A silence lasts between 1 minute and 30 days.")
    return duration


def reason_text(args: Arguments) -> str:
    """The free-text `reason` words as one string; empty when none were given."""
    reason = args.get("reason") or ""
    return " ".join(reason) if isinstance(reason, list | tuple) else str(reason)


def _known(value: str, names: list[str], what: str) -> str:
    """The canonical spelling of ``value``; a typo must not silence nothing for hours."""
    for name in names:
        if name.casefold() == value.casefold():
            return name
    raise UsageError(f"`{value}` is not a {what}; known: {', '.join(names) or 'none'}.")


def resolve_target(ctx: Context, kind: str, value: str) -> tuple[str, str, str | None]:
    """(value, cluster it applies to, note for the reply).

    An unreachable AXL does not block a node silence: CUCM struggling is when
    people silence most, so the name is then taken as typed and the reply says so.
    """
    if kind == "check":
        return _known(value, list(CHECKS), "health check"), ctx.cluster_name, None
    if kind == "cluster":
        name = _known(value, ctx.clusters.names(), "configured cluster")
        return name, name, None
    try:
        nodes = [n.name for n in ctx.cucm.axl.list_process_nodes()]
    except CucmError as exc:
        if len(value) > MATCHER_VALUE_MAX:
            raise UsageError(
                f"`{value[:40]}…` is {len(value)} characters; "
                f"a node name has at most {MATCHER_VALUE_MAX}."
            ) from None
        return value, ctx.cluster_name, f"Could not check that {value} is a node ({exc})."
    return _known(value, nodes, f"node of {ctx.cluster_name}"), ctx.cluster_name, None


class SilenceCommand:
    spec = CommandSpec(
        name="silence",
        summary="Stop alert notifications for a check, node or cluster for a while",
        role=Role.OPERATOR,
        params=(
            Param(
                "kind",
                "What to match: check, node or cluster.",
                positional=True,
                required=True,
                choices=KINDS,
            ),
            Param(
                "value",
                "The check, node or cluster name.",
                positional=True,
                required=True,
                placeholder="cucm-sub1",
            ),
            DURATION,
            Param("reason", "Why (shown on the alerts).", positional=True, multiple=True),
        ),
        examples=("/cti silence node cucm-sub1 4h patching", "/cti silence check drift 1d"),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        kind = str(args["kind"]).lower()
        if kind not in KINDS:
            raise UsageError(f"Silence by one of {', '.join(KINDS)}, not `{kind}`.")
        duration = parse_duration(str(args["duration"]))
        value, cluster, note = resolve_target(ctx, kind, str(args["value"]))
        reason = reason_text(args)
        silence = ctx.monitor().alerts.add_silence(
            kind, value, cluster, duration, ctx.actor.user_id, reason
        )
        until = silence.ends_at.strftime("%Y-%m-%d %H:%M UTC")
        return Reply(
            title=f"Silence #{silence.id}: {kind} {silence.matcher_value} until {until}",
            status="ok",
            lines=[
                *([note] if note else []),
                f"Cluster {cluster}. Undo with `/cti unsilence {silence.id}`.",
            ],
        )


class SilencesCommand:
    spec = CommandSpec(
        name="silences",
        summary="Silences in force or scheduled",
        role=Role.VIEWER,
        examples=("/cti silences",),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        silences = ctx.monitor().alerts.silences()
        if not silences:
            return Reply(title="No silences in force", status="info")
        rows = [
            (
                f"#{s.id}",
                f"{s.matcher_kind} {s.matcher_value}",
                s.cluster or "all",
                s.ends_at.strftime("%Y-%m-%d %H:%M UTC"),
                s.created_by,
                s.reason or "-",
            )
            for s in silences
        ]
        return Reply(
            title=f"{len(rows)} silence(s)",
            table=Table(("Id", "Matches", "Cluster", "Until", "By", "Reason"), rows),
        )


class UnsilenceCommand:
    spec = CommandSpec(
        name="unsilence",
        summary="End a silence now",
        role=Role.OPERATOR,
        params=(Param("id", "The silence id from /cti silences.", positional=True, required=True),),
        examples=("/cti unsilence 3",),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        silence_id = parse_id(args["id"], "a silence id", "use the number from `/cti silences`")
        text = str(silence_id)
        cancelled = ctx.monitor().alerts.cancel_silence(silence_id)
        if cancelled is None:
            return Reply(title=f"No silence #{text} in force", status="warning")
        return Reply(
            title=f"Silence #{text} ended",
            status="ok",
            lines=["Matching alerts that still fail are announced again."],
        )


COMMANDS: list[Command] = [SilenceCommand(), SilencesCommand(), UnsilenceCommand()]
