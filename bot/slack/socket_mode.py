"""Socket Mode: the bot dials out to Slack, for sites that allow no inbound HTTPS.

Signatures are not checked here (Bolt skips them; the WebSocket is
authenticated by the app-level token), but the 3-second ack still applies,
so the same listeners and worker pool serve both modes. slack_sdk's built-in
client (no extra dependency) pings every `ping_interval` seconds, drops a
connection that has not answered for four intervals, and asks
`apps.connections.open` for a fresh URL whenever a connection ends (Slack's
close, its `disconnect` message, or the silence); Slack may deliver an
unacknowledged envelope again, which the delivery de-duplication absorbs.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.builtin.connection import Connection

DEFAULT_PING_INTERVAL_S = 10.0


class PromptSocketModeClient(SocketModeClient):
    """slack_sdk's built-in client, handing over to a new connection without a pause.

    On Slack's `disconnect` message the client opens the new connection, then
    closes the old one before it starts reading the new: that close waits for
    the old connection's reader, blocked in a receive with a 3-second timeout,
    and envelopes Slack already sends on the new connection wait with it, past
    their 3-second ack. Shutting the old socket down first ends that receive
    at once; the close is otherwise upstream's. `close()` gets the same, so
    stopping the bot does not wait out a receive either.
    """

    def connect(self) -> None:
        self._wake_on_close()
        super().connect()

    def close(self) -> None:
        self._wake_on_close()
        super().close()

    def _wake_on_close(self) -> None:
        session = self.current_session
        if session is not None:
            session.close = _waking(session)  # type: ignore[method-assign]  # wraps this one session's close


def _waking(connection: Connection) -> Callable[[], None]:
    close = connection.close

    def shut_down_then_close() -> None:
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        close()

    return shut_down_then_close


class PromptSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode adapter over `PromptSocketModeClient`."""

    def __init__(self, app: App, app_token: str, ping_interval: float) -> None:
        self.app = app
        self.app_token = app_token
        self.client = PromptSocketModeClient(
            app_token=app_token,
            logger=app.logger,
            web_client=app.client,
            proxy=app.client.proxy,
            ping_interval=ping_interval,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]  # bolt takes the concrete client, as in its own adapters


def start_socket_mode(
    app: App, app_token: str, ping_interval: float = DEFAULT_PING_INTERVAL_S
) -> SocketModeHandler:
    """Connect without blocking; the caller keeps the process alive and calls `close()`,
    which stops the client's threads and its WebSocket."""
    handler = PromptSocketModeHandler(app, app_token, ping_interval)
    handler.connect()
    return handler


def connected(handler: SocketModeHandler) -> bool:
    return handler.client.is_connected()
