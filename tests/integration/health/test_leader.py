"""Scheduler leadership on a real PostgreSQL: one leader, a standby that takes over when the
leader's connection dies (what SIGKILL does), and SQLite leading at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from bot.changelog.db import make_engine
from bot.health.leader import LEADER, SCHEDULER_KEY, STANDBY, LeaderElection
from tests.waiting import wait_until

POLL_S = 0.2


class Replica:
    """One process's election with the events it went through."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        self.events: list[str] = []
        self.gauge: list[bool] = []
        self.tries = 0
        self._lock = threading.Lock()
        event.listen(self.engine, "before_cursor_execute", self._count_tries)
        self.election = LeaderElection(
            self.engine,
            lambda: self._note("elected"),
            lambda: self._note("deposed"),
            poll_s=POLL_S,
            observe=self.gauge.append,
        )

    def _count_tries(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "pg_try_advisory_lock" in statement:
            self.tries += 1

    def _note(self, what: str) -> None:
        with self._lock:
            self.events.append(what)

    def close(self) -> None:
        self.election.stop()
        self.engine.dispose()


@pytest.fixture
def replicas(postgres_url: str) -> Iterator[list[Replica]]:
    made = [Replica(postgres_url), Replica(postgres_url)]
    try:
        yield made
    finally:
        for replica in made:
            replica.close()


def _terminate_lock_holder(engine: Engine) -> None:
    """End the backend holding the leadership lock, as PostgreSQL does for a killed client."""
    low = SCHEDULER_KEY & 0xFFFFFFFF
    with engine.connect() as connection:
        ended = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                "WHERE locktype = 'advisory' AND objid = :low AND granted"
            ),
            {"low": low},
        )
        connection.commit()
    assert ended == 1


def test_one_leader_and_the_standby_takes_over(replicas: list[Replica]) -> None:
    first, second = replicas
    first.election.start()
    wait_until(lambda: first.election.state == LEADER, timeout=10)
    second.election.start()
    wait_until(lambda: second.tries >= 2, timeout=10)  # the first try has been answered
    assert second.election.state == STANDBY and second.events == []
    assert _lock_holders(second.engine) == 1

    _terminate_lock_holder(second.engine)
    wait_until(lambda: second.election.state == LEADER, timeout=10)
    wait_until(lambda: first.election.state == STANDBY, timeout=10)
    assert first.events == ["elected", "deposed"]
    assert second.events == ["elected"]
    assert first.gauge == [False, True, False] and second.gauge == [False, True]


def test_a_stopping_leader_hands_over(replicas: list[Replica]) -> None:
    first, second = replicas
    first.election.start()
    wait_until(lambda: first.election.state == LEADER, timeout=10)
    second.election.start()
    first.election.stop()
    assert first.events == ["elected", "deposed"]
    wait_until(lambda: second.election.state == LEADER, timeout=10)


def _lock_holders(engine: Engine) -> int:
    """Sessions that hold the leadership lock: exactly one while anyone leads."""
    with engine.connect() as connection:
        return int(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND objid = :low AND granted"
                ),
                {"low": SCHEDULER_KEY & 0xFFFFFFFF},
            )
        )


def test_sqlite_leads_at_once(tmp_path: Path) -> None:
    replica = Replica(f"sqlite:///{tmp_path / 'one.db'}")
    try:
        replica.election.start()
        assert replica.election.state == LEADER and replica.events == ["elected"]
    finally:
        replica.close()
    assert replica.events == ["elected", "deposed"]
