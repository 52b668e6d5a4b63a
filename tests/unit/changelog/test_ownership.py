"""When is the owner of an `applying` change set gone, and does its heartbeat keep beating?"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.changelog.ownership import Claim, Heartbeat, Owner, owner_gone

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
ME = Owner(host="bot-1", pid=1, started_at=NOW - timedelta(hours=1))


def claim(
    host: str = "bot-1",
    pid: int = 77,
    beat_s_ago: float = 5.0,
    started_at: datetime = NOW - timedelta(hours=2),
) -> Claim:
    return Claim(host, pid, started_at, NOW - timedelta(seconds=beat_s_ago))


def gone(c: Claim, alive: bool = True) -> bool:
    return owner_gone(c, me=ME, now=NOW, alive=lambda _pid: alive)


def test_a_living_process_on_this_host_with_a_fresh_heartbeat_is_not_gone() -> None:
    assert not gone(claim())


def test_a_dead_pid_on_this_host_is_gone_at_once() -> None:
    assert gone(claim(), alive=False)


def test_another_host_is_judged_by_its_heartbeat_only() -> None:
    assert not gone(claim(host="bot-2"), alive=False)
    assert gone(claim(host="bot-2", beat_s_ago=61))


def test_my_own_sets_are_mine_but_a_former_process_with_my_pid_is_gone() -> None:
    assert not gone(claim(pid=ME.pid, started_at=ME.started_at))
    assert gone(claim(pid=ME.pid, started_at=ME.started_at - timedelta(days=1)))


def test_rows_from_before_owners_were_recorded_are_gone() -> None:
    assert gone(Claim(None, None, None, None))


def test_the_timer_beats_the_held_sets_until_they_are_released() -> None:
    beats: list[list[int]] = []
    beaten = threading.Event()

    def beat(ids: Iterable[int]) -> None:
        beats.append(list(ids))
        beaten.set()

    heartbeat = Heartbeat(beat, interval_s=0.01)
    heartbeat.hold(7)
    assert beaten.wait(5)
    assert beats[0] == [7]
    heartbeat.release(7)
    assert heartbeat.held() == []


def test_stop_ends_the_timer_while_sets_are_still_held() -> None:
    beaten = threading.Event()
    before = set(threading.enumerate())
    heartbeat = Heartbeat(lambda ids: beaten.set(), interval_s=0.01)
    heartbeat.hold(7)
    assert beaten.wait(5)
    timers = [t for t in set(threading.enumerate()) - before if t.name == "changeset-heartbeat"]
    assert len(timers) == 1
    heartbeat.stop()
    assert not timers[0].is_alive()
    assert heartbeat.held() == [7]
