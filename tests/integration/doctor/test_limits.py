"""Doctor check 6, limits: devices open against the live limits, within the rate limits."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from bot.bootstrap import endpoint_of
from bot.config import load_settings
from bot.doctor.checks import CHECKS
from bot.doctor.report import Finding
from bot.doctor.run import Check, Probe, Rates, diagnose
from cucmsim.api import SimServer
from cucmsim.model import key
from cucmsim.options import SimOptions
from tests.integration.commands.conftest import AXL_XSD, WSDL_DIR
from tests.integration.doctor.helpers import doctor_json, findings

PROVIDER = "provider ctiapp_ivr on cucm-sub1"


@pytest.fixture
def sim() -> Iterator[SimServer]:
    options = SimOptions(seed="demo", strict=True, axl_xsd=AXL_XSD, wsdl_dir=WSDL_DIR)
    with SimServer(options) as server:
        yield server


def _set(sim: SimServer, name: str, value: str) -> None:
    with sim.cluster.lock:
        for (node, _, parameter), entry in sim.cluster.service_parameters.items():
            if parameter == key(name) and node != key("EnterpriseWideData"):
                entry.value = value


def _open_second_device(sim: SimServer) -> None:
    cluster = sim.cluster
    with cluster.lock:
        second = copy.deepcopy(cluster.devices[key("RP_MAIN")])
        second.name = "RP_SECOND"
        cluster.devices[key("RP_SECOND")] = second
        cluster.app_users[key("ctiapp_ivr")].associated_devices.append("RP_SECOND")


def test_devices_well_below_the_limits_pass(write_config) -> None:
    code, document = doctor_json(write_config())
    found = findings(document, "limits")
    assert found[PROVIDER]["mark"] == "pass"
    assert found[PROVIDER]["detail"] == "1 of 2000 devices open (0 %)"
    assert found["CTIManager on cucm-sub1"]["mark"] == "pass"
    assert code == 0


def test_a_provider_at_80_percent_warns_and_still_exits_0(sim: SimServer, write_config) -> None:
    _open_second_device(sim)
    _set(sim, "CtiMaxDevicesPerProvider", "2")
    code, document = doctor_json(write_config())
    provider = findings(document, "limits")[PROVIDER]
    assert provider["mark"] == "warn"
    assert provider["detail"] == "2 of 2 devices open (100 %)"
    assert "max-devices-per-provider" in provider["fix"]
    assert code == 0


def test_a_node_over_its_limit_fails(sim: SimServer, write_config) -> None:
    _open_second_device(sim)
    _set(sim, "CtiMaxDevicesPerNode", "1")
    code, document = doctor_json(write_config())
    node = findings(document, "limits")["CTIManager on cucm-sub1"]
    assert node["mark"] == "fail" and node["detail"] == "2 of 1 devices open (200 %)"
    assert "MaxDevicesPerNodeExceeded" in node["fix"]
    assert code == 1


def test_doctor_reaches_ris_and_perfmon_only_through_the_configured_limiters(
    sim: SimServer, write_config
) -> None:
    config = write_config()
    with config.open("a", encoding="utf-8") as handle:
        handle.write("\n[health]\nris_per_minute = 7\nperfmon_per_minute = 9\n")
    settings = load_settings(config)
    seen: list[Probe] = []

    def spy(probe: Probe) -> list[Finding]:
        seen.append(probe)
        return []

    last = Check("spy", spy)
    sim.reset_counters()
    rates = Rates(settings.health.ris_per_minute, settings.health.perfmon_per_minute)
    report = diagnose(endpoint_of(settings.clusters[0]), (*CHECKS, last), rates)
    assert report.passed, report.findings
    (probe,) = seen
    assert (probe.ris.limiter.per_minute, probe.perfmon.limiter.per_minute) == (7, 9)
    counters = sim.counters()
    # one RIS probe (permissions) and one count (limits); PerfMon: a probe per node, and
    # the limits' context counters for the one node with devices open
    assert sum(counters["ris"].values()) == 2
    assert sum(counters["perfmon"].values()) == 4
