"""`/cti params …` against the simulator, whose internal names differ from the display names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from commands.domain.param_names import catalogue
from commands.engine.apply import apply_plan, render_plan
from commands.engine.base import Plan, Role, UsageError
from commands.engine.objects import change
from commands.kinds.service_parameter import SERVICE_PARAMETER
from commands.workflows.service_parameters import COMMANDS

BY_NAME = {command.spec.name: command for command in COMMANDS}
SHOW, SET = BY_NAME["params show"], BY_NAME["params set"]
CTI = "Cisco CTIManager"
CCM = "Cisco CallManager"
NODES = ("cucm-pub", "cucm-sub1", "cucm-sub2")
PER_NODE = "CtiMaxDevicesPerNode"
HB_MIN, HB_MAX = "CtiApplicationHeartbeatMinInterval", "CtiApplicationHeartbeatMaxInterval"
ACCEPT_TIMER = "CtiNewCallAcceptTimerSecs"


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
    assert reply.table.headers[4:7] == ("Range", "Scope", "Takes effect")
    assert by_key[("Maximum Devices Per Provider", "cucm-pub")][2:] == (
        "2000",
        "2000",
        "1-40000 (own)",
        "clusterwide",
        "unknown",
        "CtiMaxDevicesPerProvider",
    )
    assert by_key[("CTI New Call Accept Timer", "cucm-sub2")][4:] == (
        "1-20 (own)",
        "per node",
        "unknown",
        ACCEPT_TIMER,
    )
    assert by_key[("Application Heartbeat Minimum Interval", "cucm-sub1")][7] == HB_MIN
    assert "(own): ctibot's own range, not confirmed by Cisco" in reply.as_text()
    assert reply.status == "info"


def test_show_flags_nodes_disagreeing_on_a_clusterwide_parameter(
    sim: Any, make_ctx: Any, plan_only: Any
) -> None:
    set_sim_value(sim, "cucm-sub1", CTI, PER_NODE, "900")
    try:
        reply = plan_only(make_ctx(role=Role.VIEWER), SHOW)
    finally:
        set_sim_value(sim, "cucm-sub1", CTI, PER_NODE, "800")
    assert reply.status == "warning"
    assert (
        "Nodes disagree on clusterwide Maximum Devices Per Node "
        "(cucm-pub 800, cucm-sub1 900, cucm-sub2 800)"
    ) in reply.as_text()
    assert "/cti params set max-devices-per-node <value>" in reply.as_text()


def test_configured_internal_name_overrides_discovery(
    cucm: Any, make_ctx: Any, plan_only: Any
) -> None:
    cucm.endpoint.param_names["max_devices_per_provider"] = "CtiMaxProviderConnections"
    try:
        rows = plan_only(make_ctx(role=Role.VIEWER), SHOW).table.rows
    finally:
        del cucm.endpoint.param_names["max_devices_per_provider"]
    provider = {r[1]: r for r in rows if r[0] == "Maximum Devices Per Provider"}
    assert provider["cucm-sub1"][7] == "CtiMaxProviderConnections"


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
        ("new-call-accept-timer", "abc", "whole number"),
        ("new-call-accept-timer", "2147483648", "beyond what CUCM stores"),
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
    plan = plan_only(ctx, SET, param="ctinewcallaccepttimer", value="6", node="cucm-sub1")
    assert isinstance(plan, Plan) and plan.risky and len(plan.steps) == 1
    text = render_plan(plan).as_text()
    assert "CTI New Call Accept Timer on cucm-sub1: 4 -> 6 (default 4" in text
    assert "Takes effect: unknown" in text
    assert axl_writes() == {}

    reply = plan_and_apply(ctx, SET, param="ctinewcallaccepttimer", value="6", node="cucm-sub1")
    assert reply.status == "ok", reply.as_text()
    assert sim_value(sim, "cucm-sub1", CCM, ACCEPT_TIMER) == "6"
    assert sim_value(sim, "cucm-sub2", CCM, ACCEPT_TIMER) == "4"
    assert axl_writes() == {"updateServiceParameter": 1}
    (row,) = ctx.changelog.get(reply.change_set_id).changes
    assert row.object_type == "service_parameter"
    assert row.object_name == f"cucm-sub1/{CCM}/{ACCEPT_TIMER}"
    assert row.before["value"] == "4" and row.after["value"] == "6"

    again = plan_only(ctx, SET, param="ctinewcallaccepttimer", value="6", node="cucm-sub1")
    assert again.no_change and "already 6 on cucm-sub1" in again.notes[0]

    change(cucm, SERVICE_PARAMETER, row.object_name, row.after, row.before, "undo").run()
    assert sim_value(sim, "cucm-sub1", CCM, ACCEPT_TIMER) == "4"


def test_clusterwide_set_writes_every_node_in_one_change_set(
    sim: Any, make_ctx: Any, plan_only: Any, axl_writes: Any
) -> None:
    ctx = make_ctx()
    plan = plan_only(ctx, SET, param="max-devices-per-node", value="900")
    assert plan.title == "Set Maximum Devices Per Node to 900 on every node (clusterwide)"
    assert [s.object_name for s in plan.steps] == [f"{n}/{CTI}/{PER_NODE}" for n in NODES]
    try:
        reply = apply_plan(ctx, plan)
        assert reply.status == "ok", reply.as_text()
        assert {n: sim_value(sim, n, CTI, PER_NODE) for n in NODES} == dict.fromkeys(NODES, "900")
        assert axl_writes() == {"updateServiceParameter": 3}
        record = ctx.changelog.get(reply.change_set_id)
        assert [(c.before["value"], c.after["value"]) for c in record.changes] == [
            ("800", "900")
        ] * 3
    finally:
        for node in NODES:
            set_sim_value(sim, node, CTI, PER_NODE, "800")


def test_clusterwide_set_evens_out_nodes_that_disagree(
    sim: Any, make_ctx: Any, plan_only: Any
) -> None:
    set_sim_value(sim, "cucm-sub1", CTI, PER_NODE, "900")
    try:
        plan = plan_only(make_ctx(), SET, param="max-devices-per-node", value="900")
    finally:
        set_sim_value(sim, "cucm-sub1", CTI, PER_NODE, "800")
    assert [s.object_name.split("/")[0] for s in plan.steps] == ["cucm-pub", "cucm-sub2"]
    assert "The nodes disagree on this clusterwide parameter today (cucm-pub 800, " in (
        " ".join(plan.notes)
    )


@pytest.mark.parametrize(
    "param",
    [
        "max-devices-per-provider",
        "max-devices-per-node",
        "heartbeat-min-interval",
        "Application Heartbeat Maximum Interval",
    ],
)
def test_node_on_a_clusterwide_parameter_is_refused_with_the_reason(
    sim: Any, make_ctx: Any, plan_only: Any, param: str
) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError) as refused:
        plan_only(make_ctx(), SET, param=param, value="60", node="cucm-sub1")
    text = str(refused.value)
    assert "is a clusterwide Cisco CTIManager parameter" in text
    assert "sets it on every node in one change" in text
    assert "Drop `--node cucm-sub1`" in text
    assert total_calls(sim) == 0


def test_heartbeat_minimum_above_the_live_maximum_is_refused_naming_both(
    sim: Any, make_ctx: Any, plan_only: Any, axl_writes: Any
) -> None:
    set_sim_value(sim, "cucm-sub2", CTI, HB_MAX, "60")
    try:
        with pytest.raises(UsageError) as refused:
            plan_only(make_ctx(), SET, param="heartbeat-min-interval", value="100")
        assert str(refused.value).startswith(
            "Application Heartbeat Minimum Interval 100 would be above "
            "Application Heartbeat Maximum Interval (60 on cucm-sub2): "
            "Application Heartbeat Minimum Interval must stay at or below "
            "Application Heartbeat Maximum Interval."
        )
        fits = plan_only(make_ctx(), SET, param="heartbeat-min-interval", value="60")
        assert len(fits.steps) == 3
    finally:
        set_sim_value(sim, "cucm-sub2", CTI, HB_MAX, "3600")
    assert axl_writes() == {}


def test_heartbeat_maximum_below_the_live_minimum_is_refused_naming_both(
    sim: Any, make_ctx: Any, plan_only: Any, axl_writes: Any
) -> None:
    for node in NODES:
        set_sim_value(sim, node, CTI, HB_MIN, "45")
    try:
        with pytest.raises(UsageError) as refused:
            plan_only(make_ctx(), SET, param="heartbeat-max-interval", value="40")
    finally:
        for node in NODES:
            set_sim_value(sim, node, CTI, HB_MIN, "5")
    assert (
        "Application Heartbeat Maximum Interval 40 would be below Application Heartbeat "
        "Minimum Interval (45 on cucm-pub, cucm-sub1, cucm-sub2)"
    ) in str(refused.value)
    assert axl_writes() == {}


def test_unreadable_heartbeat_maximum_is_a_warning_not_a_guess(
    sim: Any, make_ctx: Any, plan_only: Any
) -> None:
    set_sim_value(sim, "cucm-sub1", CTI, HB_MAX, "")  # as CLI or a bad import may leave it
    try:
        plan = plan_only(make_ctx(), SET, param="heartbeat-min-interval", value="60")
    finally:
        set_sim_value(sim, "cucm-sub1", CTI, HB_MAX, "3600")
    assert plan.warnings == [
        "Application Heartbeat Maximum Interval could not be read on cucm-sub1: check "
        "yourself that Application Heartbeat Minimum Interval 60 keeps the minimum at or "
        "below the maximum."
    ]
    assert len(plan.steps) == 3


def test_outside_the_own_range_warns_and_applies(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    name = "CtiMaxDevicesPerProvider"
    ctx = make_ctx()
    plan = plan_only(ctx, SET, param="max-devices-per-provider", value="50000")
    (warning,) = plan.warnings
    assert warning.startswith(
        "Maximum Devices Per Provider 50000 is outside ctibot's own range "
        "(not confirmed by Cisco) 1-40000 devices."
    )
    assert plan.needs_confirmation and warning in render_plan(plan).as_text()
    try:
        reply = apply_plan(ctx, plan)
        assert reply.status == "ok", reply.as_text()
        assert {sim_value(sim, n, CTI, name) for n in NODES} == {"50000"}
    finally:
        for node in NODES:
            set_sim_value(sim, node, CTI, name, "2000")


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
        assert "already 600 on cucm-sub2" in plan.notes[1]
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
