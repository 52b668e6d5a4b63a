"""`/cti params …`: the CTI service parameters, per node, shown and set safely.

AXL neither knows display names nor checks ranges, so both happen here:
the parameter is resolved from the catalogue, the value is range-checked
before CUCM is read, and the internal name comes from what the node lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cucm.models import ServiceParameter
from bot.cucm.params import ParameterSpec
from commands.base import (
    Arguments,
    Command,
    CommandSpec,
    Param,
    Plan,
    Reply,
    Role,
    Table,
    UsageError,
)
from commands.kinds.params import SERVICE_PARAMETER, param_key, param_state
from commands.nodes import check_node_name, match_node, voice_nodes
from commands.objects import change
from commands.param_names import (
    catalogue,
    check_value,
    find_param,
    range_text,
    resolve,
    same_value,
    services,
)

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from commands.context import Context

_NODE_HELP = "Only this node (process node name)."


def _listed(cucm: CucmCluster, node: str, service: str) -> list[ServiceParameter]:
    return list(cucm.axl.list_service_parameters(node, service))


class ParamsShowCommand:
    spec = CommandSpec(
        name="params show",
        summary="The CTI service parameters per node: value, default, range, internal name.",
        role=Role.VIEWER,
        params=(
            Param("node", _NODE_HELP, placeholder="cucm-sub1"),
            Param(
                "all", "Every parameter of the two services, with raw internal names.", flag=True
            ),
        ),
        examples=(
            "/cti params show",
            "/cti params show --node cucm-sub1",
            "/cti params show --node cucm-sub1 --all",
        ),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        node_arg = args.get("node")
        wanted = None if node_arg is None else check_node_name(node_arg)
        cucm = ctx.cucm
        nodes = voice_nodes(cucm)
        if wanted is not None:
            nodes = [match_node(wanted, nodes)]
        listed = {(n, s): _listed(cucm, n, s) for n in nodes for s in services()}
        if args.get("all"):
            return _show_all(cucm.name, nodes, listed)
        rows: list[tuple[str, ...]] = []
        missing: list[str] = []
        for entry in catalogue():
            for node in nodes:
                found = resolve(cucm, entry, listed[(node, entry.service)])
                if found is None:
                    missing.append(f"{entry.display_name} on {node}")
                    continue
                marker = "" if same_value(found.value, entry.default) else " *"
                rows.append(
                    (
                        entry.display_name,
                        node,
                        f"{found.value}{marker}",
                        str(entry.default),
                        range_text(entry),
                        found.name,
                    )
                )
        lines = [
            f"Services {', '.join(services())}; * marks a value that differs from the default."
        ]
        if missing:
            lines.append(f"Not found on CUCM (name unresolved): {'; '.join(missing)}.")
        return Reply(
            title=f"CTI service parameters on cluster {cucm.name}",
            status="warning" if missing else "info",
            lines=lines,
            table=Table(("Parameter", "Node", "Value", "Default", "Range", "Internal name"), rows),
        )


def _show_all(
    cluster: str, nodes: list[str], listed: dict[tuple[str, str], list[ServiceParameter]]
) -> Reply:
    rows = [
        (node, service, p.name, "" if p.value is None else p.value, p.value_type)
        for node in nodes
        for service in services()
        for p in sorted(listed[(node, service)], key=lambda p: p.name.casefold())
    ]
    return Reply(
        title=f"All parameters of {', '.join(services())} on cluster {cluster}",
        lines=[f"{len(rows)} parameters (internal names, as AXL returns them)."],
        table=Table(("Node", "Service", "Internal name", "Value", "Type"), rows),
    )


class ParamsSetCommand:
    spec = CommandSpec(
        name="params set",
        summary="Set a CTI service parameter on one node or on every node, range-checked.",
        role=Role.ADMIN,
        params=(
            Param(
                "param",
                "Concept key, display name or unique prefix, e.g. "
                'max-devices-per-provider or "Maximum Devices Per Node".',
                positional=True,
                required=True,
                placeholder="max-devices-per-provider",
            ),
            Param(
                "value",
                "The new value (checked against the allowed range).",
                positional=True,
                required=True,
                placeholder="2500",
            ),
            Param("node", "Set it on this node only.", placeholder="cucm-sub1"),
            Param("all-nodes", "Set it on every node of the cluster.", flag=True),
        ),
        examples=(
            "/cti params set max-devices-per-provider 2500 --all-nodes",
            '/cti params set "Application Heartbeat Maximum Interval" 600 --node cucm-sub1',
        ),
        writes=True,
        risky=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        entry = find_param(args["param"])
        value = check_value(entry, args["value"])
        node_arg, all_nodes = args.get("node"), bool(args.get("all-nodes"))
        if (node_arg is None) == (not all_nodes):
            raise UsageError("Say where: `--node <node>` for one node, or `--all-nodes`.")
        wanted = None if node_arg is None else check_node_name(node_arg)
        cucm = ctx.cucm
        plan = Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"Set {entry.display_name} to {value}"
            + (" on every node" if all_nodes else f" on {wanted}"),
            risky=True,
        )
        for node, found in _targets(cucm, entry, wanted):
            if same_value(found.value, value):
                plan.notes.append(f"{entry.display_name} is already {value} on {node}.")
                continue
            before = param_state(node, entry.service, found.name, found.value)
            after = param_state(node, entry.service, found.name, str(value))
            summary = (
                f"{entry.display_name} on {node}: {found.value} -> {value} "
                f"(default {entry.default}, range {range_text(entry)})"
            )
            plan.steps.append(
                change(
                    cucm,
                    SERVICE_PARAMETER,
                    param_key(node, entry.service, found.name),
                    before,
                    after,
                    summary,
                )
            )
        return plan


def _targets(
    cucm: CucmCluster, entry: ParameterSpec, wanted: str | None
) -> list[tuple[str, ServiceParameter]]:
    """(node, current parameter) per target node: one listServiceParameter per node.

    For one node the node list is read only when that node lists nothing, to
    tell a typo from a parameter CUCM does not have.
    """
    if wanted is None:
        nodes = voice_nodes(cucm)
    else:
        listed = _listed(cucm, wanted, entry.service)
        if not listed:
            match_node(wanted, voice_nodes(cucm))
        nodes = [wanted]
    targets = []
    for node in nodes:
        params = listed if wanted is not None else _listed(cucm, node, entry.service)
        found = resolve(cucm, entry, params)
        if found is None:
            raise UsageError(
                f"{entry.display_name} ({entry.service}) is not listed on {node}: "
                "its internal name could not be resolved, so nothing is sent. "
                "See `/cti params show --all`."
            )
        targets.append((node if wanted is None else found.node or node, found))
    return targets


COMMANDS: list[Command] = [ParamsShowCommand(), ParamsSetCommand()]
