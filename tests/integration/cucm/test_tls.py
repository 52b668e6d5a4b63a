"""TLS verification is on by default and not swayed by REQUESTS_CA_BUNDLE."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cucm import certs
from bot.cucm.cluster import CucmCluster
from bot.cucm.errors import Unreachable
from bot.cucm.retry import RetryPolicy
from cucmsim.api import SimServer
from tests.integration.cucm.conftest import endpoint_for, sim_options

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def tls_sim() -> Iterator[SimServer]:
    with SimServer(sim_options(tls=True, node_count=1)) as server:
        yield server


def _cluster(sim: SimServer, **overrides: object) -> CucmCluster:
    return CucmCluster(endpoint_for(sim, **overrides), retry=RetryPolicy.none())


def test_untrusted_certificate_refused_with_clear_message(tls_sim: SimServer) -> None:
    with pytest.raises(Unreachable) as caught:
        _cluster(tls_sim).axl.get_version()
    message = str(caught.value)
    assert f"TLS certificate of https://127.0.0.1:{tls_sim.port}/axl/ not trusted" in message
    assert "ctibot trust lab" in message
    assert "verify_tls" not in message


def test_ca_bundle_trusts_the_server(tls_sim: SimServer) -> None:
    assert _cluster(tls_sim, ca_bundle=tls_sim.ca_cert_path).axl.get_version()


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_env_ca_bundle_changes_nothing(tls_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_sim.ca_cert_path))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(tls_sim.ca_cert_path))
    with pytest.raises(Unreachable):
        _cluster(tls_sim).axl.get_version()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    assert _cluster(tls_sim, ca_bundle=tls_sim.ca_cert_path).axl.get_version()
    assert _cluster(tls_sim, verify_tls=False).axl.get_version()


def test_a_changed_certificate_names_the_pinned_and_presented_fingerprints(
    tmp_path: Path,
) -> None:
    with SimServer(sim_options(tls=True, node_count=1)) as sim:
        assert sim.ca_cert_path is not None
        pinned = tmp_path / "lab-ca.pem"
        shutil.copy(sim.ca_cert_path, pinned)
        assert _cluster(sim, ca_bundle=pinned).axl.get_version()
        sim.restart()
        presented = certs.presented_chain("127.0.0.1", sim.port, 2.0)[0]
        with pytest.raises(Unreachable) as caught:
            _cluster(sim, ca_bundle=pinned).axl.get_version()
    message = str(caught.value)
    assert f"presented SHA-256 {certs.fingerprint(presented)}" in message
    assert f"pinned SHA-256 {certs.fingerprint(certs.load_bundle(pinned)[0])}" in message
    assert "ctibot trust lab" in message and "verify_tls" not in message
