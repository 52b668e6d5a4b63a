"""The commands this deployment offers, in the order of Cisco's procedure."""

from __future__ import annotations

from commands import (
    associate,
    audit,
    groups,
    lines,
    params,
    ports,
    preflight,
    provision,
    routepoints,
    service,
    undo,
)
from commands.builtin import HelpCommand, VersionCommand, WhoamiCommand
from commands.registry import Registry

WORKFLOW_MODULES = (
    preflight,
    service,
    params,
    lines,
    routepoints,
    ports,
    associate,
    groups,
    provision,
    audit,
    undo,
)


def build_registry() -> Registry:
    registry = Registry([HelpCommand(), WhoamiCommand(), VersionCommand()])
    for module in WORKFLOW_MODULES:
        for command in module.COMMANDS:
            registry.add(command)
    return registry
