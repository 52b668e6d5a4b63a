"""`ctibot doctor`: check every configured cluster (or one) before the bot relies on it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from bot.bootstrap import endpoint_of
from bot.cli.common import ConfigOption, settings_or_exit
from bot.config import MissingSecretError
from bot.doctor.checks import CHECKS
from bot.doctor.report import Finding, Mark, Report, finding_lines, summary, to_json
from bot.doctor.run import Rates, diagnose

STYLES = {Mark.PASS: "green", Mark.WARN: "yellow", Mark.FAIL: "red", Mark.SKIP: "dim"}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(
    config: ConfigOption = None,
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Only this cluster (default: every one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")] = False,
) -> None:
    """Read-only checks of each cluster, each with the exact fix; exit 0 only when all pass."""
    settings = settings_or_exit(config)
    clusters = [c for c in settings.clusters if cluster is None or c.name == cluster]
    if not clusters:
        known = ", ".join(c.name for c in settings.clusters) or "none configured"
        typer.echo(f"No cluster {cluster!r} in the settings (known: {known}).", err=True)
        raise typer.Exit(2)
    rates = Rates(settings.health.ris_per_minute, settings.health.perfmon_per_minute)
    reports = []
    for item in clusters:
        try:
            reports.append(diagnose(endpoint_of(item), CHECKS, rates))
        except MissingSecretError as exc:
            missing = Finding("credentials", item.name, Mark.FAIL, str(exc))
            reports.append(Report(item.name, [missing]))
    if as_json:
        typer.echo(to_json(reports))
    else:
        _print(reports)
    raise typer.Exit(0 if all(r.passed for r in reports) else 1)


def _print(reports: list[Report]) -> None:
    # soft_wrap: a fix is a line to paste (a config line, a command); the terminal may fold
    # it for the eye, but no newline may be written into it. emoji=False: a fingerprint
    # holding ":AB:" must not turn into an emoji.
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    for report in reports:
        console.print(f"Cluster {report.cluster}", style="bold", markup=False)
        for finding in report.findings:
            for line in finding_lines(finding):
                console.print(f"  {line}", style=STYLES[finding.mark], markup=False)
        console.print(f"  {summary(report)}", style="green" if report.passed else "red")
