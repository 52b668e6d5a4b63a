"""`/cti provision-app`: the whole "Configure CTI Applications" procedure for one application.

One plan, one confirmation, one change set: the DNs (with CFNA/CFOF for
application-failure redundancy), the route point on its DN, the CTI ports
(one DN each), then ONE user write carrying every new controlled device and
the access groups, and Apply Config on the route point last, so a failure
anywhere is compensated in reverse and never leaves a pushed configuration.
DNs, devices and the user write are planned with the same kinds and helpers
as create-routepoint, create-ports, associate-device and add-user-to-group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cucm.errors import NotFound
from commands.domain import device_args, forwards, ranges
from commands.domain.access_groups import ENABLED, match_groups, rule_warnings
from commands.domain.group_safety import RISKY_WHEN, risky_group_warnings, security_mode_for
from commands.domain.nodes import voice_nodes
from commands.domain.redundancy import (
    CTIMANAGER,
    NO_CTIMANAGERS_NOTE,
    app_ctimanagers,
    device_recovery,
    on_cluster,
    parse_ctimanagers,
    provider_failover,
    read_ctimanagers,
)
from commands.domain.user_args import userid
from commands.engine.base import (
    Arguments,
    CommandSpec,
    Param,
    Plan,
    Role,
    Step,
    UsageError,
)
from commands.engine.command import Command
from commands.engine.existence_checks import References
from commands.engine.objects import State
from commands.kinds.devices import (
    PORT_LIMITS,
    ROUTE_POINT_LIMITS,
    CallLimits,
    DeviceSlot,
    appearance_state,
    device_state,
    line_index,
    new_limits,
)
from commands.kinds.lines import describe
from commands.kinds.users import plan_user, read_user
from commands.workflows.lines import LineRequest, plan_forward_advice
from commands.workflows.ports import plan_ports
from commands.workflows.routepoints import (
    BUSY_TRIGGER_HELP,
    DEFAULT_DEVICE_POOL,
    DEFAULT_LOCATION,
    MAX_CALLS_HELP,
    apply_step,
    calls_warning,
    plan_route_point,
    route_point_limits,
)

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import DevicePool
    from commands.engine.context import Context

PROVISION_FORWARDS = ("cfna", "cfof")


class ProvisionRequest:
    """Everything typed, checked for syntax before the first read."""

    def __init__(self, args: Arguments) -> None:
        self.user = userid(args["app-user"])
        self.route_point = _optional_device(args.get("routepoint"), "routepoint")
        self.dn = device_args.dn_pattern(args["dn"]) if args.get("dn") else None
        if (self.route_point is None) != (self.dn is None):
            raise UsageError("Give `routepoint=` and `dn=` together (the route point's line).")
        self.ports: list[tuple[str, str]] = []
        if bool(args.get("ports")) != bool(args.get("port-dns")):
            raise UsageError(
                "Give `ports=` and `port-dns=` together, e.g. ports=CTIP{01..04} "
                "port-dns=7001-7004."
            )
        if args.get("ports"):
            self.ports = [
                (device_args.device_name(name, "port name"), device_args.dn(number))
                for name, number in ranges.paired(
                    args["ports"], args["port-dns"], check_number=device_args.dn
                )
            ]
        self.partition = device_args.reference(args.get("partition"), "partition") or None
        self.pool = device_args.reference(args.get("device-pool"), "device-pool") or None
        self.forwards = forwards.parse(args, PROVISION_FORWARDS)
        self.ctimanagers = parse_ctimanagers(args.get("ctimanager"))
        self.css = device_args.reference(args.get("css"), "css") or None
        self.max_calls, self.busy_trigger = route_point_limits(args)
        if self.route_point is None and (self.max_calls or self.busy_trigger):
            raise UsageError(
                "`max-calls=` and `busy-trigger=` set the route point's line: give "
                "`routepoint=` and `dn=` too (ports take one call at a time)."
            )
        self.route_point_limits = (
            new_limits(self.max_calls, self.busy_trigger, ROUTE_POINT_LIMITS)
            if self.route_point
            else ROUTE_POINT_LIMITS
        )
        typed = [g for g in (args.get("groups") or ENABLED).split(",") if g.strip()]
        self.groups = match_groups(typed)
        names = [n.casefold() for n, _ in self.ports]
        if self.route_point and self.route_point.casefold() in names:
            raise UsageError(f"`{self.route_point}` is both the route point and a port.")
        patterns = [p for _, p in self.ports] + ([self.dn] if self.dn else [])
        repeated = sorted({p for p in patterns if patterns.count(p) > 1})
        if repeated:
            raise UsageError(f"DN {', '.join(repeated)} is given twice: one device per DN.")

    @property
    def devices(self) -> list[str]:
        return ([self.route_point] if self.route_point else []) + [n for n, _ in self.ports]


def _optional_device(value: str | None, option: str) -> str | None:
    return None if not value else device_args.device_name(value, f"`{option}` name")


def _pool(cucm: CucmCluster, name: str) -> DevicePool:
    try:
        return cucm.axl.get_device_pool(name)
    except NotFound:
        valid = sorted(p.name for p in cucm.axl.list_device_pools())
        raise UsageError(
            f"Device pool `{name}` does not exist on cluster {cucm.name}. "
            f"Valid device pools: {', '.join(valid) or '(none)'}."
        ) from None


def redundancy_warnings(
    ctx: Context, request: ProvisionRequest, pool: DevicePool | None
) -> tuple[list[str], list[str]]:
    """(warnings, notes) on the two kinds of redundancy: the devices' CM group, the
    application's CTIManager pair."""
    cucm = ctx.cucm
    findings = [device_recovery(cucm, pool)] if pool is not None else []
    app = app_ctimanagers(ctx, request.user, request.ctimanagers)
    if app is not None:
        nodes = voice_nodes(cucm)
        app = on_cluster(app, nodes)
        findings.append(provider_failover(app, nodes, read_ctimanagers(cucm, app, nodes)))
    warnings = [w for w in (f.as_warning() for f in findings) if w]
    return warnings, [] if app is not None else [NO_CTIMANAGERS_NOTE]


