"""CTIManager stopped through soapDoControlServices: one alert, edited in place to resolved."""

from __future__ import annotations

from tests.integration.health.conftest import Health

SUBJECT = "CTIManager/cucm-sub1"


def test_healthy_cluster_raises_nothing(health: Health) -> None:
    health.sweep(times=2)
    assert health.firing() == {}
    assert health.posts() == []


def test_stop_fires_once_after_fire_after_runs_and_start_resolves(health: Health) -> None:
    health.sweep("services")
    health.control("cucm-sub1", "Stop")

    health.sweep("services")
    assert health.alert("services", SUBJECT).state == "pending"
    assert health.posts() == []

    health.sweep("services")
    alert = health.alert("services", SUBJECT)
    assert alert.state == "firing"
    posts = health.posts()
    assert len(posts) == 1
    assert posts[0].params["text"] == ":red_circle: [CRITICAL] CTIManager down on cucm-sub1 (lab)"
    attachment = posts[0].params["attachments"][0]
    assert attachment["color"] == "#D40E0D"
    assert alert.message_ts and alert.channel == "CALERTS"

    health.sweep("services")  # still down: no second message
    assert len(health.posts()) == 1

    health.control("cucm-sub1", "Start")
    health.sweep("services")
    assert health.alert("services", SUBJECT).state == "firing"
    health.sweep("services")
    assert health.alert("services", SUBJECT).state == "resolved"

    assert len(health.posts()) == 1
    updates = health.fake.calls_to("chat.update")
    assert updates[-1].params["ts"] == alert.message_ts
    assert "[RESOLVED]" in updates[-1].params["text"]
    assert updates[-1].params["attachments"][0]["color"] == "#2EB67D"
    replies = [r for r in health.replies() if r.params["thread_ts"] == alert.message_ts]
    assert any("RESOLVED after" in r.params["text"] for r in replies)
