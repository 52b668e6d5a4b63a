"""`/cti params …` against the simulator, whose internal names differ from the display names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from commands.apply import apply_plan, render_plan
from commands.base import Plan, Role, UsageError
from commands.kinds.params import SERVICE_PARAMETER
from commands.objects import change
from commands.param_names import catalogue
from commands.params import COMMANDS

SHOW, SET = COMMANDS
CTI = "Cisco CTIManager"
NODES = ("cucm-pub", "cucm-sub1", "cucm-sub2")


def sim_value(sim: Any, node: str, service: str, name: str) -> str:
    with sim.cluster.lock:
        return sim.cluster.service_parameters[
            (node.casefold(), service.casefold(), name.casefold())
        ].value


def set_sim_value(sim: Any, node: str, service: str, name: str, value: str) -> None:
    with sim.cluster.lock:
        sim.cluster.service_parameters[
            (node.casefold(), service.casefold(), name.casefold())
        ].value = value


def total_calls(sim: Any) -> int:
    return sum(sum(ops.values()) for ops in sim.counters().values())


def test_show_resolves_internal_names(make_ctx: Any, plan_only: Any) -> None:
    reply = plan_only(make_ctx(role=Role.VIEWER), SHOW)
    rows = reply.table.rows
    assert len(rows) == len(catalogue()) * len(NODES)
    by_key = {(r[0], r[1]): r for r in rows}
    assert by_key[("Maximum Devices Per Provider", "cucm-pub")][2:] == (
        "2000",
        "2000",
        "1-40000",
        "CtiMaxDevicesPerProvider",
    )
    assert by_key[("CTI New Call Accept Timer", "cucm-sub2")][5] == "CtiNewCallAcceptTimerSecs"
    assert by_key[("Application Heartbeat Minimum Interval", "cucm-sub1")][5] == (
        "CtiApplicationHeartbeatMinInterval"
    )
    assert reply.status == "info"


def test_configured_internal_name_overrides_discovery(
    cucm: Any, make_ctx: Any, plan_only: Any
) -> None:
    cucm.endpoint.param_names["max_devices_per_provider"] = "CtiMaxProviderConnections"
    try:
        rows = plan_only(make_ctx(role=Role.VIEWER), SHOW).table.rows
    finally:
        del cucm.endpoint.param_names["max_devices_per_provider"]
    provider = {r[1]: r for r in rows if r[0] == "Maximum Devices Per Provider"}
    assert provider["cucm-sub1"][5] == "CtiMaxProviderConnections"


def test_show_all_on_one_node_lists_raw_names(make_ctx: Any, plan_only: Any) -> None:
    reply = plan_only(make_ctx(), SHOW, node="CUCM-SUB1", all=True)
    names = {r[2] for r in reply.table.rows}
    assert {r[0] for r in reply.table.rows} == {"cucm-sub1"}
    assert {"CdrEnabled", "T302TimerMsecs", "CtiSecureConnectionEnabled"} <= names
    with pytest.raises(UsageError, match="Unknown node"):
        plan_only(make_ctx(), SHOW, node="nope")


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("max-devices-per-provider", "0", "between 1 and 40000"),
        ("Maximum Devices Per Node", "40001", "between 1 and 40000"),
        ("heartbeat-max", "abc", "whole number"),
        ("maximum", "10", "ambiguous"),
        ("frobnicate", "10", "Unknown parameter"),
    ],
)
def test_bad_input_is_refused_before_any_call(
    sim: Any, make_ctx: Any, plan_only: Any, param: str, value: str, message: str
) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        plan_only(make_ctx(), SET, param=param, value=value, node="cucm-sub1")
    assert total_calls(sim) == 0


def test_set_needs_a_target(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match="--all-nodes"):
        plan_only(make_ctx(), SET, param="new-call-accept-timer", value="5")
    with pytest.raises(UsageError, match="--all-nodes"):
        plan_only(make_ctx(), SET, param="new-call", value="5", node="cucm-pub", all_nodes=True)
    assert total_calls(sim) == 0


def test_set_one_node_logs_is_idempotent_and_undoes(
    sim: Any, cucm: Any, make_ctx: Any, plan_only: Any, plan_and_apply: Any, axl_writes: Any
) -> None:
    ctx = make_ctx()
    plan = plan_only(ctx, SET, param="maximumdevicespernode", value="900", node="cucm-sub1")
    assert isinstance(plan, Plan) and plan.risky and len(plan.steps) == 1
    text = render_plan(plan).as_text()
    assert "Maximum Devices Per Node on cucm-sub1: 800 -> 900 (default 800" in text
    assert axl_writes() == {}

    reply = plan_and_apply(ctx, SET, param="maximumdevicespernode", value="900", node="cucm-sub1")
    assert reply.status == "ok", reply.as_text()
    assert sim_value(sim, "cucm-sub1", CTI, "CtiMaxDevicesPerNode") == "900"
    assert sim_value(sim, "cucm-sub2", CTI, "CtiMaxDevicesPerNode") == "800"
    assert axl_writes() == {"updateServiceParameter": 1}
    (row,) = ctx.changelog.get(reply.change_set_id).changes
    assert row.object_type == "service_parameter"
    assert row.object_name == "cucm-sub1/Cisco CTIManager/CtiMaxDevicesPerNode"
    assert row.before["value"] == "800" and row.after["value"] == "900"

    again = plan_only(ctx, SET, param="maximumdevicespernode", value="900", node="cucm-sub1")
    assert again.no_change and "already 900 on cucm-sub1" in again.notes[0]

    change(cucm, SERVICE_PARAMETER, row.object_name, row.after, row.before, "undo").run()
    assert sim_value(sim, "cucm-sub1", CTI, "CtiMaxDevicesPerNode") == "800"


def test_set_all_nodes_skips_nodes_already_there(
    sim: Any, make_ctx: Any, plan_only: Any, plan_and_apply: Any
) -> None:
    name = "CtiApplicationHeartbeatMaxInterval"
    set_sim_value(sim, "cucm-sub2", CTI, name, "600")
    ctx = make_ctx()
    try:
        plan = plan_only(
            ctx, SET, param="application heartbeat MAXIMUM interval", value="600", all_nodes=True
        )
        assert [s.object_name.split("/")[0] for s in plan.steps] == ["cucm-pub", "cucm-sub1"]
        assert "already 600 on cucm-sub2" in plan.notes[0]
        reply = apply_plan(ctx, plan)
        assert reply.status == "ok"
        assert {sim_value(sim, n, CTI, name) for n in NODES} == {"600"}
        again = plan_only(ctx, SET, param="heartbeat-max-interval", value="600", all_nodes=True)
        assert again.no_change
    finally:
        for node in NODES:
            set_sim_value(sim, node, CTI, name, "3600")


def _fail_second_step(sim: Any, plan: Plan, kind: str, **fault: Any) -> Plan:
    """Step 1 really runs, then the fault waits for step 2's updateServiceParameter."""
    first = plan.steps[0]

    def run() -> Any:
        result = first.run()
        sim.inject_fault("updateServiceParameter", kind, **fault)
        return result

    plan.steps[0] = replace(first, run=run)
    return plan


