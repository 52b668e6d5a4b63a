"""Every error kind over real HTTP, with retry counts checked on both sides of the wire."""

from __future__ import annotations

import pytest

from bot.cucm.cluster import CucmCluster
from bot.cucm.errors import (
    AuthFailed,
    Duplicate,
    InvalidReference,
    NotFound,
    OutcomeUnknown,
    Throttled,
    Timeout,
    Unreachable,
)
from bot.cucm.models import Line, RoutePoint
from bot.cucm.retry import RetryPolicy
from cucmsim.api import SimServer
from tests.integration.cucm.conftest import ClusterFactory, sent

pytestmark = pytest.mark.timeout(60)


def test_not_found(cluster: CucmCluster) -> None:
    with pytest.raises(NotFound) as caught:
        cluster.axl.get_route_point("RP_NOPE")
    assert "getCtiRoutePoint 'RP_NOPE' on cluster lab" in str(caught.value)
    with pytest.raises(NotFound):
        cluster.axl.update_line("9999", "PT_CTI", description="x")


def test_duplicate(cluster: CucmCluster) -> None:
    with pytest.raises(Duplicate):
        cluster.axl.add_route_point(RoutePoint("RP_MAIN", device_pool="DP_CTI"))
    with pytest.raises(Duplicate):
        cluster.axl.add_line(Line("7000", "PT_CTI"))


def test_invalid_reference(cluster: CucmCluster) -> None:
    with pytest.raises(InvalidReference) as caught:
        cluster.axl.add_route_point(RoutePoint("RP_BADREF", device_pool="DP_NOPE"))
    assert "DP_NOPE" in str(caught.value)
    with pytest.raises(InvalidReference):
        cluster.axl.update_route_point("RP_MAIN", css="CSS_NOPE")
    with pytest.raises(InvalidReference):
        cluster.axl.update_app_user("ctiapp_ivr", associated_devices=["NO_SUCH_DEVICE"])
    with pytest.raises(InvalidReference):
        cluster.axl.update_user_group_members("Standard CTI Enabled", add=["nobody"])


def test_auth_failed_never_leaks_password(make_cluster: ClusterFactory) -> None:
    cluster = make_cluster(password="wrong-Secret-42")
    with pytest.raises(AuthFailed) as caught:
        cluster.axl.get_version()
    assert caught.value.status == 401
    assert "wrong-Secret-42" not in str(caught.value)
    assert cluster.stats.snapshot()["axl.getCCMVersion"]["requests"] == 1


def test_throttled_after_retries_exhausted(sim: SimServer, cluster: CucmCluster) -> None:
    sim.inject_fault("getCCMVersion", "http503", count=10)
    with pytest.raises(Throttled):
        cluster.axl.get_version()
    stats = cluster.stats.snapshot()["axl.getCCMVersion"]
    assert (stats["requests"], stats["retries"], stats["throttles"]) == (3, 2, 3)


def test_retried_503_then_success(sim: SimServer, cluster: CucmCluster) -> None:
    sim.inject_fault("updateLine", "http503", count=2)
    before = sent(sim, "updateLine")
    cluster.axl.update_line("7000", "PT_CTI", description="Main IVR")
    assert sent(sim, "updateLine") - before == 3
    assert cluster.stats.snapshot()["axl.updateLine"]["requests"] == 3


def test_memory_fault_is_throttled(sim: SimServer, cluster: CucmCluster) -> None:
    message = "Maximum AXL Memory Allocation Consumed. Please retry once requests in progress"
    sim.inject_fault("listLine", "axl_fault", count=1, axlcode=-1, message=message)
    assert cluster.axl.list_lines("7000")
    assert cluster.stats.snapshot()["axl.listLine"]["throttles"] == 1


def test_read_timeout_is_retried_then_timeout(sim: SimServer, make_cluster: ClusterFactory) -> None:
    cluster = make_cluster(read_timeout=0.3)
    sim.inject_fault("getCtiRoutePoint", "timeout", count=3, delay_s=0.6)
    with pytest.raises(Timeout):
        cluster.axl.get_route_point("RP_MAIN")
    assert cluster.stats.snapshot()["axl.getCtiRoutePoint"]["requests"] == 3


def test_write_timeout_is_outcome_unknown_sent_once(
    sim: SimServer, make_cluster: ClusterFactory
) -> None:
    cluster = make_cluster(read_timeout=0.3)
    sim.inject_fault("updateCtiRoutePoint", "timeout_after", count=1, delay_s=0.6)
    before = sent(sim, "updateCtiRoutePoint")
    with pytest.raises(OutcomeUnknown) as caught:
        cluster.axl.update_route_point("RP_MAIN", description="Main IVR route point")
    assert sent(sim, "updateCtiRoutePoint") - before == 1
    assert "re-read" in str(caught.value)
    assert cluster.axl.get_route_point("RP_MAIN").description == "Main IVR route point"


def test_reset_on_read_retries_and_on_write_is_unknown(
    sim: SimServer, cluster: CucmCluster
) -> None:
    sim.inject_fault("getLine", "reset", count=1)
    assert cluster.axl.get_line("7000", "PT_CTI").pattern == "7000"
    assert cluster.stats.snapshot()["axl.getLine"]["requests"] == 2
    sim.inject_fault("updateLine", "reset", count=1)
    before = sent(sim, "updateLine")
    with pytest.raises(OutcomeUnknown):
        cluster.axl.update_line("7000", "PT_CTI", description="Main IVR")
    assert sent(sim, "updateLine") - before <= 1


def test_connection_refused_is_retried_then_unreachable(make_cluster: ClusterFactory) -> None:
    cluster = make_cluster(port=1, retry=RetryPolicy(max_attempts=2, base_wait_s=0.01))
    with pytest.raises(Unreachable) as caught:
        cluster.axl.get_version()
    assert caught.value.retryable
    assert cluster.stats.snapshot()["axl.getCCMVersion"]["requests"] == 2
