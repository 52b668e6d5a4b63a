"""The Bolt app: construction, Slack retry de-duplication, listener registration.

Bolt verifies every request's signature (401 on a bad, missing or stale one)
before any of our code runs. Every listener acks and hands the slow work to
our own bounded worker pool, so the listener itself is quick and runs on the
request thread (`process_before_response=True`): the HTTP answer leaves when
it returns, without Bolt's extra thread hop and ack polling. Nothing calls
Slack at construction time, so tests and `ctibot run` need no Slack at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.slack.deps import SlackDeps
from bot.slack.listeners import actions, slash_commands, views
from bot.slack.request_id import tag_request

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3


def build_client(token: str, api_url: str) -> WebClient:
    """A WebClient that honours 429 Retry-After (not enabled by default in slack_sdk)."""
    client = WebClient(token=token, base_url=api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(
    deps: SlackDeps,
    *,
    client: WebClient,
    signing_secret: str,
    seen_before: Callable[[str], bool],
) -> App:
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=True,
        token_verification_enabled=False,
    )
    app.use(tag_request)
    app.use(_dedupe(seen_before))
    slash_commands.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    return app


def delivery_key(request: BoltRequest) -> str | None:
    """What identifies one user action across Slack's redeliveries of it, over either transport.

    Slash commands, clicks and modal submissions carry a `trigger_id` and events an
    `event_id`, each the same in every redelivery (HTTP retry or Socket Mode envelope
    with `retry_attempt`); the envelope id is not, so it is never the key. Socket Mode
    hands Bolt the parsed body only, so a retried body without either id is keyed by its
    canonical JSON rather than by an (empty) raw body.
    """
    body: dict[str, Any] = request.body or {}
    trigger = body.get("trigger_id")
    if trigger:
        return f"trigger:{trigger}"
    event = body.get("event_id")
    if event:
        return f"event:{event}"
    if request.headers.get("x-slack-retry-num"):
        raw = request.raw_body or json.dumps(body, sort_keys=True, separators=(",", ":"))
        return "body:" + hashlib.sha256(raw.encode()).hexdigest()
    return None


def _dedupe(seen_before: Callable[[str], bool]) -> Callable[..., BoltResponse | None]:
    """A redelivered request is acked (so Slack stops retrying) but never run twice."""

    def middleware(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        key = delivery_key(request)
        if key is not None and seen_before(key):
            retry = request.headers.get("x-slack-retry-num", ["0"])
            log.info("duplicate delivery %s (retry %s): acked, not run", key, retry[0])
            return BoltResponse(status=200, body="")
        return next()

    return middleware
