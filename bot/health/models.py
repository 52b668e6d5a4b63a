"""The health tables, on the change log's metadata so one migration history covers both.

Migration 0002 creates these, 0003 the maintenance notices, 0006 the capacity
samples, 0007 a notice's mark. Alert state, Slack message ids and silences live here so a restart
neither re-posts nor forgets.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.changelog.models import Base

MATCHER_VALUE_MAX = 255  # a silence's node name or alert key; PostgreSQL enforces the length


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_state", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    cluster: Mapped[str] = mapped_column(String(64))
    check: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(255))
    node: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    details_json: Mapped[str] = mapped_column(Text, default="{}")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    consecutive_passes: Mapped[int] = mapped_column(Integer, default=0)
    flaps: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    fired_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    acked_by: Mapped[str | None] = mapped_column(String(64))
    acked_at: Mapped[datetime | None]
    silence_id: Mapped[int | None] = mapped_column(Integer)
    last_notified_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(32))


class AlertEvent(Base):
    """One line of an alert's history, as words: a mention reads `@U…`.

    Rows written before health text became structure hold Slack's `<@U…>`
    instead; both read the same to a person, and nothing parses them.
    """

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)


class Silence(Base):
    __tablename__ = "silences"
    __table_args__ = (Index("ix_silences_ends_at", "ends_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    matcher_kind: Mapped[str] = mapped_column(String(16))
    matcher_value: Mapped[str] = mapped_column(String(MATCHER_VALUE_MAX))
    cluster: Mapped[str | None] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None]


class CheckRun(Base):
    __tablename__ = "check_runs"
    __table_args__ = (Index("ix_check_runs_check_cluster_at", "check", "cluster", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    check: Mapped[str] = mapped_column(String(32))
    cluster: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    duration_ms: Mapped[float] = mapped_column(Float)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)


class DriftBaseline(Base):
    """What the drift check saw first for values the change log never recorded."""

    __tablename__ = "drift_baselines"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    cluster: Mapped[str] = mapped_column(String(64))
    value_json: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[datetime]


class MaintenanceNotice(Base):
    """A maintenance window's start or end announcement, claimed once per (window, phase).

    The unique pair is what makes each announcement happen once across restarts;
    ``message_ts`` stays empty until Slack has it, so a restart re-sends only
    what never arrived. ``text`` is words and ``mark`` how the notice ended
    (bot/text.py), which each front end draws its own way; a notice without a
    mark (written before 0007) carries Slack's emoji in its text and is shown
    as written.
    """

    __tablename__ = "maintenance_notices"
    __table_args__ = (UniqueConstraint("window_key", "phase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    window_key: Mapped[str] = mapped_column(String(255))
    phase: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    mark: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(32))


class CapacitySample(Base):
    """Devices open on one node or by one provider at one limits sweep, with the limit then.

    One row per subject per sweep; housekeeping deletes rows older than
    `health.capacity_days`, so the table holds at most that many days of sweeps.
    """

    __tablename__ = "capacity_samples"
    __table_args__ = (Index("ix_capacity_samples_cluster_at", "cluster", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cluster: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))  # node/<node> or provider/<user>/<node>
    at: Mapped[datetime]
    open: Mapped[int] = mapped_column(Integer)
    limit: Mapped[int] = mapped_column(Integer)
