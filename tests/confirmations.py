"""Pending confirmations put straight into the store, for tests that need some there.

What a test is not about is filled in, so each call names only what the test checks.
"""

from __future__ import annotations

from datetime import datetime

from bot.changelog.confirmations import ConfirmationStore, PendingConfirmation


def offer(
    store: ConfirmationStore, *, ttl_seconds: int = 900, now: datetime | None = None
) -> PendingConfirmation:
    return store.create(
        command="create-ports",
        command_text="/cti create-ports CTIP1000-1019",
        actor_id="U0ALICE",
        channel_id="C0OPS",
        cluster="lab",
        plan_digest="d1",
        plan_json='{"steps": []}',
        ttl_seconds=ttl_seconds,
        now=now,
    )
