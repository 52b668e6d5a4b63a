"""Applications failing over or dying, and route points closing, as the on-call sees them."""

from __future__ import annotations

from commands.workflows import ports
from cucmsim import cti
from cucmsim.model import key
from tests.integration.health.conftest import Health, provision


def test_failover_warns_and_stays_while_on_backup(health: Health) -> None:
    health.control("cucm-sub1", "Stop")
    health.control("cucm-sub1", "Start")  # the app stays on sub2: no fail-back by itself
    health.sweep("applications", times=3)
    alert = health.alert("applications", "ctiapp_ivr")
    assert alert.state == "firing"
    assert alert.severity == "warning"
    assert "will not fail back by itself" in alert.summary
    assert health.posts()[0].params["text"].startswith(":large_orange_circle: [WARNING]")

    cti.restart_app(health.sim.cluster, "ctiapp_ivr")  # restarting the app brings it home
    health.sweep("applications", times=2)
    resolved = health.alert("applications", "ctiapp_ivr")
    assert resolved.state == "resolved" and resolved.node == "cucm-sub1"  # home, not the backup
    assert resolved.details["state"] == "on primary cucm-sub1"
    thread = [r.params["text"] for r in health.replies()]
    assert any("RESOLVED after" in t and "nodes: cucm-sub1" in t for t in thread), thread


def test_application_gone_is_critical_and_closes_its_route_point(make_health) -> None:
    health: Health = make_health(devices=["RP_MAIN"])
    health.sweep("applications", "devices")
    cti.fail_app(health.sim.cluster, "ctiapp_ivr")
    health.sweep("applications", "devices", times=2)

    app = health.alert("applications", "ctiapp_ivr")
    assert app.state == "firing" and app.severity == "critical"
    assert "calls going to CFOF/CFNA" in app.summary
    route_point = health.alert("devices", "route_point/RP_MAIN")
    assert route_point.state == "firing" and route_point.severity == "critical"
    texts = sorted(p.params["text"] for p in health.posts())
    assert texts == [
        ":red_circle: [CRITICAL] Route point RP_MAIN closed (lab): calls to it are not answered",
        ":red_circle: [CRITICAL] ctiapp_ivr connected nowhere (lab): calls going to CFOF/CFNA",
    ]


def test_route_point_closed_when_the_app_user_loses_it(make_health) -> None:
    health: Health = make_health(devices=["RP_MAIN"])
    health.sweep("devices")
    with health.sim.cluster.lock:
        health.sim.cluster.app_users[key("ctiapp_ivr")].associated_devices.clear()
    health.sweep("devices", times=2)
    alert = health.alert("devices", "route_point/RP_MAIN")
    assert alert.state == "firing"
    assert alert.details["status"] == "not opened by any application"


def test_ports_no_application_opened_name_their_controller_or_say_none(health: Health) -> None:
    """Provisioning creates ports before any application opens them: the alert names the
    application the bot gave them to (or says there is none) and that no node has them.
    ctiapp_rec is an application user with no application running, like one being set up."""
    provision(health, ports.COMMANDS, "create-ports CTIH{1..2} 7481-7482 partition=PT_CTI")
    provision(
        health,
        ports.COMMANDS,
        "create-ports CTIH{3..4} 7483-7484 partition=PT_CTI app-user=ctiapp_rec",
    )
    health.sweep("devices", times=2)
    summaries = sorted(a.summary for a in health.store.alerts() if a.check == "devices")
    assert summaries == [
        "2 CTI ports not open on any node (lab): no application controls them",
        "2 CTI ports of ctiapp_rec not open on any node (lab)",
    ]
    assert "-" not in " ".join(summaries) and "of no application" not in " ".join(summaries)
