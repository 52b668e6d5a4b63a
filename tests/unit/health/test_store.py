"""The health store's own guarantees, on SQLite and on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.health.store import CHECK_RUNS_KEPT, CheckRunRecord, HealthStore
from tests.change_sets import add_change, open_set

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def stores(db_url: str) -> Iterator[tuple[HealthStore, ChangeLog]]:
    engine = make_engine(db_url)
    yield HealthStore(engine), ChangeLog(engine)
    engine.dispose()


@pytest.fixture
def store(stores: tuple[HealthStore, ChangeLog]) -> HealthStore:
    return stores[0]


def test_a_maintenance_notice_is_claimed_once(store: HealthStore) -> None:
    first = store.claim_notice("lab|*|*|2026-03-01T09:00:00+00:00", "start", T0, "patching")
    assert first is not None
    assert store.claim_notice("lab|*|*|2026-03-01T09:00:00+00:00", "start", T0, "again") is None
    assert store.claim_notice("lab|*|*|2026-03-01T09:00:00+00:00", "end", T0, "done") is not None
    assert [n.phase for n in store.unsent_notices()] == ["start", "end"]
    store.notice_sent(first.id, "CALERTS", "1700000000.000100")
    assert [n.phase for n in store.unsent_notices()] == ["end"]
    assert store.notice_phases("lab|*|*|2026-03-01T09:00:00+00:00") == {"start", "end"}


def test_check_runs_are_bounded_and_the_newest_per_check_is_found(store: HealthStore) -> None:
    for i in range(CHECK_RUNS_KEPT + 5):
        at = T0 + timedelta(seconds=i)
        store.record_run(CheckRunRecord("services", "lab", at, 1.5, i % 2 == 0, None))
    store.record_run(CheckRunRecord("drift", "lab", T0, 2.0, False, "AXL timed out"))
    store.record_run(CheckRunRecord("services", "prod", T0, 3.0, True, None))

    newest = store.last_runs("lab")
    assert set(newest) == {"services", "drift"}
    assert newest["services"].at == T0 + timedelta(seconds=CHECK_RUNS_KEPT + 4)
    assert newest["services"].ok is True
    assert newest["drift"] == CheckRunRecord("drift", "lab", T0, 2.0, False, "AXL timed out")
    assert store.last_runs("prod")["services"].ok is True


def test_times_come_back_as_the_same_instant_in_utc(store: HealthStore) -> None:
    """Stored without a zone on both engines; whatever offset went in, UTC comes out."""
    paris = timezone(timedelta(hours=1))
    starts = datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=paris)
    silence = store.add_silence(
        "node", "cucm-sub1", "lab", starts, starts + timedelta(hours=4), "patching", "UOPER1"
    )
    again = store.get_silence(silence.id)
    assert again is not None
    assert again.starts_at == T0 and again.starts_at.tzinfo is UTC
    assert [s.id for s in store.silences(T0 + timedelta(hours=3))] == [silence.id]
    assert store.silences(T0 + timedelta(hours=4)) == []
    cancelled = store.cancel_silence(silence.id, T0 + timedelta(minutes=5))
    assert cancelled is not None and cancelled.cancelled_at == T0 + timedelta(minutes=5)
    assert store.cancel_silence(silence.id, T0) is None


def test_a_drift_baseline_is_created_then_replaced(store: HealthStore) -> None:
    assert store.baseline("lab|line:7000/PT_CTI") is None
    store.save_baseline("lab|line:7000/PT_CTI", "lab", {"cfna": "6000"}, T0)
    store.save_baseline("lab|line:7000/PT_CTI", "lab", {"cfna": "6001"}, T0 + timedelta(days=1))
    assert store.baseline("lab|line:7000/PT_CTI") == ({"cfna": "6001"}, T0 + timedelta(days=1))


def test_provisioned_objects_are_the_newest_applied_writes_still_in_place(
    stores: tuple[HealthStore, ChangeLog],
) -> None:
    store, log = stores
    created = open_set(log, "create-ports")
    for seq, name in enumerate(["CTIP1", "CTIP2"], start=1):
        change = add_change(
            log,
            created,
            seq=seq,
            operation="addPhone",
            object_type="cti_port",
            object_name=name,
            after={"name": name},
        )
        log.update_change(change, status="applied")
    removed = open_set(log, "remove-ports")
    change = add_change(
        log,
        removed,
        operation="removePhone",
        object_type="cti_port",
        object_name="CTIP2",
        before={"name": "CTIP2"},
        after=None,
    )
    log.update_change(change, status="applied")

    assert [o.name for o in store.provisioned("lab", ["cti_port"])] == ["CTIP1"]
    assert store.provisioned("prod", ["cti_port"]) == []
