"""CTI route points: create (with DN, forwards and app-user association), sync, update, remove.

A route point is only useful with its DN, its concurrent-call settings and
its application user's control, so `create-routepoint` plans all of them as
one change set: the DN first (a route point line must point at an existing
DN), then the device, then the association, then "Apply Config" last so an
earlier failure never leaves a pushed configuration behind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.cucm.errors import NotFound
from commands.domain import device_args, forwards
from commands.engine.base import (
    Arguments,
    Command,
    CommandSpec,
    Param,
    Plan,
    Reply,
    Role,
    Step,
    UsageError,
)
from commands.engine.existence_checks import References
from commands.engine.objects import State, change
from commands.kinds.devices import (
    ROUTE_POINT,
    ROUTE_POINT_LIMITS,
    DeviceSlot,
    appearance_state,
    device_state,
    line_index,
    new_limits,
    with_limits,
)
from commands.kinds.lines import LINE, describe, line_key
from commands.kinds.lines import from_model as line_from_model
from commands.kinds.users import APP_USER, plan_association
from commands.workflows.lines import LineRequest, plan_device_line, plan_forward_advice

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from commands.engine.context import Context

DEFAULT_DEVICE_POOL = "Default"
DEFAULT_LOCATION = "Hub_None"
RECOMMENDED_CALLS = 200  # Cisco's advice per route point; beyond it, use several route points
MAX_CALLS_HELP = (
    f"concurrent calls on its line, 1-{device_args.ROUTE_POINT_MAX_CALLS} "
    f"(default {ROUTE_POINT_LIMITS.max_calls}, CUCM's; Cisco advises at most {RECOMMENDED_CALLS})"
)
BUSY_TRIGGER_HELP = (
    f"calls before busy, 1..max-calls (default {ROUTE_POINT_LIMITS.busy_trigger}, CUCM's)"
)
ROUTE_POINT_FORWARDS = ("cfna", "cfof")


def calls_warning(name: str, max_calls: int | None) -> list[str]:
    """Cisco's recommendation, when the max calls asked of a route point exceed it."""
    if max_calls is None or max_calls <= RECOMMENDED_CALLS:
        return []
    return [
        f"Route point {name} would take up to {max_calls} calls: Cisco recommends no more "
        f"than {RECOMMENDED_CALLS} calls per route point; beyond that, spread the calls "
        "over several route points."
    ]


def route_point_limits(args: Arguments) -> tuple[int | None, int | None]:
    """`max-calls=` / `busy-trigger=` checked against CUCM's route point ceiling."""
    return device_args.call_limits(
        args.get("max-calls"), args.get("busy-trigger"), device_args.ROUTE_POINT_MAX_CALLS
    )


def apply_step(cucm: CucmCluster, name: str, state: State) -> Step:
    """applyCtiRoutePoint as a plan step.

    It changes no stored field, so before and after are the same state and
    there is nothing to compensate. Its outcome cannot be read back either;
    when the answer is lost it is sent once more (Apply Config is idempotent
    and only re-pushes the stored configuration), which is the verification.
    """

    def run() -> State:
        cucm.axl.apply_route_point(name)
        return state

    def verify() -> bool:
        cucm.axl.apply_route_point(name)
        return True

    return Step(
        operation="applyCtiRoutePoint",
        object_type=ROUTE_POINT.name,
        object_name=name,
        summary=f"Apply Config to CTI Route Point {name}",
        before=state,
        after=state,
        run=run,
        undo=None,
        verify=verify,
    )


def _device_option(args: Arguments, name: str) -> str | None:
    return device_args.reference(args.get(name), name)


def _missing_reply(cucm: CucmCluster, name: str) -> Reply:
    return Reply(
        title=f"Route point {name} not found on cluster {cucm.name}",
        status="error",
        lines=["Create it with `/cti create-routepoint <name> <dn>`."],
    )


def _rp_summary(verb: str, state: State) -> str:
    line = state["lines"][0] if state["lines"] else None
    on_line = ""
    if line is not None:
        on_line = (
            f" on {describe(line['pattern'], line['partition'])}"
            f" (max calls {line['max_calls']}, busy trigger {line['busy_trigger']})"
        )
    return f"{verb} CTI Route Point {state['name']}{on_line}, device pool {state['device_pool']}"


