"""Socket Mode: the bot dials out to Slack, for sites that allow no inbound HTTPS.

Signatures are not checked here (Bolt skips them; the WebSocket is
authenticated by the app-level token), but the 3-second ack still applies,
so the same listeners and worker pool serve both modes. slack_sdk's built-in
client (no extra dependency) pings every `ping_interval` seconds, drops a
connection that has not answered for four intervals, and asks
`apps.connections.open` for a fresh URL whenever a connection ends (Slack's
close, its `disconnect` message, or the silence); Slack delivers an
unacknowledged envelope again, which the delivery de-duplication absorbs.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

DEFAULT_PING_INTERVAL_S = 10.0


def start_socket_mode(
    app: App, app_token: str, ping_interval: float = DEFAULT_PING_INTERVAL_S
) -> SocketModeHandler:
    """Connect without blocking; the caller keeps the process alive and calls `close()`,
    which stops the client's threads and its WebSocket."""
    handler = SocketModeHandler(app, app_token, ping_interval=ping_interval)
    handler.connect()
    return handler


def connected(handler: SocketModeHandler) -> bool:
    return handler.client.is_connected()
