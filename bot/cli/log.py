"""`ctibot log export`: the change log as CSV or JSON lines for auditors."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.changelog.db import make_engine, migration_status
from bot.changelog.export import export_changes
from bot.cli.common import ConfigOption, settings_or_exit

log_app = typer.Typer(no_args_is_help=True, help="The change log.")


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")


@log_app.command("export")
def export_command(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.csv,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of stdout.", dir_okay=False),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Export every change (one row each, with its change set's fields), oldest first."""
    engine = make_engine(settings_or_exit(config).database.url)
    try:
        current, head = migration_status(engine)
        if current != head:
            typer.echo("database is not at the current schema: run `ctibot db upgrade`", err=True)
            raise typer.Exit(1)
        if output is None:
            count = export_changes(engine, sys.stdout, fmt.value)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = export_changes(engine, stream, fmt.value)
    finally:
        engine.dispose()
    if output is not None:
        typer.echo(f"{count} rows written to {output}", err=True)
