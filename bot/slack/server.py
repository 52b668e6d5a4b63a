"""Production HTTP front: waitress serving Bolt at /slack/events and /healthz.

Bolt's own `app.start()` is a development server; waitress is a real WSGI
server with a bounded thread pool. /healthz answers 503 when the database is
unreachable or its migrations are not at head, so an orchestrator never
routes Slack traffic to a bot that cannot record what it does.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_THREADS = 16

Health = Callable[[], tuple[bool, dict[str, Any]]]
StartResponse = Callable[..., Any]
Environ = dict[str, Any]


def make_wsgi(
    app: App | None, health: Health
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """Two routes; Slack's is absent in Socket Mode, where nothing should POST to us."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None

    def wsgi(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method == "GET":
            ok, detail = health()
            return _json(start_response, "200 OK" if ok else "503 Service Unavailable", detail)
        if path == EVENTS_PATH and slack is not None:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "POST only"})
            return slack(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


@dataclass
class HttpServer:
    """A waitress server that tests and `ctibot serve` can start and stop the same way."""

    server: Any
    host: str
    thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        self.server.run()

    def start(self) -> HttpServer:
        self.thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.close()
        if self.thread is not None:
            self.thread.join(timeout=5)


def create_http_server(
    wsgi: Callable[[Environ, StartResponse], Iterable[bytes]],
    host: str,
    port: int,
    threads: int = HTTP_THREADS,
) -> HttpServer:
    server = create_server(wsgi, host=host, port=port, threads=threads, ident="ctibot")
    return HttpServer(server=server, host=host)
