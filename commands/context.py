"""What a command receives: who runs it, on which cluster, and the services it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from commands.base import Actor, Role

if TYPE_CHECKING:
    from bot.changelog.store import ChangeLog
    from bot.cucm.cluster import CucmCluster
    from commands.registry import Registry


class ClusterDirectory(Protocol):
    """The configured CUCM clusters, connected lazily (parsing a WSDL costs ~1 s)."""

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


def _no_progress(_: str) -> None:
    return None


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
    progress: Callable[[str], None] = field(default=_no_progress)

    @property
    def cucm(self) -> CucmCluster:
        return self.clusters.get(self.cluster_name)
