"""The limits check on a provider past Max Devices Per Provider (the `large` seed).

RIS answers at most 1000 CTI items per call, so a check that reads one page sees 1000 of
the provider's 2,500 devices and calls 50 % what is 125 %.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cucmsim.api import SimServer
from cucmsim.seed import BIG_PROVIDER, LARGE
from tests.integration.health.conftest import Health, serving


@pytest.fixture
def sim() -> Iterator[SimServer]:
    yield from serving("large")


def test_a_provider_holding_2500_devices_is_measured_whole(health: Health) -> None:
    health.sweep("limits", times=2)
    provider = health.alert("limits", f"provider/{BIG_PROVIDER}/cucm-sub1")
    assert provider is not None and provider.state == "firing"
    assert provider.severity == "critical"
    assert provider.details["open"] == LARGE.big_provider_ports == 2500
    assert provider.details["limit"] == 2000 and provider.details["percent"] == 125
    node = health.alert("limits", "node/cucm-sub1")
    assert node.details["open"] == LARGE.big_provider_ports + 1  # and ctiapp_ivr's RP_MAIN
