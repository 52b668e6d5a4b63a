"""Control Center, RIS and PerfMon against the simulator."""

from __future__ import annotations

import pytest

from bot.cucm.cluster import CucmCluster
from tests.waiting import wait_until

pytestmark = pytest.mark.timeout(60)


def test_service_status_and_control(cluster: CucmCluster) -> None:
    cc = cluster.controlcenter
    (status,) = cc.get_service_status("cucm-sub2")
    assert status.service == "Cisco CTIManager" and status.node == "cucm-sub2"
    cc.deploy("cucm-sub2", ["Cisco CTIManager"])
    cc.control("cucm-sub2", "Stop", ["Cisco CTIManager"])
    wait_until(lambda: cc.get_service_status("cucm-sub2")[0].status == "Stopped", timeout=5)
    cc.control("cucm-sub2", "Start")
    wait_until(lambda: cc.get_service_status("cucm-sub2")[0].status == "Started", timeout=5)
    with pytest.raises(ValueError):
        cc.control("cucm-sub2", "Explode")  # type: ignore[arg-type]  # a wrong action on purpose


def test_ris_and_perfmon(cluster: CucmCluster) -> None:
    providers = cluster.ris.select_cti_items("Provider", app_users=["ctiapp_ivr"])
    assert providers and providers[0].user_id == "ctiapp_ivr"
    assert providers[0].node.startswith("cucm-")
    devices = cluster.ris.select_cm_devices(["RP_MAIN"])
    assert devices and devices[0].name == "RP_MAIN"
    counters = {c.counter: c for c in cluster.perfmon.collect("cucm-pub")}
    assert "CTIConnectionActive" in counters
    assert "Cisco CTI Manager" in cluster.perfmon.list_counters("cucm-pub")
