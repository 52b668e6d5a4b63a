"""`ctibot db ...`: bring the change-log database to the current schema, or say where it is."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from alembic import command

from bot.changelog.backup import BackupError, backup_sqlite
from bot.changelog.db import (
    alembic_config,
    make_engine,
    migration_status,
    upgrade,
    upgrade_engine,
)
from bot.cli.common import ConfigOption, settings_or_exit

db_app = typer.Typer(no_args_is_help=True, help="Change-log database schema.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_command(config: ConfigOption = None) -> None:
    """Apply every pending migration (creates the database file if needed)."""
    url = settings_or_exit(config).database.url
    upgrade(url)
    engine = make_engine(url)
    try:
        current, _ = migration_status(engine)
    finally:
        engine.dispose()
    typer.echo(f"database at revision {current}")


@db_app.command("current")
def current_command(config: ConfigOption = None) -> None:
    """Show the database's revision and the newest one; exit 1 when an upgrade is needed."""
    engine = make_engine(settings_or_exit(config).database.url)
    try:
        current, head = migration_status(engine)
    finally:
        engine.dispose()
    typer.echo(f"current: {current or '(empty database)'}")
    typer.echo(f"head:    {head}")
    if current != head:
        typer.echo("run `ctibot db upgrade` to migrate", err=True)
        raise typer.Exit(1)


@db_app.command("backup")
def backup_command(
    output: Annotated[Path, typer.Argument(help="New file to write the copy to.")],
    config: ConfigOption = None,
) -> None:
    """Copy a SQLite database consistently while the bot runs (PostgreSQL: use pg_dump)."""
    try:
        source = backup_sqlite(settings_or_exit(config).database.url, output)
    except BackupError as exc:
        typer.echo(f"no backup: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"backed up {source} to {output} ({output.stat().st_size} bytes)")


@db_app.command("revision")
def revision_command(
    message: Annotated[str, typer.Option("--message", "-m", help="What the migration does.")],
) -> None:
    """Write a new migration from the difference between the models and the newest schema."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'head.db'}")
        try:
            upgrade_engine(engine)
            command.revision(alembic_config(engine), message=message, autogenerate=True)
        finally:
            engine.dispose()
