"""What a command receives: who runs it, on which cluster, and the services it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from commands.engine.base import Actor, Role
from commands.engine.shutdown import Shutdown

if TYPE_CHECKING:
    from bot.changelog.store import ChangeLog
    from bot.cucm.cluster import ClusterDirectory, CucmCluster
    from commands.engine.registry import Registry


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


@dataclass
class Context:
    actor: Actor
    role: Role
    cluster_name: str
    clusters: ClusterDirectory
    changelog: ChangeLog
    registry: Registry
    command_text: str = ""
    dry_run: bool = False
    request_id: str | None = None
    grant: str = ""  # how the caller got their role, for whoami and the audit trail
    requested_by: Actor | None = None  # who asked, when the actor confirms someone else's plan
    progress: Callable[[str], None] = field(default=_no_progress)
    applications: tuple[ConfiguredApplication, ...] = ()
    shutdown: Shutdown = field(default_factory=Shutdown)

    @property
    def cucm(self) -> CucmCluster:
        return self.clusters.get(self.cluster_name)
