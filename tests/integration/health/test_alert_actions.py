"""`/cti alert ack` and `/cti alert silence`, the commands behind an alert's buttons,
typed through the Runner against a firing alert on the simulated cluster."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.slack.render import slack_text
from commands.engine.base import Actor, Reply, Role
from commands.engine.runner import Runner
from tests.integration.health.conftest import Health, runner

OPERATOR = Actor("UOPER1", "oper", "C1")
VIEWER = Actor("UVIEW1", "viewer", "C1")


@pytest.fixture
def cti(health: Health) -> Runner:
    return runner(health)


@pytest.fixture
def firing(health: Health) -> int:
    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    alert = health.alert("services", "CTIManager/cucm-sub1")
    assert alert.state == "firing"
    return int(alert.id)


def run(cti: Runner, text: str, actor: Actor = OPERATOR, role: Role = Role.OPERATOR) -> Reply:
    reply = cti.handle(text, actor, role)
    assert isinstance(reply, Reply), reply
    return reply


def test_ack_stops_reminders_once(cti: Runner, health: Health, firing: int) -> None:
    reply = run(cti, f"alert ack {firing}")
    assert (reply.status, reply.title) == ("ok", "Acknowledged: no more reminders for this alert.")
    alert = health.store.get_alert_by_id(firing)
    assert alert is not None and (alert.state, alert.acked_by) == ("acknowledged", "UOPER1")
    again = run(cti, f"alert ack {firing}")
    assert (again.status, again.title) == ("warning", "Already acknowledged.")
    assert [slack_text(line) for line in again.lines] == ["Acknowledged by <@UOPER1>."]


def test_silence_quiets_that_alert_for_the_duration(
    cti: Runner, health: Health, firing: int
) -> None:
    reply = run(cti, f"alert silence {firing} 4h from the alert")
    (silence,) = health.engine.silences()
    assert (reply.status, reply.title) == ("ok", f"Silenced for 4h (silence #{silence.id}).")
    assert (silence.matcher_kind, silence.reason) == ("alert", "from the alert")
    assert silence.ends_at - silence.starts_at == timedelta(hours=4)
    alert = health.store.get_alert_by_id(firing)
    assert alert is not None and alert.state == "silenced"


def test_a_viewer_is_refused_and_nothing_changes(cti: Runner, health: Health, firing: int) -> None:
    for text in (f"alert ack {firing}", f"alert silence {firing} 1h"):
        assert run(cti, text, VIEWER, Role.VIEWER).status == "denied"
    alert = health.store.get_alert_by_id(firing)
    assert alert is not None and (alert.state, alert.acked_by) == ("firing", None)
    assert health.engine.silences() == []


@pytest.mark.parametrize(
    ("text", "expected", "status"),
    [
        ("alert ack 99999", "This alert is gone; nothing to acknowledge.", "warning"),
        ("alert silence 99999 1h", "This alert no longer exists.", "warning"),
        ("alert ack twelve", "`twelve` is not an alert id", "error"),
        ("alert silence 1 4x", "`4x` is not a duration", "error"),
    ],
)
def test_unknown_alerts_and_bad_arguments_change_nothing(
    cti: Runner, health: Health, text: str, expected: str, status: str
) -> None:
    reply = run(cti, text)
    assert reply.status == status and expected in reply.as_text(), reply.as_text()
    assert health.engine.silences() == []
