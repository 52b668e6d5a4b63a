"""What several commands share: the --config option, and turning config problems and a
database that cannot be opened into one clear message and exit 1, not a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings, load_settings, resolve_config_path

if TYPE_CHECKING:
    from bot.bootstrap import Bot

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


def bootstrap_or_exit(settings: Settings, **options: Any) -> Bot:
    """The bot, or one line naming the database and why it cannot be used, and exit 1.

    Opening the database (creating its directory, the file, the WAL journal beside it,
    migrating) is the first write a start makes; a read-only or missing directory
    is an operator's fix, and a traceback only hides the one line that says so.
    """
    from bot.bootstrap import bootstrap

    try:
        return bootstrap(settings, **options)
    except (OSError, SQLAlchemyError) as exc:
        where = make_url(settings.database.url).render_as_string(hide_password=True)
        reason = _reason(exc)
        typer.echo(
            f"ctibot: cannot open the database {where}: {reason} "
            "(check that its directory exists and this user can write there)",
            err=True,
        )
        raise typer.Exit(1) from None


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    if original is not None:
        return str(original)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc).splitlines()[0]
