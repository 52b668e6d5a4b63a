"""Change-log queries: every `/cti log` filter over 100,000 change rows, goal < 100 ms each.

The log grows forever (it is the audit trail), so a filter that scans the table
gets slower every week. The seed mimics a busy cluster after a quarter: several
admins, a few clusters, mostly `applied` sets with a tail of failures, object
names shaped like real route points, CTI ports, lines and users. Queries go
through `ChangeLog.query` exactly as `/cti log` calls it (always scoped to the
command's cluster, limit 20), so the figure includes loading each set's changes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from bot.changelog.db import make_engine, upgrade
from bot.changelog.models import Change, ChangeSet
from bot.changelog.store import ChangeLog

GOAL_MS = 100.0
DEFAULT_ROWS = 100_000
CHANGES_PER_SET = 5
MAX_ROWS = 1_000_000
DAYS = 90
LIMIT = 20
ACTORS = tuple(f"U0ADMIN{i:02d}" for i in range(8))
CLUSTERS = ("prod", "lab", "dr")
# Weights shaped like a real log: most runs apply, a thin tail fails or is refused.
SET_STATUSES = {
    "applied": 78,
    "no_change": 6,
    "dry_run": 4,
    "failed": 4,
    "denied": 3,
    "compensated": 2,
    "cancelled": 2,
    "partial": 0.5,
    "interrupted": 0.5,
}
OBJECTS = (
    ("createCtiRoutePoint", "CtiRoutePoint", "RP_{team}_{n:04d}"),
    ("addPhone", "Phone", "CTIP_{team}_{n:04d}"),
    ("addLine", "Line", "4{n:04d}"),
    ("updateLine", "Line", "4{n:04d}"),
    ("updateUser", "User", "app_{team}_{n:03d}"),
)
TEAMS = ("SALES", "SUPPORT", "BILLING", "IVR", "RECORDING", "WFM")


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    matched: int

    @property
    def passed(self) -> bool:
        return self.p95_ms < GOAL_MS


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _sets(count: int, rng: random.Random, now: datetime) -> Iterator[dict[str, Any]]:
    """Oldest first with ascending ids, as the bot writes them."""
    span = timedelta(days=DAYS).total_seconds()
    offsets = sorted((rng.random() * span for _ in range(count)), reverse=True)
    statuses, weights = list(SET_STATUSES), list(SET_STATUSES.values())
    for set_id, offset in enumerate(offsets, start=1):
        created = now - timedelta(seconds=offset)
        yield {
            "id": set_id,
            "created_at": created,
            "finished_at": created + timedelta(seconds=2),
            "actor_id": rng.choice(ACTORS),
            "actor_name": None,
            "channel_id": "C0OPS",
            "cluster": rng.choice(CLUSTERS),
            "command": "provision-app",
            "command_text": f"/cti provision-app team={rng.choice(TEAMS)}",
            "status": rng.choices(statuses, weights)[0],
        }


def _changes(sets: int, per_set: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for set_id in range(1, sets + 1):
        team, n = rng.choice(TEAMS), rng.randrange(2000)
        for seq in range(1, per_set + 1):
            operation, kind, pattern = OBJECTS[(seq - 1) % len(OBJECTS)]
            yield {
                "change_set_id": set_id,
                "seq": seq,
                "operation": operation,
                "object_type": kind,
                "object_name": pattern.format(team=team, n=n),
                "before_json": None,
                "after_json": '{"description": "seeded"}',
                "status": "applied",
            }


def seed(engine: Engine, rows: int, *, seed_value: int = 7) -> datetime:
    """Core executemany, not the ORM: 100k rows in seconds. Returns the 'now' it seeded up to."""
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    sets = max(1, rows // CHANGES_PER_SET)
    with engine.begin() as connection:
        connection.execute(insert(ChangeSet), list(_sets(sets, rng, now)))
        connection.execute(insert(Change), list(_changes(sets, CHANGES_PER_SET, rng)))
    return now


def filters(now: datetime) -> dict[str, dict[str, Any]]:
    """One entry per `/cti log` filter; each is scoped to a cluster as the command does."""
    base: dict[str, Any] = {"cluster": "prod", "limit": LIMIT}
    return {
        "no filter": base,
        "user=": base | {"actor_id": ACTORS[3]},
        "object= (common)": base | {"object_name": "RP_SALES"},
        "object= (rare)": base | {"object_name": "CTIP_IVR_004"},
        "object= (absent)": base | {"object_name": "NO_SUCH_OBJECT"},
        "since=3d": base | {"since": now - timedelta(days=3)},
        "status=failed": base | {"status": "failed"},
        "status=interrupted": base | {"status": "interrupted"},
        "user+since+status": base
        | {"actor_id": ACTORS[1], "since": now - timedelta(days=30), "status": "failed"},
        "user+object+since": base
        | {"actor_id": ACTORS[2], "object_name": "4", "since": now - timedelta(days=7)},
    }


def filters_names() -> list[str]:
    return list(filters(datetime.now(UTC)))


def time_query(call: Callable[[], list[Any]], runs: int) -> tuple[list[float], int]:
    call()  # warm-up: statement compilation and SQLite page cache, as in a running bot
    samples = []
    matched = 0
    for _ in range(runs):
        started = time.perf_counter()
        matched = len(call())
        samples.append((time.perf_counter() - started) * 1000)
    return samples, matched


def measure(directory: Path, rows: int, runs: int) -> list[Timing]:
    url = f"sqlite:///{directory / 'changelog.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        now = seed(engine, rows)
        log = ChangeLog(engine)
        timings = []
        for name, kwargs in filters(now).items():
            samples, matched = time_query(partial(log.query, **kwargs), runs)
            timings.append(
                Timing(name, statistics.median(samples), percentile(samples, 0.95), matched)
            )
        return timings
    finally:
        engine.dispose()


def report(timings: list[Timing], rows: int, runs: int) -> bool:
    print(f"/cti log over {rows} change rows ({rows // CHANGES_PER_SET} sets), {runs} runs each")
    print(f"{'filter':<22}{'median ms':>11}{'p95 ms':>9}{'sets':>6}  goal < {GOAL_MS:.0f} ms")
    for t in timings:
        verdict = "PASS" if t.passed else "FAIL"
        print(f"{t.name:<22}{t.median_ms:>11.2f}{t.p95_ms:>9.2f}{t.matched:>6}  {verdict}")
    worst = max(timings, key=lambda t: t.p95_ms)
    print(f"worst p95 {worst.p95_ms:.2f} ms ({worst.name}) / goal = {worst.p95_ms / GOAL_MS:.3f}")
    return all(t.passed for t in timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("-n", "--runs", type=int, default=30)
    args = parser.parse_args(argv)
    rows = max(CHANGES_PER_SET, min(args.rows, MAX_ROWS))
    runs = max(1, min(args.runs, 1000))
    with tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        started = time.perf_counter()
        timings = measure(Path(tmp), rows, runs)
        print(f"seed + migrate + queries: {time.perf_counter() - started:.1f} s")
    passed = report(timings, rows, runs)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
