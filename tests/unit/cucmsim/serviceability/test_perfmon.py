"""PerfmonService handlers, the rate limiter and the WSDL rewriting."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from cucmsim import cti
from cucmsim.model import CTI_MANAGER, Cluster
from cucmsim.options import SimOptions
from cucmsim.serviceability import build_services
from cucmsim.serviceability.perfmon import PerfmonService
from cucmsim.serviceability.ratelimit import RateLimiter
from cucmsim.soap import SoapFault
from tests.unit.cucmsim.serviceability.lab import SUB1, SUB2, E, build_cluster, request, texts

ITEMS = "perfmonCollectCounterDataReturn"


@pytest.fixture
def cluster() -> Cluster:
    cluster = build_cluster()
    cti.connect_all(cluster)
    return cluster


def counters(cluster: Cluster, node: str, svc: PerfmonService | None = None) -> dict[str, int]:
    svc = svc or PerfmonService(SimOptions())
    body = E.perfmonCollectCounterData(E.Host(node), E.Object("Cisco CTI Manager"))
    root = svc.handle(request(cluster, node, body))
    names = [n.rsplit("\\", 1)[1] for n in texts(root, f"{ITEMS}/Name")]
    return dict(zip(names, map(int, texts(root, f"{ITEMS}/Value")), strict=True))


def test_counter_names_and_values(cluster: Cluster) -> None:
    body = E.perfmonCollectCounterData(E.Host(SUB1), E.Object("Cisco CTI Manager"))
    root = PerfmonService(SimOptions()).handle(request(cluster, SUB1, body))
    assert texts(root, f"{ITEMS}/Name")[2] == "\\\\cucm-sub1\\Cisco CTI Manager\\DevicesOpen"
    assert set(texts(root, f"{ITEMS}/CStatus")) == {"1"}
    assert counters(cluster, SUB1) == {
        "CcmLinkActive": 3,
        "CTIConnectionActive": 1,
        "DevicesOpen": 3,
        "LinesOpen": 3,
        "QbeVersion": 23,
    }


def test_devices_open_follows_failover(cluster: Cluster) -> None:
    cluster.services[(SUB1, CTI_MANAGER)].status = "Stopped"
    cti.on_ctimanager_stopped(cluster, SUB1)
    assert counters(cluster, SUB1)["DevicesOpen"] == 0
    assert counters(cluster, SUB1)["CTIConnectionActive"] == 0
    assert counters(cluster, SUB2)["DevicesOpen"] == 4
    assert counters(cluster, SUB2)["CTIConnectionActive"] == 2


def test_list_counter_includes_cti_manager_object(cluster: Cluster) -> None:
    root = PerfmonService(SimOptions()).handle(
        request(cluster, SUB1, E.perfmonListCounter(E.Host("127.0.0.2")))
    )
    objects = texts(root, "perfmonListCounterReturn/Name")
    assert "Cisco CTI Manager" in objects
    first = "perfmonListCounterReturn/ArrayOfCounter/item/Name"
    assert {"DevicesOpen", "CTIConnectionActive", "LinesOpen"} <= set(texts(root, first))


def test_host_must_be_the_local_node(cluster: Cluster) -> None:
    body = E.perfmonCollectCounterData(E.Host(SUB2), E.Object("Cisco CTI Manager"))
    with pytest.raises(SoapFault, match="not this node"):
        PerfmonService(SimOptions()).handle(request(cluster, SUB1, body))


def test_unknown_object_is_a_fault(cluster: Cluster) -> None:
    body = E.perfmonCollectCounterData(E.Host(SUB1), E.Object("Cisco Nothing"))
    with pytest.raises(SoapFault, match="Cisco Nothing"):
        PerfmonService(SimOptions()).handle(request(cluster, SUB1, body))


def test_perfmon_rate_limit_wording_and_runtime_change(cluster: Cluster) -> None:
    svc = PerfmonService(SimOptions(perfmon_rate_per_minute=1))
    counters(cluster, SUB1, svc)
    with pytest.raises(SoapFault) as caught:
        counters(cluster, SUB1, svc)
    assert caught.value.faultstring == (
        "Exceeded allowed rate for Perfmon information. Current allowed rate for perfmon "
        "information is 1 requests per minute."
    )
    svc.set_rate_limit(-1)
    counters(cluster, SUB1, svc)


def test_rate_limiter_slides_its_window() -> None:
    now = [0.0]
    limiter = RateLimiter(lambda: 2, window_s=60, clock=lambda: now[0])
    assert limiter.admit("a") and limiter.admit("A")
    assert not limiter.admit("a")
    assert limiter.admit("b")
    now[0] = 60.0
    assert limiter.admit("a")
    limiter.reset()
    assert limiter.admit("a") and limiter.admit("a")


def test_wsdl_location_is_rewritten(tmp_path: Path) -> None:
    (tmp_path / "perfmon.wsdl").write_text(
        '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"><service><port>'
        '<soap:address location="https://CCMSERVERNAME:8443/x"/></port></service></definitions>'
    )
    services = build_services(SimOptions(wsdl_dir=tmp_path))
    perfmon = next(s for s in services if isinstance(s, PerfmonService))
    doc = etree.fromstring(perfmon.wsdl("127.0.0.2:8443"))
    assert doc.xpath("string(//*[local-name()='address']/@location)") == (
        "http://127.0.0.2:8443/perfmonservice2/services/PerfmonService"
    )
    with pytest.raises(SoapFault) as caught:
        services[0].wsdl("127.0.0.2:8443")
    assert caught.value.http_status == 404
