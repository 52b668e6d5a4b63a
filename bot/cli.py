"""The `ctibot` command line: one entry point for the bot, the simulator and the database."""

from __future__ import annotations

import typer

from bot import __version__

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ctibot: CUCM CTI chat-ops")


@app.callback()
def main() -> None:
    """ctibot: configure CUCM for CTI applications from Slack, and watch CTIManager health."""


@app.command()
def version() -> None:
    """Print the ctibot version."""
    typer.echo(__version__)
