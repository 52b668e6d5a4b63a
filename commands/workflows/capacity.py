"""`/cti capacity`: how close each node and provider has come to the Max Devices limits.

The limits check keeps a sample per node and per provider at every sweep
(bot/health/capacity.py); this draws them as a chart the front end uploads,
with the same figures as text for whoever cannot see images.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from commands.engine.base import (
    Arguments,
    CommandSpec,
    File,
    Param,
    Reply,
    Role,
    UsageError,
)
from commands.engine.command import Command

if TYPE_CHECKING:
    from commands.engine.context import Context

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


class CapacityCommand:
    spec = CommandSpec(
        name="capacity",
        summary="Chart of devices open per node and per provider against the Max Devices limits",
        role=Role.VIEWER,
        params=(
            Param(
                "cluster",
                "The cluster; the default one when left out.",
                positional=True,
                placeholder="lab",
            ),
            Param(
                "since",
                "How far back the chart goes.",
                default="24h",
                choices=tuple(WINDOWS),
            ),
        ),
        examples=("/cti capacity", "/cti capacity lab --since 7d"),
        in_channel=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        cluster = args.get("cluster") or ctx.cluster_name
        if cluster not in ctx.clusters.names():
            known = ", ".join(f"`{n}`" for n in ctx.clusters.names())
            raise UsageError(f"Unknown cluster `{cluster}`; known clusters: {known}.")
        window = args.get("since") or "24h"
        samples = ctx.monitor().capacity.since(cluster, datetime.now(UTC) - WINDOWS[window])
        title = f"CTI capacity of {cluster}, last {window}"
        if not samples:
            return Reply(
                title=title,
                lines=[
                    f"No capacity samples for {cluster} in the last {window} yet: the limits "
                    "check records one per node and provider at each sweep "
                    "(`[health] limits_interval`)."
                ],
            )
        from bot.health.chart import figures, render_png  # matplotlib loads on first chart only

        name = f"capacity-{cluster}-{window}.png"
        return Reply(
            title=title,
            lines=figures(samples),
            footer=f"{len({s.at for s in samples})} sweeps charted in {name}.",
            files=[File(name, title, render_png(cluster, samples, window))],
        )


COMMANDS: list[Command] = [CapacityCommand()]
