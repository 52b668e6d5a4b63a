"""Health results the database refuses: the alert channel is told, once, and again on recovery.

Before, the scheduler logged the failure and went on: results and alerts were
lost with nothing in Slack to say monitoring had gone blind.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.health.conftest import ALERTS, Health
from tests.unwritable import make_read_only


def _said(health: Health, words: str) -> list[str]:
    assert health.notifier.flush(10)
    return [
        c.params["text"]
        for c in health.fake.calls_to("chat.postMessage")
        if c.status == 200
        and c.params.get("channel") == ALERTS
        and words in c.params.get("text", "")
    ]


def test_a_database_that_refuses_results_raises_an_alert_in_slack(
    make_health: Callable[..., Health],
) -> None:
    health = make_health()
    writable_again = make_read_only(health.store.engine)

    health.scheduler.run("lab", "services")
    health.scheduler.run("lab", "services")  # still failing: said once, not per run
    [alarm] = _said(health, "cannot record health results")
    assert "readonly" in alarm and "no alert can fire" in alarm
    assert "INSERT" not in alarm  # the cause in one line, not the statement and its data

    writable_again()
    health.scheduler.run("lab", "services")
    assert len(_said(health, "records health results again")) == 1
    health.scheduler.run("lab", "services")
    assert len(_said(health, "records health results again")) == 1
    assert len(_said(health, "cannot record health results")) == 1