class CreateRoutePointCommand:
    spec = CommandSpec(
        name="create-routepoint",
        summary="Create a CTI route point with its DN, forwards, call limits and app-user control",
        role=Role.OPERATOR,
        params=(
            Param(
                "name",
                "route point name (1-15 letters, digits, . _ -)",
                positional=True,
                required=True,
            ),
            Param(
                "dn",
                "its directory number or pattern (71XX, 71[2-5]X, +1408555700X), created when "
                "missing",
                positional=True,
                required=True,
            ),
            Param("partition", "partition of the DN", placeholder="PT"),
            Param(
                "device-pool",
                "device pool (its CM group decides failover)",
                placeholder="DP",
                default=None,
            ),
            Param("css", "calling search space of the route point", placeholder="CSS"),
            Param("location", "location (default Hub_None)", placeholder="LOC"),
            Param("description", "route point description", placeholder="text"),
            Param("max-calls", MAX_CALLS_HELP, placeholder="N"),
            Param("busy-trigger", BUSY_TRIGGER_HELP, placeholder="N"),
            Param(
                "cfna",
                "DN's forward no answer, external and internal (app down: new calls)",
                placeholder="DN",
            ),
            Param(
                "cfof", "DN's forward on failure (app fails: calls in progress)", placeholder="DN"
            ),
            *forwards.params(ROUTE_POINT_FORWARDS),
            Param("app-user", "application user that will control it", placeholder="user"),
        ),
        examples=(
            "/cti create-routepoint RP_IVR 7100 partition=PT_CTI device-pool=DP_CTI "
            "max-calls=20 busy-trigger=18 cfna=6000 cfof=6000 forward-css=CSS_Internal "
            "app-user=ctiapp_ivr",
            "/cti create-routepoint RP_SALES 71[2-5]X partition=PT_CTI --dry-run",
            "/cti create-routepoint RP_TEST 7199 partition=PT_CTI --dry-run",
        ),
        writes=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        name = device_args.device_name(args["name"], "route point name")
        pattern = device_args.dn_pattern(args["dn"])
        partition = _device_option(args, "partition") or None
        pool = _device_option(args, "device-pool")
        css = _device_option(args, "css")
        location = _device_option(args, "location")
        description = device_args.description(args.get("description"))
        max_calls, busy = route_point_limits(args)
        wanted_forwards = forwards.parse(args, ROUTE_POINT_FORWARDS)
        app_user = device_args.userid(args.get("app-user"))

        cucm = ctx.cucm
        refs = References(cucm)
        wanted_forwards = forwards.resolve(refs, wanted_forwards)
        slot = plan_route_point(
            cucm,
            name,
            LineRequest(pattern, partition, forwards=wanted_forwards, description=description),
        )
        partition = slot.partition
        rp_before = slot.before
        if rp_before is None:
            limits = new_limits(max_calls, busy, ROUTE_POINT_LIMITS)
            pool = refs.device_pool(pool or DEFAULT_DEVICE_POOL)
            line = appearance_state(
                1,
                pattern,
                partition,
                max_calls=limits.max_calls,
                busy_trigger=limits.busy_trigger,
            )
            rp_after = device_state(
                name,
                description=description or "",
                device_pool=pool,
                css=css or None,
                location=location or DEFAULT_LOCATION,
                lines=[line],
            )
        else:
            name = rp_before["name"]
            index = line_index(rp_before, pattern, partition)
            if index is None:
                lines = (
                    ", ".join(describe(a["pattern"], a["partition"]) for a in rp_before["lines"])
                    or "no line"
                )
                return Reply(
                    title=f"Route point {name} already exists with {lines}",
                    status="error",
                    lines=[
                        f"It does not carry {slot.label}; change it in "
                        "CUCM or pick another route point name."
                    ],
                )
            rp_after = _updated(rp_before, args, refs, max_calls, busy, index)

        plan = Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"create-routepoint {name} on {slot.label}",
            warnings=calls_warning(name, max_calls),
        )
        if slot.line_step is not None:
            plan.steps.append(slot.line_step)
        rp_step = slot.step(cucm, rp_after, _rp_summary(slot.verb, rp_after))
        if rp_step is not None:
            plan.steps.append(rp_step)
        if app_user is not None:
            association = plan_association(cucm, app_user, add=[name])
            if association is not None:
                plan.steps.append(association)
        else:
            plan.notes.append(
                f"No `app-user=`: associate it later with `/cti associate-device <user> {name}`."
            )
        if rp_step is not None:
            plan.steps.append(apply_step(cucm, name, rp_after))
        plan_forward_advice(cucm, refs, plan, forwards.requested_targets(wanted_forwards))
        return plan


