"""The AXL write pacer on a fake clock: unpaced start, measured cut, AIMD, forgetting, threads."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest

from bot.cucm.errors import Throttled
from bot.cucm.pacer import PacerSettings, WritePacer, is_axl_write
from bot.cucm.retry import RetryPolicy, run_with_retries


class FakeClock:
    """Time that only moves when the pacer sleeps or the test says so."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make(clock: FakeClock, **settings: Any) -> WritePacer:
    return WritePacer(PacerSettings(**settings), clock=clock, sleep=clock.sleep)


def accept(pacer: WritePacer, clock: FakeClock, count: int, every_s: float = 0.0) -> None:
    for _ in range(count):
        pacer.acquire()
        pacer.succeeded()
        clock.advance(every_s)


@pytest.mark.parametrize(
    ("operation", "write"),
    [
        ("addLine", True),
        ("updateAppUser", True),
        ("removePhone", True),
        ("applyPhone", True),
        ("resetPhone", True),
        ("restartPhone", True),
        ("doDeviceLogin", True),
        ("wipePhone", True),
        ("executeSQLUpdate", True),
        ("getLine", False),
        ("listPhone", False),
        ("executeSQLQuery", False),
        ("getCCMVersion", False),
    ],
)
def test_only_writes_are_paced(operation: str, write: bool) -> None:
    assert is_axl_write(operation) is write


def test_starts_unpaced_and_never_waits_without_a_503() -> None:
    clock = FakeClock()
    pacer = make(clock)
    accept(pacer, clock, 500)
    assert pacer.rate is None
    assert clock.sleeps == []


def test_first_503_sets_the_rate_cucm_accepted_over_the_window() -> None:
    clock = FakeClock()
    pacer = make(clock, window_s=1.0)
    accept(pacer, clock, 10, every_s=0.01)
    clock.advance(2.0)  # only what CUCM accepted in the last second counts
    accept(pacer, clock, 6, every_s=0.01)
    pacer.throttled(pacer.acquire())
    assert pacer.rate == pytest.approx(6.0)


def test_paced_writes_are_spaced_by_one_over_the_rate() -> None:
    clock = FakeClock()
    pacer = make(clock, increase_per_s=0.0)
    accept(pacer, clock, 10)
    pacer.throttled(pacer.acquire())
    assert pacer.rate == pytest.approx(10.0)
    sent = [pacer.acquire() for _ in range(5)]
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert gaps == pytest.approx([0.1] * 4)
    assert sent[0] == pytest.approx(100.1)  # the first one waits too: CUCM's queue is full


def test_additive_increase_per_second_of_writing_at_full_pace() -> None:
    clock = FakeClock()
    pacer = make(clock, increase_per_s=0.5)
    accept(pacer, clock, 10)
    pacer.throttled(pacer.acquire())
    started = clock.now
    while clock.now - started < 4.0:
        accept(pacer, clock, 1)
    assert pacer.rate == pytest.approx(12.0, abs=0.1)


def test_further_503_cuts_to_the_lower_of_decrease_and_measured() -> None:
    clock = FakeClock()
    pacer = make(clock, decrease=0.9, increase_per_s=0.0)
    accept(pacer, clock, 20)
    pacer.throttled(pacer.acquire())
    assert pacer.rate == pytest.approx(20.0)
    accept(pacer, clock, 30)  # paced: 30 writes at 20/s take 1.5 s
    pacer.throttled(pacer.acquire())
    assert pacer.rate == pytest.approx(18.0)
    clock.advance(5.0)
    accept(pacer, clock, 6, every_s=0.15)  # the app itself slowed: 6 writes in the window
    pacer.throttled(pacer.acquire())
    assert pacer.rate == pytest.approx(6.0)


def test_one_congestion_cuts_once_however_many_writes_were_in_flight() -> None:
    clock = FakeClock()
    pacer = make(clock, increase_per_s=0.0)
    accept(pacer, clock, 10)
    in_flight = [pacer.acquire() for _ in range(4)]
    for sent_at in in_flight:
        clock.advance(0.001)
        pacer.throttled(sent_at)
    snapshot = pacer.snapshot()
    assert (snapshot.throttles, snapshot.cuts) == (4, 1)
    assert pacer.rate == pytest.approx(10.0)


def test_a_503_with_too_few_accepted_writes_sets_no_rate() -> None:
    clock = FakeClock()
    pacer = make(clock, min_samples=5)
    accept(pacer, clock, 4)
    pacer.throttled(pacer.acquire())  # CUCM busy with someone else: not our pace
    assert pacer.rate is None
    assert pacer.snapshot().cuts == 0


