"""Start and stop a simulated CUCM cluster in-process (tests, demo, `ctibot sim`)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from cucmsim import tls
from cucmsim.axl.service import AxlService
from cucmsim.context import SimContext
from cucmsim.model import Cluster
from cucmsim.options import SimOptions, set_service_delay
from cucmsim.runtime import Runtime
from cucmsim.seed import build_cluster
from cucmsim.server import SimHTTPServer, bind_listeners
from cucmsim.serviceability import build_services


class SimServer:
    """A running simulator: listeners on loopback plus the live cluster model."""

    def __init__(self, options: SimOptions | None = None) -> None:
        self.options = options or SimOptions()
        self.cluster: Cluster = build_cluster(self.options)
        self.runtime = Runtime(self.options)
        services = [AxlService(self.options), *build_services(self.options)]
        self._context = SimContext(
            options=self.options,
            cluster=self.cluster,
            runtime=self.runtime,
            services={s.path: s for s in services},
            scheme="https" if self.options.tls else "http",
        )
        self._servers: list[SimHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._cert_dir: Path | None = None
        self.ca_cert_path: Path | None = None
        self.base_url = ""
        self.port = 0

    def start(self) -> SimServer:
        ssl_context = None
        if self.options.tls:
            files = self._certificate()
            self.ca_cert_path = files.ca_cert
            ssl_context = tls.server_context(files)
        self._servers = bind_listeners(self._context, ssl_context)
        self.port = self._context.port
        self.base_url = self._context.url_for(self.cluster.publisher.address)
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"cucmsim-{server.node.name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _certificate(self) -> tls.CertFiles:
        addresses = [n.address for n in self.cluster.nodes.values()]
        spec = tls.CertSpec(self.options.tls_self_signed, self.options.tls_valid_days)
        if self.options.tls_dir is not None:
            return tls.keep_or_generate(addresses, self.options.tls_dir, spec)
        self._cert_dir = Path(tempfile.mkdtemp(prefix="cucmsim-tls-"))
        return tls.generate(addresses, self._cert_dir, spec)

    def restart(self) -> SimServer:
        """Stop and start again on the same port, the cluster's content unchanged.

        Without ``tls_dir`` the node then presents a new certificate, as a CUCM node does
        after its Tomcat certificate is regenerated.
        """
        port = self.port
        self.stop()
        self.options.port = port
        return self.start()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []
        if self._cert_dir is not None:
            shutil.rmtree(self._cert_dir, ignore_errors=True)
            self._cert_dir = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def node_url(self, node_name: str) -> str:
        return self._context.node_url(node_name)

    def nodes(self) -> list[dict[str, str]]:
        return self._context.nodes()

    def counters(self) -> dict[str, dict[str, int]]:
        return self.runtime.counters()

    def requests(self) -> list[dict[str, Any]]:
        """The ordered request log: endpoint, operation, node, time."""
        return [vars(r).copy() for r in self.runtime.requests()]

    def handler_seconds(self) -> float:
        """Seconds the simulator spent answering since the last reset (latency excluded)."""
        return self.runtime.handler_seconds()

    def reset_counters(self) -> None:
        self.runtime.reset_counters()

    def inject_fault(self, operation: str, kind: str, count: int = 1, **kw: Any) -> None:
        self.runtime.faults.inject(operation, kind, count, **kw)

    def clear_faults(self) -> None:
        self.runtime.faults.clear()

    def set_latency(self, ms: int, scope: str = "all") -> None:
        self.runtime.set_latency(ms, scope)

    def set_axl_write_rate(self, rate: float | None) -> None:
        self.runtime.throttle.set_rate(rate)

    def set_service_delay(self, seconds: float) -> None:
        """How long later service transitions take; one already under way keeps its time."""
        set_service_delay(self.options, seconds)


def run_forever(options: SimOptions) -> None:
    """Run until Ctrl-C, printing where each node listens (the `ctibot sim` command)."""
    with SimServer(options) as sim:
        print(f"cucmsim listening: {sim.base_url}  (AXL {sim.base_url}/axl/)", flush=True)
        for node in sim.nodes():
            print(f"  {node['role']:<10} {node['name']:<12} {node['url']}", flush=True)
        if sim.ca_cert_path is not None:
            print(f"  certificate to trust (ca_bundle): {sim.ca_cert_path}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("cucmsim stopped", flush=True)
