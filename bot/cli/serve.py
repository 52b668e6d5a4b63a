"""`ctibot serve`: migrations, then Slack over HTTP (waitress) or Socket Mode."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from bot.cli.common import ConfigOption, bootstrap_or_exit, settings_or_exit
from bot.logging_setup import configure_logging, register_secret
from bot.slack.server import create_http_server, make_wsgi
from bot.slack.socket_mode import start_socket_mode

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option("--host", help="Override server.host.")] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Override server.port (0: any free port).")
    ] = None,
) -> None:
    """Run the bot until interrupted; /healthz answers 200 once it is ready."""
    settings = settings_or_exit(config)
    configure_logging(settings.logging.level, settings.logging.json_lines)
    for secret in settings.secret_values():
        register_secret(secret)
    bot = bootstrap_or_exit(settings)
    bot.monitor.start(checks=settings.health.enabled)
    if bot.monitor.scheduler.scheduler is not None:
        bot.metrics.watch_scheduler(bot.monitor.scheduler.scheduler)
    app_token = settings.slack.app_token
    socket_mode = app_token is not None and bot.app is not None
    wsgi = make_wsgi(
        None if socket_mode else bot.app,
        bot.health,
        bot.metrics.render,
        signing_secret=bot.signing_secret,
    )
    server = create_http_server(
        wsgi, host or settings.server.host, settings.server.port if port is None else port
    )
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
    typer.echo(f"ctibot ready: {server.url}/healthz")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        if handler is not None:
            handler.close()
        server.stop()
        bot.close()
