"""`create-ports`: a range of CTI ports, one DN each, controlled by one application user.

The Cisco TAPI TSP wants exactly one line per CTI port, so name range and DN
range pair up one to one. Existence is learnt with one listPhone and one
listLine for the whole range; only objects that already exist are read in
full. The plan is one step per missing DN and per port, then a single
updateAppUser for every port, so a re-run plans nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from commands.domain import device_args, forwards, ranges
from commands.domain.forwards import ForwardRequest
from commands.engine.base import (
    Arguments,
    CommandSpec,
    Param,
    Plan,
    Reply,
    Role,
    UsageError,
)
from commands.engine.command import Command
from commands.engine.existence_checks import References
from commands.engine.objects import State
from commands.kinds.devices import (
    CTI_PORT,
    PORT_LIMITS,
    DeviceSlot,
    appearance_state,
    device_state,
    line_index,
    new_limits,
    with_limits,
)
from commands.kinds.lines import describe
from commands.kinds.users import plan_association
from commands.workflows.lines import LineRequest, plan_device_line, plan_forward_advice
from commands.workflows.routepoints import DEFAULT_DEVICE_POOL, DEFAULT_LOCATION

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from commands.engine.context import Context

PORT_FORWARDS = ("cfna", "cfof")
PORT_NAMES = Param(
    "names",
    "port names: CTIP{001..024} or a single name",
    positional=True,
    required=True,
    placeholder="CTIP{001..024}",
)


def _like(values: list[str]) -> str:
    """A LIKE pattern covering every value: their common prefix as typed, then `%`.

    The prefix keeps the admin's spelling (device names are upper case on CUCM, and
    whether its LIKE folds case is not something to bet a duplicate-add on).
    """
    first, last = min(values, key=str.casefold), max(values, key=str.casefold)
    size = next(
        (
            i
            for i, (a, b) in enumerate(zip(first.casefold(), last.casefold(), strict=False))
            if a != b
        ),
        min(len(first), len(last)),
    )
    return first[:size] + "%"


def existing_ports(cucm: CucmCluster, names: list[str]) -> set[str]:
    """Folded names of the range's ports that exist, from one listPhone."""
    return {n.casefold() for n in cucm.axl.list_cti_ports(_like(names))}


def existing_lines(
    cucm: CucmCluster, patterns: list[str], partition: str | None
) -> dict[str, str | None]:
    """Folded pattern -> CUCM's partition spelling, for the DNs of the range that exist."""
    found = cucm.axl.list_lines(_like(patterns), partition)
    wanted = (partition or "").casefold()
    return {
        line.pattern.casefold(): line.partition
        for line in found
        if (line.partition or "").casefold() == wanted
    }


def plan_ports(
    cucm: CucmCluster,
    pairs: list[tuple[str, str]],
    partition: str | None,
    wanted: ForwardRequest,
) -> Iterator[DeviceSlot]:
    """Each port of the range with its DN planned, in range order.

    One listPhone and one listLine cover the whole range, so only objects
    that exist are read in full. Lazy, so a caller that refuses a port stops
    reading there.
    """
    ports = existing_ports(cucm, [n for n, _ in pairs])
    lines = existing_lines(cucm, [p for _, p in pairs], partition)
    for name, pattern in pairs:
        known = pattern.casefold() in lines
        request = LineRequest(pattern, lines.get(pattern.casefold(), partition), forwards=wanted)
        line_step, spelled = plan_device_line(cucm, request, exists=known)
        before = CTI_PORT.read(cucm, name) if name.casefold() in ports else None
        yield DeviceSlot(CTI_PORT, name, pattern, spelled, line_step, before)


def _new_line(slot: DeviceSlot, limits: tuple[int | None, int | None]) -> dict[str, Any]:
    new = new_limits(*limits, PORT_LIMITS)
    return appearance_state(
        1, slot.pattern, slot.partition, max_calls=new.max_calls, busy_trigger=new.busy_trigger
    )


def _port_after(
    slot: DeviceSlot, fields: dict[str, Any], limits: tuple[int | None, int | None]
) -> State | str:
    """The port's target state, or the reason it cannot take this DN.

    The TSP wants exactly one line per port: a bare port gets the DN, a port
    on any other DN (or on several) is refused rather than re-wired. An
    existing port's line takes the call limits given and keeps the rest.
    """
    before = slot.before
    if before is None:
        return device_state(slot.name, lines=[_new_line(slot, limits)], **fields)
    after: dict[str, Any] = {**before, **fields}
    lines = before["lines"]
    if not lines:
        after["lines"] = [_new_line(slot, limits)]
    elif len(lines) > 1 or line_index(before, slot.pattern, slot.partition) is None:
        shown = ", ".join(describe(a["pattern"], a["partition"]) for a in lines)
        return f"port {before['name']} already has {shown}"
    elif limits != (None, None):
        after["lines"] = [with_limits(lines[0], *limits)]
    return after


