"""Directory numbers (AXL ``*Line``) and their call-forward blocks.

For CTI, CFOF catches calls in progress when the application fails and CFNA catches new
calls until it re-registers, so forwards are first-class here. CUCM keeps two CFNA blocks:
``callForwardNoAnswer`` for external callers and ``callForwardNoAnswerInt`` for internal
ones. Patterns cross the wire in CUCM's escaped form (``bot.cucm.dn``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.cucm.axl_base import UNSET, AxlBase, given
from bot.cucm.convert import field, fk, items, optional_int, ret, text, uuid_of
from bot.cucm.dn import from_wire, like_on_wire, to_wire
from bot.cucm.models import FORWARD_KINDS, CallForward, Line

FORWARD_ELEMENTS = {
    "all": "callForwardAll",
    "busy": "callForwardBusy",
    "no_answer": "callForwardNoAnswer",
    "no_answer_int": "callForwardNoAnswerInt",
    "on_failure": "callForwardOnFailure",
    "not_registered": "callForwardNotRegistered",
}
TIMED_KINDS = ("no_answer", "no_answer_int")
ALERTING_NAME_MAX = 50
ASCII_ALERTING_NAME_MAX = 32


def _forward_payload(kind: str, forward: CallForward) -> dict[str, Any]:
    """One forward block; CUCM requires the CSS element in each (nil when unset)."""
    payload: dict[str, Any] = {
        "callingSearchSpaceName": forward.css,
        "destination": forward.destination or "",
    }
    if kind == "all":
        payload["secondaryCallingSearchSpaceName"] = None
    if kind in TIMED_KINDS and forward.duration is not None:
        payload["duration"] = str(forward.duration)
    return payload


def _forwards_payload(forwards: Mapping[str, CallForward]) -> dict[str, Any]:
    unknown = set(forwards) - set(FORWARD_ELEMENTS)
    if unknown:
        raise ValueError(f"unknown forward kinds {sorted(unknown)}; use {list(FORWARD_KINDS)}")
    return {FORWARD_ELEMENTS[kind]: _forward_payload(kind, fw) for kind, fw in forwards.items()}


def _ascii(name: str) -> str:
    return name.encode("ascii", "ignore").decode()[:ASCII_ALERTING_NAME_MAX]


def _alerting(name: str) -> dict[str, Any]:
    if len(name) > ALERTING_NAME_MAX:
        raise ValueError(f"alerting name longer than {ALERTING_NAME_MAX} characters")
    return {"alertingName": name, "asciiAlertingName": _ascii(name)}


def _read_forwards(line: Any) -> dict[str, CallForward]:
    forwards: dict[str, CallForward] = {}
    for kind, element in FORWARD_ELEMENTS.items():
        block = field(line, element)
        if block is None:
            continue
        forward = CallForward(
            destination=text(block, "destination") or None,
            css=fk(field(block, "callingSearchSpaceName")),
            duration=optional_int(field(block, "duration")),
        )
        if forward != CallForward():
            forwards[kind] = forward
    return forwards


def _line_key(pattern: str, partition: str | None) -> dict[str, Any]:
    wire = to_wire(pattern)
    return {"pattern": wire, "routePartitionName": partition} if partition else {"pattern": wire}


def _label(pattern: str, partition: str | None) -> str:
    return f"{pattern} in {partition}" if partition else pattern


class LineMixin(AxlBase):
    """Directory number operations."""

    def get_line(self, pattern: str, partition: str | None) -> Line:
        response = self._call(
            "getLine", obj=_label(pattern, partition), **_line_key(pattern, partition)
        )
        line = field(ret(response), "line")
        return Line(
            pattern=from_wire(text(line, "pattern")) or pattern,
            partition=fk(field(line, "routePartitionName")),
            description=text(line, "description"),
            alerting_name=text(line, "alertingName"),
            forwards=_read_forwards(line),
            associated_devices=tuple(
                str(d) for d in items(line, "associatedDevices", "device") if d
            ),
            uuid=uuid_of(line),
        )

    def add_line(self, line: Line) -> str:
        payload: dict[str, Any] = {
            "pattern": to_wire(line.pattern),
            "description": line.description or None,
            "usage": "Device",
            "routePartitionName": line.partition,
            **_forwards_payload(line.forwards),
            "allowCtiControlFlag": "true",
        }
        if line.alerting_name:
            payload.update(_alerting(line.alerting_name))
        return self._write("addLine", obj=_label(line.pattern, line.partition), line=payload)

    def update_line(
        self,
        pattern: str,
        partition: str | None,
        *,
        description: str = UNSET,
        alerting_name: str = UNSET,
        forwards: Mapping[str, CallForward] = UNSET,
    ) -> str:
        """Change only what is passed; ``forwards`` sends just the kinds it contains."""
        changes = given(description=description)
        if forwards is not UNSET:
            changes.update(_forwards_payload(forwards))
        if alerting_name is not UNSET:
            changes.update(_alerting(alerting_name))
        return self._write(
            "updateLine",
            obj=_label(pattern, partition),
            **_line_key(pattern, partition),
            **changes,
        )

    def remove_line(self, pattern: str, partition: str | None) -> str:
        return self._write(
            "removeLine", obj=_label(pattern, partition), **_line_key(pattern, partition)
        )

    def list_lines(self, pattern_like: str = "%", partition: str | None = None) -> list[Line]:
        """Lines whose pattern matches the LIKE criterion, written in the plain `+` form."""
        criteria = given(pattern=like_on_wire(pattern_like), routePartitionName=partition or UNSET)
        rows = self._list(
            "listLine",
            "line",
            obj=pattern_like,
            criteria=criteria,
            tags={"pattern": "", "description": "", "routePartitionName": ""},
        )
        return [
            Line(
                pattern=from_wire(text(line, "pattern")),
                partition=fk(field(line, "routePartitionName")),
                description=text(line, "description"),
                uuid=uuid_of(line),
            )
            for line in rows
        ]
