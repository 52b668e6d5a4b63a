"""Directory numbers as objects: the fields and call forwards the bot manages.

Key: "pattern/partition", or "pattern" for a DN in no partition; an E.164
pattern is written with a plain `+` (the service layer escapes it). The state
always holds every managed forward block (None fields when unset) so two
states compare equal exactly when CUCM would behave the same, and a
change-log before-state is enough to put every forward back. States recorded
before the internal CFNA block was managed lack it: such a state leaves that
block alone, in comparisons and in writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.cucm.errors import NotFound
from bot.cucm.models import CallForward, Line
from commands.engine.objects import ObjectKind, State

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster

FORWARDS = ("all", "busy", "no_answer", "no_answer_int", "on_failure", "not_registered")
FORWARD_LABELS = {
    "all": "CFA",
    "busy": "CFB",
    "no_answer": "CFNA",
    "no_answer_int": "CFNA internal",
    "on_failure": "CFOF",
    "not_registered": "CFNR",
}


def line_key(pattern: str, partition: str | None) -> str:
    return f"{pattern}/{partition}" if partition else pattern


def split_key(key: str) -> tuple[str, str | None]:
    pattern, _, partition = key.partition("/")
    return pattern, partition or None


def describe(pattern: str, partition: str | None) -> str:
    """How a DN is named in replies: `7001` in `PT_CTI`, or `7001` (no partition)."""
    return f"DN {pattern} in {partition}" if partition else f"DN {pattern} (no partition)"


def empty_forward() -> dict[str, Any]:
    return {"destination": None, "css": None, "duration": None}


def line_state(
    pattern: str,
    partition: str | None,
    *,
    description: str = "",
    alerting_name: str = "",
    forwards: dict[str, dict[str, Any]] | None = None,
) -> State:
    given = forwards or {}
    return {
        "pattern": pattern,
        "partition": partition or None,
        "description": description or "",
        "alerting_name": alerting_name or "",
        "forwards": {k: {**empty_forward(), **given.get(k, {})} for k in FORWARDS},
    }


def from_model(line: Line) -> State:
    forwards = {
        k: {"destination": f.destination or None, "css": f.css or None, "duration": f.duration}
        for k, f in line.forwards.items()
        if k in FORWARDS
    }
    return line_state(
        line.pattern,
        line.partition,
        description=line.description,
        alerting_name=line.alerting_name,
        forwards=forwards,
    )


def _forward_model(forward: dict[str, Any]) -> CallForward:
    return CallForward(
        destination=forward.get("destination") or None,
        css=forward.get("css") or None,
        duration=forward.get("duration"),
    )


def to_model(state: State) -> Line:
    return Line(
        pattern=state["pattern"],
        partition=state["partition"],
        description=state["description"],
        alerting_name=state["alerting_name"],
        forwards={
            k: _forward_model(f) for k, f in state["forwards"].items() if f != empty_forward()
        },
    )


def changed_forwards(before: State, after: State) -> dict[str, CallForward]:
    """Only the forward blocks that differ; a cleared block is sent with no destination."""
    return {
        k: _forward_model(after["forwards"][k])
        for k in _shared_kinds(before, after)
        if before["forwards"][k] != after["forwards"][k]
    }


def _shared_kinds(*states: State) -> list[str]:
    """The forward kinds every state records (an older change-log state may lack some)."""
    return [k for k in FORWARDS if all(k in s["forwards"] for s in states)]


def _projected(state: State, kinds: list[str]) -> State:
    return {**state, "forwards": {k: state["forwards"][k] for k in kinds}}


class LineKind(ObjectKind):
    """State {pattern, partition, description, alerting_name, forwards{kind: {destination,
    css, duration}}}; created with usage "Device" and CTI control allowed (CUCM's default)."""

    name = "line"
    add_op = "addLine"
    update_op = "updateLine"
    remove_op = "removeLine"

    def read(self, cucm: CucmCluster, key: str) -> State | None:
        pattern, partition = split_key(key)
        try:
            found = cucm.axl.get_line(pattern, partition)
        except NotFound:
            return None
        return None if found is None else from_model(found)

    def create(self, cucm: CucmCluster, state: State) -> None:
        cucm.axl.add_line(to_model(state))

    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        pattern, partition = split_key(key)
        fields: dict[str, Any] = {
            name: after[name]
            for name in ("description", "alerting_name")
            if before[name] != after[name]
        }
        forwards = changed_forwards(before, after)
        if forwards:
            fields["forwards"] = forwards
        if fields:
            cucm.axl.update_line(pattern, partition, **fields)

    def delete(self, cucm: CucmCluster, key: str) -> None:
        pattern, partition = split_key(key)
        cucm.axl.remove_line(pattern, partition)

    def in_use_by(self, cucm: CucmCluster, key: str) -> tuple[str, ...]:
        """The devices carrying this DN: removing it would leave them without the line."""
        pattern, partition = split_key(key)
        try:
            return cucm.axl.get_line(pattern, partition).associated_devices
        except NotFound:
            return ()

    def satisfied(self, current: State | None, before: State | None, after: State | None) -> bool:
        """Compared on the forward kinds `after` records, so an older state still verifies."""
        if current is None or after is None:
            return current == after
        kinds = _shared_kinds(after)
        return _projected(current, kinds) == _projected(after, kinds)


LINE = LineKind()
