"""The board's view of the devices ctibot provisioned: registered, and open by which provider.

The devices health check alerts on closed devices and groups them; the
board instead answers "where is each of my devices now", so it reads RIS
live for every device the change log says ctibot left in place (plus the
`health.devices` named in config), and groups devices in the same state so
fifty ports in good order are one line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.changelog.labels import kind_label
from bot.health.checks.devices import CTI_PORT, ROUTE_POINT, watched
from bot.text import Code, Line, Mark, Strong, line, note

if TYPE_CHECKING:
    from bot.config import HealthSettings
    from bot.health.checks.base import Target
    from bot.health.store import HealthStore

RIS_BATCH = 1000  # RIS answers at most this many devices per request
SHOWN_NAMES = 12


@dataclass(frozen=True)
class DeviceState:
    name: str
    kind: str  # route_point | cti_port
    registered_on: str | None
    provider: str | None  # the application user holding it open
    open_on: str | None

    @property
    def open(self) -> bool:
        return self.provider is not None

    @property
    def state(self) -> str:
        registered = (
            f"registered on {self.registered_on}" if self.registered_on else "not registered"
        )
        opened = (
            f"open by {self.provider} on {self.open_on}"
            if self.provider
            else "not open by any application"
        )
        return f"{registered}, {opened}"


def provisioned_devices(
    target: Target, settings: HealthSettings, store: HealthStore
) -> list[DeviceState]:
    kinds = watched(target, settings, store)
    names = sorted(kinds, key=str.casefold)
    opened: dict[str, tuple[str, str]] = {}
    registered: dict[str, str] = {}
    for start in range(0, len(names), RIS_BATCH):
        batch = names[start : start + RIS_BATCH]
        for item in target.ris.select_cti_items("Device", devices=batch):
            if item.device_status.casefold() == "open":
                opened.setdefault(item.device_name.casefold(), (item.user_id or "?", item.node))
        for device in target.ris.select_cm_devices(batch):
            if device.status.casefold() == "registered":
                registered.setdefault(device.name.casefold(), device.node)
    states = []
    for name in names:
        provider, node = opened.get(name.casefold(), (None, None))
        states.append(
            DeviceState(name, kinds[name], registered.get(name.casefold()), provider, node)
        )
    return states


def device_lines(cluster: str, devices: list[DeviceState]) -> list[Line]:
    """Route points first, then ports; devices in the same state share a line."""
    if not devices:
        return [
            line(
                Strong("Provisioned devices:"),
                f" none: ctibot has provisioned no {kind_label(ROUTE_POINT)} "
                f"or {kind_label(CTI_PORT)} on {cluster}, and ",
                Code("health.devices"),
                " names none.",
            )
        ]
    groups: dict[tuple[int, str, str], list[DeviceState]] = defaultdict(list)
    for device in devices:
        rank = 0 if device.kind == ROUTE_POINT else 1
        groups[(rank, device.kind, device.state)].append(device)
    lines = [line(Strong("Provisioned devices"), f" ({len(devices)}):")]
    for (_, kind, state), group in sorted(
        groups.items(), key=lambda g: (g[0][0], not g[1][0].open)
    ):
        names = [d.name for d in group]
        shown = ", ".join(names[:SHOWN_NAMES])
        if len(names) > SHOWN_NAMES:
            shown += f" and {len(names) - SHOWN_NAMES} more"
        label = kind_label(kind)
        what = label if len(group) == 1 else f"{len(group)} {label}s"
        mark = _mark(kind, group[0].open)
        lines.append(note(mark, f"{shown} ({what}): {state}", objects=tuple(names)))
    return lines


def _mark(kind: str, is_open: bool) -> Mark:
    if is_open:
        return "ok"
    return "critical" if kind == ROUTE_POINT else "major"
