"""Applications failing over or dying, and route points closing, as the on-call sees them."""

from __future__ import annotations

from cucmsim import cti
from cucmsim.model import key
from tests.integration.health.conftest import Health


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
    assert health.alert("applications", "ctiapp_ivr").state == "resolved"


def test_application_gone_is_critical_and_closes_its_route_point(make_health) -> None:  # type: ignore[no-untyped-def]
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


def test_route_point_closed_when_the_app_user_loses_it(make_health) -> None:  # type: ignore[no-untyped-def]
    health: Health = make_health(devices=["RP_MAIN"])
    health.sweep("devices")
    with health.sim.cluster.lock:
        health.sim.cluster.app_users[key("ctiapp_ivr")].associated_devices.clear()
    health.sweep("devices", times=2)
    alert = health.alert("devices", "route_point/RP_MAIN")
    assert alert.state == "firing"
    assert alert.details["status"] == "not opened by any application"
