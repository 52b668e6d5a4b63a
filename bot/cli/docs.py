"""`ctibot docs commands`: print the command reference (docs/commands.md) from the registry."""

from __future__ import annotations

import typer

from commands.catalog import all_specs
from commands.reference_doc import commands_markdown

docs_app = typer.Typer(no_args_is_help=True, help="Generated documentation.")


def register(app: typer.Typer) -> None:
    app.add_typer(docs_app, name="docs")


@docs_app.command("commands")
def commands() -> None:
    """Print docs/commands.md: every /cti command, its usage, role and examples."""
    typer.echo(commands_markdown(all_specs()), nl=False)
