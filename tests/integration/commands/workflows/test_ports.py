"""create-ports against the strict simulator over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.apply import apply_plan, render_plan
from commands.engine.base import Plan, Role, UsageError
from commands.engine.objects import change
from commands.kinds.catalog import KINDS
from commands.workflows.ports import CreatePortsCommand
from tests.integration.commands.conftest import plan_only
from tests.integration.commands.simdevices import axl_reads, axl_writes, controlled, device, line
from tests.integration.commands.simobjects import plant_user

PORTS = CreatePortsCommand()


def _plan(ctx: Any, **args: Any) -> Plan:
    outcome = plan_only(ctx, PORTS, **args)
    assert isinstance(outcome, Plan), outcome
    return outcome


def test_create_ports_range_with_progress_and_one_association(sim, make_ctx, cold_cluster) -> None:
    plant_user(sim, "port_app1", devices=["RP_MAIN"])
    progress: list[str] = []
    ctx = make_ctx(role=Role.OPERATOR, progress=progress.append, clusters=cold_cluster)
    sim.reset_counters()
    plan = _plan(
        ctx,
        names="CTIPA{001..012}",
        dns="7301-7312",
        partition="PT_CTI",
        device_pool="DP_CTI",
        app_user="port_app1",
        cfna="6000",
        cfof="6000",
    )
    # before-state reads: pool, one listPhone, one listLine, the app user; nothing per port;
    # one more listLine looks up the forward target 6000
    assert axl_reads(sim) == {
        "getDevicePool": 1,
        "listPhone": 1,
        "listLine": 2,
        "getAppUser": 1,
    }
    assert len(plan.steps) == 25 and plan.needs_confirmation
    assert plan.steps[0].summary == "Create DN 7301 in PT_CTI (CFNA 6000, CFOF 6000)"
    assert plan.steps[1].summary == "Create CTI Port CTIPA001 on DN 7301 in PT_CTI"
    assert plan.steps[-1].operation == "updateAppUser"
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    assert len(progress) == 25 and progress[0].startswith("[1/25] ")

    assert device(sim, "CTIPA012") == {
        "name": "CTIPA012",
        "product": "CTI Port",
        "device_pool": "DP_CTI",
        "css": None,
        "location": "Hub_None",
        "description": "",
        "lines": [(1, "7312", "PT_CTI", 2, 1)],
    }
    assert line(sim, "7307", "PT_CTI")["cfof"] == "6000"
    assert controlled(sim, "port_app1") == [f"CTIPA{i:03d}" for i in range(1, 13)] + ["RP_MAIN"]
    assert axl_writes(sim) == {"addLine": 12, "addPhone": 12, "updateAppUser": 1}

    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "applied" and len(record.changes) == 25
    assert {c.status for c in record.changes} == {"applied"}
    assert (record.changes[1].operation, record.changes[1].object_type) == ("addPhone", "cti_port")

    again = _plan(
        ctx,
        names="CTIPA{001..012}",
        dns="7301-7312",
        partition="PT_CTI",
        device_pool="DP_CTI",
        app_user="port_app1",
        cfna="6000",
        cfof="6000",
    )
    assert again.no_change, [s.summary for s in again.steps]


def test_create_ports_reuses_existing_dns_and_dry_run(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan_and_apply(ctx, PORTS, names="CTIPB1", dns="7321")
    sim.reset_counters()
    plan = _plan(ctx, names="CTIPB{1..3}", dns="7321..7323")
    assert [s.operation for s in plan.steps] == ["addLine", "addPhone", "addLine", "addPhone"]
    text = render_plan(plan).as_text()
    assert "Create CTI Port CTIPB3 on DN 7323 (no partition)" in text
    assert "4 writes on cluster lab; nothing sent yet." in text
    assert any("associate the ports later" in n for n in plan.notes)
    assert axl_writes(sim) == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"names": "CTIPC{1..3}", "dns": "7331-7332"}, "gives 3 devices .* gives 2"),
        ({"names": "CTIPC{1..501}", "dns": "7001-7501"}, "at most 500"),
        ({"names": "CTIPORTLONGNAME{1..2}", "dns": "7331-7332"}, "1 to 15 characters"),
        ({"names": "CTIPC{1..2}", "dns": "73a1-73a2"}, "not a valid DN"),
        ({"names": "CTIPC{1..2}", "dns": "7331-7332", "device_pool": "DP_X"}, "DP_CTI"),
        ({"names": "CTIPC{1..2}", "dns": "7331-7332", "app_user": "ghost"}, "No application"),
        ({"names": "CTIPC{1..2}", "dns": "7331-7332", "max_calls": "201"}, "between 1 and 200"),
        (
            {"names": "CTIPC{1..2}", "dns": "7331-7332", "max_calls": "2", "busy_trigger": "3"},
            r"`busy-trigger` \(3\) cannot exceed `max-calls` \(2\)",
        ),
    ],
)
def test_bad_input_writes_nothing(sim, make_ctx, args, message) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        plan_only(make_ctx(role=Role.OPERATOR), PORTS, **args)
    assert axl_writes(sim) == {}


def test_port_call_limits(sim, make_ctx, plan_and_apply) -> None:
    """Up to 200 calls per CTI port line, as CUCM allows on a phone's line."""
    ctx = make_ctx(role=Role.OPERATOR)
    reply = plan_and_apply(ctx, PORTS, names="CTIPL1", dns="7361", max_calls="200")
    assert reply.status == "ok", reply.as_text()
    assert device(sim, "CTIPL1")["lines"] == [(1, "7361", None, 200, 1)]
    converged = plan_and_apply(
        ctx, PORTS, names="CTIPL1", dns="7361", max_calls="4", busy_trigger="3"
    )
    assert converged.status == "ok", converged.as_text()
    assert device(sim, "CTIPL1")["lines"] == [(1, "7361", None, 4, 3)]


def test_port_with_another_line_is_refused(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan_and_apply(ctx, PORTS, names="CTIPD1", dns="7341")
    with pytest.raises(UsageError, match="port CTIPD1 already has DN 7341"):
        plan_only(ctx, PORTS, names="CTIPD1", dns="7342")


def test_undo_of_create_ports(sim, make_ctx, plan_and_apply, cucm) -> None:
    plant_user(sim, "port_app5")
    ctx = make_ctx(role=Role.OPERATOR)
    reply = plan_and_apply(ctx, PORTS, names="CTIPE{1..2}", dns="7351-7352", app_user="port_app5")
    assert reply.status == "ok", reply.as_text()
    for row in reversed(ctx.changelog.get(reply.change_set_id).changes):
        change(cucm, KINDS[row.object_type], row.object_name, row.after, row.before, "u").run()
    assert device(sim, "CTIPE1") is None and device(sim, "CTIPE2") is None
    assert line(sim, "7351", None) is None and line(sim, "7352", None) is None
    assert controlled(sim, "port_app5") == []
