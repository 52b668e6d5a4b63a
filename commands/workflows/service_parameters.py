"""`/cti params …`: the CTI service parameters, per node, shown and set safely.

AXL neither knows display names nor checks ranges, so both happen here: the
parameter is resolved from the catalogue, the value's type is checked before
CUCM is read (its range only warns: the range is ctibot's own), and the
internal name comes from what the node lists. CUCM stores every parameter per
node, so a clusterwide one is written to every node in one change set; writing
one node would leave the cluster disagreeing with itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cucm.models import ServiceParameter
from bot.cucm.param_catalog import CATALOGUE, Effect, ParameterSpec, ordered_partner
from commands.domain.nodes import check_node_name, match_node, voice_nodes
from commands.domain.param_names import (
    catalogue,
    check_value,
    cli_key,
    effect_text,
    find_param,
    int_value,
    is_clusterwide,
    range_text,
    resolve,
    same_value,
    services,
)
from commands.engine.base import (
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
from commands.engine.objects import change
from commands.kinds.service_parameter import SERVICE_PARAMETER, param_key, param_state

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from commands.engine.context import Context

_NODE_HELP = "Only this node (process node name)."


def _listed(cucm: CucmCluster, node: str, service: str) -> list[ServiceParameter]:
    return list(cucm.axl.list_service_parameters(node, service))


class ParamsShowCommand:
    spec = CommandSpec(
        name="params show",
        summary="The CTI service parameters per node: value, default, range (ctibot's own "
        "or Cisco's), scope, when a change takes effect, internal name.",
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
        disagree: list[str] = []
        for entry in catalogue():
            values: dict[str, str | None] = {}
            for node in nodes:
                found = resolve(cucm, entry, listed[(node, entry.service)])
                if found is None:
                    missing.append(f"{entry.display_name} on {node}")
                    continue
                values[node] = found.value
                marker = "" if same_value(found.value, entry.default) else " *"
                rows.append(
                    (
                        entry.display_name,
                        node,
                        f"{found.value}{marker}",
                        str(entry.default),
                        range_text(entry),
                        entry.scope.value,
                        effect_text(entry),
                        found.name,
                    )
                )
            if is_clusterwide(entry) and len(set(values.values())) > 1:
                listing = ", ".join(f"{n} {v}" for n, v in values.items())
                disagree.append(
                    f"Nodes disagree on clusterwide {entry.display_name} ({listing}): "
                    f"`/cti params set {cli_key(entry)} <value>` sets every node."
                )
        lines = [
            f"Services {', '.join(services())}; * marks a value that differs from the default.",
            "(own): ctibot's own range, not confirmed by Cisco; `params set` outside it "
            "warns instead of refusing. Clusterwide: one value for the cluster, set on "
            "every node at once.",
            *disagree,
        ]
        if missing:
            lines.append(f"Not found on CUCM (name unresolved): {'; '.join(missing)}.")
        return Reply(
            title=f"CTI service parameters on cluster {cucm.name}",
            status="warning" if missing or disagree else "info",
            lines=lines,
            table=Table(
                (
                    "Parameter",
                    "Node",
                    "Value",
                    "Default",
                    "Range",
                    "Scope",
                    "Takes effect",
                    "Internal name",
                ),
                rows,
            ),
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
        summary="Set a CTI service parameter: a clusterwide one on every node in one change, "
        "a per-node one where you say.",
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
                "The new value: a whole number. Outside ctibot's own range it warns, "
                "and asks for confirmation.",
                positional=True,
                required=True,
                placeholder="2500",
            ),
            Param(
                "node",
                "Per-node parameters only: set it on this node. "
                "Refused for a clusterwide parameter.",
                placeholder="cucm-sub1",
            ),
            Param(
                "all-nodes",
                "Per-node parameters: set it on every node (a clusterwide one always is).",
                flag=True,
            ),
        ),
        examples=(
            "/cti params set max-devices-per-provider 2500",
            "/cti params set heartbeat-max-interval 600",
            "/cti params set new-call-accept-timer 6 --node cucm-sub1",
        ),
        writes=True,
        risky=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        entry = find_param(args["param"])
        value, warning = check_value(entry, args["value"])
        wanted = _where(entry, args.get("node"), bool(args.get("all-nodes")))
        cucm = ctx.cucm
        targets = _targets(cucm, entry, wanted)
        unchecked = _check_order(cucm, entry, value, targets)
        where = f"on {wanted}" if wanted else "on every node"
        scope = " (clusterwide)" if is_clusterwide(entry) else ""
        plan = Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"Set {entry.display_name} to {value} {where}{scope}",
            risky=True,
        )
        if warning:
            plan.warnings.append(warning)
        plan.warnings.extend(unchecked)
        if is_clusterwide(entry):
            plan.notes.extend(_disagreement(entry, targets))
        for target in targets:
            node, found = target.node, target.param
            if same_value(found.value, value):
                plan.notes.append(f"{entry.display_name} is already {value} on {node}.")
                continue
            before = param_state(node, entry.service, found.name, found.value)
            after = param_state(node, entry.service, found.name, str(value))
            whose = "Cisco's" if entry.range_confirmed else "own"
            summary = (
                f"{entry.display_name} on {node}: {found.value} -> {value} "
                f"(default {entry.default}; {whose} range {entry.minimum}-{entry.maximum})"
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
        if plan.steps:
            plan.notes.append(f"Takes effect: {effect_text(entry)}.{_EFFECT_HINT[entry.effect]}")
        return plan


_EFFECT_HINT = {
    Effect.AT_ONCE: "",
    Effect.RESTART: " Restart it with `/cti service restart <node>` when convenient.",
    Effect.UNKNOWN: " ctibot's catalogue does not know whether the service must restart; "
    "see the parameter's help in CUCM's Service Parameter window.",
}


def _where(entry: ParameterSpec, node_arg: str | None, all_nodes: bool) -> str | None:
    """The one node to set, or None for every node; refused before anything is read."""
    if is_clusterwide(entry):
        if node_arg is not None:
            raise UsageError(
                f"{entry.display_name} is a clusterwide {entry.service} parameter: CUCM keeps "
                "one value for the whole cluster, so ctibot sets it on every node in one "
                f"change. Drop `--node {node_arg}`; nothing was changed."
            )
        return None
    if (node_arg is None) == (not all_nodes):
        raise UsageError("Say where: `--node <node>` for one node, or `--all-nodes`.")
    return None if node_arg is None else check_node_name(node_arg)


@dataclass(frozen=True)
class _Target:
    node: str
    param: ServiceParameter
    listed: list[ServiceParameter]  # the node's whole listing of the service


def _targets(cucm: CucmCluster, entry: ParameterSpec, wanted: str | None) -> list[_Target]:
    """The parameter on each target node: one listServiceParameter per node.

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
        targets.append(_Target(node if wanted is None else found.node or node, found, params))
    return targets


