"""CTI route points and CTI ports as objects, keyed by device name.

State {name, description, device_pool, css, location, lines[{index, pattern,
partition, max_calls, busy_trigger, label, display}]}, lines sorted by index.
AXL replaces a route point's `lines` whole, so an update that touches any
line sends the full list from the state; device fields are sent only when
they change, which keeps an undo from clobbering fields nobody touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.cucm.errors import NotFound
from bot.cucm.models import CtiPort, LineAppearance, RoutePoint
from commands.objects import ObjectKind, State, register

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster

DEVICE_FIELDS = ("description", "device_pool", "css", "location")
DEFAULT_MAX_CALLS = 2
DEFAULT_BUSY_TRIGGER = 1


def appearance_state(
    index: int,
    pattern: str,
    partition: str | None,
    *,
    max_calls: int = DEFAULT_MAX_CALLS,
    busy_trigger: int = DEFAULT_BUSY_TRIGGER,
    label: str = "",
    display: str = "",
) -> dict[str, Any]:
    return {
        "index": index,
        "pattern": pattern,
        "partition": partition or None,
        "max_calls": max_calls,
        "busy_trigger": busy_trigger,
        "label": label or "",
        "display": display or "",
    }


def device_state(
    name: str,
    *,
    description: str = "",
    device_pool: str | None = None,
    css: str | None = None,
    location: str | None = "Hub_None",
    lines: Iterable[dict[str, Any]] = (),
) -> State:
    return {
        "name": name,
        "description": description or "",
        "device_pool": device_pool or None,
        "css": css or None,
        "location": location or None,
        "lines": sorted(lines, key=lambda a: a["index"]),
    }


def _appearances_state(lines: Iterable[LineAppearance]) -> list[dict[str, Any]]:
    return [
        appearance_state(
            a.index,
            a.pattern,
            a.partition,
            max_calls=a.max_calls,
            busy_trigger=a.busy_trigger,
            label=a.label,
            display=a.display,
        )
        for a in lines
    ]


def from_model(device: RoutePoint | CtiPort) -> State:
    return device_state(
        device.name,
        description=device.description,
        device_pool=device.device_pool,
        css=device.css,
        location=device.location,
        lines=_appearances_state(device.lines),
    )


def appearances(state: State) -> tuple[LineAppearance, ...]:
    return tuple(
        LineAppearance(
            index=a["index"],
            pattern=a["pattern"],
            partition=a["partition"],
            max_calls=a["max_calls"],
            busy_trigger=a["busy_trigger"],
            label=a["label"],
            display=a["display"],
        )
        for a in state["lines"]
    )


def changed_fields(before: State, after: State) -> dict[str, Any]:
    """The update's keyword arguments: changed device fields, and `lines` when any changed."""
    fields: dict[str, Any] = {f: after[f] for f in DEVICE_FIELDS if before[f] != after[f]}
    if before["lines"] != after["lines"]:
        fields["lines"] = appearances(after)
    return fields


def first_line(state: State) -> dict[str, Any] | None:
    return state["lines"][0] if state["lines"] else None


class RoutePointKind(ObjectKind):
    name = "route_point"
    add_op = "addCtiRoutePoint"
    update_op = "updateCtiRoutePoint"
    remove_op = "removeCtiRoutePoint"

    def read(self, cucm: CucmCluster, key: str) -> State | None:
        try:
            found = cucm.axl.get_route_point(key)
        except NotFound:
            return None
        return None if found is None else from_model(found)

    def create(self, cucm: CucmCluster, state: State) -> None:
        cucm.axl.add_route_point(
            RoutePoint(
                name=state["name"],
                description=state["description"],
                device_pool=state["device_pool"],
                css=state["css"],
                location=state["location"],
                lines=appearances(state),
            )
        )

    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        fields = changed_fields(before, after)
        if fields:
            cucm.axl.update_route_point(key, **fields)

    def delete(self, cucm: CucmCluster, key: str) -> None:
        cucm.axl.remove_route_point(key)


class CtiPortKind(ObjectKind):
    """A phone with product "CTI Port"; one line, as the Cisco TAPI TSP requires."""

    name = "cti_port"
    add_op = "addPhone"
    update_op = "updatePhone"
    remove_op = "removePhone"

    def read(self, cucm: CucmCluster, key: str) -> State | None:
        try:
            found = cucm.axl.get_cti_port(key)
        except NotFound:
            return None
        return None if found is None else from_model(found)

    def create(self, cucm: CucmCluster, state: State) -> None:
        cucm.axl.add_cti_port(
            CtiPort(
                name=state["name"],
                description=state["description"],
                device_pool=state["device_pool"],
                css=state["css"],
                location=state["location"],
                lines=appearances(state),
            )
        )

    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        fields = changed_fields(before, after)
        if fields:
            cucm.axl.update_cti_port(key, **fields)

    def delete(self, cucm: CucmCluster, key: str) -> None:
        cucm.axl.remove_cti_port(key)


ROUTE_POINT = register(RoutePointKind())
CTI_PORT = register(CtiPortKind())
