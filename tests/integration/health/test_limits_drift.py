"""Device limits read live through the parameter resolver, and drift from recorded values."""

from __future__ import annotations

import copy

from cucmsim.model import key
from tests.integration.health.conftest import Health


def test_per_node_limit_exceeded(health: Health) -> None:
    cluster = health.sim.cluster
    with cluster.lock:
        second = copy.deepcopy(cluster.devices[key("RP_MAIN")])
        second.name = "RP_SECOND"
        cluster.devices[key("RP_SECOND")] = second
        cluster.app_users[key("ctiapp_ivr")].associated_devices.append("RP_SECOND")
    health.cucm.axl.update_service_parameter(
        "cucm-sub1", "Cisco CTIManager", "CtiMaxDevicesPerNode", "1"
    )
    health.sweep("limits", times=2)
    alert = health.alert("limits", "node/cucm-sub1")
    assert alert.state == "firing" and alert.severity == "critical"
    assert alert.details["open"] == 2 and alert.details["limit"] == 1
    assert alert.details["perfmon"]["DevicesOpen"] == 2
    assert health.alert("limits", "provider/ctiapp_ivr/cucm-sub1") is None  # 2 of 2000


def test_per_provider_limit_is_keyed_by_provider_and_node(health: Health) -> None:
    health.cucm.axl.update_service_parameter(
        "cucm-sub1", "Cisco CTIManager", "CtiMaxDevicesPerProvider", "1"
    )
    health.sweep("limits", times=2)
    alert = health.alert("limits", "provider/ctiapp_ivr/cucm-sub1")
    assert alert.state == "firing" and alert.severity == "warning"
    assert alert.details["open"] == 1 and alert.details["limit"] == 1


def test_parameter_changed_outside_the_bot_is_drift(health: Health) -> None:
    health.sweep("drift")  # first run: baselines, no alerts
    assert health.firing() == {}
    with health.sim.cluster.lock:
        param = health.sim.cluster.service_parameters[
            (key("cucm-sub2"), key("Cisco CTIManager"), key("CtiApplicationHeartbeatMaxInterval"))
        ]
        param.value = "1800"
    health.sweep("drift", times=2)
    alert = health.alert("drift", "param/cucm-sub2/CtiApplicationHeartbeatMaxInterval")
    assert alert.state == "firing" and alert.severity == "warning"
    assert alert.details["expected"] == "3600" and alert.details["actual"] == "1800"
    assert "first seen" in alert.details["last_seen"]
    disagree = health.alert("drift", "clusterwide/heartbeat_max_interval")
    assert sorted(health.firing()) == sorted([alert.key, disagree.key])


def test_clusterwide_parameter_set_on_one_node_is_drift(health: Health) -> None:
    """What a product writing one node leaves behind: the baselines agree with each node,
    yet the nodes disagree with each other."""
    health.cucm.axl.update_service_parameter(
        "cucm-sub1", "Cisco CTIManager", "CtiMaxDevicesPerNode", "900"
    )
    health.sweep("drift", times=2)
    alert = health.alert("drift", "clusterwide/max_devices_per_node")
    assert alert.state == "firing" and alert.severity == "warning"
    assert alert.summary == (
        "Nodes disagree on clusterwide Maximum Devices Per Node: "
        "cucm-pub 800, cucm-sub1 900, cucm-sub2 800 (lab)"
    )
    assert alert.details["values"] == {"cucm-pub": "800", "cucm-sub1": "900", "cucm-sub2": "800"}
    assert alert.details["fix"] == "/cti params set max-devices-per-node <value>"
    assert list(health.firing()) == [alert.key]  # each node matches its own baseline

    for node in ("cucm-pub", "cucm-sub2"):
        health.cucm.axl.update_service_parameter(
            node, "Cisco CTIManager", "CtiMaxDevicesPerNode", "900"
        )
    health.sweep("drift", times=2)
    assert health.alert("drift", "clusterwide/max_devices_per_node").state == "resolved"
