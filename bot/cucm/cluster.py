"""One configured CUCM cluster: the AXL client plus per-node Serviceability clients.

Everything for a cluster shares one HTTP session (keep-alive, JSESSIONIDSSO cookie), one
retry policy, one ``Stats`` and one AXL write pacer (CUCM throttles writes cluster-wide);
the parsed WSDLs are shared process-wide (``schemas``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import zeep

from bot.cucm import schemas
from bot.cucm.axl import AxlClient, build_axl
from bot.cucm.controlcenter import ControlCenterClient
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.pacer import PacerSettings, WritePacer
from bot.cucm.perfmon import PerfmonClient
from bot.cucm.retry import RetryPolicy
from bot.cucm.ris import RisClient
from bot.cucm.serviceability import CONTROLCENTER_PATH, PERFMON_PATH, RIS_PATH
from bot.cucm.soap import SoapService
from bot.cucm.stats import Stats
from bot.cucm.transport import make_session, make_transport

_APIS: dict[str, tuple[Path, str, str]] = {
    "controlcenter": (
        schemas.CONTROLCENTER_WSDL,
        f"{{{schemas.AST_NS}}}ControlCenterServicesBinding",
        CONTROLCENTER_PATH,
    ),
    "ris": (schemas.RIS_WSDL, f"{{{schemas.AST_NS}}}RisBinding", RIS_PATH),
    "perfmon": (schemas.PERFMON_WSDL, f"{{{schemas.AST_NS}}}PerfmonBinding", PERFMON_PATH),
}


class CucmCluster:
    """The service layer's entry point for one cluster (see ``ClusterEndpoint``)."""

    def __init__(
        self,
        endpoint: ClusterEndpoint,
        *,
        retry: RetryPolicy | None = None,
        stats: Stats | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.name = endpoint.name
        self.retry = retry or RetryPolicy()
        self.stats = stats or Stats()
        self.pacer = (
            WritePacer(PacerSettings(max_rate=endpoint.max_write_rate), sleep=sleep or time.sleep)
            if endpoint.pace_writes
            else None
        )
        self._sleep = sleep
        self._session = make_session(endpoint)
        self._transport = make_transport(endpoint, self._session)
        self._lock = threading.Lock()
        self._services: dict[tuple[str, str], SoapService] = {}
        self.axl: AxlClient = build_axl(
            endpoint,
            self._transport,
            policy=self.retry,
            stats=self.stats,
            sleep=sleep,
            pacer=self.pacer,
        )
        self.controlcenter = ControlCenterClient(
            lambda node: self._service("controlcenter", self.node_address(node))
        )
        self.perfmon = PerfmonClient(lambda node: self._service("perfmon", self.node_address(node)))
        self.ris = RisClient(self._service("ris", endpoint.host))

    def node_address(self, node_name: str) -> str:
        """Where a process node listens: the configured override, else its name."""
        return self.endpoint.node_address(node_name)

    def _service(self, api: str, address: str) -> SoapService:
        with self._lock:
            service = self._services.get((api, address))
            if service is None:
                wsdl, binding, path = _APIS[api]
                client = zeep.Client(
                    schemas.load_document(wsdl),
                    transport=self._transport,
                    settings=schemas.SETTINGS,
                )
                service = SoapService(
                    api=api,
                    client=client,
                    binding=binding,
                    address=self.endpoint.base_url(address) + path,
                    cluster=self.name,
                    policy=self.retry,
                    stats=self.stats,
                    read_timeout=self.endpoint.read_timeout,
                    sleep=self._sleep,
                    ca_bundle=self.endpoint.ca_bundle,
                )
                self._services[(api, address)] = service
            return service

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> CucmCluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ClusterDirectory(Protocol):
    """The configured CUCM clusters, connected lazily (parsing a WSDL costs ~1 s).

    One shape for every consumer: the workflows, the health monitor and the readiness probe.
    """

    default_name: str

    def names(self) -> list[str]: ...

    def get(self, name: str) -> CucmCluster: ...


class SingleCluster:
    """A ClusterDirectory of one already-connected cluster, for benches and tests.

    It refuses other names as the configured directory does, so a caller that
    asks for the wrong cluster fails instead of silently writing to this one.
    """

    def __init__(self, cluster: CucmCluster) -> None:
        self.cluster = cluster
        self.default_name = cluster.name

    def names(self) -> list[str]:
        return [self.default_name]

    def get(self, name: str) -> CucmCluster:
        if name.casefold() != self.default_name.casefold():
            raise KeyError(f"unknown cluster {name!r}")
        return self.cluster
