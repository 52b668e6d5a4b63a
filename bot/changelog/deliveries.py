"""Slack retries a request it thinks went unanswered; the dedupe key makes the retry a no-op."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert
from sqlalchemy.exc import IntegrityError

from bot.changelog.models import SlackDelivery, utcnow


def seen_before(engine: Engine, key: str, now: datetime | None = None) -> bool:
    """Record ``key``; True when it was already recorded (the primary key makes this atomic)."""
    try:
        with engine.begin() as connection:
            connection.execute(insert(SlackDelivery).values(key=key, received_at=now or utcnow()))
    except IntegrityError:
        return True
    return False


def prune_deliveries(engine: Engine, older_than: timedelta, now: datetime | None = None) -> int:
    """Forget keys older than Slack's retry window so the table stays small; returns how many."""
    cutoff = (now or utcnow()) - older_than
    with engine.begin() as connection:
        result = connection.execute(delete(SlackDelivery).where(SlackDelivery.received_at < cutoff))
        return int(result.rowcount)
