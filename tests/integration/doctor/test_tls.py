"""Doctor check 2: the certificate each node presents, its expiry, and whether ctibot trusts
it, against the simulator's TLS modes through the CLI."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cucm import certs
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.integration.doctor.clusters import write_cluster


def _doctor(config: Path) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(app, ["doctor", "--config", str(config), "--json"])
    (cluster,) = json.loads(result.stdout)["clusters"]
    return result.exit_code, cluster["findings"], result.stdout


def _tls(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["check"] == "tls"]


def _sim(**options: Any) -> SimServer:
    return SimServer(SimOptions(tls=True, node_count=2, **options))


@pytest.fixture(scope="module")
def ca_signed() -> Iterator[SimServer]:
    with _sim() as server:
        yield server


@pytest.fixture(scope="module")
def self_signed() -> Iterator[SimServer]:
    with _sim(tls_self_signed=True) as server:
        yield server


def _fingerprint(sim: SimServer, address: str = "127.0.0.1") -> str:
    return certs.fingerprint(certs.presented_chain(address, sim.port, 2.0)[0])


def test_trusted_chain_passes_on_every_node(
    ca_signed: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_cluster(
        tmp_path / "ctibot.toml", ca_signed, monkeypatch, ca_bundle=ca_signed.ca_cert_path
    )
    code, findings, _ = _doctor(config)
    tls = _tls(findings)
    assert [(f["subject"], f["mark"]) for f in tls] == [
        ("publisher 127.0.0.1 certificate", "pass"),
        ("publisher 127.0.0.1 trust", "pass"),
        ("cucm-sub1 (127.0.0.2) certificate", "pass"),
        ("cucm-sub1 (127.0.0.2) trust", "pass"),
    ]
    first = tls[0]["detail"]
    assert f"SHA-256 {_fingerprint(ca_signed)}" in first
    assert "issued by CN=cucmsim CA,O=cucmsim" in first and "chain of 2" in first
    assert f"trusted by ca_bundle {ca_signed.ca_cert_path}" == tls[1]["detail"]
    assert code == 0


def test_untrusted_self_signed_certificate_fails_with_the_trust_fix(
    self_signed: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_cluster(tmp_path / "ctibot.toml", self_signed, monkeypatch)
    code, findings, _ = _doctor(config)
    certificate, trust, nodes = _tls(findings)
    assert certificate["mark"] == "pass" and "self-signed" in certificate["detail"]
    assert f"SHA-256 {_fingerprint(self_signed)}" in certificate["detail"]
    assert trust["mark"] == "fail"
    assert "not trusted by the default CA bundle" in trust["detail"]
    assert "self-signed certificate" in trust["detail"]
    assert trust["fix"].endswith("then pin it: ctibot trust doclab")
    assert "verify_tls" not in trust["fix"]
    assert nodes["subject"] == "process nodes" and nodes["mark"] == "warn"
    assert code == 1


def test_certificate_expiring_within_30_days_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sim(tls_valid_days=10) as sim:
        config = write_cluster(
            tmp_path / "ctibot.toml", sim, monkeypatch, ca_bundle=sim.ca_cert_path
        )
        code, findings, _ = _doctor(config)
    certificate = _tls(findings)[0]
    assert certificate["mark"] == "warn"
    assert certificate["detail"].startswith("expires soon:")
    assert "(10 days)" in certificate["detail"]
    assert "Renew the node's tomcat certificate" in certificate["fix"]
    assert code == 0, "a warning alone passes"


def test_expired_certificate_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with _sim(tls_valid_days=-0.001) as sim:
        config = write_cluster(
            tmp_path / "ctibot.toml", sim, monkeypatch, ca_bundle=sim.ca_cert_path
        )
        code, findings, _ = _doctor(config)
    certificate, trust = _tls(findings)[:2]
    assert certificate["mark"] == "fail" and certificate["detail"].startswith("expired:")
    assert trust["mark"] == "fail" and "expired" in trust["detail"]
    assert code == 1


def test_http_cluster_is_a_warning_not_a_failure(write_config) -> None:
    code, findings, _ = _doctor(write_config())
    (scheme,) = _tls(findings)
    assert (scheme["subject"], scheme["mark"]) == ("scheme", "warn")
    assert "unencrypted" in scheme["detail"]
    assert scheme["fix"] == 'In the cluster\'s config section: scheme = "https" and port = 8443'
    assert code == 0


def test_a_changed_certificate_names_both_fingerprints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _sim() as sim:
        pinned = tmp_path / "pinned.pem"
        shutil.copy(sim.ca_cert_path, pinned)
        old = certs.fingerprint(certs.load_bundle(pinned)[0])
        config = write_cluster(tmp_path / "ctibot.toml", sim, monkeypatch, ca_bundle=pinned)
        assert _doctor(config)[0] == 0
        sim.restart()
        new = _fingerprint(sim)
        code, findings, _ = _doctor(config)
    trust = _tls(findings)[1]
    assert trust["mark"] == "fail"
    assert "holds no certificate of" in trust["detail"]
    assert f"SHA-256 {new}" in _tls(findings)[0]["detail"]
    (login, *_) = [f for f in findings if f["check"] == "credentials"]
    assert f"presented SHA-256 {new}" in login["detail"]
    assert f"pinned SHA-256 {old}" in login["detail"]
    assert code == 1
