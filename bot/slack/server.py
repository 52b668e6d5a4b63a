"""Production HTTP front: waitress serving Bolt at /slack/events, probes and /metrics.

Bolt's own `app.start()` is a development server; waitress is a real WSGI
server with a bounded thread pool. /livez only says the process answers, so an
orchestrator restarts the bot when it hangs; /readyz (and /healthz, its older
name) answers 503 when the database is unreachable, its migrations are not at
head or a cluster does not answer AXL, so traffic is held back instead of the
bot being restarted for someone else's outage.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress import wasyncore
from waitress.server import create_server

from bot.logging_setup import request_context
from bot.metrics import CONTENT_TYPE
from bot.slack.request_id import from_environ

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
LIVE_PATH = "/livez"
METRICS_PATH = "/metrics"
HTTP_THREADS = 16
# Slack's requests are a few KB; nothing legitimate comes near this.
MAX_BODY_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
# Idle or trickling connections cost a socket each, never a worker thread (waitress
# reads whole requests before dispatching); these keep them from starving others.
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_S = 15.0
# Interactivity payloads that name a user; Bolt indexes `user["id"]` on these.
_USER_PAYLOADS = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action"}
)
UNAVAILABLE = "503 Service Unavailable"

Health = Callable[[], tuple[bool, dict[str, Any]]]
Exposition = Callable[[], bytes]
StartResponse = Callable[..., Any]
Environ = dict[str, Any]


def make_wsgi(
    app: App | None,
    health: Health,
    metrics: Exposition | None = None,
    *,
    signing_secret: str = "",
    stopping: Callable[[], bool] = lambda: False,
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """Slack's route is absent in Socket Mode, where nothing should POST to us.

    Once ``stopping()`` is true, new Slack requests get 503 before anything reads them
    (Slack retries them, by then to the restarted bot) and /readyz says so; /livez and
    /metrics still answer while in-flight work finishes.
    """
    slack = None
    if app is not None:
        slack = _verified(signing_secret, SlackRequestHandler(app, path=EVENTS_PATH))

    def wsgi(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path in (HEALTH_PATH, READY_PATH) and method == "GET":
            if stopping():
                return _json(start_response, UNAVAILABLE, {"status": "stopping"})
            ok, detail = health()
            return _json(start_response, "200 OK" if ok else UNAVAILABLE, detail)
        if path == LIVE_PATH and method == "GET":
            return _json(start_response, "200 OK", {"status": "ok"})
        if path == METRICS_PATH and method == "GET" and metrics is not None:
            data = metrics()
            headers = [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(data)))]
            start_response("200 OK", headers)
            return [data]
        if path == EVENTS_PATH and slack is not None:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "POST only"})
            if stopping():
                return _json(start_response, UNAVAILABLE, {"error": "restarting"})
            with request_context(from_environ(environ)):
                return slack(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi


WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def _verified(secret: str, bolt: SlackRequestHandler, max_body: int = MAX_BODY_BYTES) -> WsgiApp:
    """Check the size, the signature and the body's shape before Bolt sees the request.

    Bolt parses the body (including the `payload` JSON) before its own signature
    middleware runs, so garbage in a form field was a 500 whatever the signature.
    Here a body over `max_body` is a 413 before a byte of it is read, an unsigned
    request a 401 and a signed but malformed one a 400; Bolt still verifies
    again, so this can only refuse more, never accept more.
    """
    if not secret:
        raise RuntimeError("the Slack app has no signing secret; refusing to serve /slack/events")
    verifier = SignatureVerifier(secret)

    def handler(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _json(start_response, "400 Bad Request", {"error": "bad content length"})
        if length > max_body:
            log.warning("Slack request of %d bytes refused (413)", length)
            return _json(start_response, "413 Payload Too Large", {"error": "body too large"})
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        try:
            valid = verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
        except (ValueError, TypeError):  # a non-numeric timestamp, non-ASCII signature, non-UTF-8
            valid = False
        if not valid:
            return _json(start_response, "401 Unauthorized", {"error": "invalid request"})
        problem = _malformed(body, environ.get("CONTENT_TYPE", ""))
        if problem is not None:
            log.warning("signed Slack request refused (400): %s", problem)
            return _json(start_response, "400 Bad Request", {"error": problem})
        return bolt(environ, start_response)

    return handler


def _malformed(body: bytes, content_type: str) -> str | None:
    """What is wrong with a signed body's shape, or None when Bolt can take it.

    A JSON body, or a form's `payload` field, must be a JSON object (nested
    too deep for the parser is not one); a slash command must name its user,
    and an interactivity payload's `user` must be an object with an id.
    """
    text = body.decode("utf-8")
    if content_type.startswith("application/json"):
        raw: str = text
    else:
        fields = parse_qs(text, keep_blank_values=True)
        if "payload" not in fields:
            if "command" in fields and not fields.get("user_id", [""])[0]:
                return "slash command without user_id"
            return None
        raw = fields["payload"][0]
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return "unparseable body"
    if not isinstance(document, dict):
        return "unparseable body"
    user = document.get("user")
    names_user = document.get("type") in _USER_PAYLOADS or user is not None
    if names_user and not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        return "payload without a user object"
    return None


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
    stopping: bool = False

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """waitress has no stop call: closing its sockets under the loop is the way, and the
        loop's select() then fails with EBADF, which is the expected end, not an error."""
        try:
            self.server.run()
        except OSError:
            if not self.stopping:
                raise

    def start(self) -> HttpServer:
        self.thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Closing only the listener would leave the loop serving keep-alive connections
        (a proxy's, Slack's) until they idle out; every socket is closed from inside the
        loop's thread (the only one that may touch its map), which then ends."""
        self.stopping = True
        if self.thread is None or not self.thread.is_alive():
            self.server.close()
            return
        self.server.trigger.pull_trigger(self._close_all)
        self.thread.join(timeout=5)

    def _close_all(self) -> None:
        wasyncore.close_all(self.server._map)


def create_http_server(
    wsgi: Callable[[Environ, StartResponse], Iterable[bytes]],
    host: str,
    port: int,
    threads: int = HTTP_THREADS,
    *,
    connection_limit: int = CONNECTION_LIMIT,
    channel_timeout: float = CHANNEL_TIMEOUT_S,
) -> HttpServer:
    """waitress answers 413 itself for an oversized chunked body; poll() instead of select()
    so the connection limit may exceed select's 1024 descriptors; idle connections are
    closed after `channel_timeout` and looked for every second."""
    server = create_server(
        wsgi,
        host=host,
        port=port,
        threads=threads,
        ident="ctibot",
        connection_limit=connection_limit,
        channel_timeout=channel_timeout,
        cleanup_interval=1,
        asyncore_use_poll=True,
        max_request_body_size=MAX_BODY_BYTES,
        max_request_header_size=MAX_HEADER_BYTES,
    )
    return HttpServer(server=server, host=host)
