"""Fault injection at every write step of create-routepoint and create-ports.

For each write (addLine, addCtiRoutePoint / addPhone, updateAppUser,
applyCtiRoutePoint) and each fault (HTTP 503 beyond retries, AXL fault,
connection reset, answer lost after the write was applied) the test checks
three views that must agree: the reply (which object is in which state), the
change log (set status and one row per write), and the simulator's own model
(compensated objects really gone, nothing half-configured).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.render import fallback_text
from commands.engine.apply import apply_plan
from commands.engine.base import Plan, Role
from commands.workflows.ports import CreatePortsCommand
from commands.workflows.routepoints import CreateRoutePointCommand
from tests.integration.commands.conftest import FAULT_DELAY_S, plan_only
from tests.integration.commands.simdevices import controlled, device, line
from tests.integration.commands.simobjects import plant_user

FAULTS = ("http503", "axl_fault", "reset", "timeout_after")
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_leftover_faults(sim: Any) -> Iterator[None]:
    yield
    sim.clear_faults()


def _inject(sim: Any, operation: str, kind: str) -> None:
    if kind == "http503":
        sim.inject_fault(operation, kind, count=10)  # more than the client's retries
    elif kind == "timeout_after":
        sim.inject_fault(operation, kind, delay_s=FAULT_DELAY_S)
    elif kind == "axl_fault":
        sim.inject_fault(operation, kind, axlcode=5003, message="Injected fault for the test")
    else:
        sim.inject_fault(operation, kind)


def _succeeds(operation: str, kind: str) -> bool:
    """Lost answers are re-read and hold; a reset apply is simply re-sent (idempotent)."""
    return kind == "timeout_after" or (kind == "reset" and operation == "applyCtiRoutePoint")


def _check_failure(ctx: Any, reply: Any, plan: Plan, operation: str) -> None:
    failed_at = next(i for i, s in enumerate(plan.steps) if s.operation == operation)
    text = fallback_text(reply)
    assert reply.status == "error", text
    assert f":x: {plan.steps[failed_at].summary}" in text
    for step in plan.steps[:failed_at]:
        assert f"{step.summary}: compensated (restored)" in text, text
    for step in plan.steps[failed_at + 1 :]:
        assert f"{step.summary}: not attempted" in text, text

    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == ("compensated" if failed_at else "failed")
    statuses = [c.status for c in record.changes]
    assert statuses[:failed_at] == ["compensated"] * failed_at
    assert statuses[failed_at] == "failed"
    assert "applied" not in statuses[failed_at + 1 :]
    assert [c.operation for c in record.changes] == [s.operation for s in plan.steps]


def _check_success(ctx: Any, reply: Any, plan: Plan) -> None:
    assert reply.status == "ok", reply.as_text()
    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "applied"
    assert [c.status for c in record.changes] == ["applied"] * len(plan.steps)


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize(
    "operation", ["addLine", "addCtiRoutePoint", "updateAppUser", "applyCtiRoutePoint"]
)
def test_create_routepoint_fault(sim, make_ctx, operation: str, kind: str) -> None:
    number = next(_numbers)
    name, dn, user = f"RP_F{number}", f"75{number:02d}", f"rpf_app{number}"
    plant_user(sim, user, devices=["RP_MAIN"])
    ctx = make_ctx(role=Role.OPERATOR)
    plan = plan_only(
        ctx,
        CreateRoutePointCommand(),
        name=name,
        dn=dn,
        partition="PT_CTI",
        device_pool="DP_CTI",
        max_calls="4",
        busy_trigger="3",
        cfna="6000",
        cfof="6000",
        app_user=user,
    )
    assert isinstance(plan, Plan)
    assert [s.operation for s in plan.steps] == [
        "addLine",
        "addCtiRoutePoint",
        "updateAppUser",
        "applyCtiRoutePoint",
    ]
    _inject(sim, operation, kind)
    reply = apply_plan(ctx, plan)

    if _succeeds(operation, kind):
        _check_success(ctx, reply, plan)
        assert device(sim, name)["lines"] == [(1, dn, "PT_CTI", 4, 3)]
        assert line(sim, dn, "PT_CTI")["cfna"] == "6000"
        assert controlled(sim, user) == sorted(["RP_MAIN", name])
        return
    _check_failure(ctx, reply, plan, operation)
    assert device(sim, name) is None
    assert line(sim, dn, "PT_CTI") is None
    assert controlled(sim, user) == ["RP_MAIN"]


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("operation", ["addLine", "addPhone", "updateAppUser"])
def test_create_ports_fault(sim, make_ctx, operation: str, kind: str) -> None:
    number = next(_numbers)
    user = f"pf_app{number}"
    names = [f"CTIPF{number}_{i}" for i in (1, 2)]
    dns = [f"76{number:02d}{i}" for i in (1, 2)]
    plant_user(sim, user)
    ctx = make_ctx(role=Role.OPERATOR)
    plan = plan_only(
        ctx,
        CreatePortsCommand(),
        names=f"CTIPF{number}_{{1..2}}",
        dns=f"{dns[0]}-{dns[1]}",
        partition="PT_CTI",
        device_pool="DP_CTI",
        app_user=user,
        cfna="6000",
    )
    assert isinstance(plan, Plan)
    assert [s.operation for s in plan.steps] == [
        "addLine",
        "addPhone",
        "addLine",
        "addPhone",
        "updateAppUser",
    ]
    _inject(sim, operation, kind)
    reply = apply_plan(ctx, plan)

    if _succeeds(operation, kind):
        _check_success(ctx, reply, plan)
        assert [device(sim, n)["lines"][0][1] for n in names] == dns
        assert controlled(sim, user) == names
        return
    _check_failure(ctx, reply, plan, operation)
    assert [device(sim, n) for n in names] == [None, None]
    assert [line(sim, d, "PT_CTI") for d in dns] == [None, None]
    assert controlled(sim, user) == []
