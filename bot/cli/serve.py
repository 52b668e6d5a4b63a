"""`ctibot serve`: migrations, then Slack over HTTP (waitress) or Socket Mode.

Recovery of other processes' change sets waits until the port is bound: a
second `serve` that fails on "address in use" must not touch the first one's work.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Annotated

import typer

from bot.bootstrap import Bot
from bot.cli.common import ConfigOption, bootstrap_or_exit, settings_or_exit
from bot.health.leader import LeaderElection
from bot.logging_setup import configure_logging, register_secret
from bot.slack.server import create_http_server, make_wsgi
from bot.slack.socket_mode import start_socket_mode

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def scheduler_election(bot: Bot) -> LeaderElection:
    """The scheduler runs only while this replica leads (at once on SQLite)."""

    def elected() -> None:
        bot.monitor.lead(checks=bot.settings.health.enabled)
        if bot.monitor.scheduler.scheduler is not None:
            bot.metrics.watch_scheduler(bot.monitor.scheduler.scheduler)

    return LeaderElection(
        bot.engine,
        elected,
        bot.monitor.stand_down,
        poll_s=bot.settings.health.leader_poll,
        observe=bot.metrics.leading,
    )


def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option("--host", help="Override server.host.")] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Override server.port (0: any free port).")
    ] = None,
) -> None:
    """Run the bot until SIGTERM or SIGINT; /healthz answers 200 once it is ready.

    A stop drains: new Slack requests get 503, in-flight ones finish (an apply within
    server.shutdown_grace, else it stops between steps as interrupted), then exit 0.
    """
    settings = settings_or_exit(config)
    configure_logging(settings.logging.level, settings.logging.json_lines)
    for secret in settings.secret_values():
        register_secret(secret)
    bot = bootstrap_or_exit(settings)
    app_token = settings.slack.app_token
    socket_mode = app_token is not None and bot.app is not None
    wsgi = make_wsgi(
        None if socket_mode else bot.app,
        bot.health,
        bot.metrics.render,
        signing_secret=bot.signing_secret,
        stopping=lambda: bot.stopping,
    )
    try:
        server = create_http_server(
            wsgi, host or settings.server.host, settings.server.port if port is None else port
        )
    except OSError as exc:  # e.g. address in use: another serve runs; its work is its own
        bot.close()
        typer.echo(f"ctibot cannot listen: {exc}", err=True)
        raise typer.Exit(1) from exc
    bot.recover()
    bot.keep_recovering()
    bot.monitor.start_notifier()
    bot.election = scheduler_election(bot)
    bot.election.start()
    handler = None
    if socket_mode and app_token is not None and bot.app is not None:
        handler = start_socket_mode(
            bot.app, app_token.get_secret_value(), settings.slack.socket_ping_interval
        )
        log.info("Socket Mode started; health on %s/healthz", server.url)
    else:
        log.info(
            "ctibot listening on %s (POST /slack/events, GET /livez /readyz /metrics)", server.url
        )
    stop = _stop_on_signals()
    server.start()
    typer.echo(f"ctibot ready: {server.url}/healthz")
    while not stop.wait(0.5):
        if server.thread is not None and not server.thread.is_alive():
            log.error("the HTTP server stopped on its own; shutting down")
            break
    grace = settings.server.shutdown_grace
    log.info("stopping: no new requests; in-flight work has %gs to finish", grace)
    if handler is not None:
        handler.close()
    clean = bot.stop_gracefully(grace)
    server.stop()
    bot.close()
    if not clean:
        log.error("work still running after the grace period; exiting anyway")
        os._exit(1)  # a worker stuck in CUCM must not keep the process alive
    log.info("stopped")


def _stop_on_signals() -> threading.Event:
    """SIGTERM (a stop or redeploy) and SIGINT both mean: drain, then exit 0."""
    stop = threading.Event()

    def requested(signum: int, _frame: object) -> None:
        log.info("%s received", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, requested)
    signal.signal(signal.SIGINT, requested)
    return stop
