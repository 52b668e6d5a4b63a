"""How to reach one CUCM cluster; built by the config layer, consumed by ``CucmCluster``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

AXL_VERSIONS = ("11.5", "12.5", "14.0", "15.0")


@dataclass(frozen=True)
class ClusterEndpoint:
    """Connection facts for one cluster.

    ``nodes`` maps CUCM process-node names to addresses for names DNS cannot resolve (labs,
    the simulator). ``axl_wsdl`` points at a full vendor AXLAPI.wsdl to use instead of our
    compact one. The password is excluded from ``repr`` so it never lands in logs.
    ``pace_writes`` turns the adaptive AXL write pacer (``pacer.py``) on or off.
    """

    name: str
    host: str
    username: str
    password: str = field(repr=False)
    port: int = 8443
    scheme: str = "https"
    axl_version: str = "12.5"
    verify_tls: bool = True
    ca_bundle: Path | None = None
    axl_wsdl: Path | None = None
    nodes: dict[str, str] = field(default_factory=dict)
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    pace_writes: bool = True
    max_write_rate: float | None = None  # this process's share of CUCM's AXL write rate
    reference_ttl_s: float = 300.0  # node list, device pools, CM groups; 0 disables the cache
    param_names: dict[str, str] = field(default_factory=dict)  # concept -> internal name
    service_wait_s: float = 300.0  # how long an activation / restart is followed to its end

    def __post_init__(self) -> None:
        if self.axl_version not in AXL_VERSIONS:
            raise ValueError(
                f"unsupported AXL version {self.axl_version!r}; choose one of {AXL_VERSIONS}"
            )
        if self.scheme not in ("http", "https"):
            raise ValueError(f"scheme must be http or https, not {self.scheme!r}")

    def base_url(self, address: str | None = None) -> str:
        """``scheme://address:port`` for the publisher (default) or another node address."""
        return f"{self.scheme}://{address or self.host}:{self.port}"

    def node_address(self, node_name: str) -> str:
        """Address of a process node: the configured override, else the name itself."""
        return self.nodes.get(node_name, node_name)
