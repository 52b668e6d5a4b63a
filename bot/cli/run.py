"""`ctibot run "/cti ..."`: the Slack command path from a terminal, same RBAC and change log."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from bot.cli.common import ConfigOption, bootstrap_or_exit, settings_or_exit
from bot.text import Code, Mark, Mention, Strong
from bot.text import Text as ReplyText
from commands.engine.base import Actor, Reply
from commands.engine.runner import ConfirmationRequest

CLI_USER_ENV = "CTIBOT_USER"
_COLOURS = {"ok": "green", "info": "cyan", "warning": "yellow", "error": "red", "denied": "red"}
# narrow symbols, so columns stay aligned
TERMINAL_MARKS: dict[Mark, tuple[str, str]] = {
    "ok": ("✔", "green"),
    "info": ("\N{INFORMATION SOURCE}", "cyan"),
    "warning": ("⚠", "yellow"),
    "error": ("✘", "red"),
    "denied": ("⊘", "red"),
    "skipped": ("-", "dim"),
    "in_progress": ("…", "cyan"),
    "reverted": ("↩", "cyan"),
    "unknown": ("?", "yellow"),
    "pending": ("…", "dim"),
    "critical": ("●", "red"),
    "major": ("●", "yellow"),
    "maintenance": ("⚒", "yellow"),
    "alarm": ("‼", "red"),
}


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
            outcome = bot.runner.decide(outcome.token, actor, grant.role, confirm, grant=grant.via)
        print_reply(console, outcome)
    finally:
        bot.close()
    if outcome.status in ("error", "denied"):
        raise typer.Exit(1)


def print_reply(console: Console, reply: Reply) -> None:
    """The reply's structure in terminal terms: a symbol and colour per mark, code in cyan,
    a mention as `@U…`; every value printed as it is (no markup or emoji codes to guess)."""
    colour = _COLOURS.get(reply.status, "white")
    console.print(Text(reply.title, style=f"bold {colour}"), highlight=False)
    for line in reply.lines:
        console.print(shown(line), highlight=False)
    for key, value in reply.fields:
        console.print(Text.assemble((f"{key}: ", "bold"), shown(value)), highlight=False)
    if reply.table is not None:
        table = RichTable(*reply.table.headers)
        for row in reply.table.rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
    if reply.footer:
        console.print(shown(reply.footer, style="dim"), highlight=False)
    for file in reply.files:
        note = f"({file.title}: {file.name}, {len(file.content)} bytes, shown in Slack only)"
        console.print(Text(note, style="dim"), highlight=False)


def shown(text: ReplyText, style: str = "") -> Text:
    if isinstance(text, str):
        return Text(text, style=style)
    out = Text(style=style)
    if text.mark is not None:
        symbol, colour = TERMINAL_MARKS[text.mark]
        out.append(f"{symbol} ", style=colour)
    for span in text.spans:
        if isinstance(span, Code):
            out.append(span.text, style="cyan")
        elif isinstance(span, Strong):
            out.append(span.text, style="bold")
        elif isinstance(span, Mention):
            out.append(f"@{span.user_id}", style="blue")
        else:
            out.append(span)
    return out
