"""Flapping, silences, acknowledgements, restarts and Slack rate limits."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.health.conftest import Health

SUBJECT = "CTIManager/cucm-sub1"


def test_flapping_never_fires(health: Health) -> None:
    for _ in range(2):
        health.control("cucm-sub1", "Stop")
        health.sweep("services")
        health.control("cucm-sub1", "Start")
        health.sweep("services")
    alert = health.alert("services", SUBJECT)
    assert alert.state == "resolved" and alert.fired_at is None
    assert alert.flaps == 2
    assert health.posts() == []


def test_restart_mid_alert_does_not_repost(health: Health, make_health) -> None:
    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    first = health.alert("services", SUBJECT)
    assert len(health.posts()) == 1
    health.notifier.stop()

    again: Health = make_health()  # new store, engine, notifier on the same database
    again.engine.resync()
    again.sweep("services", times=2)
    assert len(again.posts()) == 1
    again.control("cucm-sub1", "Start")
    again.sweep("services", times=2)
    assert again.alert("services", SUBJECT).state == "resolved"
    assert again.fake.calls_to("chat.update")[-1].params["ts"] == first.message_ts


def test_acknowledge_then_silence_edit_the_message(health: Health) -> None:
    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    alert = health.alert("services", SUBJECT)
    done, _ = health.engine.acknowledge(alert.id, "UOPER1")
    assert done
    assert not health.engine.acknowledge(alert.id, "UOPER1")[0]
    health.engine.silence_alert(alert.id, timedelta(hours=1), "UOPER1")
    assert health.notifier.flush(5)

    assert health.alert("services", SUBJECT).state == "silenced"
    updates = health.fake.calls_to("chat.update")
    assert "[ACKNOWLEDGED]" in updates[0].params["text"]
    assert "[SILENCED]" in updates[-1].params["text"]
    assert updates[-1].params["attachments"][0]["color"] == "#9E9E9E"
    lines = [r.params["text"] for r in health.replies()]
    assert any("acknowledged by <@UOPER1>" in line for line in lines)
    assert any("silenced by <@UOPER1>" in line for line in lines)
    assert len(health.posts()) == 1


def test_silenced_node_fires_without_posting_then_posts_when_cancelled(health: Health) -> None:
    silence = health.engine.add_silence("node", "cucm-sub1", "lab", timedelta(hours=1), "UOPER1")
    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    assert health.alert("services", SUBJECT).state == "silenced"
    assert health.posts() == []
    health.engine.cancel_silence(silence.id)
    assert health.notifier.flush(5)
    assert health.alert("services", SUBJECT).state == "firing"
    assert len(health.posts()) == 1


def test_slack_429_during_a_burst_loses_nothing(health: Health) -> None:
    health.fake.throttle("chat.postMessage", times=3, retry_after=0)
    for node in ("cucm-sub1", "cucm-sub2"):
        health.control(node, "Stop")
    health.sweep("services", "applications", times=2)
    firing = [a for a in health.store.alerts() if a.state == "firing"]
    assert len(firing) == 4  # two nodes, the cluster, the application
    assert all(a.message_ts for a in firing)
    assert len(health.posts()) == 4
    assert health.notifier.rate_limited >= 3