def _device_after(
    kind_label: str, slot: DeviceSlot, pool: str, css: str | None, limits: CallLimits
) -> State:
    """The device's target: created on the DN, or existing and already carrying it.

    provision-app adopts an existing device as it is (no option converges it),
    so a re-run plans nothing; one on another DN is refused outright. A new
    device gets the CSS given and `limits` on its line.
    """
    before = slot.before
    if before is None:
        line = appearance_state(
            1,
            slot.pattern,
            slot.partition,
            max_calls=limits.max_calls,
            busy_trigger=limits.busy_trigger,
        )
        return device_state(
            slot.name, device_pool=pool, css=css, location=DEFAULT_LOCATION, lines=[line]
        )
    if line_index(before, slot.pattern, slot.partition) is None:
        shown = ", ".join(describe(a["pattern"], a["partition"]) for a in before["lines"])
        raise UsageError(
            f"{kind_label} {before['name']} already exists with {shown or 'no line'}, not "
            f"{slot.label}: pick another name or change it in CUCM."
        )
    return before


class DeviceSteps:
    """The DN and device steps of a provisioning, and the devices' names in CUCM's spelling."""

    def __init__(self) -> None:
        self.lines: list[Step] = []
        self.devices: list[Step] = []
        self.apply: Step | None = None
        self.names: list[str] = []
        self.adopted: list[str] = []  # devices that existed, kept as they are

    def route_point(
        self, cucm: CucmCluster, request: ProvisionRequest, name: str, dn: str, pool: str
    ) -> None:
        slot = plan_route_point(
            cucm, name, LineRequest(dn, request.partition, forwards=request.forwards)
        )
        after = _device_after("Route point", slot, pool, request.css, request.route_point_limits)
        if self._add(cucm, slot, after, "CTI Route Point"):
            self.apply = apply_step(cucm, after["name"], after)

    def ports(self, cucm: CucmCluster, request: ProvisionRequest, pool: str) -> None:
        for slot in plan_ports(cucm, request.ports, request.partition, request.forwards):
            after = _device_after("CTI port", slot, pool, request.css, PORT_LIMITS)
            self._add(cucm, slot, after, "CTI Port")

    def _add(self, cucm: CucmCluster, slot: DeviceSlot, after: State, noun: str) -> bool:
        """Record the slot's steps; True when the device is written."""
        self.lines += [slot.line_step] if slot.line_step else []
        self.names.append(after["name"])
        self.adopted += [after["name"]] if slot.before is not None else []
        step = slot.step(cucm, after, f"Create {noun} {after['name']} on {slot.label}")
        self.devices += [step] if step else []
        return step is not None


