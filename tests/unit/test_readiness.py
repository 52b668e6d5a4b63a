"""Cluster readiness: cached so probes do not hammer CUCM, bounded so they never hang."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from bot.readiness import ClusterProbe


class FakeClusters:
    default_name = "lab"

    def __init__(self, versions: dict[str, Any]) -> None:
        self.versions = versions
        self.calls = 0

    def names(self) -> list[str]:
        return list(self.versions)

    def get(self, name: str) -> Any:
        def probe_version() -> str:
            self.calls += 1
            answer = self.versions[name]
            if isinstance(answer, Exception):
                raise answer
            if isinstance(answer, threading.Event):
                answer.wait(5)
                return "late"
            return str(answer)

        return SimpleNamespace(axl=SimpleNamespace(probe_version=probe_version))


def test_all_clusters_answering_is_ready_and_cached() -> None:
    now = [0.0]
    clusters = FakeClusters({"lab": "14.0.1", "prod": "15.0.1"})
    probe = ClusterProbe(clusters, ttl_s=10, clock=lambda: now[0])
    assert probe.check() == (True, {"lab": "ok", "prod": "ok"})
    probe.check()
    assert clusters.calls == 2
    now[0] = 11.0
    probe.check()
    assert clusters.calls == 4
    probe.close()


def test_an_unreachable_cluster_says_why() -> None:
    clusters = FakeClusters({"lab": "14.0.1", "prod": ConnectionError("refused")})
    probe = ClusterProbe(clusters)
    ok, detail = probe.check()
    assert not ok
    assert detail == {"lab": "ok", "prod": "unreachable: refused"}
    probe.close()


def test_a_hanging_cluster_is_reported_within_the_timeout() -> None:
    release = threading.Event()
    clusters = FakeClusters({"lab": release})
    probe = ClusterProbe(clusters, timeout_s=0.05)
    ok, detail = probe.check()
    assert not ok and "within 0.05s" in detail["lab"]
    probe.check()
    assert clusters.calls == 1  # still one probe in flight, not a second one
    release.set()
    probe.close()
