"""The state machine on its own: firing, flaps, reminders and maintenance windows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.changelog.db import make_engine
from bot.config import HealthSettings
from bot.health.alerts import AlertEngine, duration_text, resolved_state, state_text
from bot.health.checks.base import CheckResult
from bot.health.store import HealthStore
from bot.text import Line, Mention, Text, line, note, plain

KEY = "lab|services|CTIManager/cucm-sub1"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, Text]] = []

    def post(self, alert_id: int) -> None:
        self.calls.append(("post", alert_id, ""))

    def update(self, alert_id: int, line: Text) -> None:
        self.calls.append(("update", alert_id, line))

    def announce(self, notice_id: int) -> None:
        self.calls.append(("announce", notice_id, ""))

    def say(self, text: Text) -> None:
        self.calls.append(("say", 0, text))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def result(ok: bool) -> CheckResult:
    return CheckResult(
        "lab",
        "services",
        "CTIManager/cucm-sub1",
        ok,
        "critical",
        "Started" if ok else "CTIManager down on cucm-sub1 (lab)",
        {"status": "Started"}
        if ok
        else {"status": "Stopped", "reason": "Commanded Out of Service"},
        node="cucm-sub1",
    )


@pytest.fixture
def store(db_url: str) -> Iterator[HealthStore]:
    """On SQLite and on PostgreSQL (tests/conftest.py)."""
    engine = make_engine(db_url)
    yield HealthStore(engine)
    engine.dispose()


def engine(store: HealthStore, clock: Clock, **settings: object) -> tuple[AlertEngine, Recorder]:
    notes = Recorder()
    return AlertEngine(store, HealthSettings(**settings), notes, clock=clock), notes


def test_fires_after_n_and_resolves_after_m(store: HealthStore) -> None:
    clock = Clock()
    alerts, notes = engine(store, clock, fire_after=3, resolve_after=2)
    for _ in range(3):
        alerts.process("lab", "services", [result(False)])
    assert store.get_alert(KEY).state == "firing"
    assert [c[0] for c in notes.calls] == ["post"]
    clock.now += timedelta(minutes=5)
    alerts.process("lab", "services", [result(True)])
    alerts.process("lab", "services", [result(True)])
    assert store.get_alert(KEY).state == "resolved"
    resolved = store.get_alert(KEY)
    assert notes.calls[-1] == ("update", resolved.id, "RESOLVED after 5m · status: Started")
    assert resolved.details == {"status": "Started"}  # the failing reason is not shown


def test_a_missing_subject_passes_only_on_a_complete_run(store: HealthStore) -> None:
    alerts, _ = engine(store, Clock(), fire_after=1, resolve_after=1)
    alerts.process("lab", "services", [result(False)])
    alerts.process("lab", "services", [], complete=False)
    assert store.get_alert(KEY).state == "firing"
    alerts.process("lab", "services", [])
    assert store.get_alert(KEY).state == "resolved"
    assert store.get_alert(KEY).details == {"state": "no longer reported by the check"}


def test_reminders_until_acknowledged(store: HealthStore) -> None:
    clock = Clock()
    alerts, notes = engine(store, clock, fire_after=1, reminder_interval=3600)
    alerts.process("lab", "services", [result(False)])
    clock.now += timedelta(hours=1)
    alerts.tick()
    assert "still failing after 1h" in plain(notes.calls[-1][2])
    alerts.acknowledge(store.get_alert(KEY).id, "UOPER1")
    count = len(notes.calls)
    clock.now += timedelta(hours=5)
    alerts.tick()
    assert len(notes.calls) == count


def test_people_are_named_by_user_id_and_stored_as_words(store: HealthStore) -> None:
    """Who acknowledged or silenced is a mention the front end draws, never chat markup;
    the history table keeps the words."""
    alerts, notes = engine(store, Clock(), fire_after=1)
    alerts.process("lab", "services", [result(False)])
    alert_id = store.get_alert(KEY).id
    done, _ = alerts.acknowledge(alert_id, "UOPER1")
    assert done and notes.calls[-1] == (
        "update",
        alert_id,
        line("acknowledged by ", Mention("UOPER1")),
    )
    done, answer = alerts.acknowledge(alert_id, "UOTHER")
    assert not done and answer.title == "Already acknowledged."
    assert answer.lines == (line("Acknowledged by ", Mention("UOPER1"), "."),)
    silence, _ = alerts.silence_alert(alert_id, timedelta(hours=1), "UOPER2", "patching")
    assert silence is not None
    silenced = notes.calls[-1][2]
    assert isinstance(silenced, Line) and Mention("UOPER2") in silenced.spans
    assert [e.text for e in store.events(alert_id)][-2:] == [
        "acknowledged by @UOPER1",
        f"silenced by @UOPER2 until 2026-01-01 13:00 UTC (#{silence.id}): patching",
    ]


def test_maintenance_window_suppresses_then_announces(store: HealthStore) -> None:
    clock = Clock()
    window = {
        "node": "cucm-sub1",
        "start": clock.now - timedelta(minutes=1),
        "end": clock.now + timedelta(hours=1),
        "reason": "patching",
    }
    alerts, notes = engine(store, clock, fire_after=1, maintenance=[window])
    alerts.process("lab", "services", [result(False)])
    assert store.get_alert(KEY).state == "silenced"
    assert [c[0] for c in notes.calls] == ["announce"]  # the window's start, not the alert
    clock.now += timedelta(hours=2)
    alerts.process("lab", "services", [result(False)])
    assert store.get_alert(KEY).state == "firing"
    assert [c[0] for c in notes.calls] == ["announce", "announce", "post"]


def patching(clock: Clock, **window: object) -> dict[str, object]:
    return {
        "cluster": "lab",
        "node": "cucm-sub1",
        "start": clock.now + timedelta(minutes=1),
        "end": clock.now + timedelta(hours=2),
        "reason": "patching",
        **window,
    }


def announced(store: HealthStore, notes: Recorder) -> list[Text]:
    """Each notice as stored: words and a mark, no chat markup."""
    return [store.get_notice(ref).line for kind, ref, _ in notes.calls if kind == "announce"]


def test_maintenance_start_and_end_are_announced_once(store: HealthStore) -> None:
    clock = Clock()
    window = patching(clock)
    alerts, notes = engine(store, clock, fire_after=1, maintenance=[window])
    alerts.tick()
    assert notes.calls == []  # not started yet
    clock.now += timedelta(minutes=1)
    alerts.tick()
    alerts.tick()
    assert announced(store, notes) == [
        note(
            "maintenance",
            "Maintenance started on cucm-sub1 (lab) until 14:00 UTC: patching; alerts suppressed",
        )
    ]
    alerts.process("lab", "services", [result(False)])
    assert store.get_alert(KEY).state == "silenced"

    restarted, again = engine(store, clock, fire_after=1, maintenance=[window])
    clock.now += timedelta(hours=2)
    restarted.process("lab", "services", [result(False)])
    restarted.tick()
    assert announced(store, again) == [
        note(
            "ok",
            "Maintenance ended on cucm-sub1 (lab): patching; 1 alert still "
            "firing: [CRITICAL] CTIManager down on cucm-sub1 (lab)",
        )
    ]
    assert [c[0] for c in again.calls] == ["announce", "post"]  # the end, then the alert itself
    assert store.get_alert(KEY).state == "firing"


def test_maintenance_end_with_nothing_firing(store: HealthStore) -> None:
    clock = Clock()
    windows = [patching(clock, start=clock.now, node=None, check="drift", reason="")]
    alerts, notes = engine(store, clock, maintenance=windows)
    alerts.tick()
    clock.now += timedelta(days=1)
    alerts.tick()
    assert announced(store, notes) == [
        note(
            "maintenance",
            "Maintenance started on drift checks on lab until 14:00 UTC; alerts suppressed",
        ),
        note("ok", "Maintenance ended on drift checks on lab; no alerts firing"),
    ]


def test_a_window_missed_entirely_or_without_slack_is_not_announced(store: HealthStore) -> None:
    clock = Clock()
    quiet = AlertEngine(store, HealthSettings(maintenance=[patching(clock)]), clock=clock)
    clock.now += timedelta(minutes=5)
    quiet.tick()  # a process that cannot post leaves the notice to the one that can
    assert store.unsent_notices() == []
    clock.now += timedelta(hours=3)
    alerts, notes = engine(store, clock, maintenance=[patching(clock, start=clock.now)])
    alerts.tick()  # the other window ended before anyone could announce its start
    assert len(announced(store, notes)) == 1


def test_announced_times_are_utc_whatever_offset_the_window_was_written_in(
    store: HealthStore,
) -> None:
    clock = Clock()
    paris = timezone(timedelta(hours=1))
    window = patching(
        clock, start=clock.now.astimezone(paris), end=datetime(2026, 1, 2, 3, tzinfo=paris)
    )
    alerts, notes = engine(store, clock, maintenance=[window])
    alerts.tick()
    assert "until 2026-01-02 02:00 UTC: patching" in plain(announced(store, notes)[0])


def test_duration_text() -> None:
    assert duration_text(timedelta(seconds=42)) == "42s"
    assert duration_text(timedelta(hours=2, minutes=3)) == "2h 3m"
    assert duration_text(timedelta(days=1, hours=1, minutes=5)) == "1d 1h"


def test_resolved_state_reads_as_words_with_the_passing_summary() -> None:
    back_home = CheckResult(
        "lab",
        "applications",
        "ctiapp_ivr",
        True,
        "warning",
        "on primary cucm-sub1",
        {"primary": "cucm-sub1", "nodes": ["cucm-sub1"]},
        node="cucm-sub1",
    )
    state = resolved_state(back_home)
    assert state_text(state) == "state: on primary cucm-sub1, primary: cucm-sub1, nodes: cucm-sub1"
    started = CheckResult(
        "lab", "services", "x", True, "critical", "Started", {"status": "Started"}
    )
    assert state_text(resolved_state(started)) == "status: Started"
