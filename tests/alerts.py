"""One firing alert record, for tests that need an alert and are not about its fields."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.health.store import AlertRecord

FIRING = AlertRecord(
    id=1,
    key="lab|applications|ctiapp_ivr",
    cluster="lab",
    check="applications",
    subject="ctiapp_ivr",
    node="cucm-sub1",
    severity="warning",
    state="firing",
    summary="ctiapp_ivr failed over",
    details={},
    consecutive_failures=2,
    consecutive_passes=0,
    flaps=0,
    first_failed_at=datetime(2026, 1, 1, tzinfo=UTC),
    last_checked_at=None,
    fired_at=None,
    resolved_at=None,
    acked_by=None,
    acked_at=None,
    silence_id=None,
    last_notified_at=None,
    channel=None,
    message_ts=None,
)
