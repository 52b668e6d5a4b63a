"""Devices open per node and per provider over time, for the capacity chart.

The limits check measures them at every sweep; one row per subject per sweep
is kept for `health.capacity_days` (housekeeping deletes older rows), so 30
days at the default 15-minute sweep are about 2,900 rows per subject.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import sessionmaker

from bot.health.models import CapacitySample


@dataclass(frozen=True)
class Sample:
    subject: str  # node/<node> or provider/<user>/<node>
    at: datetime
    open: int
    limit: int

    @property
    def is_node(self) -> bool:
        return self.subject.startswith("node/")


class CapacityStore:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def record(self, cluster: str, samples: Iterable[Sample]) -> int:
        rows = [
            {"cluster": cluster, "subject": s.subject, "at": s.at, "open": s.open, "limit": s.limit}
            for s in samples
        ]
        if rows:
            with self._sessions.begin() as session:
                session.execute(insert(CapacitySample), rows)
        return len(rows)

    def since(self, cluster: str, since: datetime) -> list[Sample]:
        """Oldest first; plain columns, not ORM objects: a 30-day window is ~70,000 rows."""
        row = CapacitySample
        query = (
            select(row.subject, row.at, row.open, row.limit)
            .where(row.cluster == cluster, row.at >= since)
            .order_by(row.at, row.id)
        )
        with self._sessions() as session:
            return [Sample(*r) for r in session.execute(query)]

    def prune(self, before: datetime) -> int:
        with self._sessions.begin() as session:
            result = session.execute(delete(CapacitySample).where(CapacitySample.at < before))
            return int(result.rowcount)  # type: ignore[attr-defined]  # DML: a CursorResult, typed Result