def plan_route_point(cucm: CucmCluster, name: str, line: LineRequest) -> DeviceSlot:
    """The route point's DN planned and the route point read, DN first.

    The DN is read before the device so the appearance can carry CUCM's
    spelling of its partition.
    """
    line_step, partition = plan_device_line(cucm, line)
    return DeviceSlot(
        ROUTE_POINT, name, line.pattern, partition, line_step, ROUTE_POINT.read(cucm, name)
    )


def _updated(
    before: State,
    args: Arguments,
    refs: References,
    max_calls: int | None,
    busy: int | None,
    index: int,
) -> State:
    """`before` with the device options given in `args` and call limits on line `index`.

    Every line keeps its settings: the update sends the whole list back.
    """
    after: dict[str, Any] = {**before, "lines": list(before["lines"])}
    pool = _device_option(args, "device-pool")
    if pool:
        after["device_pool"] = refs.device_pool(pool)
    css = _device_option(args, "css")
    if css is not None:
        after["css"] = css or None
    location = _device_option(args, "location")
    if location:
        after["location"] = location
    description = device_args.description(args.get("description"))
    if description is not None:
        after["description"] = description
    if after["lines"] and (max_calls is not None or busy is not None):
        after["lines"][index] = with_limits(after["lines"][index], max_calls, busy)
    return after


_NAME = Param("name", "route point name", positional=True, required=True)


class SyncRoutePointCommand:
    spec = CommandSpec(
        name="sync-routepoint",
        summary="Apply Config to a CTI route point (least intrusive; no reset)",
        role=Role.OPERATOR,
        params=(_NAME,),
        examples=("/cti sync-routepoint RP_MAIN",),
        writes=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        name = device_args.device_name(args["name"], "route point name")
        cucm = ctx.cucm
        state = ROUTE_POINT.read(cucm, name)
        if state is None:
            return _missing_reply(cucm, name)
        return Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"sync-routepoint {state['name']}",
            steps=[apply_step(cucm, state["name"], state)],
        )


class UpdateRoutePointCommand:
    spec = CommandSpec(
        name="update-routepoint",
        summary="Change a route point's device pool, CSS, location, description or call limits",
        role=Role.OPERATOR,
        params=(
            _NAME,
            Param("description", "new description", placeholder="text"),
            Param("device-pool", "new device pool", placeholder="DP"),
            Param("css", "new calling search space (none clears it)", placeholder="CSS"),
            Param("location", "new location", placeholder="LOC"),
            Param(
                "max-calls",
                f"concurrent calls on its first line, 1-{device_args.ROUTE_POINT_MAX_CALLS} "
                f"(Cisco advises at most {RECOMMENDED_CALLS})",
                placeholder="N",
            ),
            Param("busy-trigger", "calls before busy on its first line", placeholder="N"),
        ),
        examples=(
            "/cti update-routepoint RP_MAIN max-calls=20 busy-trigger=18",
            "/cti update-routepoint RP_MAIN device-pool=DP_CTI css=none --dry-run",
        ),
        writes=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        name = device_args.device_name(args["name"], "route point name")
        for option in ("device-pool", "css", "location"):
            _device_option(args, option)
        device_args.description(args.get("description"))
        max_calls, busy = route_point_limits(args)
        if all(
            args.get(o) is None
            for o in ("description", "device-pool", "css", "location", "max-calls", "busy-trigger")
        ):
            raise UsageError(
                "Nothing to change: give `description=`, `device-pool=`, `css=`, `location=`, "
                "`max-calls=` or `busy-trigger=`."
            )
        cucm = ctx.cucm
        before = ROUTE_POINT.read(cucm, name)
        if before is None:
            return _missing_reply(cucm, name)
        after = _updated(before, args, References(cucm), max_calls, busy, 0)
        plan = Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"update-routepoint {before['name']}",
            warnings=calls_warning(before["name"], max_calls),
        )
        if after != before:
            plan.steps.append(
                change(
                    cucm,
                    ROUTE_POINT,
                    before["name"],
                    before,
                    after,
                    f"Update CTI Route Point {before['name']}",
                )
            )
            plan.steps.append(apply_step(cucm, before["name"], after))
        return plan


