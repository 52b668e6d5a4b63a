"""The request id of a Slack request, assigned once at the edge and carried to CUCM.

Derived from the request's signature and timestamp when it has them, so the HTTP
front (waitress) and Bolt's middleware compute the same id without passing it
along; Socket Mode requests carry neither and get a random one.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.logging_setup import request_context

log = logging.getLogger(__name__)

CONTEXT_KEY = "request_id"
ID_LENGTH = 12


def request_id_for(timestamp: str | None, signature: str | None) -> str:
    if timestamp and signature:
        return hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()[:ID_LENGTH]
    return uuid.uuid4().hex[:ID_LENGTH]


def from_environ(environ: Mapping[str, Any]) -> str:
    return request_id_for(
        environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"), environ.get("HTTP_X_SLACK_SIGNATURE")
    )


def _header(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = headers.get(name) or []
    return values[0] if values else None


def tag_request(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Bolt middleware: put the id in the listener context and log what arrived."""
    request_id = request_id_for(
        _header(request.headers, "x-slack-request-timestamp"),
        _header(request.headers, "x-slack-signature"),
    )
    request.context[CONTEXT_KEY] = request_id
    body: dict[str, Any] = request.body or {}
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    with request_context(request_id):
        log.info(
            "slack %s from %s",
            body.get("command") or body.get("type") or "request",
            user,
            extra={"slack_user": user},
        )
        return next()
