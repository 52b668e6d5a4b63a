"""The `ctibot` command line: one entry point for the bot, the simulator and the database.

Each command group lives in its own module with a ``register(app)`` function;
adding one is an import and a line below.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot import __version__
from bot.cli import check_config, db, demo, docs, doctor, log, run, serve, sim, trust

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ctibot: CUCM CTI chat-ops")


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"ctibot {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """ctibot: configure CUCM for CTI applications from Slack, and watch CTIManager health."""


@app.command()
def version() -> None:
    """Print the ctibot version."""
    typer.echo(__version__)


check_config.register(app)
db.register(app)
docs.register(app)
doctor.register(app)
demo.register(app)
log.register(app)
run.register(app)
serve.register(app)
sim.register(app)
trust.register(app)
