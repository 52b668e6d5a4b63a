"""Database access for alerts, their history, silences, maintenance notices, check runs
and drift baselines.

Every method is one short transaction and hands back frozen records, so the alert
engine, the notifier thread, Slack listeners and commands can share one store
without sharing ORM sessions. The change log is only read here (what the bot
provisioned, the last values it wrote), never written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.changelog.models import Change, ChangeSet
from bot.health.capacity import CapacityStore
from bot.health.models import (
    Alert,
    AlertEvent,
    CheckRun,
    DriftBaseline,
    MaintenanceNotice,
    Silence,
)
from bot.text import Mark, Text, note

ACTIVE_STATES = frozenset({"pending", "firing", "acknowledged", "silenced"})
NOTIFIED_STATES = frozenset({"firing", "acknowledged", "silenced"})
MATCHER_KINDS = ("check", "node", "cluster", "alert")
CHECK_RUNS_KEPT = 200  # per check and cluster: enough for the board, bounded forever


@dataclass(frozen=True)
class AlertRecord:
    id: int
    key: str
    cluster: str
    check: str
    subject: str
    node: str | None
    severity: str
    state: str
    summary: str
    details: dict[str, Any]
    consecutive_failures: int
    consecutive_passes: int
    flaps: int
    first_failed_at: datetime | None
    last_checked_at: datetime | None
    fired_at: datetime | None
    resolved_at: datetime | None
    acked_by: str | None
    acked_at: datetime | None
    silence_id: int | None
    last_notified_at: datetime | None
    channel: str | None
    message_ts: str | None


@dataclass(frozen=True)
class EventRecord:
    alert_id: int
    at: datetime
    kind: str
    text: str


@dataclass(frozen=True)
class SilenceRecord:
    id: int
    matcher_kind: str
    matcher_value: str
    cluster: str | None
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str
    cancelled_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.cancelled_at is None and self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class NoticeRecord:
    id: int
    window_key: str
    phase: str
    at: datetime
    text: str
    mark: Mark | None
    channel: str | None
    message_ts: str | None

    @property
    def line(self) -> Text:
        """The notice as shown: its words under its mark; one without a mark as written."""
        return self.text if self.mark is None else note(self.mark, self.text)


@dataclass(frozen=True)
class CheckRunRecord:
    check: str
    cluster: str
    at: datetime
    duration_ms: float
    ok: bool
    error: str | None


@dataclass(frozen=True)
class RecordedObject:
    """An object's state as the bot last wrote it, from the change log."""

    object_type: str
    name: str
    after: dict[str, Any]
    at: datetime | None


_ALERT_FIELDS = [f.name for f in fields(AlertRecord) if f.name != "details"]


def alert_key(cluster: str, check: str, subject: str) -> str:
    return f"{cluster}|{check}|{subject}"


def _alert(row: Alert) -> AlertRecord:
    values = {name: getattr(row, name) for name in _ALERT_FIELDS}
    return AlertRecord(details=json.loads(row.details_json or "{}"), **values)


def _silence(row: Silence) -> SilenceRecord:
    return SilenceRecord(**{f.name: getattr(row, f.name) for f in fields(SilenceRecord)})


def _notice(row: MaintenanceNotice) -> NoticeRecord:
    return NoticeRecord(**{f.name: getattr(row, f.name) for f in fields(NoticeRecord)})


class HealthStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.capacity = CapacityStore(engine)

    # ----- alerts -----
    def get_alert(self, key: str) -> AlertRecord | None:
        with self._sessions() as session:
            row = session.scalars(select(Alert).where(Alert.key == key)).first()
            return None if row is None else _alert(row)

    def get_alert_by_id(self, alert_id: int) -> AlertRecord | None:
        with self._sessions() as session:
            row = session.get(Alert, alert_id)
            return None if row is None else _alert(row)

    def alerts(
        self,
        *,
        cluster: str | None = None,
        check: str | None = None,
        states: Iterable[str] = ACTIVE_STATES,
    ) -> list[AlertRecord]:
        statement = select(Alert).where(Alert.state.in_(list(states))).order_by(Alert.id)
        if cluster is not None:
            statement = statement.where(Alert.cluster == cluster)
        if check is not None:
            statement = statement.where(Alert.check == check)
        with self._sessions() as session:
            return [_alert(row) for row in session.scalars(statement)]

    def save_alert(self, key: str, changes: Mapping[str, Any]) -> AlertRecord:
        """Create or update the alert with this key; ``details`` is stored as JSON."""
        values = dict(changes)
        if "details" in values:
            values["details_json"] = json.dumps(values.pop("details"), sort_keys=True, default=str)
        with self._sessions.begin() as session:
            row = session.scalars(select(Alert).where(Alert.key == key)).first()
            if row is None:
                row = Alert(key=key, details_json="{}", consecutive_failures=0)
                row.consecutive_passes = 0
                row.flaps = 0
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            session.flush()
            return _alert(row)

    def add_event(self, alert_id: int, at: datetime, kind: str, text: str) -> None:
        with self._sessions.begin() as session:
            session.add(AlertEvent(alert_id=alert_id, at=at, kind=kind, text=text))

    def events(self, alert_id: int) -> list[EventRecord]:
        statement = (
            select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(AlertEvent.id)
        )
        with self._sessions() as session:
            return [
                EventRecord(r.alert_id, r.at, r.kind, r.text) for r in session.scalars(statement)
            ]

    # ----- silences -----
    def add_silence(
        self,
        matcher_kind: str,
        matcher_value: str,
        cluster: str | None,
        starts_at: datetime,
        ends_at: datetime,
        reason: str,
        created_by: str,
    ) -> SilenceRecord:
        if matcher_kind not in MATCHER_KINDS:
            raise ValueError(f"matcher must be one of {MATCHER_KINDS}, not {matcher_kind!r}")
        row = Silence(
            matcher_kind=matcher_kind,
            matcher_value=matcher_value,
            cluster=cluster,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            created_by=created_by,
        )
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return _silence(row)

    def silences(self, now: datetime) -> list[SilenceRecord]:
        """Silences not cancelled and not yet over (active or starting later)."""
        statement = (
            select(Silence)
            .where(Silence.cancelled_at.is_(None), Silence.ends_at > now)
            .order_by(Silence.id)
        )
        with self._sessions() as session:
            return [_silence(row) for row in session.scalars(statement)]

    def get_silence(self, silence_id: int) -> SilenceRecord | None:
        with self._sessions() as session:
            row = session.get(Silence, silence_id)
            return None if row is None else _silence(row)

    def cancel_silence(self, silence_id: int, at: datetime) -> SilenceRecord | None:
        with self._sessions.begin() as session:
            row = session.get(Silence, silence_id)
            if row is None or row.cancelled_at is not None:
                return None
            row.cancelled_at = at
            session.flush()
            return _silence(row)

    # ----- maintenance notices -----
    def claim_notice(
        self, window_key: str, phase: str, at: datetime, text: str, mark: Mark | None = None
    ) -> NoticeRecord | None:
        """The new notice, or None when this window's phase was claimed before (by anyone)."""
        try:
            with self._sessions.begin() as session:
                row = MaintenanceNotice(
                    window_key=window_key, phase=phase, at=at, text=text, mark=mark
                )
                session.add(row)
                session.flush()
                return _notice(row)
        except IntegrityError:
            return None

    def notice_phases(self, window_key: str) -> set[str]:
        statement = select(MaintenanceNotice.phase).where(
            MaintenanceNotice.window_key == window_key
        )
        with self._sessions() as session:
            return set(session.scalars(statement))

    def get_notice(self, notice_id: int) -> NoticeRecord | None:
        with self._sessions() as session:
            row = session.get(MaintenanceNotice, notice_id)
            return None if row is None else _notice(row)

    def unsent_notices(self) -> list[NoticeRecord]:
        statement = (
            select(MaintenanceNotice)
            .where(MaintenanceNotice.message_ts.is_(None))
            .order_by(MaintenanceNotice.id)
        )
        with self._sessions() as session:
            return [_notice(row) for row in session.scalars(statement)]

    def notice_sent(self, notice_id: int, channel: str, ts: str) -> None:
        with self._sessions.begin() as session:
            row = session.get(MaintenanceNotice, notice_id)
            if row is not None:
                row.channel = channel
                row.message_ts = ts

    # ----- retention -----
    def prune_history(self, before: datetime) -> int:
        """Forget alerts resolved, history lines written and silences ended before `before`;
        returns how many rows went. Active alerts stay, with their recent history."""
        with self._sessions.begin() as session:
            removed = 0
            for statement in (
                delete(AlertEvent).where(AlertEvent.at < before),
                delete(Alert).where(Alert.state == "resolved", Alert.resolved_at < before),
                delete(Silence).where(
                    func.coalesce(Silence.cancelled_at, Silence.ends_at) < before
                ),
            ):
                removed += int(session.execute(statement).rowcount)  # type: ignore[attr-defined]  # DML: a CursorResult, typed Result
            return removed

    # ----- check runs -----
    def record_run(self, run: CheckRunRecord) -> None:
        with self._sessions.begin() as session:
            session.add(
                CheckRun(
                    check=run.check,
                    cluster=run.cluster,
                    at=run.at,
                    duration_ms=run.duration_ms,
                    ok=run.ok,
                    error=run.error,
                )
            )
            keep = (
                select(CheckRun.id)
                .where(CheckRun.check == run.check, CheckRun.cluster == run.cluster)
                .order_by(CheckRun.id.desc())
                .limit(CHECK_RUNS_KEPT)
            )
            session.execute(
                delete(CheckRun).where(
                    CheckRun.check == run.check,
                    CheckRun.cluster == run.cluster,
                    CheckRun.id.not_in(keep.scalar_subquery()),
                )
            )

    def last_runs(self, cluster: str) -> dict[str, CheckRunRecord]:
        """The newest run of each check on this cluster."""
        newest = (
            select(func.max(CheckRun.id))
            .where(CheckRun.cluster == cluster)
            .group_by(CheckRun.check)
        )
        statement = select(CheckRun).where(CheckRun.id.in_(newest.scalar_subquery()))
        with self._sessions() as session:
            return {
                r.check: CheckRunRecord(r.check, r.cluster, r.at, r.duration_ms, r.ok, r.error)
                for r in session.scalars(statement)
            }

    # ----- drift baselines -----
    def baseline(self, key: str) -> tuple[Any, datetime] | None:
        with self._sessions() as session:
            row = session.get(DriftBaseline, key)
            return None if row is None else (json.loads(row.value_json), row.seen_at)

    def save_baseline(self, key: str, cluster: str, value: Any, seen_at: datetime) -> None:
        with self._sessions.begin() as session:
            row = session.get(DriftBaseline, key)
            if row is None:
                session.add(
                    DriftBaseline(
                        key=key, cluster=cluster, value_json=json.dumps(value), seen_at=seen_at
                    )
                )
            else:
                row.value_json = json.dumps(value)
                row.seen_at = seen_at

    # ----- the change log, read only -----
    def provisioned(self, cluster: str, object_types: Iterable[str]) -> list[RecordedObject]:
        """Objects whose newest applied write on this cluster left them in place.

        An object later removed (by the bot, or an undo) has a newest write with no
        after-state and drops out.
        """
        newest = (
            select(func.max(Change.id))
            .join(ChangeSet, ChangeSet.id == Change.change_set_id)
            .where(
                Change.object_type.in_(list(object_types)),
                Change.status == "applied",
                ChangeSet.cluster == cluster,
            )
            .group_by(Change.object_type, Change.object_name)
        )
        statement = (
            select(Change).where(Change.id.in_(newest.scalar_subquery())).order_by(Change.id)
        )
        found = []
        with self._sessions() as session:
            for row in session.scalars(statement):
                after = json.loads(row.after_json) if row.after_json else None
                if after:
                    found.append(
                        RecordedObject(row.object_type, row.object_name, after, row.started_at)
                    )
        return found
