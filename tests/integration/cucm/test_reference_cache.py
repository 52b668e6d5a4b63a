"""Reference data is read once per TTL; object reads are never cached."""

from typing import Any

import pytest

from bot.cucm.errors import NotFound


def axl_count(sim: Any, operation: str) -> int:
    return sim.counters().get("axl", {}).get(operation, 0)


def test_device_pool_cm_group_and_nodes_are_read_once(sim: Any, make_cluster: Any) -> None:
    cluster = make_cluster()
    sim.reset_counters()
    for _ in range(3):
        assert cluster.axl.get_device_pool("dp_cti").cm_group == "CMG_Sub1_Sub2"
        assert cluster.axl.get_cm_group("CMG_Sub1_Sub2").members
        assert len(cluster.axl.list_process_nodes()) == 3
    assert axl_count(sim, "getDevicePool") == 1
    assert axl_count(sim, "getCallManagerGroup") == 1
    assert axl_count(sim, "listProcessNode") == 1


def test_errors_are_not_cached_and_ttl_zero_disables(sim: Any, make_cluster: Any) -> None:
    cluster = make_cluster(reference_ttl_s=0)
    sim.reset_counters()
    for _ in range(2):
        with pytest.raises(NotFound):
            cluster.axl.get_device_pool("DP_NOPE")
        cluster.axl.get_device_pool("DP_CTI")
    assert axl_count(sim, "getDevicePool") == 4


def test_forget_reference_data_reads_again(sim: Any, make_cluster: Any) -> None:
    cluster = make_cluster()
    cluster.axl.list_process_nodes()
    sim.reset_counters()
    cluster.axl.forget_reference_data()
    cluster.axl.list_process_nodes()
    assert axl_count(sim, "listProcessNode") == 1
