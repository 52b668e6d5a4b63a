"""`add-line` and `update-line`: directory numbers for CTI devices and their redundancy forwards.

For CTI redundancy (Cisco, "CTI Redundancy for Application Failure"): when
the application fails, calls in progress go to CFOF and new calls to CFNA
until it re-registers, so both usually point at a hunt pilot or an operator
(`commands.domain.forwards` says what makes such a forward reachable).
`plan_line` is shared with the route-point and port commands so every DN is
planned the same way: created when missing, converged when it differs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from commands.domain import device_args, forwards
from commands.domain.forwards import NO_FORWARDS, ForwardRequest
from commands.engine.base import (
    Arguments,
    CommandSpec,
    Param,
    Plan,
    Reply,
    Role,
    Step,
    UsageError,
)
from commands.engine.command import Command
from commands.engine.existence_checks import References
from commands.engine.objects import State, change
from commands.kinds.lines import (
    FORWARD_LABELS,
    LINE,
    describe,
    empty_forward,
    line_key,
    line_state,
)

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from commands.engine.context import Context

ALERTING_NAME_MAX = 50
LINE_FORWARDS = ("cfna", "cfof", "cfnr")


@dataclass(frozen=True)
class LineRequest:
    """What the user asked of one DN; None = leave as it is, "" = clear."""

    pattern: str
    partition: str | None
    description: str | None = None
    alerting_name: str | None = None
    forwards: ForwardRequest = NO_FORWARDS

    @property
    def key(self) -> str:
        return line_key(self.pattern, self.partition)

    @property
    def label(self) -> str:
        return describe(self.pattern, self.partition)


def desired(before: State | None, request: LineRequest) -> State:
    """`before` with the request applied; a fresh state when the DN does not exist."""
    base = before or line_state(request.pattern, request.partition)
    after: dict[str, Any] = {**base, "forwards": {k: dict(v) for k, v in base["forwards"].items()}}
    if request.description is not None:
        after["description"] = request.description
    if request.alerting_name is not None:
        after["alerting_name"] = request.alerting_name
    for kind, wanted in request.forwards.by_kind().items():
        forward = after["forwards"].setdefault(kind, empty_forward())
        if wanted.destination == "":
            forward.update(destination=None, css=None, duration=None)
            continue
        if wanted.destination:
            forward["destination"] = wanted.destination
        if wanted.css is not None:
            forward["css"] = wanted.css or None
    return after


def forward_summary(state: State) -> str:
    """The forwards set, CFNA once when its internal block matches the external one."""
    held = state["forwards"]
    shown = [
        f"{FORWARD_LABELS[k]} {f['destination']}" + (f" via {f['css']}" if f["css"] else "")
        for k, f in held.items()
        if f["destination"] and not (k == "no_answer_int" and f == held.get("no_answer"))
    ]
    return f" ({', '.join(shown)})" if shown else ""


def plan_line(
    cucm: CucmCluster, request: LineRequest, before: State | None
) -> tuple[Step | None, State]:
    """The step that makes the DN match the request (None if it already does), and its state."""
    after = desired(before, request)
    if before == after:
        return None, after
    if before is None:
        summary = f"Create {request.label}{forward_summary(after)}"
    else:
        summary = f"Update {request.label}"
    return change(cucm, LINE, request.key, before, after, summary), after


def plan_device_line(
    cucm: CucmCluster, request: LineRequest, exists: bool = True
) -> tuple[Step | None, str | None]:
    """The step for a device's DN and CUCM's spelling of its partition.

    A device's appearance must name the partition as CUCM stores it, so the
    DN is read first and its spelling adopted. `exists=False` skips the read
    when a listing already showed the DN missing; the request's description
    only seeds a new DN, so adding a device never rewrites an existing one.
    """
    before = LINE.read(cucm, request.key) if exists else None
    if before is not None:
        request = replace(request, partition=before["partition"], description=None)
    step, _ = plan_line(cucm, request, before)
    return step, request.partition


def line_request(args: Arguments, forward_options: tuple[str, ...]) -> LineRequest:
    """Syntax checks for the DN options shared by the line commands (no CUCM read)."""
    pattern = device_args.dn_pattern(args["dn"])
    partition = device_args.reference(args.get("partition"), "partition") or None
    alerting = args.get("alerting-name")
    if alerting is not None and len(alerting) > ALERTING_NAME_MAX:
        raise UsageError(f"`alerting-name` may hold at most {ALERTING_NAME_MAX} characters.")
    return LineRequest(
        pattern=pattern,
        partition=partition,
        description=device_args.description(args.get("description")),
        alerting_name=device_args.description(alerting, "alerting-name", ALERTING_NAME_MAX),
        forwards=forwards.parse(args, forward_options),
    )


def plan_forward_advice(
    cucm: CucmCluster, refs: References, plan: Plan, targets: list[forwards.ForwardTarget]
) -> None:
    """Add the plan's warnings and notes about forward targets callers might not reach."""
    advice = forwards.advise(cucm, refs, targets)
    plan.warnings += advice.warnings
    plan.notes += advice.notes


