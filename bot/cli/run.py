"""`ctibot run "/cti ..."`: the Slack command path from a terminal, same RBAC and change log."""

from __future__ import annotations

import os
import re
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from bot.cli.common import ConfigOption, bootstrap_or_exit, settings_or_exit
from bot.demo.terminal_render import mrkdwn
from commands.engine.base import Actor, Reply
from commands.engine.runner import ConfirmationRequest

CLI_USER_ENV = "CTIBOT_USER"
_PLAIN_ANGLE = re.compile(r"<(?![@#!]|https?://|mailto:)")
_COLOURS = {"ok": "green", "info": "cyan", "warning": "yellow", "error": "red", "denied": "red"}


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    command: Annotated[str, typer.Argument(help='The command, e.g. "/cti version".')],
    config: ConfigOption = None,
    as_user: Annotated[
        str, typer.Option("--as", help=f"Slack user ID to act as (default ${CLI_USER_ENV}).")
    ] = "",
    yes: Annotated[bool, typer.Option("--yes", help="Confirm plans without asking.")] = False,
) -> None:
    """Run one /cti command as that Slack user would, and print the reply."""
    settings = settings_or_exit(config)
    user = as_user or os.environ.get(CLI_USER_ENV, "")
    if not user:
        raise typer.BadParameter(f"say who you are: --as U123 or ${CLI_USER_ENV}")
    bot = bootstrap_or_exit(settings, slack=False)
    console = Console()
    grant = bot.roles.grant_of(user)
    actor = Actor(user_id=user, name="cli")
    try:
        outcome = bot.runner.handle(command, actor, grant.role, grant=grant.via)
        while isinstance(outcome, ConfirmationRequest):
            print_reply(console, outcome.reply)
            confirm = yes or typer.confirm("Apply this plan?", default=False)
            outcome = bot.runner.decide(outcome.token, actor, grant.role, confirm)
        print_reply(console, outcome)
    finally:
        bot.close()
    if outcome.status in ("error", "denied"):
        raise typer.Exit(1)


def print_reply(console: Console, reply: Reply) -> None:
    """Replies are written in Slack's mrkdwn; the terminal gets what Slack would show
    (emphasis, `@user` for mentions, emoji for `:shortcodes:`), never the raw markup."""
    colour = _COLOURS.get(reply.status, "white")
    console.print(_shown(reply.title, style=f"bold {colour}"), highlight=False)
    for line in reply.lines:
        console.print(_shown(line), highlight=False)
    for key, value in reply.fields:
        console.print(Text.assemble((f"{key}: ", "bold"), _shown(value)), highlight=False)
    if reply.table is not None:
        table = RichTable(*reply.table.headers)
        for row in reply.table.rows:
            table.add_row(*(_shown(cell) for cell in row))
        console.print(table)
    if reply.footer:
        console.print(_shown(reply.footer, style="dim"), highlight=False)
    for file in reply.files:
        note = f"({file.title}: {file.name}, {len(file.content)} bytes, shown in Slack only)"
        console.print(Text(note, style="dim"), highlight=False)


def _shown(text: str, style: str = "") -> Text:
    """A reply is not yet escaped for Slack: `<value>` in a usage line is text, only Slack's
    own tokens (`<@U…>`, `<#C…>`, `<!here>`, links) are markup."""
    escaped = _PLAIN_ANGLE.sub("&lt;", text.replace("&", "&amp;"))
    return mrkdwn(escaped, style=style)
