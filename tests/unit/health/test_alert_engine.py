"""The state machine on its own: firing, flaps, reminders and maintenance windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.changelog.db import make_engine, upgrade
from bot.config import HealthSettings
from bot.health.alerts import AlertEngine, duration_text
from bot.health.checks.base import CheckResult
from bot.health.store import HealthStore

KEY = "lab|services|CTIManager/cucm-sub1"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str]] = []

    def post(self, alert_id: int) -> None:
        self.calls.append(("post", alert_id, ""))

    def update(self, alert_id: int, line: str) -> None:
        self.calls.append(("update", alert_id, line))


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
        "CTIManager down on cucm-sub1 (lab)",
        node="cucm-sub1",
    )


@pytest.fixture
def store(tmp_path: Path) -> HealthStore:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    upgrade(url)
    return HealthStore(make_engine(url))


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
    assert notes.calls[-1] == ("update", store.get_alert(KEY).id, "RESOLVED after 5m")


def test_a_missing_subject_passes_only_on_a_complete_run(store: HealthStore) -> None:
    alerts, _ = engine(store, Clock(), fire_after=1, resolve_after=1)
    alerts.process("lab", "services", [result(False)])
    alerts.process("lab", "services", [], complete=False)
    assert store.get_alert(KEY).state == "firing"
    alerts.process("lab", "services", [])
    assert store.get_alert(KEY).state == "resolved"


def test_reminders_until_acknowledged(store: HealthStore) -> None:
    clock = Clock()
    alerts, notes = engine(store, clock, fire_after=1, reminder_interval=3600)
    alerts.process("lab", "services", [result(False)])
    clock.now += timedelta(hours=1)
    alerts.tick()
    assert "still failing after 1h" in notes.calls[-1][2]
    alerts.acknowledge(store.get_alert(KEY).id, "UOPER1")
    count = len(notes.calls)
    clock.now += timedelta(hours=5)
    alerts.tick()
    assert len(notes.calls) == count


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
    assert store.get_alert(KEY).state == "silenced" and notes.calls == []
    clock.now += timedelta(hours=2)
    alerts.process("lab", "services", [result(False)])
    assert store.get_alert(KEY).state == "firing"
    assert [c[0] for c in notes.calls] == ["post"]


def test_duration_text() -> None:
    assert duration_text(timedelta(seconds=42)) == "42s"
    assert duration_text(timedelta(hours=2, minutes=3)) == "2h 3m"
    assert duration_text(timedelta(days=1, hours=1, minutes=5)) == "1d 1h"
