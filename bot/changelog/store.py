"""The change log API: every plan and every write, with before/after, actor and result.

Each method is its own short transaction so a crash mid-workflow leaves the log
saying exactly how far it got; callers get frozen records, never ORM objects, so
nothing outside this module can lazy-load or mutate a row behind the log's back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Engine, Select, event, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.changelog.errors import recording
from bot.changelog.models import Change, ChangeSet, utcnow
from bot.changelog.ownership import (
    STALE_AFTER_S,
    Claim,
    Heartbeat,
    Owner,
    owner_gone,
    this_process,
)

SET_STATUSES: Final = frozenset(
    {
        "planned",
        "applying",
        "applied",
        "no_change",
        "failed",
        "compensated",  # partially applied, then every applied step was restored
        "partial",  # compensation incomplete: some objects are left changed
        "denied",
        "dry_run",
        "cancelled",
        "interrupted",  # the process stopped while applying
    }
)
CHANGE_STATUSES: Final = frozenset(
    {
        "pending",
        "applied",
        "failed",
        "unknown",  # sent, outcome unknown
        "compensated",
        "compensation_failed",
        "not_reverted",  # applied; left alone by compensation because it changed since
        "skipped",
    }
)
REDACTED: Final = "***"
_SECRET_WORDS = ("password", "secret", "token")


class _Unset:
    """Marks 'leave as is', since None is a meaningful value for ``after``."""


UNSET: Final = _Unset()


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    change_set_id: int
    seq: int
    operation: str
    object_type: str
    object_name: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    status: str
    error: str | None
    duration_ms: float | None
    started_at: datetime | None


@dataclass(frozen=True)
class ChangeSetRecord:
    id: int
    created_at: datetime
    finished_at: datetime | None
    actor_id: str  # who made it happen: ran it, or confirmed someone else's plan
    actor_name: str | None
    channel_id: str | None
    cluster: str | None
    command: str
    command_text: str
    status: str
    error: str | None
    undo_of: int | None
    plan_digest: str | None
    request_id: str | None
    changes: tuple[ChangeRecord, ...] = ()
    requester_id: str = ""  # who asked for it; the actor unless someone else confirmed
    requester_name: str | None = None

    @property
    def approved_by_other(self) -> bool:
        return self.requester_id != self.actor_id


@dataclass(frozen=True)
class InFlightChange:
    """One write of a change set that is applying right now, as planning sees it."""

    change_set_id: int
    actor_id: str
    command_text: str
    operation: str
    object_type: str
    object_name: str
    status: str


@dataclass(frozen=True)
class PlannedChange:
    """One intended write as the change log records it before anything is sent."""

    seq: int
    operation: str
    object_type: str
    object_name: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def _refresh_heartbeat(session: Session, set_ids: list[int]) -> None:
    session.execute(
        update(ChangeSet)
        .where(ChangeSet.id.in_(set_ids), ChangeSet.status == "applying")
        .values(heartbeat_at=utcnow())
    )


def redact_state(value: Any) -> Any:
    """Mask every value whose key names a secret, at any depth, before it is stored."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if any(word in str(key).lower() for word in _SECRET_WORDS)
            else redact_state(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_state(item) for item in value]
    return value


def _dump(state: Mapping[str, Any] | None) -> str | None:
    if state is None:
        return None
    return json.dumps(redact_state(state), sort_keys=True, default=str)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


def _check(status: str, allowed: frozenset[str], what: str) -> None:
    if status not in allowed:
        raise ValueError(f"unknown {what} status {status!r}; expected one of {sorted(allowed)}")


def change_record(row: Change) -> ChangeRecord:
    return ChangeRecord(
        id=row.id,
        change_set_id=row.change_set_id,
        seq=row.seq,
        operation=row.operation,
        object_type=row.object_type,
        object_name=row.object_name,
        before=_load(row.before_json),
        after=_load(row.after_json),
        status=row.status,
        error=row.error,
        duration_ms=row.duration_ms,
        started_at=row.started_at,
    )


