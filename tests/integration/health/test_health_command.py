"""`/cti health` through the Runner against cucmsim, after the monitor's own sweeps."""

from __future__ import annotations

import re

from commands.base import Actor, Reply, Role
from cucmsim.cti import fail_app
from cucmsim.serviceability import lifecycle
from tests.integration.health.conftest import Health, runner

VIEWER = Actor("UVIEW", "viewer", "C1")
CHECK_TIME = r"\d\d:\d\d:\d\d UTC"


def board(health: Health) -> Reply:
    reply = runner(health).handle("/cti health", VIEWER, Role.VIEWER)
    assert isinstance(reply, Reply), reply
    return reply


def nodes(reply: Reply) -> dict[str, tuple[str, ...]]:
    assert reply.table is not None
    assert reply.table.headers == ("Node", "CTIManager", "Devices open / limit")
    return {row[0]: row[1:] for row in reply.table.rows}


def test_healthy_board_with_live_limits(health: Health) -> None:
    for name, value in (("CtiMaxDevicesPerNode", "500"), ("CtiMaxDevicesPerProvider", "4")):
        health.cucm.axl.update_service_parameter("cucm-sub1", "Cisco CTIManager", name, value)
    health.sweep()
    reply = board(health)
    assert reply.status == "ok", reply.as_text()
    assert reply.title == "CTI health of lab"
    assert nodes(reply) == {
        "cucm-pub": ("Not activated", "-"),
        "cucm-sub1": ("Started", "1/500 (0 %)"),
        "cucm-sub2": ("Started", "-"),
    }
    assert reply.lines == [":white_check_mark: ctiapp_ivr: on primary cucm-sub1"]
    fields = dict(reply.fields)
    assert fields["Devices open per provider"] == "ctiapp_ivr on cucm-sub1: 1/4 (25 %)"
    for check in ("applications", "devices", "drift", "heartbeat", "limits", "services"):
        assert re.search(rf"{check} {CHECK_TIME}(,|$)", fields["Last checks"]), fields
    assert fields["Active alerts"] == "none"


def test_stopped_ctimanager_shows_on_the_board_with_its_alert(health: Health) -> None:
    health.sweep()
    lifecycle.apply(health.sim.cluster, "cucm-sub1", "Cisco CTIManager", "Stop", transition_s=0)
    looked = board(health)
    assert nodes(looked)["cucm-sub1"][0] == "Stopped"
    assert health.firing() == {}  # looking at the board changes no alert

    health.sweep("services", "applications", "limits", times=2)
    reply = board(health)
    assert reply.status == "warning"
    rows = nodes(reply)
    assert rows["cucm-sub1"] == ("Stopped", "-")
    assert rows["cucm-sub2"][0] == "Started" and rows["cucm-sub2"][1].startswith("1/")
    assert reply.lines == [
        ":large_orange_circle: ctiapp_ivr: ctiapp_ivr failed over to backup cucm-sub2 (lab); "
        "it will not fail back by itself"
    ]
    active = dict(reply.fields)["Active alerts"].splitlines()
    assert "[FIRING] CTIManager down on cucm-sub1 (lab)" in active
    assert any("failed over to backup cucm-sub2" in line for line in active)
    assert dict(reply.fields)["Devices open per provider"].startswith("ctiapp_ivr on cucm-sub2: 1/")


def test_application_connected_nowhere(health: Health) -> None:
    fail_app(health.sim.cluster, "ctiapp_ivr")
    health.sweep("applications", times=2)
    reply = board(health)
    assert reply.lines == [
        ":red_circle: ctiapp_ivr: ctiapp_ivr connected nowhere (lab): calls going to CFOF/CFNA"
    ]
    assert dict(reply.fields)["Devices open per provider"] == "none open"
    assert "[FIRING] ctiapp_ivr connected nowhere" in dict(reply.fields)["Active alerts"]


def test_needs_the_viewer_role(health: Health) -> None:
    reply = runner(health).handle("/cti health", VIEWER, Role.NONE)
    assert isinstance(reply, Reply) and reply.status == "denied"
