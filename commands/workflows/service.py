"""`/cti service …`: CTIManager status, activation and restart, node by node.

Activation is an object change (the SERVICE kind: plannable, logged,
compensated by the reverse deployment). A restart changes no configuration
and cannot be taken back, so it is a step without undo and the plan says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.cucm.errors import AuthFailed, CucmError, Throttled, Timeout, Unreachable
from commands.domain.nodes import check_node_name, cti_statuses, match_node, voice_nodes
from commands.engine.base import (
    Arguments,
    Command,
    CommandSpec,
    Param,
    Plan,
    Reply,
    Role,
    Status,
    Step,
    Table,
    UsageError,
)
from commands.engine.objects import change
from commands.kinds.services import (
    CTI_MANAGER,
    SERVICE,
    is_activated,
    read_status,
    reporting_to,
    service_key,
    state_of,
    wait_for_status,
)

if TYPE_CHECKING:
    from bot.cucm.models import ServiceStatus
    from commands.engine.context import Context

_NODE = Param(
    "node",
    "The CUCM node (process node name), e.g. cucm-sub1.",
    positional=True,
    required=True,
    placeholder="cucm-sub1",
)


def uptime_text(seconds: int | None) -> str:
    if seconds is None or seconds < 0:
        return "-"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s"


def reason_text(status: ServiceStatus) -> str:
    code = "" if status.reason_code is None else f"{status.reason_code} "
    return f"{code}{status.reason}".strip() or "-"


def problem_word(error: CucmError) -> str:
    """What went wrong, in one word: only no answer at all is "unreachable"."""
    if isinstance(error, Unreachable | Timeout):
        return "unreachable"
    if isinstance(error, AuthFailed):
        return "refused login"
    if isinstance(error, Throttled):
        return "throttled"
    return "fault"


def _row(node: str, found: ServiceStatus | CucmError) -> tuple[str, ...]:
    if isinstance(found, CucmError):
        return (node, "?", problem_word(found), found.message, "-")
    return (
        node,
        "yes" if is_activated(found) else "no",
        found.status,
        reason_text(found),
        uptime_text(found.uptime_s),
    )


class ServiceStatusCommand:
    spec = CommandSpec(
        name="service status",
        summary="Cisco CTIManager on every node: activated, status, reason and uptime.",
        role=Role.VIEWER,
        examples=("/cti service status", "/cti service status --cluster lab"),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        cucm = ctx.cucm
        nodes = voice_nodes(cucm)
        found = cti_statuses(cucm, nodes)
        rows = [_row(node, found[node]) for node in nodes]
        running = [
            n for n in nodes if not isinstance(s := found[n], CucmError) and s.status == "Started"
        ]
        errors = {n: e for n, e in found.items() if isinstance(e, CucmError)}
        status: Status = "ok" if running and not errors else "warning"
        lines = [f"{CTI_MANAGER} started on {len(running)} of {len(nodes)} nodes."]
        unreachable = [n for n, e in errors.items() if problem_word(e) == "unreachable"]
        if unreachable:
            lines.append(f"Could not reach Control Center on: {', '.join(unreachable)}.")
        lines += [
            f"Control Center on {n} answered with an error ({problem_word(e)}): {e}"
            for n, e in errors.items()
            if n not in unreachable
        ]
        return Reply(
            title=f"{CTI_MANAGER} on cluster {cucm.name}",
            status=status,
            lines=lines,
            table=Table(("Node", "Activated", "Status", "Reason", "Uptime"), rows),
        )


def _target(ctx: Context, args: Arguments) -> tuple[str, ServiceStatus]:
    """Validate the node, then read its nodes list and CTIManager status (2 reads)."""
    node = check_node_name(args["node"])
    cucm = ctx.cucm
    node = match_node(node, voice_nodes(cucm))
    return node, read_status(cucm, node)


@dataclass
class ActivationCommand:
    """Activate or deactivate: the same kind, opposite target states."""

    spec: CommandSpec
    activate: bool

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        node, status = _target(ctx, args)
        cucm = ctx.cucm
        verb = "Activate" if self.activate else "Deactivate"
        plan = Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"{verb} {CTI_MANAGER} on {node}",
            risky=True,
        )
        before = state_of(node, CTI_MANAGER, status)
        if before["activated"] == self.activate:
            word = "activated" if self.activate else "deactivated"
            plan.notes.append(f"{CTI_MANAGER} is already {word} on {node} ({status.status}).")
            return plan
        after = {**before, "activated": self.activate}
        step = change(
            cucm,
            SERVICE,
            service_key(node),
            before,
            after,
            f"{verb} {CTI_MANAGER} on {node} and wait until "
            f"{'Started' if self.activate else 'Stopped'}",
        )
        plan.steps.append(_with_progress(ctx, step))
        if not self.activate:
            plan.warnings.append(
                f"CTI applications connected to {node} fail over to their backup CTIManager "
                "and do not fail back on their own."
            )
        return plan


def _with_progress(ctx: Context, step: Step) -> Step:
    """The step's waits (and its compensation's) report to this request's progress."""
    inner_run, inner_undo = step.run, step.undo

    def run() -> Mapping[str, Any] | None:
        with reporting_to(ctx.progress):
            return inner_run()

    def undo() -> None:
        if inner_undo is not None:
            with reporting_to(ctx.progress):
                inner_undo()

    return replace(step, run=run, undo=undo)


