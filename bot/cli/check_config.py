"""`ctibot check-config`: validate settings before deploying, without starting anything."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from bot.cli.common import ConfigOption, report_problems
from bot.config import ConfigError, Settings, load_settings, resolve_config_path


def register(app: typer.Typer) -> None:
    app.command("check-config")(check_config)


def check_config(
    config: ConfigOption = None,
    require_secrets: Annotated[
        bool,
        typer.Option(
            "--require-secrets",
            help="Also fail when a secret the transport needs is missing (on the host).",
        ),
    ] = False,
) -> None:
    """Check the settings file and environment; print a summary, or every problem (exit 1)."""
    path = resolve_config_path(config)
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        report_problems(path, exc.problems)
        raise typer.Exit(1) from None
    needed = settings.needed_secrets()
    missing = [
        name for name, present in settings.secret_status().items() if not present and name in needed
    ]
    if require_secrets and missing:
        report_problems(path, [f"{name}: secret not set in the environment" for name in missing])
        raise typer.Exit(1)
    typer.echo("OK")
    for line in summary(settings, path):
        typer.echo(line)


def summary(settings: Settings, path: Path | None) -> list[str]:
    """What an operator needs to eyeball: never a secret's value, only whether it is set."""
    lines = [f"config file: {path if path is not None else '(none; defaults and environment)'}"]
    if settings.clusters:
        lines.append(f"clusters ({len(settings.clusters)}):")
        for cluster in settings.clusters:
            default = " (default)" if cluster.default else ""
            lines.append(
                f"  {cluster.name}{default}: {cluster.scheme}://{cluster.host}:{cluster.port} "
                f"AXL {cluster.axl_version} as {cluster.username}"
            )
    else:
        lines.append("clusters: none configured")
    rbac = settings.rbac
    lines.append(
        f"rbac: {len(rbac.admins)} admins, {len(rbac.operators)} operators, "
        f"{len(rbac.viewers)} viewers"
    )
    database = make_url(settings.database.url).render_as_string(hide_password=True)
    lines.append(f"database: {database}")
    mode = "socket mode" if settings.slack.socket_mode else f"HTTP on {settings.server.host}:"
    if not settings.slack.socket_mode:
        mode += str(settings.server.port)
    lines.append(f"slack: {mode}")
    lines.append("secrets:")
    needed = settings.needed_secrets()
    for name, present in settings.secret_status().items():
        state = "set" if present else "missing" if name in needed else "not needed"
        lines.append(f"  {name}: {state}")
    return lines
