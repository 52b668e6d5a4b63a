"""The certificates a CUCM node presents, and whether ctibot's verification accepts them.

Reading a chain needs a handshake that does not verify (the chain is what the
administrator is about to judge); it never carries a request or a credential. Python
3.11's ``ssl`` returns only the leaf of an unverified peer, so the chain comes from
pyOpenSSL. Whether the chain is trusted is asked of the standard library with the same
trust ctibot's HTTP session uses: the cluster's ``ca_bundle``, else the certifi bundle
that ``requests`` verifies against.
"""

from __future__ import annotations

import datetime
import select
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

import requests.utils
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from OpenSSL import SSL


class CertificateUnavailable(Exception):
    """The node could not be reached, or did not complete a TLS handshake."""


@dataclass(frozen=True)
class CertSummary:
    subject: str
    issuer: str
    sha256: str  # "AB:CD:..." as browsers and CUCM's certificate page show it
    not_after: datetime.datetime
    self_signed: bool

    def days_left(self, now: datetime.datetime | None = None) -> float:
        now = now or datetime.datetime.now(datetime.UTC)
        return (self.not_after - now).total_seconds() / 86400


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def normalize_fingerprint(text: str) -> str:
    """``ab:cd``, ``AB CD`` or ``abcd`` as ``AB:CD``, so any way it was copied compares."""
    digits = "".join(c for c in text if c not in ": ").upper()
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def is_self_signed(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def summarize(cert: x509.Certificate) -> CertSummary:
    return CertSummary(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        sha256=fingerprint(cert),
        not_after=cert.not_valid_after_utc,
        self_signed=is_self_signed(cert),
    )


def anchor(chain: list[x509.Certificate]) -> x509.Certificate:
    """What to trust for this chain: the top certificate the node sends (its CA, or the
    self-signed leaf itself)."""
    return chain[-1]


def to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_bundle(path: Path) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError):
        return []


def _is_ip(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True


def presented_chain(host: str, port: int, timeout: float) -> list[x509.Certificate]:
    """The chain the node sends, leaf first, read without verifying it."""
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise CertificateUnavailable(f"cannot connect to {host}:{port}: {exc}") from exc
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.set_verify(SSL.VERIFY_NONE)
    connection = SSL.Connection(context, sock)
    if not _is_ip(host):
        connection.set_tlsext_host_name(host.encode("idna"))
    connection.set_connect_state()
    try:
        while True:
            try:
                connection.do_handshake()
                break
            except (SSL.WantReadError, SSL.WantWriteError) as want:
                # Wait for the direction OpenSSL needs; waiting on both would spin while
                # the socket is writable and starve the peer of CPU.
                reading = isinstance(want, SSL.WantReadError)
                none: list[socket.socket] = []
                waits = ([sock], none, none) if reading else (none, [sock], none)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not any(select.select(*waits, remaining)):
                    raise CertificateUnavailable(
                        f"{host}:{port} did not finish a TLS handshake within {timeout:g}s"
                    ) from None
        chain = connection.get_peer_cert_chain(as_cryptography=True)
    except SSL.Error as exc:
        raise CertificateUnavailable(f"TLS handshake with {host}:{port} failed: {exc}") from exc
    finally:
        sock.close()
    if not chain:
        raise CertificateUnavailable(f"{host}:{port} presented no certificate")
    return list(chain)


def trust_problem(host: str, port: int, ca_bundle: Path | None, timeout: float) -> str | None:
    """Why ctibot's verification would refuse this node (None: it accepts it), with the
    host name check included, as for a real request."""
    context = ssl.create_default_context(
        cafile=str(ca_bundle or requests.utils.DEFAULT_CA_BUNDLE_PATH)
    )
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host),
        ):
            return None
    except ssl.SSLCertVerificationError as exc:
        return exc.verify_message or str(exc)
    except (OSError, ssl.SSLError) as exc:
        raise CertificateUnavailable(f"TLS handshake with {host}:{port} failed: {exc}") from exc


def pinned_in(chain: list[x509.Certificate], bundle: list[x509.Certificate]) -> bool:
    """Whether any certificate of the presented chain is one the bundle holds."""
    pins = {fingerprint(c) for c in bundle}
    return any(fingerprint(c) in pins for c in chain)


def changed_pin(host: str, port: int, ca_bundle: Path, timeout: float) -> str | None:
    """When the node presents no certificate the bundle holds: both fingerprints, so a
    certificate regenerated on CUCM is told apart from any other verification failure."""
    bundle = load_bundle(ca_bundle)
    try:
        chain = presented_chain(host, port, timeout)
    except CertificateUnavailable:
        return None
    if not bundle or pinned_in(chain, bundle):
        return None
    held = ", ".join(f"SHA-256 {fingerprint(c)}" for c in bundle)
    leaf = summarize(chain[0])
    return (
        f"the node presents a certificate ca_bundle {ca_bundle} does not hold: "
        f"presented SHA-256 {leaf.sha256} ({leaf.subject}), pinned {held}"
    )
