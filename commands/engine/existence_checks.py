"""Checks that the objects a command names exist, read at most once per plan.

The device pool is checked with getDevicePool and a forward's calling search
space with getCss (and, only when one is missing, a list read for the
message). The service layer offers no read for partitions or locations, so
those are passed through as typed and CUCM's foreign-key fault
(InvalidReference) names them at write time, before anything after that step
runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cucm.errors import NotFound
from commands.engine.base import UsageError

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import CallingSearchSpace


class References:
    def __init__(self, cucm: CucmCluster) -> None:
        self._cucm = cucm
        self._pools: dict[str, str] = {}
        self._css: dict[str, CallingSearchSpace] = {}

    def device_pool(self, name: str) -> str:
        """CUCM's spelling of the pool, or a usage error listing the pools that exist."""
        folded = name.casefold()
        if folded not in self._pools:
            try:
                self._pools[folded] = self._cucm.axl.get_device_pool(name).name or name
            except NotFound:
                valid = sorted(p.name for p in self._cucm.axl.list_device_pools())
                raise UsageError(
                    f"Device pool `{name}` does not exist on cluster {self._cucm.name}. "
                    f"Valid device pools: {', '.join(valid) or '(none)'}."
                ) from None
        return self._pools[folded]

    def css(self, name: str) -> CallingSearchSpace:
        """The CSS with its partitions, or a usage error listing the CSSs that exist."""
        folded = name.casefold()
        if folded not in self._css:
            try:
                self._css[folded] = self._cucm.axl.get_css(name)
            except NotFound:
                valid = self._cucm.axl.list_css()
                raise UsageError(
                    f"Calling search space `{name}` does not exist on cluster "
                    f"{self._cucm.name}. Valid calling search spaces: "
                    f"{', '.join(valid) or '(none)'}."
                ) from None
        return self._css[folded]
