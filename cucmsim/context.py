"""Everything a listener needs to answer a request, shared by all listeners."""

from __future__ import annotations

from dataclasses import dataclass

from cucmsim.model import Cluster, key
from cucmsim.options import SimOptions
from cucmsim.runtime import Runtime
from cucmsim.soap import SoapService

_WILDCARD_HOSTS = ("0.0.0.0", "", "::")


@dataclass
class SimContext:
    options: SimOptions
    cluster: Cluster
    runtime: Runtime
    services: dict[str, SoapService]  # by URL path
    scheme: str = "http"
    port: int = 0

    def url_for(self, address: str) -> str:
        host = "127.0.0.1" if address in _WILDCARD_HOSTS else address
        return f"{self.scheme}://{host}:{self.port}"

    def nodes(self) -> list[dict[str, str]]:
        with self.cluster.lock:
            return [
                {
                    "name": node.name,
                    "address": node.address,
                    "role": node.role,
                    "url": self.url_for(node.address),
                }
                for node in self.cluster.nodes.values()
            ]

    def node_url(self, node_name: str) -> str:
        node = self.cluster.nodes.get(key(node_name))
        if node is None:
            raise KeyError(f"no process node named {node_name!r}")
        return self.url_for(node.address)
