"""Fault injection, throttle, latency, counters and the /__sim__/ control path."""

from __future__ import annotations

import time

import pytest
import requests

from cucmsim.api import SimServer
from cucmsim.model import key

from .conftest import Axl, Reply


def control(sim: SimServer, method: str, route: str, json: object = None) -> requests.Response:
    return requests.request(method, f"{sim.base_url}/__sim__/{route}", json=json, timeout=5)


def add_line(axl: Axl, pattern: str) -> Reply:
    return axl.call(
        "addLine",
        f"<line><pattern>{pattern}</pattern><routePartitionName>PT_CTI</routePartitionName></line>",
    )


def line_exists(sim: SimServer, pattern: str) -> bool:
    with sim.cluster.lock:
        return (key(pattern), key("PT_CTI")) in sim.cluster.lines


def test_timeout_drops_connection_without_executing(sim: SimServer, axl: Axl) -> None:
    sim.inject_fault("addLine", "timeout", delay_s=0.2)
    with pytest.raises(requests.ConnectionError):
        add_line(axl, "81001")
    assert not line_exists(sim, "81001")
    assert add_line(axl, "81001").status == 200, "only `count` calls are affected"


def test_timeout_after_executes_then_hangs_up(sim: SimServer, axl: Axl) -> None:
    sim.inject_fault("addLine", "timeout_after", delay_s=0.2)
    with pytest.raises(requests.ConnectionError):
        add_line(axl, "81002")
    assert line_exists(sim, "81002")


def test_timeout_longer_than_client_timeout(sim: SimServer, axl: Axl) -> None:
    sim.inject_fault("getCCMVersion", "timeout", delay_s=1.0)
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        axl.call("getCCMVersion", timeout=0.3)
    assert time.monotonic() - started < 0.9


def test_reset_sends_rst(sim: SimServer, axl: Axl) -> None:
    sim.inject_fault("addLine", "reset")
    with pytest.raises(requests.ConnectionError):
        add_line(axl, "81003")
    assert not line_exists(sim, "81003")


def test_http_503_and_401_do_not_execute(sim: SimServer, axl: Axl) -> None:
    sim.inject_fault("addLine", "http503")
    assert add_line(axl, "81004").status == 503
    sim.inject_fault("addLine", "http401")
    assert add_line(axl, "81004").status == 401
    assert not line_exists(sim, "81004")


def test_axl_fault_via_control_path(sim: SimServer, axl: Axl) -> None:
    reply = control(
        sim,
        "POST",
        "faults",
        {
            "operation": "addLine",
            "kind": "axl_fault",
            "count": 2,
            "axlcode": 5003,
            "message": "busy",
        },
    )
    assert reply.status_code == 200
    for _ in range(2):
        faulted = add_line(axl, "81005")
        assert (faulted.status, faulted.axlcode, faulted.faultstring) == (500, 5003, "busy")
    control(sim, "POST", "faults", {"operation": "addLine", "kind": "http503"})
    assert control(sim, "DELETE", "faults").status_code == 200
    assert add_line(axl, "81005").status == 200


def test_unknown_fault_kind_is_rejected(sim: SimServer) -> None:
    reply = control(sim, "POST", "faults", {"operation": "addLine", "kind": "explode"})
    assert reply.status_code == 400


def test_write_throttle_returns_503_and_executes_nothing(sim: SimServer, axl: Axl) -> None:
    assert control(sim, "POST", "throttle", {"axl_write_rate": 2}).status_code == 200
    statuses = [add_line(axl, f"8200{i}").status for i in range(5)]
    assert statuses[:2] == [200, 200]
    assert 503 in statuses
    created = [line_exists(sim, f"8200{i}") for i in range(5)]
    assert created == [s == 200 for s in statuses]
    assert axl.call("getCCMVersion").status == 200, "reads are never throttled"
    control(sim, "POST", "throttle", {"axl_write_rate": None})
    assert add_line(axl, "82009").status == 200


def test_latency_per_scope(sim: SimServer, axl: Axl) -> None:
    control(sim, "POST", "latency", {"ms": 250, "scope": "serviceability"})
    started = time.monotonic()
    axl.call("getCCMVersion")
    assert time.monotonic() - started < 0.2
    control(sim, "POST", "latency", {"ms": 250, "scope": "axl"})
    started = time.monotonic()
    axl.call("getCCMVersion")
    assert time.monotonic() - started >= 0.25


def test_counters_and_request_log(sim: SimServer, axl: Axl) -> None:
    assert control(sim, "DELETE", "counters").status_code == 200
    axl.call("getCCMVersion")
    axl.call("getCCMVersion")
    axl.call("getLine", "<pattern>7000</pattern><routePartitionName>PT_CTI</routePartitionName>")
    assert sim.counters() == {"axl": {"getCCMVersion": 2, "getLine": 1}}
    assert control(sim, "GET", "counters").json() == sim.counters()
    log = control(sim, "GET", "requests").json()
    assert [(r["endpoint"], r["operation"], r["node"]) for r in log] == [
        ("axl", "getCCMVersion", "cucm-pub"),
        ("axl", "getCCMVersion", "cucm-pub"),
        ("axl", "getLine", "cucm-pub"),
    ]


def test_state_dump(sim: SimServer) -> None:
    state = control(sim, "GET", "state").json()
    assert "RP_MAIN" in [d["name"] for d in state["devices"]]
    assert {"devices", "lines", "users", "app_users", "user_groups", "service_parameters"} <= set(
        state
    )


def test_app_fail_and_recover(sim: SimServer) -> None:
    assert control(sim, "POST", "apps/ctiapp_ivr/fail").status_code == 200
    with sim.cluster.lock:
        assert sim.cluster.applications["ctiapp_ivr"].failed
    assert control(sim, "POST", "apps/ctiapp_ivr/recover").status_code == 200
    with sim.cluster.lock:
        assert not sim.cluster.applications["ctiapp_ivr"].failed


def test_unknown_control_route(sim: SimServer) -> None:
    assert control(sim, "GET", "nothing").status_code == 404


def test_service_delay_is_set_at_run_time(sim: SimServer) -> None:
    """A real node takes minutes to start a service; a test or demo picks the simulator's time."""
    before = sim.options.service_transition_s
    reply = control(sim, "POST", "service-delay", {"seconds": 120})
    try:
        assert reply.status_code == 200 and reply.json() == {"seconds": 120.0}
        assert sim.options.service_transition_s == 120.0
        assert control(sim, "POST", "service-delay", {"seconds": -1}).status_code == 400
    finally:
        sim.set_service_delay(before)
    assert sim.options.service_transition_s == before
