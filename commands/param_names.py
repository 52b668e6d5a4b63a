"""Find a CTI service parameter the way admins type it, and its internal name on a node.

Admins type a concept key (`max-devices-per-provider`), the GUI's display
name in any case, with or without spaces, or a unique prefix. CUCM's AXL
names are unconfirmed (reference §7), so the internal name is never guessed:
it is picked from what listServiceParameter returns on the node, by the
words of the display name (`Maximum Devices Per Node` ~ `CtiMaxDevicesPerNode`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from commands.base import UsageError

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import ServiceParameter

CTI_MANAGER = "Cisco CTIManager"
CALL_MANAGER = "Cisco CallManager"
MAX_DEVICES_PER_PROVIDER = "max-devices-per-provider"


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    display: str
    service: str
    default: int
    minimum: int
    maximum: int


CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        MAX_DEVICES_PER_PROVIDER, "Maximum Devices Per Provider", CTI_MANAGER, 2000, 1, 20000
    ),
    CatalogueEntry("max-devices-per-node", "Maximum Devices Per Node", CTI_MANAGER, 800, 1, 20000),
    CatalogueEntry(
        "heartbeat-min-interval", "Application Heartbeat Minimum Interval", CTI_MANAGER, 5, 5, 3600
    ),
    CatalogueEntry(
        "heartbeat-max-interval",
        "Application Heartbeat Maximum Interval",
        CTI_MANAGER,
        3600,
        30,
        3600,
    ),
    CatalogueEntry("new-call-accept-timer", "CTI New Call Accept Timer", CALL_MANAGER, 4, 1, 20),
)

# Words CUCM's internal names abbreviate.
_SYNONYMS = {"maximum": "max", "minimum": "min", "seconds": "secs", "sec": "secs"}
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def catalogue() -> tuple[CatalogueEntry, ...]:
    return CATALOGUE


def services() -> list[str]:
    return list(dict.fromkeys(e.service for e in CATALOGUE))


def range_text(entry: CatalogueEntry) -> str:
    return f"{entry.minimum}-{entry.maximum}"


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def find_param(text: str) -> CatalogueEntry:
    """Concept key, display name (any case, spaces optional) or unique prefix of either."""
    typed = _squash(text)
    if not typed:
        raise UsageError("Name the parameter, e.g. `max-devices-per-provider`.")
    exact = [e for e in CATALOGUE if typed in (_squash(e.key), _squash(e.display))]
    if exact:
        return exact[0]
    prefixed = [
        e
        for e in CATALOGUE
        if _squash(e.key).startswith(typed) or _squash(e.display).startswith(typed)
    ]
    if len(prefixed) == 1:
        return prefixed[0]
    listing = ", ".join(f"`{e.key}` ({e.display})" for e in (prefixed or CATALOGUE))
    if prefixed:
        raise UsageError(f"`{text}` is ambiguous: {listing}.")
    raise UsageError(f"Unknown parameter `{text}`. Parameters: {listing}.")


def check_value(entry: CatalogueEntry, text: str) -> int:
    """Whole number within the catalogue's range; AXL itself would store anything."""
    try:
        value = int(text.strip())
    except ValueError:
        raise UsageError(f"{entry.display} takes a whole number, not `{text}`.") from None
    if not entry.minimum <= value <= entry.maximum:
        raise UsageError(
            f"{entry.display} must be between {entry.minimum} and {entry.maximum} "
            f"(default {entry.default}); `{value}` is out of range."
        )
    return value


def same_value(current: str | None, wanted: int) -> bool:
    if current is None:
        return False
    try:
        return int(current.strip()) == wanted
    except ValueError:
        return False


def _words(text: str) -> list[str]:
    return [_SYNONYMS.get(w, w) for w in (m.casefold() for m in _CAMEL.findall(text))]


def resolve(entry: CatalogueEntry, listed: Iterable[ServiceParameter]) -> ServiceParameter | None:
    """The listed parameter whose name carries every word of the display name.

    Among several, the one with the fewest extra words wins; a tie is no
    answer at all, because sending a guessed name could change the wrong thing.
    """
    wanted = set(_words(entry.display.title().replace(" ", "")))
    ranked: list[tuple[int, ServiceParameter]] = []
    for param in listed:
        if param.service.casefold() != entry.service.casefold():
            continue
        words = set(_words(param.name))
        if wanted <= words:
            ranked.append((len(words - wanted), param))
    ranked.sort(key=lambda pair: pair[0])
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1]


def current_value(cucm: CucmCluster, node: str, key: str) -> int | None:
    """A catalogue parameter's value on one node (one listServiceParameter), or None."""
    entry = next(e for e in CATALOGUE if e.key == key)
    found = resolve(entry, cucm.axl.list_service_parameters(node, entry.service))
    if found is None or found.value is None:
        return None
    try:
        return int(found.value)
    except ValueError:
        return None
