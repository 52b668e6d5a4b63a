"""The commands this deployment offers; workflows are appended here as they land."""

from __future__ import annotations

from commands.builtin import HelpCommand, VersionCommand, WhoamiCommand
from commands.registry import Registry


def build_registry() -> Registry:
    return Registry([HelpCommand(), WhoamiCommand(), VersionCommand()])
