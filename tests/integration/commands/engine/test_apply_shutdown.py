"""A stop requested while a plan is applied: finish within the grace period, else stop
between two steps as `interrupted`, never inside one and never sending the rest."""

from __future__ import annotations

from typing import Any

from commands.engine.apply import apply_plan
from commands.engine.base import Plan, Role
from commands.engine.shutdown import Shutdown
from commands.workflows.routepoints import CreateRoutePointCommand
from tests.integration.commands.conftest import plan_only
from tests.integration.commands.simdevices import axl_writes, device, line

CREATE = CreateRoutePointCommand()


def _plan(ctx: Any, name: str, dn: str) -> Plan:
    plan = plan_only(ctx, CREATE, name=name, dn=dn, partition="PT_CTI", device_pool="DP_CTI")
    assert isinstance(plan, Plan) and len(plan.steps) >= 2, plan
    return plan


def test_within_the_grace_period_the_apply_completes(sim, make_ctx) -> None:
    shutdown = Shutdown()
    shutdown.begin(grace_s=60)
    ctx = make_ctx(role=Role.OPERATOR, shutdown=shutdown)
    reply = apply_plan(ctx, _plan(ctx, "RP_GRACE", "7931"))
    assert reply.status == "ok", reply.as_text()
    assert ctx.changelog.get(reply.change_set_id).status == "applied"


def test_after_the_grace_period_it_stops_between_steps(sim, make_ctx) -> None:
    shutdown = Shutdown()
    ctx = make_ctx(role=Role.OPERATOR, shutdown=shutdown)
    plan = _plan(ctx, "RP_STOPPED", "7932")

    def signal_during_the_first_step(message: str) -> None:
        if message.startswith("[1/"):
            shutdown.begin(grace_s=0)  # SIGTERM arrives while step 1 is on the wire

    ctx.progress = signal_during_the_first_step
    sim.reset_counters()
    reply = apply_plan(ctx, plan)

    assert reply.title.startswith("Interrupted"), reply.as_text()
    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "interrupted"
    assert [c.status for c in record.changes] == ["applied"] + ["skipped"] * (len(plan.steps) - 1)
    assert sum(axl_writes(sim).values()) == 1  # step 1 finished; nothing after it was sent
    assert line(sim, "7932", "PT_CTI") is not None and device(sim, "RP_STOPPED") is None
    assert "not attempted" in reply.as_text()
