"""Plans waiting for a Confirm/Cancel click, kept in the database so a restart loses none.

A click is decided by one conditional UPDATE: two admins clicking at once, or
Slack retrying the click, can never apply the same plan twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import sessionmaker

from bot.changelog.models import PendingConfirmation as Row
from bot.changelog.models import utcnow

Decision = Literal["consumed", "cancelled"]
TOKEN_BYTES = 24


class ConfirmationError(Exception):
    """The click changed nothing; the message says why, in words fit for the user."""


class ConfirmationNotFound(ConfirmationError):
    pass


class ConfirmationExpired(ConfirmationError):
    pass


class ConfirmationAlreadyDecided(ConfirmationError):
    """Someone decided first (or it expired): who and how, for the front end to say."""

    def __init__(self, status: str, decided_by: str | None) -> None:
        who = f" by {decided_by}" if decided_by else ""
        super().__init__(f"This confirmation was already {status}{who}; it runs at most once.")
        self.status = status
        self.decided_by = decided_by


@dataclass(frozen=True)
class PendingConfirmation:
    token: str
    command: str
    command_text: str
    actor_id: str
    channel_id: str | None
    cluster: str
    plan_digest: str
    plan_json: str
    created_at: datetime
    expires_at: datetime
    status: str  # pending, consumed, cancelled, expired
    decided_by: str | None
    decided_at: datetime | None
    response_url: str | None
    message_ts: str | None


def _record(row: Row) -> PendingConfirmation:
    return PendingConfirmation(
        token=row.token,
        command=row.command,
        command_text=row.command_text,
        actor_id=row.actor_id,
        channel_id=row.channel_id,
        cluster=row.cluster,
        plan_digest=row.plan_digest,
        plan_json=row.plan_json,
        created_at=row.created_at,
        expires_at=row.expires_at,
        status=row.status,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        response_url=row.response_url,
        message_ts=row.message_ts,
    )


class ConfirmationStore:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def create(
        self,
        *,
        command: str,
        command_text: str,
        actor_id: str,
        channel_id: str | None,
        cluster: str,
        plan_digest: str,
        plan_json: str,
        ttl_seconds: int,
        now: datetime | None = None,
    ) -> PendingConfirmation:
        now = now or utcnow()
        row = Row(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            command=command,
            command_text=command_text,
            actor_id=actor_id,
            channel_id=channel_id,
            cluster=cluster,
            plan_digest=plan_digest,
            plan_json=plan_json,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
            status="pending",
        )
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return _record(row)

    def get(self, token: str) -> PendingConfirmation | None:
        with self._sessions() as session:
            row = session.get(Row, token)
            return None if row is None else _record(row)

    def decide(
        self, token: str, *, actor_id: str, decision: Decision, now: datetime | None = None
    ) -> PendingConfirmation:
        """Single use: exactly one caller gets the row back; every other one gets an error."""
        if decision not in ("consumed", "cancelled"):
            raise ValueError(f"decision must be 'consumed' or 'cancelled', not {decision!r}")
        now = now or utcnow()
        with self._sessions.begin() as session:
            won = session.execute(
                update(Row)
                .where(Row.token == token, Row.status == "pending", Row.expires_at > now)
                .values(status=decision, decided_by=actor_id, decided_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]  # DML: a CursorResult, typed Result
            row = session.scalars(select(Row).where(Row.token == token)).first()
            if row is None:
                raise ConfirmationNotFound("This confirmation does not exist (or was purged).")
            if won:
                return _record(row)
            if row.status == "pending":
                row.status = "expired"
                raise_after: ConfirmationError = ConfirmationExpired(
                    f"This confirmation expired at {row.expires_at:%H:%M:%S} UTC; "
                    "run the command again for a fresh plan."
                )
            else:
                raise_after = ConfirmationAlreadyDecided(row.status, row.decided_by)
        raise raise_after

    def attach_message(self, token: str, response_url: str | None, message_ts: str | None) -> None:
        """Remember where the plan was posted, so a later click or expiry can edit that message."""
        with self._sessions.begin() as session:
            session.execute(
                update(Row)
                .where(Row.token == token)
                .values(response_url=response_url, message_ts=message_ts)
            )

    def expire_stale(self, now: datetime | None = None) -> int:
        """Mark pending confirmations past their deadline as expired; returns how many."""
        now = now or utcnow()
        with self._sessions.begin() as session:
            result = session.execute(
                update(Row)
                .where(Row.status == "pending", Row.expires_at <= now)
                .values(status="expired")
            )
            return int(result.rowcount)  # type: ignore[attr-defined]  # DML: a CursorResult, typed Result

    def purge(self, before: datetime) -> int:
        """Forget decided and expired confirmations whose deadline passed before `before`."""
        with self._sessions.begin() as session:
            result = session.execute(
                delete(Row).where(Row.status != "pending", Row.expires_at < before)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]  # DML: a CursorResult, typed Result