def _touched(request: LineRequest) -> list[str]:
    return list(request.forwards.changes)


def _line_plan(ctx: Context, command: str, request: LineRequest, *, create: bool) -> Reply | Plan:
    """add-line and update-line alike: the DN read once, one step for what differs, then
    advice on the forward targets. Only add-line creates a missing DN."""
    cucm = ctx.cucm
    refs = References(cucm)
    request = replace(request, forwards=forwards.resolve(refs, request.forwards))
    before = LINE.read(cucm, request.key)
    if before is None and not create:
        return Reply(
            title=f"{request.label} not found on cluster {cucm.name}",
            status="error",
            lines=[
                f"Create it first: `/cti add-line {request.pattern}"
                + (f" partition={request.partition}`" if request.partition else "`")
            ],
        )
    step, after = plan_line(cucm, request, before)
    plan = Plan(command=command, cluster=cucm.name, title=f"{command} {request.label}")
    if step is not None:
        plan.steps.append(step)
        if before is not None and create:
            plan.notes.append(f"{request.label} already exists: only the differences are sent.")
    plan_forward_advice(cucm, refs, plan, forwards.state_targets(after, _touched(request)))
    return plan


_DN = Param(
    "dn",
    "directory number, e.g. 7001, +14085557001 or a route point pattern like 71XX",
    positional=True,
    required=True,
)
_PARTITION = Param("partition", "route partition of the DN (none: no partition)", placeholder="PT")
_CFNA = Param(
    "cfna",
    "call forward no answer, external and internal: new calls while the app is down",
    placeholder="DN",
)
_CFOF = Param(
    "cfof", "call forward on failure: calls in progress when the app fails", placeholder="DN"
)
_CFNR = Param("cfnr", "call forward not registered", placeholder="DN")
_DESCRIPTION = Param("description", "DN description", placeholder="text")
_ALERTING = Param("alerting-name", "alerting name shown to callers (max 50)", placeholder="text")
# What add-line and update-line both take; only add-line sets the alerting name.
_LINE_PARAMS = (_DN, _PARTITION, _CFNA, _CFOF, _CFNR, *forwards.params(LINE_FORWARDS), _DESCRIPTION)


class AddLineCommand:
    spec = CommandSpec(
        name="add-line",
        summary="Create a directory number for CTI devices, with its CFNA/CFOF redundancy targets",
        role=Role.OPERATOR,
        params=(*_LINE_PARAMS, _ALERTING),
        examples=(
            "/cti add-line 7001 partition=PT_CTI cfna=6000 cfof=6000 forward-css=CSS_Internal "
            'description="IVR line"',
            "/cti add-line 7100 partition=PT_CTI alerting-name=Sales --dry-run",
        ),
        writes=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        return _line_plan(ctx, self.spec.name, line_request(args, LINE_FORWARDS), create=True)


class UpdateLineCommand:
    spec = CommandSpec(
        name="update-line",
        summary="Change an existing DN's description or CFNA/CFOF/CFNR targets and their CSS "
        "(none clears one)",
        role=Role.OPERATOR,
        params=_LINE_PARAMS,
        examples=(
            "/cti update-line 7001 partition=PT_CTI cfna=6001 cfof=6001",
            "/cti update-line 7001 partition=PT_CTI forward-css=CSS_Internal",
            "/cti update-line 7001 partition=PT_CTI cfnr=none",
        ),
        writes=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        request = line_request(args, LINE_FORWARDS)
        if request.description is None and not request.forwards:
            raise UsageError(
                "Nothing to change: give `description=`, `cfna=`, `cfof=`, `cfnr=` or a "
                "forward's CSS (`cfna-css=`, `cfof-css=`, `cfnr-css=`, `forward-css=`)."
            )
        return _line_plan(ctx, self.spec.name, request, create=False)


COMMANDS: list[Command] = [AddLineCommand(), UpdateLineCommand()]
