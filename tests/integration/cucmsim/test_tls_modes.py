"""The simulator's certificates: CA-signed or self-signed, expiring soon, and changing on a
restart unless kept in a directory, as an administrator would meet them on CUCM."""

from __future__ import annotations

import datetime
import socket
import ssl
from pathlib import Path
from typing import Any

import requests
from cryptography import x509

from cucmsim.api import SimServer
from cucmsim.options import SimOptions

from .conftest import AUTH


def _leaf(server: SimServer) -> x509.Certificate:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock,
        context.wrap_socket(sock) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der)


def _verified(server: SimServer) -> int:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(server.ca_cert_path)
    return session.get(server.base_url + "/axl/", auth=AUTH, timeout=5).status_code


def _options(**kwargs: Any) -> SimOptions:
    return SimOptions(tls=True, seed="empty", node_count=1, **kwargs)


def test_ca_signed_by_default() -> None:
    with SimServer(_options()) as server:
        leaf = _leaf(server)
        ca = x509.load_pem_x509_certificate(server.ca_cert_path.read_bytes())
        assert leaf.issuer == ca.subject != leaf.subject
        assert leaf.not_valid_after_utc - leaf.not_valid_before_utc > datetime.timedelta(days=300)
        assert _verified(server) == 200


def test_self_signed_leaf_is_its_own_trust_anchor() -> None:
    with SimServer(_options(tls_self_signed=True)) as server:
        leaf = _leaf(server)
        assert leaf.issuer == leaf.subject
        assert server.ca_cert_path is not None
        assert x509.load_pem_x509_certificate(server.ca_cert_path.read_bytes()) == leaf
        assert _verified(server) == 200


def test_certificate_that_expires_soon() -> None:
    with SimServer(_options(tls_valid_days=3)) as server:
        left = _leaf(server).not_valid_after_utc - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(days=2, hours=23) < left <= datetime.timedelta(days=3)


def test_a_restart_presents_a_new_certificate() -> None:
    with SimServer(_options()) as server:
        before = _leaf(server)
        port = server.port
        server.restart()
        assert server.port == port
        assert _leaf(server) != before
        assert _verified(server) == 200


def test_tls_dir_keeps_the_certificate_across_restarts(tmp_path: Path) -> None:
    with SimServer(_options(tls_dir=tmp_path / "tls")) as server:
        before = _leaf(server)
        server.restart()
        assert _leaf(server) == before
    assert (tmp_path / "tls" / "tomcat.pem").is_file(), "kept after stop"
    with SimServer(_options(tls_dir=tmp_path / "tls")) as again:
        assert _leaf(again) == before
    (tmp_path / "tls" / "tomcat.pem").unlink()
    with SimServer(_options(tls_dir=tmp_path / "tls")) as renewed:
        assert _leaf(renewed) != before
