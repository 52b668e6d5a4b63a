"""The HTTP front while the bot stops: 503 for Slack and readiness, and a prompt stop."""

from __future__ import annotations

import time
from typing import Any

import requests

from bot.slack.server import create_http_server, make_wsgi


def _ready() -> tuple[bool, dict[str, Any]]:
    return True, {"status": "ok"}


def test_a_stopping_server_refuses_slack_and_readiness_but_stays_live() -> None:
    stopping = False
    wsgi = make_wsgi(None, _ready, stopping=lambda: stopping)
    server = create_http_server(wsgi, "127.0.0.1", 0).start()
    try:
        assert requests.get(f"{server.url}/readyz", timeout=5).status_code == 200
        stopping = True
        ready = requests.get(f"{server.url}/readyz", timeout=5)
        assert ready.status_code == 503 and ready.json() == {"status": "stopping"}
        assert requests.get(f"{server.url}/livez", timeout=5).status_code == 200
    finally:
        server.stop()


def test_a_keep_alive_connection_does_not_hold_the_stop() -> None:
    """A proxy's idle keep-alive connection used to keep waitress's loop up for seconds."""
    server = create_http_server(make_wsgi(None, _ready), "127.0.0.1", 0).start()
    with requests.Session() as kept_alive:
        assert kept_alive.get(f"{server.url}/livez", timeout=5).status_code == 200
        started = time.monotonic()
        server.stop()
        assert server.thread is not None and not server.thread.is_alive()
        assert time.monotonic() - started < 2
