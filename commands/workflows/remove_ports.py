"""`remove-ports`: take a range of CTI ports away again, with their app-user control and DNs.

The way out of a half-built `create-ports` range (or an application being
retired). One listPhone finds which ports of the range exist; each is read
once; every user that controls some of them loses them in one write; then
each port goes, then each DN no other device carries. Undo puts it all back
from the change log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.domain import device_args, ranges
from commands.engine.base import Arguments, CommandSpec, Param, Plan, Reply, Role
from commands.engine.objects import change
from commands.kinds.devices import CTI_PORT
from commands.kinds.lines import line_key
from commands.kinds.users import plan_association
from commands.workflows.ports import PORT_NAMES, existing_ports
from commands.workflows.routepoints import controlling_users, line_removal

if TYPE_CHECKING:
    from commands.engine.context import Context


class RemovePortsCommand:
    spec = CommandSpec(
        name="remove-ports",
        summary="Remove a range of CTI ports, their app-user control and (unless kept) their DNs",
        role=Role.ADMIN,
        params=(
            PORT_NAMES,
            Param("keep-lines", "keep the ports' DNs", flag=True),
        ),
        examples=(
            "/cti remove-ports CTIP{001..024}",
            "/cti remove-ports CTIREC{01..04} --keep-lines --dry-run",
        ),
        writes=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        names = [
            device_args.device_name(n, "port name")
            for n in ranges.expand(args["names"], what="port names")
        ]
        cucm = ctx.cucm
        shown = f"{names[0]}..{names[-1]}" if len(names) > 1 else names[0]
        title = f"remove-ports {shown}"
        plan = Plan(command=self.spec.name, cluster=cucm.name, title=title)
        present = existing_ports(cucm, names)
        ports = [
            state
            for name in names
            if name.casefold() in present and (state := CTI_PORT.read(cucm, name)) is not None
        ]
        missing = [n for n in names if n.casefold() not in {p["name"].casefold() for p in ports}]
        if missing:
            plan.notes.append(
                f"Not on cluster {cucm.name} (nothing to remove): {', '.join(missing)}."
            )
        removed = [p["name"] for p in ports]
        for user in controlling_users(cucm, removed) if removed else []:
            held = {d.casefold() for d in user["associated_devices"]}
            losing = [n for n in removed if n.casefold() in held]
            step = plan_association(cucm, user["userid"], remove=losing, before=user)
            if step is not None:
                plan.steps.append(step)
                plan.warnings.append(
                    f"{user['userid']} controls {', '.join(losing)}: it loses control "
                    "(undo gives it back)."
                )
        for port in ports:
            plan.steps.append(
                change(cucm, CTI_PORT, port["name"], port, None, f"Remove CTI port {port['name']}")
            )
        if args.get("keep-lines"):
            if removed:
                plan.notes.append("Their DNs are kept (--keep-lines).")
            return plan
        appearances = {
            line_key(a["pattern"], a["partition"]).casefold(): a
            for port in ports
            for a in port["lines"]
        }
        for appearance in appearances.values():
            step = line_removal(cucm, removed, appearance, False, plan)
            if step is not None:
                plan.steps.append(step)
        return plan


COMMANDS = [RemovePortsCommand()]
