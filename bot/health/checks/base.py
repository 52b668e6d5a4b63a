"""What every check receives and returns.

A check reads CUCM through a ``Target``: the cluster's clients (RIS and PerfMon
behind the client-side rate limiter) plus a bounded pool for calls that fan out
per node. It returns ``CheckResult``s, one per subject it looked at; a subject it
does not report on a successful run counts as passing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from bot.cucm.models import (
    CmDevice,
    CtiItem,
    CtiPort,
    PerfCounter,
    ProcessNode,
    RoutePoint,
    ServiceParameter,
    ServiceStatus,
)
from bot.cucm.param_catalog import ParameterResolver

Severity = Literal["warning", "critical"]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class CheckResult:
    cluster: str
    check: str
    subject: str
    ok: bool
    severity: Severity = "warning"
    summary: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    node: str | None = None


class Axl(Protocol):
    def get_version(self) -> str: ...
    def list_process_nodes(self) -> list[ProcessNode]: ...
    def list_service_parameters(self, node: str, service: str) -> list[ServiceParameter]: ...
    def get_route_point(self, name: str) -> RoutePoint: ...
    def get_cti_port(self, name: str) -> CtiPort: ...


class ControlCenter(Protocol):
    def get_service_status(
        self, node: str, services: Sequence[str] = ...
    ) -> list[ServiceStatus]: ...


class Ris(Protocol):
    def select_cti_items(
        self,
        cti_class: Any,
        *,
        status: Any = ...,
        node: str | None = ...,
        app_users: Sequence[str] = ...,
        devices: Sequence[str] = ...,
    ) -> list[CtiItem]: ...

    def select_cm_devices(
        self, names: Sequence[str], *, node: str | None = ...
    ) -> list[CmDevice]: ...


class Perfmon(Protocol):
    def collect(self, node: str, object_name: str = ...) -> list[PerfCounter]: ...


@dataclass
class Target:
    """One cluster as the checks see it."""

    name: str
    axl: Axl
    controlcenter: ControlCenter
    ris: Ris
    perfmon: Perfmon
    pool: Executor
    timeout_s: float = 60.0
    default: bool = False  # the cluster that config entries naming no cluster belong to
    resolver: ParameterResolver | None = None
    _nodes: list[str] = field(default_factory=list, repr=False)

    def per_node(self, call: Callable[[T], R], nodes: Iterable[T]) -> list[R | Exception]:
        """``call`` on every node in parallel; a node that fails yields its exception."""
        futures = [self.pool.submit(call, node) for node in nodes]
        results: list[R | Exception] = []
        for future in futures:
            try:
                results.append(future.result(timeout=self.timeout_s))
            except Exception as exc:
                results.append(exc)
        return results

    @property
    def parameters(self) -> ParameterResolver:
        """Resolves CTI parameter concepts to this cluster's internal names (cached)."""
        if self.resolver is None:
            self.resolver = ParameterResolver(self.axl, cluster=self.name)  # type: ignore[arg-type]  # a read-only view of an AxlClient
        return self.resolver

    def node_names(self) -> list[str]:
        """The cluster's nodes; the last known list when AXL cannot answer right now."""
        try:
            self._nodes = [n.name for n in self.axl.list_process_nodes()]
        except Exception:
            if not self._nodes:
                raise
        return list(self._nodes)


def fail(
    target: Target, check: str, subject: str, severity: Severity, summary: str, **details: Any
) -> CheckResult:
    node = details.pop("node", None)
    return CheckResult(target.name, check, subject, False, severity, summary, details, node)


def ok(target: Target, check: str, subject: str, summary: str, **details: Any) -> CheckResult:
    node = details.pop("node", None)
    return CheckResult(target.name, check, subject, True, "warning", summary, details, node)
