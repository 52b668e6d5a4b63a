"""`ctibot demo`: the bot, a simulated CUCM and a fake Slack, with nothing to configure."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.demo.console import EXPECT_TIMEOUT_S, DemoConsole
from bot.demo.script import ScriptError, Step, parse_script
from bot.demo.stack import HealthTiming, start_stack
from bot.logging_setup import configure_logging


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    script: Annotated[
        Path | None,
        typer.Option(
            "--script",
            exists=True,
            dir_okay=False,
            help="Run the lines of this file instead of prompting; exit 1 if an !expect fails.",
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="The bot's HTTP port (0: any free).")
    ] = 0,
    health_interval: Annotated[
        float,
        typer.Option("--health-interval", min=0.2, help="Seconds between health check runs."),
    ] = HealthTiming.interval_s,
    expect_timeout: Annotated[
        float, typer.Option("--expect-timeout", min=0, help="How long !expect waits.")
    ] = EXPECT_TIMEOUT_S,
    socket_mode: Annotated[
        bool,
        typer.Option(
            "--socket-mode",
            help="Send Slack's requests over a local Socket Mode WebSocket, not signed HTTP.",
        ),
    ] = False,
) -> None:
    """Try ctibot locally: type /cti commands, break the simulated cluster, watch alerts."""
    steps = _steps(script)
    out = Console(highlight=False)
    with _errors_only():
        with out.status("starting the CUCM simulator, the fake Slack and ctibot…"):
            stack = start_stack(
                port=port,
                timing=HealthTiming(interval_s=health_interval),
                socket_mode=socket_mode,
            )
        try:
            with DemoConsole(stack, out, expect_timeout=expect_timeout) as console:
                console.banner()
                if steps is None:
                    code = console.interactive(lambda: out.input("[bold cyan]cti>[/] "))
                else:
                    code = console.run_script(steps)
        finally:
            stack.stop()
    out.print("demo stopped" if code == 0 else "[red]demo failed[/]")
    raise typer.Exit(code)


@contextmanager
def _errors_only() -> Iterator[None]:
    """The console is the demo's output: only errors may interrupt it, and only while it runs."""
    root, bolt = logging.getLogger(), logging.getLogger("slack_bolt")
    handlers, level, bolt_level = root.handlers[:], root.level, bolt.level
    configure_logging("ERROR", stream=sys.__stderr__)
    bolt.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        bolt.setLevel(bolt_level)


def _steps(script: Path | None) -> list[Step] | None:
    """The lines to run unattended: the script, or stdin when it is not a terminal."""
    if script is not None:
        source, text = str(script), script.read_text()
    elif not sys.stdin.isatty():
        source, text = "stdin", sys.stdin.read()
    else:
        return None
    try:
        return parse_script(text)
    except ScriptError as exc:
        typer.echo(f"{source}: {exc}", err=True)
        raise typer.Exit(1) from None
