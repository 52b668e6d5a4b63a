"""`/cti service …` over real HTTP against the simulator's Control Center."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.cucm.cluster import CucmCluster, SingleCluster
from commands.engine.apply import render_plan
from commands.engine.base import Plan, UsageError
from commands.engine.objects import change
from commands.kinds.services import SERVICE, service_key
from commands.workflows.service import COMMANDS
from cucmsim.serviceability import lifecycle as sim_lifecycle

BY_NAME = {command.spec.name: command for command in COMMANDS}
STATUS, ACTIVATE, DEACTIVATE, RESTART = (
    BY_NAME[f"service {verb}"] for verb in ("status", "activate", "deactivate", "restart")
)
CTI = "Cisco CTIManager"


def sim_service(sim: Any, node: str) -> tuple[bool, str, float | None]:
    with sim.cluster.lock:
        state = sim.cluster.services[(node, CTI)]
        return state.activated, state.status, state.start_time


def test_status_lists_every_node_as_seeded(make_ctx: Any, plan_only: Any) -> None:
    reply = plan_only(make_ctx(), STATUS)
    rows = {row[0]: row for row in reply.table.rows}
    assert list(rows) == ["cucm-pub", "cucm-sub1", "cucm-sub2"]
    assert rows["cucm-pub"][1:3] == ("no", "Stopped")
    assert "-1068" in rows["cucm-pub"][3] and "Not Activated" in rows["cucm-pub"][3]
    assert rows["cucm-sub1"][1:3] == ("yes", "Started")
    assert rows["cucm-sub2"][1:3] == ("yes", "Started")
    assert rows["cucm-pub"][4] == "-" and rows["cucm-sub1"][4] != "-"
    assert "started on 2 of 3 nodes" in reply.lines[0]


def test_activate_publisher_waits_logs_and_undoes(
    sim: Any, cucm: Any, make_ctx: Any, plan_only: Any, plan_and_apply: Any
) -> None:
    progress: list[str] = []
    ctx = make_ctx(progress=progress.append)
    plan = plan_only(ctx, ACTIVATE, node="CUCM-PUB")
    assert isinstance(plan, Plan) and plan.risky and plan.needs_confirmation
    assert [s.object_name for s in plan.steps] == [service_key("cucm-pub")]
    rendered = render_plan(plan).as_text()
    assert "Activate Cisco CTIManager on cucm-pub" in rendered
    assert "Activated: No -> Yes" in rendered
    assert sim_service(sim, "cucm-pub")[:2] == (False, "Stopped")  # planning wrote nothing

    reply = plan_and_apply(ctx, ACTIVATE, node="cucm-pub")
    assert reply.status == "ok", reply.as_text()
    assert sim_service(sim, "cucm-pub")[:2] == (True, "Started")
    assert any("Started" in p for p in progress)
    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "applied"
    (row,) = record.changes
    assert (row.operation, row.object_type, row.object_name, row.status) == (
        "soapDoServiceDeployment",
        "service",
        "cucm-pub/Cisco CTIManager",
        "applied",
    )
    assert row.before == {"node": "cucm-pub", "service": CTI, "activated": False}
    assert row.after == {"node": "cucm-pub", "service": CTI, "activated": True}

    again = plan_only(ctx, ACTIVATE, node="cucm-pub")
    assert again.no_change and "already activated" in again.notes[0]

    change(cucm, SERVICE, row.object_name, row.after, row.before, "undo").run()
    assert sim_service(sim, "cucm-pub")[:2] == (False, "Stopped")


def test_deactivate_then_compensate_restores_started(
    sim: Any, cucm: Any, make_ctx: Any, plan_only: Any
) -> None:
    plan = plan_only(make_ctx(), DEACTIVATE, node="cucm-sub2")
    assert any("fail over" in w for w in plan.warnings)
    (step,) = plan.steps
    step.run()
    assert sim_service(sim, "cucm-sub2")[:2] == (False, "Stopped")
    assert step.verify() is True
    step.undo()
    assert sim_service(sim, "cucm-sub2")[:2] == (True, "Started")


def test_unknown_node_lists_the_nodes(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=r"cucm-pub.*cucm-sub1.*cucm-sub2"):
        plan_only(make_ctx(), ACTIVATE, node="cucm-sub9")
    with pytest.raises(UsageError, match="not a valid node name"):
        plan_only(make_ctx(), ACTIVATE, node="bad/node")
    assert "soapDoServiceDeployment" not in sim.counters().get("controlcenter", {})


def test_restart_is_not_compensable_and_waits(
    sim: Any, make_ctx: Any, plan_only: Any, plan_and_apply: Any
) -> None:
    ctx = make_ctx()
    plan = plan_only(ctx, RESTART, node="cucm-sub1")
    (step,) = plan.steps
    assert step.undo is None and plan.risky
    assert "not compensable" in step.summary
    assert any("cannot be undone" in w for w in plan.warnings)
    started_before = sim_service(sim, "cucm-sub1")[2]

    reply = plan_and_apply(ctx, RESTART, node="cucm-sub1")
    assert reply.status == "ok", reply.as_text()
    activated, status, started_after = sim_service(sim, "cucm-sub1")
    assert (activated, status) == (True, "Started")
    assert started_after is not None and started_before is not None
    assert started_after > started_before
    (row,) = ctx.changelog.get(reply.change_set_id).changes
    assert row.operation == "soapDoControlServices" and row.status == "applied"


def test_restart_of_not_activated_service_is_refused(
    sim: Any, make_ctx: Any, plan_only: Any
) -> None:
    assert sim_service(sim, "cucm-pub")[0] is False
    with pytest.raises(UsageError, match=r"not activated on cucm-pub.*service activate cucm-pub"):
        plan_only(make_ctx(), RESTART, node="cucm-pub")


def test_activation_outlasting_the_wait_is_still_starting_not_failed(
    sim: Any, cucm: Any, changelog: Any, make_ctx: Any, plan_and_apply: Any
) -> None:
    """CUCM took the request; the node is just slow. No failure, no compensation."""
    slow = CucmCluster(replace(cucm.endpoint, service_wait_s=0.3), retry=cucm.retry)
    progress: list[str] = []
    ctx = make_ctx(progress=progress.append, clusters=SingleCluster(slow))
    sim.set_service_delay(5.0)
    try:
        reply = plan_and_apply(ctx, ACTIVATE, node="cucm-pub")
    finally:
        sim.set_service_delay(0.05)
    text = reply.as_text()
    assert reply.status == "warning", text
    assert reply.title.startswith("Applied:"), text
    assert "still Starting after 0 s" in text and "/cti service status" in text
    assert sim_service(sim, "cucm-pub")[:2] == (True, "Starting")  # not compensated
    record = changelog.get(reply.change_set_id)
    assert record.status == "applied"
    assert [c.status for c in record.changes] == ["applied"]
    assert any("waiting for Started (up to 0 s)" in p for p in progress)
    with sim.cluster.lock:  # let it finish at once, then put the seed back
        sim.cluster.services[("cucm-pub", CTI)].settles_at = 0.0
    sim_lifecycle.settle(sim.cluster)
    assert sim_service(sim, "cucm-pub")[:2] == (True, "Started")
    state = {"node": "cucm-pub", "service": CTI}
    change(
        cucm,
        SERVICE,
        service_key("cucm-pub"),
        {**state, "activated": True},
        {**state, "activated": False},
        "restore",
    ).run()
    assert sim_service(sim, "cucm-pub")[:2] == (False, "Stopped")
    slow.close()


def test_a_fault_on_the_status_call_is_shown_as_the_fault_not_unreachable(
    sim: Any, make_ctx: Any, plan_only: Any
) -> None:
    sim.inject_fault("soapGetServiceStatus", "axl_fault", message="Service list is being rebuilt")
    try:
        reply = plan_only(make_ctx(), STATUS)
    finally:
        sim.clear_faults()
    (faulted,) = [row for row in reply.table.rows if row[1] == "?"]
    assert faulted[2] == "fault" and "Service list is being rebuilt" in faulted[3], faulted
    text = reply.as_text()
    assert "unreachable" not in text and "Could not reach" not in text, text
    assert f"Control Center on {faulted[0]} answered with an error (fault)" in text
    assert reply.status == "warning"
