"""A configured maintenance window over Slack: one message at its start, one at its end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tests.integration.health.conftest import Health

SUBJECT = "CTIManager/cucm-sub1"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def texts(health: Health) -> list[str]:
    return [c.params["text"] for c in health.posts()]


def test_window_start_and_end_announced_once_across_a_restart(
    make_health: Callable[..., Health],
) -> None:
    clock = Clock(datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0))
    window = {
        "cluster": "lab",
        "node": "cucm-sub1",
        "start": clock.now,
        "end": clock.now + timedelta(hours=2),
        "reason": "patching",
    }
    health = make_health(clock=clock, maintenance=[window])
    health.engine.tick()
    health.engine.tick()
    assert health.notifier.flush(5)
    assert texts(health) == [
        ":construction: Maintenance started on cucm-sub1 (lab) until 02:00 UTC: patching; "
        "alerts suppressed"
    ]
    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    assert health.alert("services", SUBJECT).state == "silenced"
    assert len(health.posts()) == 1  # the alert fired inside the window: tracked, not posted
    health.notifier.stop()

    again = make_health(clock=clock, maintenance=[window])  # a restart on the same database
    again.engine.resync()
    clock.now += timedelta(hours=2)
    again.engine.tick()
    again.engine.tick()
    assert again.notifier.flush(5)
    posted = texts(again)
    assert len(posted) == 3, posted
    assert posted[1] == (
        ":white_check_mark: Maintenance ended on cucm-sub1 (lab): patching; 1 alert still "
        "firing: [CRITICAL] CTIManager down on cucm-sub1 (lab)"
    )
    assert "[CRITICAL] CTIManager down on cucm-sub1 (lab)" in posted[2]  # the alert, re-notified
    assert again.alert("services", SUBJECT).state == "firing"
    assert all(c.params["channel"] == "CALERTS" for c in again.posts())


def test_a_notice_claimed_but_never_sent_is_sent_once_after_a_restart(health: Health) -> None:
    notice = health.store.claim_notice("lab|*|*|x", "started", datetime.now(UTC), "Maintenance …")
    assert notice is not None
    assert health.store.claim_notice("lab|*|*|x", "started", datetime.now(UTC), "again") is None
    health.engine.resync()
    health.engine.resync()  # queued twice: the notifier re-reads the row and posts once
    assert health.notifier.flush(5)
    assert texts(health) == ["Maintenance …"]
    assert health.store.unsent_notices() == []
