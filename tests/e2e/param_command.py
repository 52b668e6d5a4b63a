"""A test-only risky workflow: set a CTIManager service parameter over real AXL."""

from __future__ import annotations

from commands.engine.args import ArgumentError
from commands.engine.base import Arguments, CommandSpec, Param, Plan, Reply, Role, Step
from commands.engine.context import Context

SERVICE = "Cisco CTIManager"


class SetServiceParam:
    spec = CommandSpec(
        name="tparam set",
        summary="Set a CTIManager service parameter (test workflow)",
        role=Role.OPERATOR,
        params=(
            Param("name", "internal parameter name", positional=True, required=True),
            Param("value", "new value (digits)", positional=True, required=True),
            Param("node", "process node", default="cucm-pub"),
        ),
        examples=("/cti tparam set CtiMaxDevicesPerNode 900",),
        writes=True,
        risky=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        if not str(args["value"]).isdigit():
            raise ArgumentError("`value` must be a whole number.", "value")
        node, name, value = args["node"], args["name"], args["value"]
        axl = ctx.cucm.axl
        before = axl.get_service_parameter(node, SERVICE, name).value
        plan = Plan(command=self.spec.name, cluster=ctx.cluster_name, title=f"{name} on {node}")
        plan.risky = True
        if before == value:
            return plan

        def run() -> dict[str, str]:
            axl.update_service_parameter(node, SERVICE, name, value)
            return {"value": value}

        def undo() -> None:
            axl.update_service_parameter(node, SERVICE, name, before or "")

        plan.steps.append(
            Step(
                operation="updateServiceParameter",
                object_type="service_parameter",
                object_name=f"{node}/{name}",
                summary=f"{name} on {node}: {before} -> {value}",
                before={"value": before},
                after={"value": value},
                run=run,
                undo=undo,
            )
        )
        return plan
