"""Socket Mode: the bot dials out to Slack, for sites that allow no inbound HTTPS.

Signatures are not checked here (Bolt skips them; the WebSocket is
authenticated by the app-level token), but the 3-second ack still applies,
so the same listeners and worker pool serve both modes.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


def start_socket_mode(app: App, app_token: str) -> SocketModeHandler:
    """Connect without blocking; the caller keeps the process alive and closes it."""
    handler = SocketModeHandler(app, app_token)
    handler.connect()
    return handler
