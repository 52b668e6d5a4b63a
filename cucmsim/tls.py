"""Certificates for the simulator's HTTPS mode, shaped like the ones a real cluster presents.

CUCM's Tomcat certificate is self-signed by default, or signed by the customer's CA; it can
be close to expiry, and it changes when an administrator regenerates it. Each of those is a
mode here, so ctibot's TLS paths (doctor, trust, a pinned certificate that changed) are
exercised for real instead of turning verification off.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_VALIDITY_DAYS = 365


@dataclass(frozen=True)
class CertFiles:
    ca_cert: Path  # what a client trusts: the CA, or the self-signed leaf itself
    server_cert: Path  # the chain the server presents (leaf first)
    server_key: Path

    @classmethod
    def in_directory(cls, directory: Path) -> CertFiles:
        return cls(directory / "ca.pem", directory / "tomcat.pem", directory / "tomcat-key.pem")

    def exist(self) -> bool:
        return all(p.is_file() for p in (self.ca_cert, self.server_cert, self.server_key))


@dataclass(frozen=True)
class CertSpec:
    self_signed: bool = False  # like CUCM's default Tomcat certificate; else CA-signed
    valid_days: float = DEFAULT_VALIDITY_DAYS  # from now; a small number: expires soon


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cucmsim"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _alt_names(addresses: list[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for address in dict.fromkeys([*addresses, "127.0.0.1"]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(address)))
        except ValueError:
            names.append(x509.DNSName(address))
    return x509.SubjectAlternativeName(names)


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(False, False, False, False, False, True, True, False, False)


def _ca(
    validity: tuple[datetime.datetime, datetime.datetime],
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("cucmsim CA"))
        .issuer_name(_name("cucmsim CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def generate(addresses: list[str], directory: Path, spec: CertSpec | None = None) -> CertFiles:
    """A server certificate whose SAN holds every node address plus localhost.

    CA-signed: the server presents leaf + CA and ``ca.pem`` is the CA. Self-signed: the
    server presents the leaf alone (subject = issuer, a CA itself, as CUCM's Tomcat
    certificate is) and ``ca.pem`` is that leaf.
    """
    spec = spec or CertSpec()
    now = datetime.datetime.now(datetime.UTC)
    validity = (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=spec.valid_days))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(addresses[0] if addresses else "localhost")
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(_alt_names(addresses), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    if spec.self_signed:
        leaf = (
            builder.issuer_name(subject)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        presented, trusted = _pem(leaf), _pem(leaf)
    else:
        ca_cert, ca_key = _ca(validity)
        leaf = (
            builder.issuer_name(ca_cert.subject)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
            .sign(ca_key, hashes.SHA256())
        )
        presented, trusted = _pem(leaf) + _pem(ca_cert), _pem(ca_cert)
    files = CertFiles.in_directory(directory)
    files.ca_cert.write_bytes(trusted)
    files.server_cert.write_bytes(presented)
    files.server_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def keep_or_generate(addresses: list[str], directory: Path, spec: CertSpec) -> CertFiles:
    """The certificate already in ``directory`` (a restart keeps it), else a new one there."""
    files = CertFiles.in_directory(directory)
    if files.exist():
        return files
    directory.mkdir(parents=True, exist_ok=True)
    return generate(addresses, directory, spec)


def server_context(files: CertFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.server_cert, files.server_key)
    return context
