"""What the database forgets, and when: the tables that would otherwise grow forever.

`slack_deliveries` gains a row per Slack request (the de-duplication key),
`pending_confirmations` a row per plan offered, and the health tables a row
per alert, history line, silence and capacity sample. None of them is the audit trail: the
change log (`change_sets`, `changes`) is never pruned. The serving process
runs a `Housekeeper` hourly on its scheduler; each pass is a few indexed deletes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.deliveries import prune_deliveries
from bot.changelog.models import utcnow
from bot.health.store import HealthStore

log = logging.getLogger(__name__)

# Slack retries a request three times within about five minutes; a day is ample.
DELIVERIES_KEPT = timedelta(days=1)
# A decided or expired confirmation only serves "already confirmed by …" for a while.
CONFIRMATIONS_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class Pruned:
    deliveries: int
    confirmations_expired: int
    confirmations_purged: int
    health_rows: int
    capacity_samples: int


@dataclass(frozen=True)
class Housekeeper:
    engine: Engine
    confirmations: ConfirmationStore
    health: HealthStore
    history: timedelta
    capacity: timedelta = timedelta(days=30)

    def __call__(self, now: datetime | None = None) -> Pruned:
        now = now or utcnow()
        pruned = Pruned(
            deliveries=prune_deliveries(self.engine, DELIVERIES_KEPT, now),
            confirmations_expired=self.confirmations.expire_stale(now),
            confirmations_purged=self.confirmations.purge(now - CONFIRMATIONS_KEPT),
            health_rows=self.health.prune_history(now - self.history),
            capacity_samples=self.health.capacity.prune(now - self.capacity),
        )
        log.info("housekeeping: %s", pruned)
        return pruned