def _check_order(
    cucm: CucmCluster, entry: ParameterSpec, value: int, targets: list[_Target]
) -> list[str]:
    """Refuse a minimum above its maximum (or the reverse) against the other's live value;
    a warning for each node where the other's value cannot be read."""
    paired = ordered_partner(entry.key)
    if paired is None:
        return []
    other_key, is_lower = paired
    other = CATALOGUE[other_key]
    clashes: dict[int, list[str]] = {}
    unread: list[str] = []
    for target in targets:
        found = resolve(cucm, other, target.listed)
        live = None if found is None else int_value(found.value)
        if live is None:
            unread.append(target.node)
        elif value > live if is_lower else value < live:
            clashes.setdefault(live, []).append(target.node)
    if not clashes:
        if not unread:
            return []
        return [
            f"{other.display_name} could not be read on {', '.join(unread)}: check yourself "
            f"that {entry.display_name} {value} keeps the minimum at or below the maximum."
        ]
    where = "; ".join(f"{live} on {', '.join(nodes)}" for live, nodes in sorted(clashes.items()))
    lower, upper = (entry, other) if is_lower else (other, entry)
    direction = "above" if is_lower else "below"
    raise UsageError(
        f"{entry.display_name} {value} would be {direction} {other.display_name} ({where}): "
        f"{lower.display_name} must stay at or below {upper.display_name}. "
        f"Change {other.display_name} first; nothing was changed."
    )


def _disagreement(entry: ParameterSpec, targets: list[_Target]) -> list[str]:
    values = {t.node: t.param.value for t in targets}
    if len(set(values.values())) <= 1:
        return []
    listing = ", ".join(f"{node} {value}" for node, value in values.items())
    return [f"The nodes disagree on this clusterwide parameter today ({listing})."]


COMMANDS: list[Command] = [ParamsShowCommand(), ParamsSetCommand()]
