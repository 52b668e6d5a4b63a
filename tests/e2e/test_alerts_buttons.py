"""Acknowledge and Silence clicks, signed over HTTP or over Socket Mode, edit the alert message."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import __version__
from bot.demo.fake_slack import FakeSlack, Upload
from bot.demo.loopback import Loopback, Peer, Roles, start
from bot.health.alerts import AlertEngine
from bot.health.capacity import Sample
from bot.health.checks.base import CheckResult
from bot.slack.alert_notifier import AlertNotifier
from bot.slack.alerts_render import ACK_ACTION
from tests.e2e.slack_helpers import reply_to, run
from tests.waiting import wait_until

OPERATOR, VIEWER = "UOPER1", "UVIEW1"


@dataclass
class AlertStack:
    fake: FakeSlack
    peer: Peer
    engine: AlertEngine
    notifier: AlertNotifier
    loopback: Loopback


@pytest.fixture(params=["http", "socket_mode"])
def stack(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[AlertStack]:
    roles = Roles(operators=[OPERATOR], viewers=[VIEWER])
    loopback = start(tmp_path, roles=roles, socket_mode=request.param == "socket_mode")
    bot = loopback.bot
    assert bot.app is not None and bot.client is not None
    notifier = bot.monitor.notifier
    assert isinstance(notifier, AlertNotifier), "bootstrap builds it when Slack is configured"
    notifier.start()
    engine = bot.monitor.alerts
    try:
        yield AlertStack(loopback.fake, loopback.peer, engine, notifier, loopback)
    finally:
        notifier.stop()
        loopback.stop()


def _fire(stack: AlertStack) -> tuple[int, str]:
    failing = CheckResult(
        "lab",
        "services",
        "CTIManager/cucm-sub1",
        False,
        "critical",
        "CTIManager down on cucm-sub1 (lab)",
        node="cucm-sub1",
    )
    for _ in range(2):
        stack.engine.process("lab", "services", [failing])
    assert stack.notifier.flush(5)
    alert = stack.engine.store.get_alert("lab|services|CTIManager/cucm-sub1")
    assert alert is not None and alert.message_ts
    return alert.id, alert.message_ts


def _click(
    stack: AlertStack, action_id: str, alert_id: int, user: str, ts: str, key: str = ""
) -> int:
    """The click as Slack sends it; the bot answers on the response_url named by `key`."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T0CTIBOT"},
        "api_app_id": "A0CTI",
        "team": {"id": "T0CTIBOT"},
        "container": {"type": "message", "message_ts": ts, "channel_id": "CALERTS"},
        "trigger_id": f"{time.time_ns()}.click",
        "channel": {"id": "CALERTS"},
        "message": {"ts": ts},
        "response_url": stack.fake.response_url(key or f"alert{time.time_ns()}"),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": f"health_alert_{alert_id}",
                "value": str(alert_id),
                "action_ts": str(time.time()),
            }
        ],
    }
    return stack.peer.interact(payload).status_code


def test_viewer_is_refused_and_operator_acknowledges(stack: AlertStack) -> None:
    alert_id, ts = _fire(stack)
    assert _click(stack, ACK_ACTION, alert_id, VIEWER, ts) == 200
    refusal = stack.fake.wait_for("response_url")[-1]
    assert "needs the *operator* role" in refusal.params.get("text", json.dumps(refusal.params))
    assert stack.engine.store.get_alert_by_id(alert_id).state == "firing"

    assert _click(stack, ACK_ACTION, alert_id, OPERATOR, ts) == 200
    wait_until(lambda: stack.engine.store.get_alert_by_id(alert_id).state == "acknowledged")
    update = stack.fake.wait_for(
        "chat.update", where=lambda c: "[ACKNOWLEDGED]" in c.params.get("text", "")
    )[-1]
    assert update.params["ts"] == ts
    stack.fake.wait_for(
        "chat.postMessage",
        where=lambda c: (
            c.params.get("thread_ts") == ts
            and f"acknowledged by <@{OPERATOR}>" in c.params.get("text", "")
        ),
    )
    assert stack.engine.store.get_alert_by_id(alert_id).acked_by == OPERATOR


def test_a_refused_click_is_recorded_like_a_refused_slash_command(stack: AlertStack) -> None:
    """The runner refuses a click, so the refusal reaches the change log's audit trail and
    reads the same as the command typed by hand."""
    alert_id, ts = _fire(stack)
    key = f"refused{time.time_ns()}"
    assert _click(stack, "health_alert_silence_1h", alert_id, VIEWER, ts, key) == 200
    clicked = reply_to(stack.loopback, key)
    typed = run(stack.loopback, f"alert silence {alert_id} 1h from the alert", VIEWER)

    changelog = stack.loopback.bot.changelog
    denials = [r for r in changelog.query(actor_id=VIEWER) if r.status == "denied"]
    assert [(r.command, r.command_text, r.error) for r in denials] == [
        (
            "alert silence",
            f"/cti alert silence {alert_id} 1h from the alert",
            "needs role operator; actor has viewer",
        )
    ] * 2
    assert {r.channel_id for r in denials} == {"CALERTS", "CCTI"}  # the click's, the command's
    assert clicked["text"] == typed["text"]
    assert "needs the *operator* role; you have *viewer*" in clicked["text"]
    assert stack.engine.store.silences(datetime.now(UTC)) == []


def test_silence_button_silences_for_four_hours(stack: AlertStack) -> None:
    alert_id, ts = _fire(stack)
    assert _click(stack, "health_alert_silence_4h", alert_id, OPERATOR, ts) == 200
    wait_until(lambda: stack.engine.store.get_alert_by_id(alert_id).state == "silenced")
    silence = stack.engine.store.silences(stack.engine.store.get_alert_by_id(alert_id).fired_at)[0]
    assert silence.created_by == OPERATOR
    assert round((silence.ends_at - silence.starts_at).total_seconds()) == 4 * 3600
    stack.fake.wait_for("chat.update", where=lambda c: "[SILENCED]" in c.params.get("text", ""))


def test_alert_links_its_runbook_section_at_the_installed_version(stack: AlertStack) -> None:
    _, ts = _fire(stack)
    posted = stack.fake.wait_for("chat.postMessage", where=lambda c: c.params.get("ts") != ts)
    blocks = json.loads(json.dumps(posted[-1].params["attachments"]))[0]["blocks"]
    context = next(b for b in blocks if b["type"] == "context")["elements"][0]["text"]
    url = f"https://github.com/ctibot/ctibot/blob/v{__version__}/docs/operations.md#services"
    assert f"<{url}|Runbook: CTIManager down on a node>" in context, context


def test_a_limits_alert_carries_the_capacity_chart_in_its_thread(stack: AlertStack) -> None:
    now = datetime.now(UTC)
    stack.engine.store.capacity.record(
        "lab", [Sample("node/cucm-sub1", now - timedelta(hours=h), 700 + h, 800) for h in range(6)]
    )
    near = CheckResult(
        "lab", "limits", "node/cucm-sub1", False, "warning", "CTIManager on cucm-sub1: 700 of 800"
    )
    for _ in range(2):
        stack.engine.process("lab", "limits", [near])
    assert stack.notifier.flush(10)
    alert = stack.engine.store.get_alert("lab|limits|node/cucm-sub1")
    assert alert is not None and alert.message_ts

    def charted() -> list[Upload]:
        return [u for u in stack.fake.shared_files() if u.thread_ts == alert.message_ts]

    (chart,) = wait_until(charted, timeout=10)
    assert chart.channel == "CALERTS" and chart.content is not None
    assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")