class ProvisionAppCommand:
    spec = CommandSpec(
        name="provision-app",
        summary="Provision one CTI application end to end: DNs, route point, ports, "
        "controlled devices and access groups, as one change set.",
        role=Role.OPERATOR,
        params=(
            Param(
                "app-user",
                "The application user the CTI application logs in as (must exist).",
                positional=True,
                required=True,
                placeholder="ctiapp_ivr",
            ),
            Param("routepoint", "CTI route point name (with dn=).", placeholder="RP_IVR"),
            Param("dn", "The route point's directory number.", placeholder="7100"),
            Param(
                "ports", "CTI port names, a range like CTIP{001..024}.", placeholder="CTIP{01..04}"
            ),
            Param("port-dns", "The ports' DNs, same count: 7001-7024.", placeholder="7001-7004"),
            Param(
                "groups",
                "Access groups, comma-separated (default: Standard CTI Enabled).",
                placeholder='"Standard CTI Enabled,Standard CTI Allow Call Recording"',
            ),
            Param(
                "cfna",
                "Forward no answer, external and internal, on every DN (new calls while the "
                "app is down).",
                placeholder="6000",
            ),
            Param(
                "cfof",
                "Forward on failure on every DN (calls in progress when it fails).",
                placeholder="6000",
            ),
            *forwards.params(PROVISION_FORWARDS),
            Param(
                "device-pool",
                "Device pool of the devices (its CM group recovers them).",
                placeholder="DP_CTI",
            ),
            Param("partition", "Partition of every DN.", placeholder="PT_CTI"),
            CTIMANAGER,
            Param(
                "css",
                "Calling search space of the route point and ports: a call the application "
                "redirects from them reaches its target through it.",
                placeholder="CSS_CTI",
            ),
            Param("max-calls", f"The route point's {MAX_CALLS_HELP}.", placeholder="N"),
            Param("busy-trigger", f"The route point's {BUSY_TRIGGER_HELP}.", placeholder="N"),
        ),
        examples=(
            "/cti provision-app ctiapp_ivr routepoint=RP_IVR dn=7100 ports=CTIP{01..04} "
            "port-dns=7101-7104 cfna=6000 cfof=6000 forward-css=CSS_Internal device-pool=DP_CTI "
            "partition=PT_CTI",
            "/cti provision-app ctiapp_rec ports=REC{01..02} port-dns=7301-7302 "
            'groups="Standard CTI Enabled,Standard CTI Allow Call Recording" --dry-run',
        ),
        writes=True,
        risky_when=RISKY_WHEN,
    )

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        request = ProvisionRequest(args)
        cucm = ctx.cucm
        refs = References(cucm)
        request.forwards = forwards.resolve(refs, request.forwards)
        before = read_user(cucm, request.user)
        plan = Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"Provision CTI application {before['userid']}",
        )
        planned = DeviceSteps()
        pool = _pool(cucm, request.pool or DEFAULT_DEVICE_POOL) if request.devices else None
        warnings, notes = redundancy_warnings(ctx, request, pool)
        plan.warnings += warnings
        plan.notes += notes
        if pool is not None:
            if request.route_point and request.dn:
                planned.route_point(cucm, request, request.route_point, request.dn, pool.name)
                plan.warnings += calls_warning(request.route_point, request.max_calls)
            if request.ports:
                planned.ports(cucm, request, pool.name)
        else:
            plan.notes.append("No devices given: only the access groups are planned.")
        user = plan_user(
            cucm, request.user, add_devices=planned.names, add_groups=request.groups, before=before
        )
        plan.steps += planned.lines + planned.devices
        if planned.adopted and (request.css or request.max_calls or request.busy_trigger):
            plan.notes.append(
                f"{', '.join(planned.adopted)} already exist and are kept as they are: `css=`, "
                "`max-calls=` and `busy-trigger=` apply to new devices (change an existing "
                "route point with `/cti update-routepoint`)."
            )
        plan.steps += [user] if user else []
        plan.steps += [planned.apply] if planned.apply else []
        groups = user.after["groups"] if user is not None and user.after else before["groups"]
        held = {g.casefold() for g in before["groups"]}
        added = [g for g in groups if g.casefold() not in held]
        mode = security_mode_for(cucm, groups)
        risks = risky_group_warnings(cucm, before["userid"], added=added, mode=mode)
        plan.warnings += risks + rule_warnings(before["userid"], groups, mode=mode)
        plan.risky = plan.risky or bool(risks)
        if request.devices:
            plan_forward_advice(cucm, refs, plan, forwards.requested_targets(request.forwards))
        return plan


COMMANDS: list[Command] = [ProvisionAppCommand()]