def port_limits(args: Arguments) -> tuple[int | None, int | None]:
    """`max-calls=` / `busy-trigger=` checked against CUCM's ceiling for a phone's line."""
    return device_args.call_limits(
        args.get("max-calls"), args.get("busy-trigger"), device_args.PORT_MAX_CALLS
    )


class CreatePortsCommand:
    spec = CommandSpec(
        name="create-ports",
        summary="Create a range of CTI ports, one DN each, and give an app user control of them",
        role=Role.OPERATOR,
        params=(
            PORT_NAMES,
            Param(
                "dns",
                "DNs, same count: 7001-7024 or 7001..7024",
                positional=True,
                required=True,
                placeholder="7001-7024",
            ),
            Param("partition", "partition of the DNs", placeholder="PT"),
            Param("device-pool", "device pool (default Default)", placeholder="DP"),
            Param("css", "calling search space of the ports", placeholder="CSS"),
            Param("location", "location (default Hub_None)", placeholder="LOC"),
            Param("description", "description of each port", placeholder="text"),
            Param("app-user", "application user that will control the ports", placeholder="user"),
            Param("cfna", "each DN's forward no answer, external and internal", placeholder="DN"),
            Param("cfof", "each DN's forward on failure", placeholder="DN"),
            Param(
                "max-calls",
                f"concurrent calls on each port's line, 1-{device_args.PORT_MAX_CALLS} "
                f"(default {PORT_LIMITS.max_calls})",
                placeholder="N",
            ),
            Param(
                "busy-trigger",
                f"calls before busy, 1..max-calls (default {PORT_LIMITS.busy_trigger})",
                placeholder="N",
            ),
            *forwards.params(PORT_FORWARDS),
        ),
        examples=(
            "/cti create-ports CTIP{001..024} 7001-7024 partition=PT_CTI device-pool=DP_CTI "
            "app-user=ctiapp_ivr cfna=6000 cfof=6000 forward-css=CSS_Internal",
            "/cti create-ports CTIREC{01..04} 7301..7304 app-user=ctiapp_rec --dry-run",
        ),
        writes=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        pairs = ranges.paired(
            args["names"],
            args["dns"],
            check_name=lambda n: device_args.device_name(n, "port name"),
            check_number=device_args.dn,
        )
        pairs = [(name, device_args.dn(number)) for name, number in pairs]
        partition = device_args.reference(args.get("partition"), "partition") or None
        pool = device_args.reference(args.get("device-pool"), "device-pool")
        css = device_args.reference(args.get("css"), "css")
        location = device_args.reference(args.get("location"), "location")
        description = device_args.description(args.get("description"))
        wanted_forwards = forwards.parse(args, PORT_FORWARDS)
        app_user = device_args.userid(args.get("app-user"))
        limits = port_limits(args)

        cucm = ctx.cucm
        refs = References(cucm)
        wanted_forwards = forwards.resolve(refs, wanted_forwards)
        names = [n for n, _ in pairs]
        patterns = [p for _, p in pairs]
        title = f"create-ports {names[0]}..{names[-1]} on DNs {patterns[0]}..{patterns[-1]}"
        if len(pairs) == 1:
            title = f"create-ports {names[0]} on DN {patterns[0]}"
        plan = Plan(command=self.spec.name, cluster=cucm.name, title=title)
        fields = {
            "description": description or "",
            "device_pool": refs.device_pool(pool or DEFAULT_DEVICE_POOL),
            "css": css or None,
            "location": location or DEFAULT_LOCATION,
        }
        given = {
            "description": description is not None,
            "device_pool": pool is not None,
            "css": css is not None,
            "location": location is not None,
        }
        changes = {k: v for k, v in fields.items() if given[k]}
        problems: list[str] = []
        for slot in plan_ports(cucm, pairs, partition, wanted_forwards):
            after = _port_after(slot, fields if slot.before is None else changes, limits)
            if isinstance(after, str):
                problems.append(after)
                continue
            summary = f"{slot.verb} CTI Port {after['name']} on {slot.label}"
            steps = [slot.line_step, slot.step(cucm, after, summary)]
            plan.steps += [s for s in steps if s is not None]
        if problems:
            raise UsageError("Cannot create these ports: " + "; ".join(problems) + ".")
        if app_user is not None:
            association = plan_association(cucm, app_user, add=names)
            if association is not None:
                plan.steps.append(association)
        else:
            plan.notes.append(
                "No `app-user=`: associate the ports later with "
                "`/cti associate-device <user> <port...>`."
            )
        plan_forward_advice(cucm, refs, plan, forwards.requested_targets(wanted_forwards))
        return plan


COMMANDS: list[Command] = [CreatePortsCommand()]
