"""Slack retries a request it thinks went unanswered; the dedupe key makes the retry a no-op."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.changelog.models import SlackDelivery, utcnow

log = logging.getLogger(__name__)


def seen_before(engine: Engine, key: str, now: datetime | None = None) -> bool:
    """Record ``key``; True when it was already recorded (the primary key makes this atomic).

    A database that cannot record the key must not turn every request into an HTTP 500
    with no reply: the request runs (a write command then refuses with a clear reply,
    since its plan cannot be recorded either), and only de-duplication is lost.
    """
    try:
        with engine.begin() as connection:
            connection.execute(insert(SlackDelivery).values(key=key, received_at=now or utcnow()))
    except IntegrityError:
        return True
    except SQLAlchemyError as exc:
        log.error(
            "cannot record Slack delivery %s (%s); handling it without de-duplication", key, exc
        )
        return False
    return False


def prune_deliveries(engine: Engine, older_than: timedelta, now: datetime | None = None) -> int:
    """Forget keys older than Slack's retry window so the table stays small; returns how many."""
    cutoff = (now or utcnow()) - older_than
    with engine.begin() as connection:
        result = connection.execute(delete(SlackDelivery).where(SlackDelivery.received_at < cutoff))
        return int(result.rowcount)
