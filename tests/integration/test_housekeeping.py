"""Housekeeping on a real SQLite file: old rows go, recent and active ones stay, and the
serving process schedules it even with the health checks disabled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.bootstrap import bootstrap
from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, upgrade
from bot.changelog.deliveries import seen_before
from bot.changelog.models import PendingConfirmation, SlackDelivery, utcnow
from bot.config import load_settings
from bot.health.capacity import Sample
from bot.health.models import AlertEvent, CapacitySample
from bot.health.scheduler import HOUSEKEEPING_JOB
from bot.health.store import AlertRecord, HealthStore
from bot.housekeeping import Housekeeper, Pruned
from tests.confirmations import offer
from tests.waiting import wait_until

NOW = utcnow()
OLD = NOW - timedelta(days=120)


def alert(store: HealthStore, subject: str, **state: object) -> AlertRecord:
    base = {
        "cluster": "lab",
        "check": "devices",
        "subject": subject,
        "severity": "warning",
        "summary": f"{subject} closed",
    }
    return store.save_alert(f"lab|devices|{subject}", {**base, **state})


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def test_old_rows_are_pruned_and_recent_or_active_ones_kept(db_url: str) -> None:
    """On SQLite and on PostgreSQL (tests/conftest.py)."""
    engine = make_engine(db_url)
    confirmations, health = ConfirmationStore(engine), HealthStore(engine)
    for n in range(50):
        seen_before(engine, f"old{n}", now=NOW - timedelta(days=2))
    seen_before(engine, "recent", now=NOW - timedelta(minutes=10))
    stale = offer(confirmations, now=NOW - timedelta(hours=1)).token  # pending, past its deadline
    fresh = offer(confirmations, now=NOW - timedelta(minutes=1)).token
    decided = offer(confirmations, now=NOW - timedelta(days=30)).token
    confirmations.decide(decided, actor_id="U2", decision="consumed", now=NOW - timedelta(days=30))
    gone = alert(health, "a", state="resolved", resolved_at=OLD)
    health.add_event(gone.id, OLD, "resolved", "RESOLVED")
    firing = alert(health, "b", state="firing", fired_at=OLD)
    health.add_event(firing.id, OLD, "changed", "long ago")
    health.add_event(firing.id, NOW, "changed", "today")
    recent = alert(health, "c", state="resolved", resolved_at=NOW)
    ended = health.add_silence("check", "devices", "lab", OLD, OLD + timedelta(hours=1), "", "U1")
    active = health.add_silence("check", "limits", "lab", NOW, NOW + timedelta(hours=1), "", "U1")
    health.capacity.record(
        "lab",
        [Sample("node/cucm-sub1", NOW - timedelta(days=d), 10 + d, 800) for d in (31, 29, 0)],
    )

    pruned = Housekeeper(engine, confirmations, health, timedelta(days=90))(NOW)

    assert pruned == Pruned(
        deliveries=50,
        confirmations_expired=1,
        confirmations_purged=1,
        health_rows=4,
        capacity_samples=1,
    )
    kept = health.capacity.since("lab", NOW - timedelta(days=40))
    assert [s.open for s in kept] == [39, 10] and count(engine, CapacitySample) == 2
    assert count(engine, SlackDelivery) == 1 and seen_before(engine, "recent")
    assert confirmations.get(stale).status == "expired"
    assert confirmations.get(fresh).status == "pending"
    assert confirmations.get(decided) is None
    assert count(engine, PendingConfirmation) == 2
    assert health.get_alert("lab|devices|a") is None
    assert health.get_alert("lab|devices|b") is not None
    assert [e.text for e in health.events(firing.id)] == ["today"]
    assert health.get_alert("lab|devices|c") == recent
    assert count(engine, AlertEvent) == 1
    assert health.get_silence(ended.id) is None and health.get_silence(active.id) == active
    assert Housekeeper(engine, confirmations, health, timedelta(days=90))(NOW) == Pruned(
        0, 0, 0, 0, 0
    )


def test_the_serving_process_schedules_housekeeping_with_checks_disabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cti.db"
    config = tmp_path / "ctibot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n'
        '[[clusters]]\nname = "lab"\nhost = "127.0.0.1"\nport = 1\nscheme = "http"\n'
        'username = "axladmin"\n'
        "[health]\nenabled = false\nhistory_days = 30\n"
    )
    monkeypatch.setenv("CTIBOT_LAB_PASSWORD", "pw")
    upgrade(f"sqlite:///{db}")
    engine = make_engine(f"sqlite:///{db}")
    seen_before(engine, "old", now=NOW - timedelta(days=2))
    health = HealthStore(engine)
    alert(health, "a", state="resolved", resolved_at=NOW - timedelta(days=31))
    bot = bootstrap(load_settings(config), slack=False)
    try:
        bot.monitor.start(checks=False)
        scheduler = bot.monitor.scheduler.scheduler
        assert scheduler is not None
        assert HOUSEKEEPING_JOB in {job.id for job in scheduler.get_jobs()}
        assert not [job for job in scheduler.get_jobs() if "@" in job.id]  # no checks
        wait_until(lambda: count(engine, SlackDelivery) == 0)
        wait_until(lambda: health.get_alert("lab|devices|a") is None)
    finally:
        bot.close()
