"""One simulator per module; clusters with short timeouts and near-zero retry waits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.cucm import schemas
from bot.cucm.cluster import CucmCluster
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.retry import RetryPolicy
from bot.demo.sim_cluster import sim_endpoint
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

CISCO_AXL_WSDL = Path(__import__("ciscoaxl").__file__).parent / "schema" / "12.5" / "AXLAPI.wsdl"
FAST_RETRY = RetryPolicy(
    max_attempts=3, max_total_s=5.0, base_wait_s=0.01, max_wait_s=0.02, rate_limit_wait_s=0.05
)
ClusterFactory = Callable[..., CucmCluster]


def sim_options(**overrides: Any) -> SimOptions:
    values: dict[str, Any] = {
        "seed": "demo",
        "strict": True,
        "axl_xsd": schemas.AXL_XSD,
        "wsdl_dir": schemas.WSDL_DIR,
    }
    return SimOptions(**{**values, **overrides})


def endpoint_for(sim: SimServer, **overrides: Any) -> ClusterEndpoint:
    short: dict[str, Any] = {"connect_timeout": 1.0, "read_timeout": 2.0}
    return replace(sim_endpoint(sim), **{**short, **overrides})


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(sim_options()) as server:
        yield server


@pytest.fixture(params=["compact", "cisco"], scope="module")
def wsdl_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_cluster(sim: SimServer, wsdl_kind: str) -> Iterator[ClusterFactory]:
    made: list[CucmCluster] = []

    def factory(retry: RetryPolicy = FAST_RETRY, **overrides: Any) -> CucmCluster:
        if wsdl_kind == "cisco":
            overrides.setdefault("axl_wsdl", CISCO_AXL_WSDL)
        cluster = CucmCluster(endpoint_for(sim, **overrides), retry=retry)
        made.append(cluster)
        return cluster

    yield factory
    sim.clear_faults()
    for cluster in made:
        cluster.close()


@pytest.fixture
def cluster(make_cluster: ClusterFactory) -> CucmCluster:
    return make_cluster()


def sent(sim: SimServer, operation: str) -> int:
    """How many requests for ``operation`` reached the simulator."""
    return sum(1 for r in sim.requests() if r.get("operation") == operation)
