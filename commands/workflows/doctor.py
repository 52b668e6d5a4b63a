"""`/cti doctor [cluster]`: ctibot doctor's read-only checks of a cluster, for admins in Slack.

The same checks as the CLI, on a connection of their own: RIS and PerfMon behind doctor's
own rate limiter (at the monitor's default rates), nothing written. Admins only, because
the answer shows the API account's groups and roles. The report is long, so Slack shows
its summary in the channel and the findings in that message's thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.doctor.checks import CHECKS
from bot.doctor.report import Mark, finding_lines, summary
from bot.doctor.run import diagnose
from commands.engine.base import Arguments, CommandSpec, Param, Reply, Role, UsageError

if TYPE_CHECKING:
    from commands.engine.context import Context


class DoctorCommand:
    spec = CommandSpec(
        name="doctor",
        summary="Check a cluster the way ctibot uses it: login, roles, parameters, limits",
        role=Role.ADMIN,
        params=(
            Param(
                "cluster",
                "The cluster to check (default: this channel's).",
                positional=True,
                placeholder="lab",
            ),
        ),
        examples=("/cti doctor", "/cti doctor lab"),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        cluster = self._cluster(ctx, args.get("cluster"))
        report = diagnose(ctx.clusters.get(cluster).endpoint, CHECKS)
        lines = [line for finding in report.findings for line in finding_lines(finding)]
        warned = report.count(Mark.WARN) > 0
        return Reply(
            title=f"Doctor of {cluster}",
            status="error" if not report.passed else ("warning" if warned else "ok"),
            lines=lines,
            footer=summary(report),
            thread=True,
        )

    @staticmethod
    def _cluster(ctx: Context, wanted: str | None) -> str:
        if not wanted:
            return ctx.cluster_name
        names = ctx.clusters.names()
        for name in names:
            if name.casefold() == wanted.casefold():
                return name
        known = ", ".join(f"`{n}`" for n in names) or "none configured"
        raise UsageError(f"Unknown cluster `{wanted}`. Known clusters: {known}.")


COMMANDS = [DoctorCommand()]
