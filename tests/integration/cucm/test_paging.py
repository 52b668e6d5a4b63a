"""Lists, RIS and association lookups at production size (the `large` seed).

CUCM refuses a list answer over its response limit and RIS hands back at most 1000 CTI
items per call; the simulator does both. Its limit is scaled down here (200 kB instead of
8 MB) so this 23,000-device cluster meets it where a real one of 10x its size would.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.cucm.cluster import CucmCluster
from cucmsim.api import SimServer
from cucmsim.seed import BIG_PROVIDER, LARGE
from tests.integration.cucm.conftest import ClusterFactory, sim_options

SCALED_LIMIT = 200_000


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    options = sim_options(
        seed="large", axl_max_response_bytes=SCALED_LIMIT, ris_rate_per_minute=10_000
    )
    with SimServer(options) as server:
        yield server


@pytest.fixture
def cluster(make_cluster: ClusterFactory) -> CucmCluster:
    """Pages of 1000 rendered rows take a while on a loaded machine: no timeout retries."""
    return make_cluster(read_timeout=30.0)


@pytest.fixture
def counted(sim: SimServer) -> Iterator[SimServer]:
    sim.reset_counters()
    yield sim
    sim.options.axl_max_response_bytes = SCALED_LIMIT


def axl(sim: SimServer) -> dict[str, int]:
    return sim.counters().get("axl", {})


def test_a_list_over_cucms_limit_is_read_in_pages(cluster: CucmCluster, counted: SimServer) -> None:
    ports = cluster.axl.list_cti_ports("LGP%")
    assert len(ports) == LARGE.big_provider_ports
    assert ports[0] == "LGP0001" and ports[-1] == f"LGP{LARGE.big_provider_ports:04d}"
    assert axl(counted)["listPhone"] == 3  # 1000 + 1000 + 500


def test_a_page_cucm_finds_too_large_shrinks_to_the_size_it_suggests(
    cluster: CucmCluster, counted: SimServer
) -> None:
    counted.options.axl_max_response_bytes = 40_000
    ports = cluster.axl.list_cti_ports("LGP%")
    assert len(ports) == LARGE.big_provider_ports
    assert len(set(ports)) == len(ports)
    calls = axl(counted)["listPhone"]
    assert 6 <= calls <= 12  # one refused page, then pages of the suggested size


def test_a_bounded_list_reads_only_its_slice(cluster: CucmCluster, counted: SimServer) -> None:
    found = cluster.axl.list_route_points(limit=20)
    assert len(found) == 20 and "RP_MAIN" in found  # of the cluster's 501
    assert axl(counted)["listCtiRoutePoint"] == 1


def test_users_controlling_a_device_come_from_one_query(
    cluster: CucmCluster, counted: SimServer
) -> None:
    assert cluster.axl.app_users_controlling(["LGRP0007"]) == ["ctiapp_l002"]
    assert cluster.axl.app_users_controlling(["lgp0042", "LGRP0007", "LGRP0500"]) == [
        BIG_PROVIDER,
        "ctiapp_l002",
        "ctiapp_l100",
    ]
    assert cluster.axl.app_users_controlling(["SEP001100000000"]) == []
    assert axl(counted) == {"executeSQLQuery": 3}


def test_many_devices_take_one_query_per_200(cluster: CucmCluster, counted: SimServer) -> None:
    ports = [f"LGP{i:04d}" for i in range(1, 451)]
    assert cluster.axl.app_users_controlling(ports) == [BIG_PROVIDER]
    assert axl(counted) == {"executeSQLQuery": 3}


@pytest.mark.parametrize("name", ["RP'; drop table device --", "", "RP MAIN", "x" * 129])
def test_a_name_that_is_not_a_device_name_never_reaches_sql(
    make_cluster: ClusterFactory, counted: SimServer, name: str
) -> None:
    with pytest.raises(ValueError, match="not a device name"):
        make_cluster().axl.app_users_controlling(["RP_MAIN", name])
    assert axl(counted) == {}


def test_ris_pages_through_a_provider_past_its_limit(
    cluster: CucmCluster, counted: SimServer
) -> None:
    items = cluster.ris.select_cti_items("Device", status="Open", app_users=[BIG_PROVIDER])
    assert len(items) == LARGE.big_provider_ports
    assert len({i.device_name for i in items}) == LARGE.big_provider_ports
    assert counted.counters()["ris"]["selectCtiItem"] == 3
