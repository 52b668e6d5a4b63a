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


def _attachment_text(params: dict) -> str:
    blocks = params["attachments"][0]["blocks"]
    parts = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text["text"])
        parts += [f["text"] for f in block.get("fields", [])]
    return "\n".join(parts)


def test_a_resolved_alert_shows_the_state_that_resolved_it(health: Health) -> None:
    health.sweep("services")
    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    alert = health.alert("services", SUBJECT)
    assert alert.state == "firing" and alert.details["status"] == "Stopped"
    firing = _attachment_text(health.posts()[-1].params)
    assert "*status:* Stopped" in firing

    health.control("cucm-sub1", "Start")
    health.sweep("services", times=2)
    resolved = health.alert("services", SUBJECT)
    assert resolved.state == "resolved" and resolved.details == {"status": "Started"}
    update = health.fake.calls_to("chat.update")[-1].params
    assert update["ts"] == alert.message_ts
    text = _attachment_text(update)
    assert "*RESOLVED* after" in text and "now status: Started" in text
    assert "*status:* Started" in text
    assert "Stopped" not in text and "reason" not in text
    replies = [
        r.params["text"] for r in health.replies() if r.params["thread_ts"] == alert.message_ts
    ]
    assert any("RESOLVED after" in r and "status: Started" in r for r in replies), replies
