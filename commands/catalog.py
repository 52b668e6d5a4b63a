"""The commands this deployment offers, in the order of Cisco's procedure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.engine.base import Command, CommandSpec
from commands.engine.registry import Registry
from commands.workflows import (
    alert_actions,
    associate,
    audit,
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
from commands.workflows.builtin import HelpCommand, VersionCommand, WhoamiCommand

if TYPE_CHECKING:
    from bot.health.monitor import HealthMonitor

WORKFLOW_MODULES = (
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
)


def build_registry(monitor: HealthMonitor | None = None) -> Registry:
    """Every command; the health ones only when there is a monitor to ask."""
    registry = Registry([HelpCommand(), WhoamiCommand(), VersionCommand()])
    for module in WORKFLOW_MODULES:
        for command in module.COMMANDS:
            registry.add(command)
    if monitor is not None:
        for command in health_commands(monitor):
            registry.add(command)
    return registry


def health_commands(monitor: HealthMonitor) -> list[Command]:
    return (
        health.build_commands(monitor.scheduler)
        + silences.build_commands(monitor.alerts)
        + alert_actions.build_commands(monitor.alerts)
        + capacity.build_commands(monitor.store.capacity)
    )


def all_specs() -> list[CommandSpec]:
    """Every command's spec, health included, without building a monitor (for the docs)."""
    specs = [c.spec for c in build_registry().all()]
    types = (
        health.COMMAND_TYPES
        + silences.COMMAND_TYPES
        + alert_actions.COMMAND_TYPES
        + capacity.COMMAND_TYPES
    )
    specs += [cls.spec for cls in types]
    return sorted(specs, key=lambda spec: spec.name)
