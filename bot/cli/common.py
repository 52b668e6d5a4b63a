"""What several commands share: the --config option and turning config problems into exit 1."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.config import ConfigError, Settings, load_settings, resolve_config_path

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="TOML settings file (default: $CTIBOT_CONFIG; environment variables override it).",
        dir_okay=False,
    ),
]


def settings_or_exit(config: Path | None) -> Settings:
    """Settings, or every problem on stderr and exit code 1: a bad config must not half-start."""
    try:
        return load_settings(config)
    except ConfigError as exc:
        report_problems(resolve_config_path(config), exc.problems)
        raise typer.Exit(1) from None


def report_problems(path: Path | None, problems: list[str]) -> None:
    source = str(path) if path is not None else "settings (environment only)"
    noun = "problem" if len(problems) == 1 else "problems"
    typer.echo(f"{source}: {len(problems)} {noun}", err=True)
    for problem in problems:
        typer.echo(f"  {problem}", err=True)
