"""The change-log tables. Migration 0001 creates exactly these; a test keeps the two in step.

Statuses are plain strings validated by the store, not CHECK constraints, so a new
status needs no table rebuild on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stored naive in UTC (SQLite keeps no zone), always handed back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the change log; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Named constraints, because SQLite batch migrations can only drop what has a name."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class ChangeSet(Base):
    __tablename__ = "change_sets"
    __table_args__ = (
        Index("ix_change_sets_actor_created", "actor_id", "created_at"),
        Index("ix_change_sets_created_at", "created_at"),
        Index("ix_change_sets_status", "status"),
        Index("ix_change_sets_requester_created", "requester_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str | None] = mapped_column(String(255))
    # Who typed the command; differs from the actor when another admin confirmed it.
    requester_id: Mapped[str | None] = mapped_column(String(64))
    requester_name: Mapped[str | None] = mapped_column(String(255))
    channel_id: Mapped[str | None] = mapped_column(String(64))
    cluster: Mapped[str | None] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(64))
    command_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    undo_of: Mapped[int | None] = mapped_column(ForeignKey("change_sets.id"))
    plan_digest: Mapped[str | None] = mapped_column(String(128))
    request_id: Mapped[str | None] = mapped_column(String(64))
    # The process applying the set (see ownership.py); only set while it is `applying`.
    owner_host: Mapped[str | None] = mapped_column(String(255))
    owner_pid: Mapped[int | None] = mapped_column(Integer)
    owner_started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]


class Change(Base):
    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_object_name_set", "object_name", "change_set_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_set_id: Mapped[int] = mapped_column(
        ForeignKey("change_sets.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_name: Mapped[str] = mapped_column(String(255))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[datetime | None]


class PendingConfirmation(Base):
    __tablename__ = "pending_confirmations"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    command_text: Mapped[str] = mapped_column(Text)
    command: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(String(64))
    cluster: Mapped[str] = mapped_column(String(64))
    plan_digest: Mapped[str] = mapped_column(String(128))
    plan_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    response_url: Mapped[str | None] = mapped_column(Text)
    message_ts: Mapped[str | None] = mapped_column(String(32))


class SlackDelivery(Base):
    __tablename__ = "slack_deliveries"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class WriteProbe(Base):
    """Readiness commits a row here (and deletes it): a database that cannot be written is
    not ready, however well it answers SELECT 1."""

    __tablename__ = "write_probes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    pad: Mapped[bytes] = mapped_column(LargeBinary)


def utcnow() -> datetime:
    return datetime.now(UTC)