class RestartCommand:
    spec = CommandSpec(
        name="service restart",
        summary="Restart Cisco CTIManager on one node and wait until it is Started again.",
        role=Role.ADMIN,
        params=(_NODE,),
        examples=("/cti service restart cucm-sub1",),
        writes=True,
        risky=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        node, status = _target(ctx, args)
        cucm = ctx.cucm
        if not is_activated(status):
            raise UsageError(
                f"{CTI_MANAGER} is not activated on {node}, so it cannot be restarted. "
                f"Activate it with `/cti service activate {node}`."
            )
        state = state_of(node, CTI_MANAGER, status)

        def run() -> Mapping[str, Any]:
            with reporting_to(ctx.progress):
                cucm.controlcenter.control(node, "Restart", [CTI_MANAGER])
                wait_for_status(cucm, node, CTI_MANAGER, "Started")
            return state

        def verify() -> bool:
            return read_status(cucm, node).status == "Started"

        step = Step(
            operation="soapDoControlServices",
            object_type=SERVICE.name,
            object_name=service_key(node),
            summary=f"Restart {CTI_MANAGER} on {node} (was {status.status}) and wait until "
            "Started — not compensable",
            before=state,
            after=state,
            run=run,
            undo=None,
            verify=verify,
        )
        return Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"Restart {CTI_MANAGER} on {node}",
            steps=[step],
            risky=True,
            warnings=[
                "A restart cannot be undone or compensated.",
                f"CTI applications connected to {node} fail over to their backup CTIManager "
                "and do not fail back on their own.",
            ],
        )


COMMANDS: list[Command] = [
    ServiceStatusCommand(),
    ActivationCommand(
        CommandSpec(
            name="service activate",
            summary="Activate Cisco CTIManager on a node and wait until it is Started.",
            role=Role.ADMIN,
            params=(_NODE,),
            examples=("/cti service activate cucm-pub", "/cti service activate cucm-pub --dry-run"),
            writes=True,
            risky=True,
        ),
        activate=True,
    ),
    ActivationCommand(
        CommandSpec(
            name="service deactivate",
            summary="Deactivate Cisco CTIManager on a node; its CTI applications fail over.",
            role=Role.ADMIN,
            params=(_NODE,),
            examples=("/cti service deactivate cucm-sub2",),
            writes=True,
            risky=True,
        ),
        activate=False,
    ),
    RestartCommand(),
]
