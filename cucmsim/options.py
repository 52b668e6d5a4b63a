"""How a simulator instance behaves: credentials, limits, latency, strictness."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# "renamed": the demo lab on a release whose CTI service parameters have other internal names
# "large": the demo lab inside a production-sized cluster (20,000 phones, 5,000 users, ...)
Seed = Literal["demo", "empty", "renamed", "large"]


@dataclass(frozen=True)
class SimUser:
    """Another API account: an application user in these access control groups, whose roles
    decide what it may call (``cucmsim.access``), as on CUCM."""

    userid: str
    password: str
    groups: tuple[str, ...]


@dataclass
class SimOptions:
    host: str = "127.0.0.1"  # node i listens on 127.0.0.(i+1) when host is 127.0.0.1
    port: int = 0  # 0: pick a free port (the same port on every node address)
    tls: bool = False
    tls_self_signed: bool = False  # a self-signed leaf (CUCM's default) instead of CA-signed
    tls_valid_days: float = 365  # a small number: a certificate that expires soon
    # Where the certificate is kept across restarts (made when missing); None: a new
    # certificate at every start, as after an administrator regenerates CUCM's
    tls_dir: Path | None = None
    username: str = "axladmin"
    password: str = "axlpassword"
    seed: Seed = "demo"
    cluster_name: str = "lab"
    node_count: int = 3  # publisher + subscribers
    latency_ms: int = 0  # added to every SOAP call
    axl_write_rate: float | None = None  # AXL writes per second before HTTP 503; None: no limit
    ris_rate_per_minute: int = 15
    ris_max_items: int = 1000  # RIS answers at most this many items per call (StateInfo pages)
    axl_max_response_bytes: int = 8 * 1024 * 1024  # CUCM refuses a bigger list or SQL answer
    perfmon_rate_per_minute: int = 80
    # Control Center Starting/Stopping lasts this long (`ctibot sim --service-delay`,
    # `SimServer.set_service_delay`, `POST /__sim__/service-delay`)
    service_transition_s: float = 0.5
    strict: bool = False  # validate each AXL request against `axl_xsd` before executing it
    axl_xsd: Path | None = None  # the project's compact AXLSoap.xsd or Cisco's real one
    wsdl_dir: Path | None = None  # served at `?wsdl`: axl/AXLAPI.wsdl, controlcenter.wsdl, ...
    users: tuple[SimUser, ...] = ()  # accounts besides `username`, e.g. with restricted roles


def set_service_delay(options: SimOptions, seconds: float) -> float:
    """Change the transition time of a running simulator (Control Center reads it per request)."""
    if seconds < 0:
        raise ValueError(f"service delay must be 0 or more seconds, not {seconds}")
    options.service_transition_s = float(seconds)
    return options.service_transition_s
