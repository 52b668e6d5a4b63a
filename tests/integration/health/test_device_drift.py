"""Drift of a provisioned route point's lines: the change log's after-state against AXL."""

from __future__ import annotations

from bot.slack.alerts_render import link
from commands.workflows import routepoints
from cucmsim.model import key
from tests.e2e.slack_helpers import mrkdwn_texts
from tests.integration.health.conftest import Health, provision

RP = "RP_DRIFT"


def provision_route_point(health: Health) -> None:
    text = f"/cti create-routepoint {RP} 7491 partition=PT_CTI max-calls=4 busy-trigger=3"
    provision(health, routepoints.COMMANDS, text)


def test_line_settings_changed_outside_the_bot_are_drift(health: Health) -> None:
    provision_route_point(health)
    health.sweep("drift")
    assert health.alert("drift", f"route_point/{RP}") is None  # as the bot left it
    with health.sim.cluster.lock:
        line = health.sim.cluster.devices[key(RP)].lines[0]
        line.max_num_calls = 10
        line.busy_trigger = 1
    health.sweep("drift", times=2)
    alert = health.alert("drift", f"route_point/{RP}")
    assert alert.state == "firing" and alert.severity == "warning"
    assert alert.details["changed"] == {
        "line 1 max calls": {"expected": 4, "actual": 10},
        "line 1 busy trigger": {"expected": 3, "actual": 1},
    }
    assert alert.summary.startswith(f"CTI Route Point {RP} changed outside the bot: ")
    assert "Line 1 max calls 4 -> 10, Line 1 busy trigger 3 -> 1" in alert.summary
    posted = health.posts()[-1].params["attachments"][0]["blocks"]
    text = "\n".join(b["text"]["text"] for b in posted if isinstance(b.get("text"), dict))
    assert "Line 1 max calls: 10 (ctibot left 4)" in text
    assert "Line 1 busy trigger: 1 (ctibot left 3)" in text
    fields = [f["text"] for b in posted for f in b.get("fields", [])]
    assert f"*Check*\ndrift · CTI Route Point {RP}" in fields
    assert "{'" not in text and "route_point" not in text + "".join(fields)


def test_a_line_moved_to_another_dn_is_drift(health: Health) -> None:
    provision_route_point(health)
    health.sweep("drift")
    with health.sim.cluster.lock:
        health.sim.cluster.devices[key(RP)].lines[0].pattern = "7492"
    health.sweep("drift", times=2)
    changed = health.alert("drift", f"route_point/{RP}").details["changed"]
    assert changed == {"line 1 pattern": {"expected": "7491", "actual": "7492"}}


EVIL = "<!channel> call <http://evil.example/x|Cisco TAC> & <!subteam^S0OPS|ops>"


def test_a_description_set_in_cucm_is_shown_not_acted_on_in_drift_alerts(health: Health) -> None:
    """Every mrkdwn text the alert channel gets has the value escaped: no broadcast,
    no group ping, no disguised link."""
    provision_route_point(health)
    health.sweep("drift")
    with health.sim.cluster.lock:
        health.sim.cluster.devices[key(RP)].description = EVIL
    health.sweep("drift", times=2)
    alert = health.alert("drift", f"route_point/{RP}")
    assert alert.state == "firing"
    (post,) = health.posts(lambda c: RP in c.params.get("text", ""))
    texts = mrkdwn_texts(post.params)
    assert texts and any("&lt;!channel&gt;" in t for t in texts), texts
    own_link = link(alert)  # the one link ctibot writes itself
    for text in texts:
        shown = text.replace(own_link, "")
        assert "<!" not in shown and "<http" not in shown, text
    escaped = "&lt;http://evil.example/x|Cisco TAC&gt; &amp; &lt;!subteam^S0OPS|ops&gt;"
    assert any(escaped in t for t in texts), texts