def set_record(row: ChangeSet, changes: Iterable[Change] = ()) -> ChangeSetRecord:
    return ChangeSetRecord(
        id=row.id,
        created_at=row.created_at,
        finished_at=row.finished_at,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        channel_id=row.channel_id,
        cluster=row.cluster,
        command=row.command,
        command_text=row.command_text,
        status=row.status,
        error=row.error,
        undo_of=row.undo_of,
        plan_digest=row.plan_digest,
        request_id=row.request_id,
        changes=tuple(change_record(c) for c in changes),
        requester_id=row.requester_id or row.actor_id,
        requester_name=row.requester_name if row.requester_id else row.actor_name,
    )


class ChangeLog:
    """Writes raise `RecordFailed` (the database refused them), never a driver error."""

    def __init__(self, engine: Engine, *, owner: Owner | None = None) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.owner = owner or this_process()
        self.heartbeat = Heartbeat(self.beat)
        # Disposing the engine is how a process (or a test) lets its database go; a heartbeat
        # left beating would log a failure every interval once the server is gone.
        event.listen(engine, "engine_disposed", lambda _engine: self.heartbeat.stop())

    def open_set(
        self,
        *,
        actor_id: str,
        actor_name: str | None,
        channel_id: str | None,
        cluster: str | None,
        command: str,
        command_text: str,
        status: str = "applying",
        plan_digest: str | None = None,
        undo_of: int | None = None,
        request_id: str | None = None,
        requester_id: str | None = None,
        requester_name: str | None = None,
    ) -> int:
        """`requester_*` name who asked when another user (the actor) confirmed."""
        _check(status, SET_STATUSES, "change set")
        now = utcnow()
        applying = status == "applying"
        row = ChangeSet(
            created_at=now,
            actor_id=actor_id,
            actor_name=actor_name,
            requester_id=requester_id or actor_id,
            requester_name=requester_name if requester_id else actor_name,
            channel_id=channel_id,
            cluster=cluster,
            command=command,
            command_text=command_text,
            status=status,
            plan_digest=plan_digest,
            undo_of=undo_of,
            request_id=request_id,
            owner_host=self.owner.host if applying else None,
            owner_pid=self.owner.pid if applying else None,
            owner_started_at=self.owner.started_at if applying else None,
            heartbeat_at=now if applying else None,
        )
        with recording("open a change set"), self._sessions.begin() as session:
            session.add(row)
            session.flush()
            set_id = row.id
        if applying:
            self.heartbeat.hold(set_id)
        return set_id

    def add_change(
        self,
        set_id: int,
        *,
        seq: int,
        operation: str,
        object_type: str,
        object_name: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        status: str = "pending",
    ) -> int:
        planned = PlannedChange(seq, operation, object_type, object_name, before, after)
        return self.add_changes(set_id, [planned], status=status)[0]

    def add_changes(
        self, set_id: int, changes: Sequence[PlannedChange], *, status: str = "pending"
    ) -> list[int]:
        """Every step of a plan in one transaction: a 1,000-step plan is one commit, not 1,000."""
        _check(status, CHANGE_STATUSES, "change")
        rows = [
            Change(
                change_set_id=set_id,
                seq=c.seq,
                operation=c.operation,
                object_type=c.object_type,
                object_name=c.object_name,
                before_json=_dump(c.before),
                after_json=_dump(c.after),
                status=status,
            )
            for c in changes
        ]
        with recording("record a change"), self._sessions.begin() as session:
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def update_change(
        self,
        change_id: int,
        *,
        status: str,
        error: str | None = None,
        duration_ms: float | None = None,
        after: Mapping[str, Any] | _Unset | None = UNSET,
        beat: bool = False,
    ) -> None:
        """``started_at`` is back-dated by ``duration_ms``: the write began that long ago.
        ``beat`` refreshes the owning set's heartbeat in the same transaction."""
        _check(status, CHANGE_STATUSES, "change")
        with recording("record a change's result"), self._sessions.begin() as session:
            row = session.get(Change, change_id)
            if row is None:
                raise LookupError(f"no change #{change_id} in the change log")
            if beat:
                _refresh_heartbeat(session, [row.change_set_id])
            row.status = status
            if error is not None:
                row.error = error
            if duration_ms is not None:
                row.duration_ms = duration_ms
            if not isinstance(after, _Unset):
                row.after_json = _dump(after)
            if row.started_at is None and status != "pending":
                row.started_at = utcnow() - timedelta(milliseconds=duration_ms or 0.0)

    def close_set(self, set_id: int, status: str, error: str | None = None) -> None:
        _check(status, SET_STATUSES, "change set")
        self.heartbeat.release(set_id)
        with recording("close a change set"), self._sessions.begin() as session:
            result = session.execute(
                update(ChangeSet)
                .where(ChangeSet.id == set_id)
                .values(status=status, error=error, finished_at=utcnow())
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]  # DML: a CursorResult, typed Result
                raise LookupError(f"no change set #{set_id} in the change log")

    def beat(self, set_ids: Iterable[int]) -> None:
        """The owner is alive: refresh the heartbeat of these sets (per step, and by a timer)."""
        with recording("refresh a heartbeat"), self._sessions.begin() as session:
            _refresh_heartbeat(session, list(set_ids))

    def get(self, set_id: int) -> ChangeSetRecord | None:
        with self._sessions() as session:
            row = session.get(ChangeSet, set_id)
            if row is None:
                return None
            return self._with_changes(session, [row])[0]

    def query(
        self,
        *,
        actor_id: str | None = None,
        object_name: str | None = None,
        since: datetime | None = None,
        status: str | Sequence[str] | None = None,
        cluster: str | None = None,
        limit: int = 50,
        offset: int = 0,
        exclude_status: Sequence[str] = (),
    ) -> list[ChangeSetRecord]:
        """Newest first; ``actor_id`` matches who asked or who confirmed; ``object_name``
        matches a substring of any change's object name; ``exclude_status`` leaves out sets
        ending so (the log hides dry runs by default)."""
        statement = select(ChangeSet)
        if exclude_status:
            statement = statement.where(ChangeSet.status.not_in(list(exclude_status)))
        if actor_id is not None:
            statement = statement.where(
                or_(ChangeSet.actor_id == actor_id, ChangeSet.requester_id == actor_id)
            )
        if since is not None:
            statement = statement.where(ChangeSet.created_at >= since)
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            statement = statement.where(ChangeSet.status.in_(statuses))
        if cluster is not None:
            statement = statement.where(ChangeSet.cluster == cluster)
        if object_name is not None:
            statement = statement.where(ChangeSet.id.in_(_sets_touching(object_name)))
        statement = (
            statement.order_by(ChangeSet.created_at.desc(), ChangeSet.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._sessions() as session:
            rows = list(session.scalars(statement))
            return self._with_changes(session, rows)

    def last_applied_change(self, object_type: str, object_name: str) -> ChangeRecord | None:
        """The newest write that holds on CUCM for this object: what an undo would revert."""
        statement = (
            select(Change)
            .where(
                Change.object_name == object_name,
                Change.object_type == object_type,
                Change.status == "applied",
            )
            .order_by(Change.change_set_id.desc(), Change.seq.desc())
            .limit(1)
        )
        with self._sessions() as session:
            row = session.scalars(statement).first()
            return None if row is None else change_record(row)

    def in_flight(self, cluster: str | None, object_names: Sequence[str]) -> list[InFlightChange]:
        """Writes of applying change sets on these objects (names compared case-folded)."""
        folded = sorted({name.casefold() for name in object_names})
        if not folded:
            return []
        statement = (
            select(Change, ChangeSet)
            .join(ChangeSet, Change.change_set_id == ChangeSet.id)
            .where(
                ChangeSet.status == "applying",
                ChangeSet.cluster == cluster,
                func.lower(Change.object_name).in_(folded),
            )
            .order_by(ChangeSet.id, Change.seq)
        )
        with self._sessions() as session:
            return [
                InFlightChange(
                    change_set_id=change_set.id,
                    actor_id=change_set.actor_id,
                    command_text=change_set.command_text,
                    operation=change.operation,
                    object_type=change.object_type,
                    object_name=change.object_name,
                    status=change.status,
                )
                for change, change_set in session.execute(statement)
            ]

    def mark_interrupted(self, stale_after: timedelta | None = None) -> list[ChangeSetRecord]:
        """Sets whose owner is gone (see ownership.py) are 'interrupted', their
        unsent-or-unanswered writes 'unknown', so someone re-reads those objects.
        A set another living process is applying is left alone."""
        now = utcnow()
        stale = timedelta(seconds=STALE_AFTER_S) if stale_after is None else stale_after
        with recording("mark interrupted change sets"), self._sessions.begin() as session:
            rows = [
                row
                for row in session.scalars(select(ChangeSet).where(ChangeSet.status == "applying"))
                if owner_gone(_claim(row), me=self.owner, now=now, stale_after=stale)
            ]
            if not rows:
                return []
            ids = [row.id for row in rows]
            session.execute(
                update(Change)
                .where(Change.change_set_id.in_(ids), Change.status == "pending")
                .values(status="unknown", error="process stopped while applying")
            )
            for row in rows:
                row.status = "interrupted"
                row.finished_at = now
                row.error = "process stopped while applying"
            session.flush()
            return self._with_changes(session, rows)

    def record_denial(
        self,
        actor_id: str,
        actor_name: str | None,
        channel_id: str | None,
        command: str,
        command_text: str,
        reason: str | None = None,
        *,
        required_role: str | None = None,
        actor_role: str | None = None,
        cluster: str | None = None,
    ) -> int:
        """Refusals are audited too: the log shows who tried what without the right role."""
        if reason is None:
            reason = f"needs role {required_role or '?'}; actor has {actor_role or 'none'}"
        now = utcnow()
        row = ChangeSet(
            created_at=now,
            finished_at=now,
            actor_id=actor_id,
            actor_name=actor_name,
            requester_id=actor_id,
            requester_name=actor_name,
            channel_id=channel_id,
            cluster=cluster,
            command=command,
            command_text=command_text,
            status="denied",
            error=reason,
        )
        with recording("record a denial"), self._sessions.begin() as session:
            session.add(row)
            session.flush()
            return row.id

    @staticmethod
    def _with_changes(session: Session, rows: list[ChangeSet]) -> list[ChangeSetRecord]:
        """One extra query for all the sets' changes, not one per set."""
        if not rows:
            return []
        by_set: dict[int, list[Change]] = {row.id: [] for row in rows}
        changes = session.scalars(
            select(Change)
            .where(Change.change_set_id.in_(list(by_set)))
            .order_by(Change.change_set_id, Change.seq, Change.id)
        )
        for change in changes:
            by_set[change.change_set_id].append(change)
        return [set_record(row, by_set[row.id]) for row in rows]


def _claim(row: ChangeSet) -> Claim:
    return Claim(row.owner_host, row.owner_pid, row.owner_started_at, row.heartbeat_at)


def _sets_touching(object_name: str) -> Select[int]:
    """Case-blind on every engine: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    The database's lower() on both sides, not ILIKE: PostgreSQL scans faster that way."""
    pattern = "%" + object_name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return select(Change.change_set_id).where(
        func.lower(Change.object_name).like(func.lower(pattern), escape="\\")
    )
