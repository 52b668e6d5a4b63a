"""`/cti silence`, `/cti silences` and `/cti unsilence` typed through the Runner."""

from __future__ import annotations

import pytest

from commands.engine.base import Actor, Reply, Role
from commands.engine.runner import Runner
from tests.integration.health.conftest import Health, runner

OPERATOR = Actor("UOPER1", "oper", "C1")
VIEWER = Actor("UVIEW1", "viewer", "C1")
SUBJECT = "CTIManager/cucm-sub1"


@pytest.fixture
def cti(health: Health) -> Runner:
    return runner(health)


def run(cti: Runner, text: str, actor: Actor = OPERATOR, role: Role = Role.OPERATOR) -> Reply:
    reply = cti.handle(text, actor, role)
    assert isinstance(reply, Reply), reply
    return reply


def silence_id(reply: Reply) -> int:
    assert reply.status == "ok", reply.as_text()
    return int(reply.title.split("#", 1)[1].split(":", 1)[0])


def test_a_viewer_may_list_but_not_silence(cti: Runner, health: Health) -> None:
    denied = run(cti, "/cti silence node cucm-sub1 1h", VIEWER, Role.VIEWER)
    assert denied.status == "denied"
    assert health.engine.silences() == []
    assert run(cti, "/cti silences", VIEWER, Role.VIEWER).title == "No silences in force"
    assert run(cti, "/cti unsilence 1", VIEWER, Role.VIEWER).status == "denied"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/cti silence node cucm-sub1 4x", "`4x` is not a duration; use e.g. 30m, 4h or 1d."),
        ("/cti silence node cucm-sub1 0m", "A silence lasts between 1 minute and 30 days."),
        ("/cti silence node cucm-sub1 31d", "A silence lasts between 1 minute and 30 days."),
        ("/cti silence node cucm-sbu1 1h", "`cucm-sbu1` is not a node of lab; known: cucm-pub"),
        ("/cti silence check ctimanager 1h", "`ctimanager` is not a health check; known:"),
        ("/cti silence cluster prod 1h", "`prod` is not a configured cluster; known: lab."),
        ("/cti silence rack r1 1h", "rack"),
        ("/cti silence node cucm-sub1", "duration"),
        ("/cti unsilence abc", "`abc` is not a silence id: use the number from `/cti silences`."),
    ],
)
def test_bad_arguments_are_usage_errors(
    cti: Runner, health: Health, text: str, expected: str
) -> None:
    reply = run(cti, text)
    assert reply.status == "error", reply.as_text()
    assert expected in reply.as_text()
    assert "Usage: `/cti " in reply.as_text()
    assert health.engine.silences() == []


def test_node_silence_keeps_a_new_alert_out_of_the_channel_until_unsilenced(
    cti: Runner, health: Health
) -> None:
    reply = run(cti, "/cti silence node CUCM-SUB1 1h patching sub1")
    number = silence_id(reply)
    assert reply.title.startswith(f"Silence #{number}: node cucm-sub1 until ")
    listed = run(cti, "/cti silences", VIEWER, Role.VIEWER)
    assert listed.table is not None
    (row,) = listed.table.rows
    assert row[0] == f"#{number}" and row[1] == "node cucm-sub1" and row[2] == "lab"
    assert row[3].endswith(" UTC") and row[4:] == ("UOPER1", "patching sub1")

    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    assert health.alert("services", SUBJECT).state == "silenced"
    assert health.posts() == []

    ended = run(cti, f"/cti unsilence {number}")
    assert ended.title == f"Silence #{number} ended"
    assert health.notifier.flush(5)
    assert health.alert("services", SUBJECT).state == "firing"
    (post,) = health.posts()
    assert "[CRITICAL] CTIManager down on cucm-sub1 (lab)" in post.params["text"]
    assert run(cti, "/cti silences", VIEWER, Role.VIEWER).title == "No silences in force"
    assert run(cti, f"/cti unsilence {number}").status == "warning"  # already over


def test_silencing_a_firing_alert_is_recorded_in_its_thread(cti: Runner, health: Health) -> None:
    health.control("cucm-sub1", "Stop")
    health.sweep("services", times=2)
    assert len(health.posts()) == 1
    number = silence_id(run(cti, "/cti silence check services 30m known work"))
    assert health.notifier.flush(5)
    assert health.alert("services", SUBJECT).state == "silenced"
    replies = [r.params["text"] for r in health.replies()]
    assert any(
        "silenced by <@UOPER1> until" in line and f"(#{number}): known work" in line
        for line in replies
    ), replies
    run(cti, f"/cti unsilence {number}")
    assert health.notifier.flush(5)
    assert health.replies()[-1].params["text"] == "silence over, still failing"
    assert len(health.posts()) == 1  # the same message, edited; not a second one


def test_a_node_name_taken_as_typed_must_fit_the_silences_table(
    cti: Runner, health: Health
) -> None:
    """With AXL down the node cannot be checked and is kept as typed; one longer than the
    column is refused with a message (SQLite would store it, PostgreSQL would raise)."""
    health.sim.inject_fault("listProcessNode", "reset", count=10)
    reply = run(cti, f"/cti silence node {'n' * 256} 1h")
    assert reply.status == "error", reply.as_text()
    assert "is 256 characters; a node name has at most 255." in reply.as_text()
    assert health.engine.silences() == []
    typed = run(cti, "/cti silence node cucm-sub9 1h")
    assert "Could not check that cucm-sub9 is a node" in typed.as_text()
