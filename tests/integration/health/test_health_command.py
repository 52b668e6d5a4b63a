"""`/cti health` through the Runner against cucmsim, after the monitor's own sweeps."""

from __future__ import annotations

import re

from bot.slack.render import slack_text
from bot.text import plain
from commands.engine.base import Actor, Reply, Role
from commands.workflows.provision import ProvisionAppCommand
from cucmsim.cti import fail_app
from cucmsim.serviceability import lifecycle
from tests.integration.health.conftest import Health, provision, runner

VIEWER = Actor("UVIEW", "viewer", "C1")
CHECK_TIME = r"\d\d:\d\d:\d\d UTC"


def board(health: Health) -> Reply:
    reply = runner(health).handle("/cti health", VIEWER, Role.VIEWER)
    assert isinstance(reply, Reply), reply
    return reply


def shown(reply: Reply) -> list[str]:
    """The board's lines as Slack shows them (marks as emoji, emphasis as mrkdwn)."""
    return [slack_text(line) for line in reply.lines]


def fields_of(reply: Reply) -> dict[str, str]:
    return {key: plain(value) for key, value in reply.fields}


def app_lines(reply: Reply) -> list[str]:
    """The applications' lines: what comes before the provisioned devices."""
    lines = shown(reply)
    end = next(i for i, line in enumerate(lines) if "Provisioned devices" in line)
    return lines[:end]


def nodes(reply: Reply) -> dict[str, tuple[str, ...]]:
    assert reply.table is not None
    assert reply.table.headers == ("Node", "CTIManager", "CallManager", "Devices open / limit")
    return {row[0]: row[1:] for row in reply.table.rows}


def test_healthy_board_with_live_limits(health: Health) -> None:
    for name, value in (("CtiMaxDevicesPerNode", "500"), ("CtiMaxDevicesPerProvider", "4")):
        health.cucm.axl.update_service_parameter("cucm-sub1", "Cisco CTIManager", name, value)
    health.sweep()
    reply = board(health)
    assert reply.status == "ok", reply.as_text()
    assert reply.title == "CTI health of lab"
    assert nodes(reply) == {
        "cucm-pub": ("Not activated", "Started", "-"),
        "cucm-sub1": ("Started", "Started", "1/500 (0 %)"),
        "cucm-sub2": ("Started", "Started", "-"),
    }
    assert app_lines(reply) == [":white_check_mark: ctiapp_ivr: on primary cucm-sub1"]
    fields = fields_of(reply)
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
    assert rows["cucm-sub1"] == ("Stopped", "Started", "-")
    assert rows["cucm-sub2"][0] == "Started" and rows["cucm-sub2"][2].startswith("1/")
    assert app_lines(reply) == [
        ":large_orange_circle: ctiapp_ivr: ctiapp_ivr failed over to backup cucm-sub2 (lab); "
        "it will not fail back by itself"
    ]
    active = fields_of(reply)["Active alerts"].splitlines()
    assert "[FIRING] CTIManager down on cucm-sub1 (lab)" in active
    assert any("failed over to backup cucm-sub2" in line for line in active)
    assert fields_of(reply)["Devices open per provider"].startswith("ctiapp_ivr on cucm-sub2: 1/")


def test_application_connected_nowhere(health: Health) -> None:
    fail_app(health.sim.cluster, "ctiapp_ivr")
    health.sweep("applications", times=2)
    reply = board(health)
    assert app_lines(reply) == [
        ":red_circle: ctiapp_ivr: ctiapp_ivr connected nowhere (lab): calls going to CFOF/CFNA"
    ]
    assert fields_of(reply)["Devices open per provider"] == "none open"
    assert "[FIRING] ctiapp_ivr connected nowhere" in fields_of(reply)["Active alerts"]


def test_needs_the_viewer_role(health: Health) -> None:
    reply = runner(health).handle("/cti health", VIEWER, Role.NONE)
    assert isinstance(reply, Reply) and reply.status == "denied"


PROVISION = (
    "/cti provision-app ctiapp_ivr routepoint=RP_HB dn=7450 ports=HBP{01..03} "
    "port-dns=7451-7453 partition=PT_CTI device-pool=DP_CTI"
)


def device_lines(reply: Reply) -> list[str]:
    lines = shown(reply)
    start = next(i for i, line in enumerate(lines) if "Provisioned devices" in line)
    return lines[start:]


def test_board_says_when_no_device_is_provisioned(health: Health) -> None:
    health.sweep()
    lines = device_lines(board(health))
    assert lines == [
        "*Provisioned devices:* none: ctibot has provisioned no CTI Route Point or CTI Port "
        "on lab, and `health.devices` names none."
    ]


def test_board_shows_each_provisioned_device_registered_and_open_by_its_provider(
    health: Health,
) -> None:
    provision(health, [ProvisionAppCommand()], PROVISION)
    health.sweep()
    reply = board(health)
    assert device_lines(reply) == [
        "*Provisioned devices* (4):",
        ":white_check_mark: RP_HB (CTI Route Point): registered on cucm-sub1, "
        "open by ctiapp_ivr on cucm-sub1",
        ":white_check_mark: HBP01, HBP02, HBP03 (3 CTI Ports): registered on cucm-sub1, "
        "open by ctiapp_ivr on cucm-sub1",
    ]
    assert reply.status == "ok"

    fail_app(health.sim.cluster, "ctiapp_ivr")
    closed = board(health)
    assert device_lines(closed)[1:] == [
        ":red_circle: RP_HB (CTI Route Point): not registered, not open by any application",
        ":large_orange_circle: HBP01, HBP02, HBP03 (3 CTI Ports): not registered, "
        "not open by any application",
    ]
    assert closed.status == "warning"


def test_a_stopped_callmanager_shows_on_the_board_and_raises_no_alert(health: Health) -> None:
    lifecycle.apply(health.sim.cluster, "cucm-sub2", "Cisco CallManager", "Stop", transition_s=0)
    health.sweep("services", times=2)
    assert nodes(board(health))["cucm-sub2"][:2] == ("Started", "Stopped")
    assert health.firing() == {}
