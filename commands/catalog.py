"""The commands this deployment offers: every workflow module, in the order of Cisco's
procedure, each listing its commands in `COMMANDS`; and the one place a runner is
assembled with them and with every object kind.

Adding a command to a module is one entry in its `COMMANDS`; a new module is one
line here (tests/unit/commands/test_catalog.py fails until it is). The engine
imports neither the workflows nor the kinds: it is handed both, here.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Unpack

from commands.engine.base import CommandSpec
from commands.engine.command import Command
from commands.engine.registry import Registry
from commands.engine.runner import Runner, RunnerOptions
from commands.kinds.catalog import KINDS
from commands.workflows import (
    alert_actions,
    associate,
    audit,
    builtin,
    capacity,
    doctor,
    groups,
    health,
    lines,
    ports,
    preflight,
    provision,
    remove_ports,
    routepoints,
    service,
    service_parameters,
    silences,
    undo,
)

if TYPE_CHECKING:
    from bot.changelog.confirmations import ConfirmationStore
    from bot.changelog.store import ChangeLog
    from bot.cucm.cluster import ClusterDirectory

WORKFLOW_MODULES: tuple[ModuleType, ...] = (
    builtin,
    preflight,
    service,
    service_parameters,
    lines,
    routepoints,
    ports,
    remove_ports,
    associate,
    groups,
    provision,
    audit,
    undo,
    doctor,
    health,
    silences,
    alert_actions,
    capacity,
)


def all_commands() -> list[Command]:
    return [command for module in WORKFLOW_MODULES for command in module.COMMANDS]


def build_registry() -> Registry:
    """Every command. Those that need the health monitor find it in their `Context`."""
    return Registry(all_commands())


def all_specs() -> list[CommandSpec]:
    """Every command's spec, in name order (for the docs)."""
    return [command.spec for command in build_registry().all()]


def build_runner(
    clusters: ClusterDirectory,
    changelog: ChangeLog,
    confirmations: ConfirmationStore,
    ttl_seconds: int,
    *,
    registry: Registry | None = None,
    **options: Unpack[RunnerOptions],
) -> Runner:
    """A runner that knows every object kind, with every command or only `registry`'s."""
    return Runner(
        build_registry() if registry is None else registry,
        clusters,
        changelog,
        confirmations,
        ttl_seconds,
        kinds=KINDS,
        **options,
    )
