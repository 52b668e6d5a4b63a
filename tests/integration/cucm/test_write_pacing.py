"""The write pacer against cucmsim's AXL write limit: bursts that would 503 all get through.

The simulator refuses writes past 10/s (burst 10) with HTTP 503, as CUCM does when its change
queue is long. Assertions are on counts (503s, failures, requests), with only loose bounds on
time, so a slow CI machine cannot make them flaky.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.cucm.cluster import CucmCluster
from bot.cucm.errors import Throttled
from bot.cucm.retry import RetryPolicy
from cucmsim.api import SimServer
from tests.integration.cucm.conftest import endpoint_for, sim_options

RATE = 10.0


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(sim_options(axl_write_rate=RATE)) as server:
        yield server


@pytest.fixture
def limited(sim: SimServer) -> SimServer:
    """A full token bucket and clean counters for every test."""
    sim.set_axl_write_rate(RATE)
    sim.reset_counters()
    return sim


def cluster_for(sim: SimServer, *, pace: bool, retry: RetryPolicy | None = None) -> CucmCluster:
    return CucmCluster(endpoint_for(sim, pace_writes=pace), retry=retry or RetryPolicy())


def write(cluster: CucmCluster, number: int) -> None:
    cluster.axl.update_line("7000", "PT_CTI", description=f"Main IVR {number}")


def test_paced_burst_has_no_failure_and_few_503s(limited: SimServer) -> None:
    with cluster_for(limited, pace=True) as cluster:
        started = time.monotonic()
        for number in range(20):
            write(cluster, number)
        elapsed = time.monotonic() - started
        stats = cluster.stats.snapshot()["axl.updateLine"]
        assert cluster.pacer is not None and cluster.pacer.rate is not None
    assert stats["errors"] == 0
    assert stats["requests"] == 20 + stats["retries"]
    assert stats["throttles"] <= 4
    assert 0.8 < elapsed < 6.0  # 10 go at once, 10 more at 10/s


def test_without_pacer_or_retry_the_same_burst_is_refused(limited: SimServer) -> None:
    refused = 0
    with cluster_for(limited, pace=False, retry=RetryPolicy.none()) as cluster:
        assert cluster.pacer is None
        for number in range(20):
            try:
                write(cluster, number)
            except Throttled:
                refused += 1
    assert refused >= 3


def test_threads_share_one_pacer_and_all_writes_land(limited: SimServer) -> None:
    failures: list[BaseException] = []
    with cluster_for(limited, pace=True) as cluster:

        def writer(offset: int) -> None:
            for number in range(offset, offset + 8):
                try:
                    write(cluster, number)
                except Throttled as exc:
                    failures.append(exc)

        threads = [threading.Thread(target=writer, args=(i * 100,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        stats = cluster.stats.snapshot()["axl.updateLine"]
    assert failures == []
    assert stats["requests"] - stats["retries"] == 32
    assert stats["throttles"] <= 8


def test_reads_are_never_paced(limited: SimServer) -> None:
    with cluster_for(limited, pace=True) as cluster:
        for number in range(15):
            write(cluster, number)
        assert cluster.pacer is not None
        waits = cluster.pacer.snapshot().waits
        for _ in range(10):
            cluster.axl.get_line("7000", "PT_CTI")
        assert cluster.pacer.snapshot().waits == waits
