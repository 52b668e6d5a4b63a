"""add-line / update-line against the strict simulator over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.apply import render_plan
from commands.engine.base import Plan, Reply, Role, UsageError
from commands.engine.objects import change
from commands.kinds.lines import LINE
from commands.workflows.lines import AddLineCommand, UpdateLineCommand
from tests.integration.commands.conftest import plan_only
from tests.integration.commands.simdevices import axl_writes, line

ADD = AddLineCommand()
UPDATE = UpdateLineCommand()


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    outcome = plan_only(ctx, command, **args)
    assert isinstance(outcome, Plan), outcome
    return outcome


def test_add_line_happy_path_logged_and_idempotent(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    sim.reset_counters()
    args = {
        "dn": "7201",
        "partition": "PT_CTI",
        "cfna": "6000",
        "cfof": "6001",
        "cfnr": "6002",
        "description": "IVR line",
        "alerting_name": "IVR",
    }
    reply = plan_and_apply(ctx, ADD, **args)
    assert reply.status == "ok", reply.as_text()
    assert line(sim, "7201", "PT_CTI") == {
        "pattern": "7201",
        "partition": "PT_CTI",
        "description": "IVR line",
        "alerting_name": "IVR",
        "cfna": "6000",
        "cfna_int": "6000",
        "cfof": "6001",
        "cfnr": "6002",
        "forward_css": {},
    }
    assert axl_writes(sim) == {"addLine": 1}
    (row,) = ctx.changelog.get(reply.change_set_id).changes
    assert (row.operation, row.object_type, row.object_name, row.status) == (
        "addLine",
        "line",
        "7201/PT_CTI",
        "applied",
    )
    assert row.before is None
    assert row.after["forwards"]["on_failure"]["destination"] == "6001"
    assert _plan(ctx, ADD, **args).no_change


def test_add_line_on_existing_dn_converges(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan_and_apply(ctx, ADD, dn="7202")
    plan = _plan(ctx, ADD, dn="7202", cfna="6000")
    assert [s.operation for s in plan.steps] == ["updateLine"]
    assert any("already exists" in n for n in plan.notes)


def test_update_line_changes_clears_and_undoes(sim, make_ctx, plan_and_apply, cucm) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan_and_apply(ctx, ADD, dn="7203", partition="PT_CTI", cfna="6000", cfnr="6002")
    plan = _plan(ctx, UPDATE, dn="7203", partition="pt_cti", cfna="6100", cfnr="none")
    text = render_plan(plan).as_text()
    assert "Forward No Answer External: 6000 -> 6100" in text
    assert "Forward Unregistered: 6002 -> (none)" in text
    reply = plan_and_apply(ctx, UPDATE, dn="7203", partition="PT_CTI", cfna="6100", cfnr="none")
    assert reply.status == "ok", reply.as_text()
    held = line(sim, "7203", "PT_CTI")
    assert (held["cfna"], held["cfnr"]) == ("6100", None)
    assert _plan(ctx, UPDATE, dn="7203", partition="PT_CTI", cfna="6100", cfnr="none").no_change

    (row,) = ctx.changelog.get(reply.change_set_id).changes
    change(cucm, LINE, row.object_name, row.after, row.before, "undo").run()
    held = line(sim, "7203", "PT_CTI")
    assert (held["cfna"], held["cfnr"]) == ("6000", "6002")


def test_update_line_missing_dn_is_an_error_reply(sim, make_ctx) -> None:
    reply = plan_only(make_ctx(role=Role.OPERATOR), UPDATE, dn="7299", cfna="6000")
    assert isinstance(reply, Reply)
    assert reply.status == "error"
    assert "DN 7299 (no partition) not found" in reply.title


def test_undo_of_add_line_removes_it(sim, make_ctx, plan_and_apply, cucm) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    reply = plan_and_apply(ctx, ADD, dn="7204", partition="PT_Internal")
    (row,) = ctx.changelog.get(reply.change_set_id).changes
    change(cucm, LINE, row.object_name, row.after, row.before, "undo").run()
    assert line(sim, "7204", "PT_Internal") is None


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        (ADD, {"dn": "72O5"}, "not a valid DN"),
        (ADD, {"dn": "7205", "cfna": "voicemail"}, "`cfna` destination"),
        (ADD, {"dn": "7205", "alerting_name": "x" * 51}, "at most 50"),
        (ADD, {"dn": "7205", "partition": "PT<bad>"}, "not a valid partition"),
        (UPDATE, {"dn": "7205"}, "Nothing to change"),
    ],
)
def test_bad_input_writes_nothing(sim, make_ctx, command, args, message) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        plan_only(make_ctx(role=Role.OPERATOR), command, **args)
    assert axl_writes(sim) == {}


def test_unknown_partition_fails_at_write_with_cucm_fault(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    reply = plan_and_apply(ctx, ADD, dn="7206", partition="PT_NOPE")
    assert reply.status == "error"
    assert "PT_NOPE" in reply.as_text() or "Route Partition" in reply.as_text()
    assert ctx.changelog.get(reply.change_set_id).status == "failed"
    assert line(sim, "7206", "PT_NOPE") is None
