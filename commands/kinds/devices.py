"""CTI route points and CTI ports as objects, keyed by device name.

State {name, description, device_pool, css, location, lines[{index, pattern,
partition, max_calls, busy_trigger, label, display, settings}]}, lines sorted
by index. AXL replaces a device's `lines` whole, and each line resets every
field it does not carry, so a line's `settings` (its other AXL fields: E.164
mask, recording, monitoring CSS, ring settings, associated end users...) are
read into the state and written back with it; an update that touches any line
sends the full list from the state, and the change log's before/after hold
the settings so undo and compensation restore them too. Device fields are
sent only when they change, which keeps an undo from clobbering fields nobody
touched.
"""

from __future__ import annotations

import copy
from abc import abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.cucm.errors import NotFound
from bot.cucm.models import CtiPort, LineAppearance, LineSetting, RoutePoint
from commands.engine.base import UsageError
from commands.engine.objects import ObjectKind, State, change
from commands.kinds.lines import describe, line_key

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from commands.engine.base import Step

DEVICE_FIELDS = ("description", "device_pool", "css", "location")


@dataclass(frozen=True)
class CallLimits:
    """Maximum number of calls and busy trigger of a device line."""

    max_calls: int
    busy_trigger: int


# CUCM's own defaults for a CTI route point line (its administration pages), and
# one call at a time (busy beyond it) on a CTI port, as the TAPI TSP uses it.
ROUTE_POINT_LIMITS = CallLimits(max_calls=5000, busy_trigger=4500)
PORT_LIMITS = CallLimits(max_calls=2, busy_trigger=1)


def check_busy_trigger(max_calls: int, busy_trigger: int, where: str = "") -> None:
    """Refuse a busy trigger above max calls, naming both (and the line, when given)."""
    if busy_trigger > max_calls:
        on = f" on {where}" if where else ""
        raise UsageError(
            f"`busy-trigger` ({busy_trigger}) cannot exceed `max-calls` ({max_calls}){on}: "
            "CUCM sends busy once that many calls are active."
        )


def new_limits(max_calls: int | None, busy_trigger: int | None, default: CallLimits) -> CallLimits:
    """A new line's limits: those given, else `default`, the busy trigger kept within max calls."""
    calls = max_calls or default.max_calls
    busy = busy_trigger or min(default.busy_trigger, calls)
    check_busy_trigger(calls, busy)
    return CallLimits(calls, busy)


def with_limits(
    line: Mapping[str, Any], max_calls: int | None, busy_trigger: int | None
) -> dict[str, Any]:
    """The appearance with the limits given (the rest as it is), refused when busy exceeds max."""
    changed = {
        **line,
        "max_calls": line["max_calls"] if max_calls is None else max_calls,
        "busy_trigger": line["busy_trigger"] if busy_trigger is None else busy_trigger,
    }
    where = describe(line["pattern"], line["partition"])
    check_busy_trigger(changed["max_calls"], changed["busy_trigger"], where)
    return changed


def appearance_state(
    index: int,
    pattern: str,
    partition: str | None,
    *,
    max_calls: int,
    busy_trigger: int,
    label: str = "",
    display: str = "",
    settings: Mapping[str, LineSetting] | None = None,
) -> dict[str, Any]:
    return {
        "index": index,
        "pattern": pattern,
        "partition": partition or None,
        "max_calls": max_calls,
        "busy_trigger": busy_trigger,
        "label": label or "",
        "display": display or "",
        "settings": copy.deepcopy(dict(settings or {})),
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
            settings=a.settings,
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
            settings=a.get("settings") or {},  # change sets recorded before settings were kept
        )
        for a in state["lines"]
    )


def changed_fields(before: State, after: State) -> dict[str, Any]:
    """The update's keyword arguments: changed device fields, and `lines` when any changed."""
    fields: dict[str, Any] = {f: after[f] for f in DEVICE_FIELDS if before[f] != after[f]}
    if before["lines"] != after["lines"]:
        fields["lines"] = appearances(after)
    return fields