class RemoveRoutePointCommand:
    spec = CommandSpec(
        name="remove-routepoint",
        summary="Remove a CTI route point, its app-user control and (unless shared or kept) its DN",
        role=Role.ADMIN,
        params=(
            _NAME,
            Param("keep-line", "keep the route point's DN(s)", flag=True),
        ),
        examples=(
            "/cti remove-routepoint RP_OLD",
            "/cti remove-routepoint RP_OLD --keep-line --dry-run",
        ),
        writes=True,
        risky=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        name = device_args.device_name(args["name"], "route point name")
        cucm = ctx.cucm
        before = ROUTE_POINT.read(cucm, name)
        if before is None:
            gone = Plan(
                command=self.spec.name, cluster=cucm.name, title=f"remove-routepoint {name}"
            )
            gone.notes.append(f"Route point {name} does not exist on cluster {cucm.name}.")
            return gone
        name = before["name"]
        plan = Plan(
            command=self.spec.name, cluster=cucm.name, title=f"remove-routepoint {name}", risky=True
        )
        for user in controlling_users(cucm, [name]):
            step = plan_association(cucm, user["userid"], remove=[name], before=user)
            if step is not None:
                plan.steps.append(step)
                plan.warnings.append(
                    f"{user['userid']} controls {name}: it loses control (undo gives it back)."
                )
        plan.steps.append(
            change(cucm, ROUTE_POINT, name, before, None, f"Remove CTI Route Point {name}")
        )
        for appearance in before["lines"]:
            step = line_removal(cucm, [name], appearance, bool(args.get("keep-line")), plan)
            if step is not None:
                plan.steps.append(step)
        return plan


def controlling_users(cucm: CucmCluster, devices: list[str]) -> list[State]:
    """Application users controlling any of `devices`: one query finds them, then only those
    are read (their full device list is the step's before-state)."""
    wanted = {d.casefold() for d in devices}
    found: list[State] = []
    for userid in cucm.axl.app_users_controlling(devices):
        state = APP_USER.read(cucm, userid)
        if state is not None and {d.casefold() for d in state["associated_devices"]} & wanted:
            found.append(state)
    return found


def line_removal(
    cucm: CucmCluster, devices: list[str], appearance: dict[str, Any], keep: bool, plan: Plan
) -> Step | None:
    """The DN's removal with its devices, unless kept or also on a device outside `devices`."""
    pattern, partition = appearance["pattern"], appearance["partition"]
    label = describe(pattern, partition)
    if keep:
        plan.notes.append(f"{label} is kept (--keep-line).")
        return None
    try:
        line = cucm.axl.get_line(pattern, partition)
    except NotFound:
        return None
    leaving = {d.casefold() for d in devices}
    others = [d for d in line.associated_devices if d.casefold() not in leaving]
    if others:
        plan.notes.append(f"{label} is kept: it is also on {', '.join(others)}.")
        return None
    key = line_key(line.pattern, line.partition)
    return change(cucm, LINE, key, line_from_model(line), None, f"Remove {label}")


COMMANDS: list[Command] = [
    CreateRoutePointCommand(),
    SyncRoutePointCommand(),
    UpdateRoutePointCommand(),
    RemoveRoutePointCommand(),
]