def test_rate_never_drops_below_the_floor() -> None:
    clock = FakeClock()
    pacer = make(clock, min_rate=2.0, increase_per_s=0.0)
    accept(pacer, clock, 5)
    pacer.throttled(pacer.acquire())
    assert pacer.rate == pytest.approx(5.0)
    clock.advance(2.0)
    for _ in range(20):
        pacer.throttled(pacer.acquire())  # nothing accepted any more: decrease only
    assert pacer.rate == pytest.approx(2.0)


def test_goes_back_to_unpaced_after_a_quiet_spell() -> None:
    clock = FakeClock()
    pacer = make(clock, forget_after_s=10.0)
    accept(pacer, clock, 10)
    pacer.throttled(pacer.acquire())
    clock.advance(9.0)
    pacer.acquire()
    assert pacer.rate is not None
    clock.advance(1.5)
    pacer.acquire()
    assert pacer.rate is None


def test_snapshot_counts_the_time_spent_waiting() -> None:
    clock = FakeClock()
    pacer = make(clock, increase_per_s=0.0)
    accept(pacer, clock, 5)
    pacer.throttled(pacer.acquire())
    accept(pacer, clock, 3)
    snapshot = pacer.snapshot()
    assert snapshot.waits == 3
    assert snapshot.waited_s == pytest.approx(0.6)


def test_threads_share_slots_without_bursting() -> None:
    clock = FakeClock()
    lock = threading.Lock()
    slots: list[float] = []
    pacer = WritePacer(PacerSettings(increase_per_s=0.0), clock=clock, sleep=lambda _: None)
    accept(pacer, clock, 10)
    pacer.throttled(pacer.acquire())

    def writer() -> None:
        for _ in range(25):
            slot = pacer.acquire()
            with lock:
                slots.append(slot)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(slots)
    assert len(set(ordered)) == 200
    assert min(b - a for a, b in itertools.pairwise(ordered)) == pytest.approx(0.1)


def test_throttle_wait_after_a_write_is_short_and_bounded() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=4, throttle_wait_s=0.1, max_wait_s=10.0, jitter=False)

    def attempt(number: int) -> str:
        raise Throttled("HTTP 503")

    with pytest.raises(Throttled):
        run_with_retries(policy, attempt, read=False, sleep=waits.append)
    assert waits == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4])
    assert sum(waits) > 5, "a throttled write waits out several seconds, as Cisco advises"


def test_other_failures_keep_the_ordinary_attempt_budget() -> None:
    calls: list[int] = []
    policy = RetryPolicy(max_attempts=3, base_wait_s=0.01, jitter=False)

    def attempt(number: int) -> str:
        calls.append(number)
        raise Throttled("HTTP 503")

    with pytest.raises(Throttled):
        run_with_retries(policy, attempt, read=True, sleep=lambda _: None)
    assert calls == [1, 2, 3]


def test_throttle_wait_after_a_read_keeps_the_base_backoff() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=3, base_wait_s=1.0, throttle_wait_s=0.1, jitter=False)
    with pytest.raises(Throttled):
        run_with_retries(
            policy, lambda n: (_ for _ in ()).throw(Throttled("x")), read=True, sleep=waits.append
        )
    assert waits == [1.0, 2.0]


@pytest.mark.parametrize(
    "settings",
    [
        {"window_s": 0},
        {"min_rate": 0},
        {"decrease": 1.0},
        {"decrease": 0},
        {"increase_per_s": -1},
        {"min_samples": 0},
    ],
)
def test_settings_are_checked(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        PacerSettings(**settings)


def test_a_replica_share_paces_from_the_first_write() -> None:
    clock = FakeClock()
    pacer = make(clock, max_rate=4.0)
    sent = [pacer.acquire() for _ in range(5)]
    assert [round(b - a, 3) for a, b in itertools.pairwise(sent)] == [0.25] * 4
    assert pacer.rate is None  # nothing learned: the share alone paces


def test_a_replica_share_caps_what_the_pacer_learns() -> None:
    clock = FakeClock()
    pacer = make(clock, max_rate=4.0, min_samples=1, increase_per_s=100.0)
    accept(pacer, clock, 10, every_s=0.05)
    pacer.throttled(clock.now)  # measured 10 writes/s, above the share
    assert pacer.rate == 4.0
    accept(pacer, clock, 5)
    assert pacer.rate == 4.0  # additive increase stops at the share
    pacer.throttled(clock.now)
    assert pacer.rate is not None and pacer.rate < 4.0  # a 503 still cuts below it