def _line_holds(have: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
    """Whether the line `have` holds `want`.

    Settings are compared only when `want` records some: a line ctibot added
    carries none (CUCM fills in its defaults) and neither does a change set
    recorded before settings were kept.
    """
    managed = [name for name in want if name != "settings"]
    if any(have.get(name) != want[name] for name in managed):
        return False
    settings = want.get("settings")
    return not settings or have.get("settings") == settings


def holds(current: State | None, wanted: State | None) -> bool:
    """Whether the device `current` (as read) holds `wanted` (as planned or recorded)."""
    if current is None or wanted is None:
        return current is wanted
    if any(current.get(f) != wanted.get(f) for f in ("name", *DEVICE_FIELDS)):
        return False
    have, want = current["lines"], wanted["lines"]
    return len(have) == len(want) and all(map(_line_holds, have, want))


def line_index(state: State, pattern: str, partition: str | None) -> int | None:
    """Position of the appearance on this DN, None when the device does not carry it.

    Compared through `line_key` folded, as CUCM matches DN and partition names.
    """
    wanted = line_key(pattern, partition).casefold()
    return next(
        (
            i
            for i, a in enumerate(state["lines"])
            if line_key(a["pattern"], a["partition"]).casefold() == wanted
        ),
        None,
    )


class _DeviceKind(ObjectKind):
    """Route points and CTI ports share one state and one write policy.

    Only their AXL calls differ, so subclasses supply those and the reading,
    model building and changed-fields gating live here once.
    """

    model: type[RoutePoint] | type[CtiPort]

    @abstractmethod
    def _get(self, cucm: CucmCluster, key: str) -> RoutePoint | CtiPort | None: ...

    @abstractmethod
    def _add(self, cucm: CucmCluster, device: Any) -> None: ...

    @abstractmethod
    def _update(self, cucm: CucmCluster, key: str, fields: dict[str, Any]) -> None: ...

    def read(self, cucm: CucmCluster, key: str) -> State | None:
        try:
            found = self._get(cucm, key)
        except NotFound:
            return None
        return None if found is None else from_model(found)

    def create(self, cucm: CucmCluster, state: State) -> None:
        self._add(
            cucm,
            self.model(
                name=state["name"],
                description=state["description"],
                device_pool=state["device_pool"],
                css=state["css"],
                location=state["location"],
                lines=appearances(state),
            ),
        )

    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        fields = changed_fields(before, after)
        if fields:
            self._update(cucm, key, fields)

    def references(self, state: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(line_key(a["pattern"], a["partition"]) for a in state["lines"])

    def satisfied(self, current: State | None, before: State | None, after: State | None) -> bool:
        return holds(current, after)


class RoutePointKind(_DeviceKind):
    name = "route_point"
    add_op = "addCtiRoutePoint"
    update_op = "updateCtiRoutePoint"
    remove_op = "removeCtiRoutePoint"
    model = RoutePoint

    def _get(self, cucm: CucmCluster, key: str) -> RoutePoint | None:
        return cucm.axl.get_route_point(key)

    def _add(self, cucm: CucmCluster, device: RoutePoint) -> None:
        cucm.axl.add_route_point(device)

    def _update(self, cucm: CucmCluster, key: str, fields: dict[str, Any]) -> None:
        cucm.axl.update_route_point(key, **fields)

    def delete(self, cucm: CucmCluster, key: str) -> None:
        cucm.axl.remove_route_point(key)


class CtiPortKind(_DeviceKind):
    """A phone with product "CTI Port"; one line, as the Cisco TAPI TSP requires."""

    name = "cti_port"
    add_op = "addPhone"
    update_op = "updatePhone"
    remove_op = "removePhone"
    model = CtiPort

    def _get(self, cucm: CucmCluster, key: str) -> CtiPort | None:
        return cucm.axl.get_cti_port(key)

    def _add(self, cucm: CucmCluster, device: CtiPort) -> None:
        cucm.axl.add_cti_port(device)

    def _update(self, cucm: CucmCluster, key: str, fields: dict[str, Any]) -> None:
        cucm.axl.update_cti_port(key, **fields)

    def delete(self, cucm: CucmCluster, key: str) -> None:
        cucm.axl.remove_cti_port(key)


ROUTE_POINT = RoutePointKind()
CTI_PORT = CtiPortKind()


@dataclass(frozen=True)
class DeviceSlot:
    """A device to put on a DN: the DN's step is planned, the device is as CUCM has it.

    create-routepoint, create-ports and provision-app read and plan the same
    way but differ on an existing device (converge the options given, refuse
    it, or adopt it), so each command decides the target and hands it back.
    """

    kind: ObjectKind
    name: str
    pattern: str
    partition: str | None  # CUCM's spelling when the DN exists
    line_step: Step | None
    before: State | None

    @property
    def verb(self) -> str:
        return "Create" if self.before is None else "Update"

    @property
    def label(self) -> str:
        return describe(self.pattern, self.partition)

    def step(self, cucm: CucmCluster, after: State, summary: str) -> Step | None:
        """The device write towards `after`, None when it already matches."""
        if after == self.before:
            return None
        return change(cucm, self.kind, after["name"], self.before, after, summary)
