"""Which CTI devices an application holds open right now, as RIS reports it.

A device open by a provider may carry live calls: removing it, changing it or
taking it out of the application's control drops them. Writes that can do
that ask RIS (selectCtiItem) first and say which application holds what, so
the admin confirms knowing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cucm.errors import CucmError

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster

RIS_BATCH = 1000  # selectCtiItem answers at most this many items per request


@dataclass(frozen=True)
class OpenDevice:
    name: str
    provider: str  # the application user whose provider holds it open
    node: str  # the CTIManager node it is open on


def open_devices(cucm: CucmCluster, names: Iterable[str]) -> list[OpenDevice]:
    """The named devices some provider holds open; CucmError when RIS cannot say."""
    wanted = list(dict.fromkeys(names))
    found: dict[str, OpenDevice] = {}
    for start in range(0, len(wanted), RIS_BATCH):
        batch = wanted[start : start + RIS_BATCH]
        for item in cucm.ris.select_cti_items("Device", devices=batch, max_items=RIS_BATCH):
            if item.device_status.casefold() == "open" and item.device_name:
                found.setdefault(
                    item.device_name.casefold(),
                    OpenDevice(item.device_name, item.user_id or "an application", item.node),
                )
    return sorted(found.values(), key=lambda d: d.name.casefold())


def open_warning(cucm: CucmCluster, names: Iterable[str], effect: str) -> str | None:
    """One warning naming the open devices per provider, or None when none is open.

    `effect` finishes the sentence: what this change does to them.
    """
    wanted = list(names)
    if not wanted:
        return None
    try:
        held = open_devices(cucm, wanted)
    except CucmError as exc:
        return (
            f"Could not ask RIS whether {_short(wanted)} are open by a CTI application ({exc}); "
            "calls in progress on them would drop: check before confirming."
        )
    if not held:
        return None
    by_provider: dict[tuple[str, str], list[str]] = defaultdict(list)
    for device in held:
        by_provider[(device.provider, device.node)].append(device.name)
    who = "; ".join(
        f"{_short(devices)} by {provider} on {node}"
        for (provider, node), devices in sorted(by_provider.items())
    )
    return (
        f"Open right now (RIS): {who}. Calls in progress on them may drop when {effect}; "
        "confirm only if the application is idle or stopped."
    )


def _short(names: list[str], shown: int = 12) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" and {len(names) - shown} more"
