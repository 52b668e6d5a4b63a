"""The /cti log filters must stay fast on a year of busy use (100,000 change rows)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from bot.changelog.models import Change, ChangeSet
from bot.changelog.store import ChangeLog

SETS = 10_000
CHANGES_PER_SET = 10
BUDGET_S = 0.1


def fill(engine: Engine) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    sets = [
        {
            "id": i,
            "created_at": start + timedelta(minutes=i),
            "finished_at": start + timedelta(minutes=i, seconds=5),
            "actor_id": f"U0USER{i % 25}",
            "actor_name": None,
            "channel_id": "C0OPS",
            "cluster": "lab" if i % 3 else "prod",
            "command": "create-ports",
            "command_text": "/cti create-ports",
            "status": "failed" if i % 97 == 0 else "applied",
        }
        for i in range(1, SETS + 1)
    ]
    changes = [
        {
            "change_set_id": i,
            "seq": seq,
            "operation": "addPhone",
            "object_type": "cti_port",
            "object_name": f"CTIP{i:05d}{seq:02d}",
            "after_json": '{"product": "CTI Port"}',
            "status": "applied",
        }
        for i in range(1, SETS + 1)
        for seq in range(1, CHANGES_PER_SET + 1)
    ]
    with engine.begin() as connection:
        connection.execute(insert(ChangeSet), sets)
        connection.execute(insert(Change), changes)


def best_of(runs: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_filtered_queries_stay_under_budget(engine: Engine) -> None:
    fill(engine)
    log = ChangeLog(engine)
    since = datetime(2025, 1, 5, tzinfo=UTC)
    cases = {
        "newest": lambda: log.query(),
        "actor": lambda: log.query(actor_id="U0USER7"),
        "object": lambda: log.query(object_name="CTIP0500"),
        "status": lambda: log.query(status="failed", since=since),
        "cluster": lambda: log.query(cluster="prod", limit=20, offset=100),
    }
    assert len(log.query()[0].changes) == CHANGES_PER_SET
    assert {c.object_name for r in log.query(object_name="CTIP0500") for c in r.changes}
    slow = {name: t for name, work in cases.items() if (t := best_of(3, work)) > BUDGET_S}
    assert slow == {}