@pytest.mark.parametrize(
    ("kind", "fault"),
    [
        ("axl_fault", {"axlcode": 5003, "message": "Injected failure"}),
        ("http503", {"count": 2}),  # beyond the fixture's 2 attempts
        ("reset", {"count": 1}),
    ],
)
def test_second_node_failure_compensates_the_first(
    sim: Any, make_ctx: Any, plan_only: Any, kind: str, fault: dict[str, Any]
) -> None:
    name = "CtiNewCallAcceptTimerSecs"
    service = "Cisco CallManager"
    ctx = make_ctx()
    plan = plan_only(ctx, SET, param="new-call-accept-timer", value="7", all_nodes=True)
    assert len(plan.steps) == 3
    try:
        reply = apply_plan(ctx, _fail_second_step(sim, plan, kind, **fault))
        sim.clear_faults()
        assert reply.status == "error"
        text = reply.as_text()
        assert "cucm-sub1" in text and "compensated" in text and "not attempted" in text
        assert {sim_value(sim, n, service, name) for n in NODES} == {"4"}
        record = ctx.changelog.get(reply.change_set_id)
        assert record.status == "compensated"
        assert [c.status for c in record.changes] == ["compensated", "failed", "skipped"]
    finally:
        sim.clear_faults()
        for node in NODES:
            set_sim_value(sim, node, service, name, "4")


def test_timeout_after_write_is_reread_not_resent(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    name = "CtiMaxDevicesPerProvider"
    ctx = make_ctx()
    plan = plan_only(ctx, SET, param="max-devices-per-provider", value="2500", all_nodes=True)
    try:
        reply = apply_plan(ctx, _fail_second_step(sim, plan, "timeout_after", delay_s=1.0))
        assert reply.status == "ok", reply.as_text()
        assert {sim_value(sim, n, CTI, name) for n in NODES} == {"2500"}
    finally:
        sim.clear_faults()
        for node in NODES:
            set_sim_value(sim, node, CTI, name, "2000")
