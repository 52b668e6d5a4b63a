"""PerfmonService: CTIManager counters per node (``Cisco CTI Manager`` object).

Counter names arrive as ``\\\\host\\Object\\Counter`` or ``\\\\host\\Object(instance)\\Counter``
(docs/cucm-interfaces.md#perfmon); they are split here so callers see object, instance and counter.
PerfMon is rate limited (about 80 requests a minute), so collect one object per call.
"""

from __future__ import annotations

import re
from typing import Any

from bot.cucm.convert import field, items, optional_int, text
from bot.cucm.models import PerfCounter
from bot.cucm.serviceability import ServiceFor

CTI_MANAGER_OBJECT = "Cisco CTI Manager"
_NAME = re.compile(
    r"^\\\\(?P<host>[^\\]+)\\(?P<object>[^\\(]+)"
    r"(?:\((?P<instance>.*)\))?\\(?P<counter>.+)$"
)


def _counter(node: str, object_name: str, raw: Any) -> PerfCounter:
    name = text(raw, "Name")
    match = _NAME.match(name)
    status = optional_int(field(raw, "CStatus"))
    return PerfCounter(
        node=node,
        object=match.group("object") if match else object_name,
        instance=match.group("instance") if match else None,
        counter=match.group("counter") if match else name,
        value=optional_int(field(raw, "Value")) or 0,
        valid=status in (None, 0, 1),
    )


class PerfmonClient:
    """Point-in-time counter reads (no sessions: one request per object and node)."""

    def __init__(self, service_for: ServiceFor) -> None:
        self._service_for = service_for

    def collect(self, node: str, object_name: str = CTI_MANAGER_OBJECT) -> list[PerfCounter]:
        response = self._service_for(node).call(
            "perfmonCollectCounterData",
            read=True,
            obj=f"{object_name} on {node}",
            Host=node,
            Object=object_name,
        )
        return [_counter(node, object_name, raw) for raw in _returned(response)]

    def list_counters(self, node: str) -> dict[str, tuple[str, ...]]:
        """Object name -> its counter names, as the node reports them."""
        response = self._service_for(node).call(
            "perfmonListCounter", read=True, obj=node, Host=node
        )
        return {
            text(obj, "Name"): tuple(text(c, "Name") for c in items(obj, "ArrayOfCounter", "item"))
            for obj in _returned(response)
        }


def _returned(response: Any) -> list[Any]:
    """zeep yields the repeated ``*Return`` elements as a list (or None when empty)."""
    if response is None:
        return []
    return list(response) if isinstance(response, list) else [response]
