"""What a command receives: who runs it, on which cluster, and the services it may use."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from commands.engine.base import Actor, CommandSpec, Refused, Role
from commands.engine.shutdown import Shutdown

if TYPE_CHECKING:
    from bot.changelog.store import ChangeLog
    from bot.cucm.cluster import ClusterDirectory, CucmCluster
    from bot.health.alerts import AlertEngine
    from bot.health.capacity import CapacityStore
    from bot.health.scheduler import HealthScheduler
    from commands.engine.objects import ObjectKind


def _no_progress(_: str) -> None:
    return None


@dataclass(frozen=True)
class ConfiguredApplication:
    """A CTI application as the deployment describes it: where its provider connects.

    CUCM does not know an application's primary and backup CTIManager (they live in
    the application), so the workflows learn them from the configuration.
    """

    app_user: str
    cluster: str | None  # None: the default cluster
    primary_node: str
    backup_node: str | None = None


class Listed(Protocol):
    """A command as a listing sees it: only its spec."""

    @property
    def spec(self) -> CommandSpec: ...


class CommandIndex(Protocol):
    """The registry as commands see it (help lists and explains the others).

    A protocol over specs, so that the context needs neither the registry nor the
    `Command` type, which both need the context.
    """

    def all(self) -> Sequence[Listed]: ...

    def allowed(self, role: Role) -> Sequence[Listed]: ...

    def resolve(self, words: list[str]) -> tuple[Listed, list[str]] | None: ...


@dataclass(frozen=True)
class Monitoring:
    """What the health monitor lends the commands that report on it or steer it."""

    scheduler: HealthScheduler
    alerts: AlertEngine
    capacity: CapacityStore


@dataclass
class Context:
    actor: Actor
    role: Role
    cluster_name: str
    clusters: ClusterDirectory
    changelog: ChangeLog
    registry: CommandIndex
    kinds: Mapping[str, ObjectKind]  # every object kind, by the name the change log records
    command_text: str = ""
    dry_run: bool = False
    request_id: str | None = None
    grant: str = ""  # how the caller got their role, for whoami and the audit trail
    requested_by: Actor | None = None  # who asked, when the actor confirms someone else's plan
    progress: Callable[[str], None] = field(default=_no_progress)
    applications: tuple[ConfiguredApplication, ...] = ()
    shutdown: Shutdown = field(default_factory=Shutdown)
    monitoring: Monitoring | None = None  # None where no health monitor runs

    def monitor(self) -> Monitoring:
        """The health monitor's parts, or a refusal that says there is none."""
        if self.monitoring is None:
            raise Refused("Health monitoring does not run in this deployment.")
        return self.monitoring

    @property
    def cucm(self) -> CucmCluster:
        return self.clusters.get(self.cluster_name)
