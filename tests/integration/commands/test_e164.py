"""E.164 directory numbers and route point patterns, as CUCM writes them.

The simulator refuses a leading plain `+` as CUCM does and stores `\\+`; the
product shows and records `+` everywhere and escapes only on the wire.
"""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.apply import apply_plan, render_plan
from commands.engine.base import Plan, Role, UsageError
from commands.workflows.lines import AddLineCommand, UpdateLineCommand
from commands.workflows.ports import CreatePortsCommand
from commands.workflows.routepoints import CreateRoutePointCommand
from commands.workflows.undo import UndoCommand
from tests.integration.commands.conftest import bind_args, plan_only
from tests.integration.commands.simdevices import axl_writes, device, line

ADD = AddLineCommand()
UPDATE = UpdateLineCommand()
PORTS = CreatePortsCommand()
CREATE_RP = CreateRoutePointCommand()
UNDO = UndoCommand()


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    outcome = plan_only(ctx, command, **args)
    assert isinstance(outcome, Plan), outcome
    return outcome


def _apply(ctx: Any, command: Any, **args: Any) -> int:
    reply = apply_plan(ctx, _plan(ctx, command, **args))
    assert reply.status == "ok", reply.as_text()
    return reply.change_set_id


def test_e164_line_escaped_on_the_wire_plain_everywhere_else(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan = _plan(ctx, ADD, dn="+14085557001", partition="PT_CTI", cfna="+14085550100")
    assert "Create DN +14085557001 in PT_CTI (CFNA +14085550100" in render_plan(plan).as_text()
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    assert line(sim, "\\+14085557001", "PT_CTI")["cfna"] == "+14085550100"
    assert line(sim, "+14085557001", "PT_CTI") is None
    (row,) = ctx.changelog.get(reply.change_set_id).changes
    assert row.object_name == "+14085557001/PT_CTI"
    assert row.after["pattern"] == "+14085557001"
    assert _plan(ctx, ADD, dn="\\+14085557001", partition="PT_CTI", cfna="+14085550100").no_change
    _apply(ctx, UPDATE, dn="+14085557001", partition="PT_CTI", description="E.164 line")
    assert line(sim, "\\+14085557001", "PT_CTI")["description"] == "E.164 line"


def test_undo_round_trips_an_e164_line(sim, make_ctx) -> None:
    ctx = make_ctx()
    set_id = _apply(ctx, ADD, dn="\\+14085557002", partition="PT_CTI")
    assert line(sim, "\\+14085557002", "PT_CTI") is not None
    undo = UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    assert [(s.operation, s.object_name) for s in undo.steps] == [
        ("removeLine", "+14085557002/PT_CTI")
    ]
    assert apply_plan(ctx, undo).status == "ok"
    assert line(sim, "\\+14085557002", "PT_CTI") is None


def test_e164_port_range_reads_back_and_replans_nothing(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    args = {"names": "E164P{1..2}", "dns": "+14085557101-14085557102", "partition": "PT_CTI"}
    _apply(ctx, PORTS, **args)
    assert device(sim, "E164P2")["lines"] == [(1, "\\+14085557102", "PT_CTI", 2, 1)]
    assert line(sim, "\\+14085557101", "PT_CTI") is not None
    sim.reset_counters()
    assert _plan(ctx, PORTS, **args).no_change
    assert _plan(ctx, PORTS, **{**args, "dns": "\\+14085557101-14085557102"}).no_change
    assert axl_writes(sim) == {}


@pytest.mark.parametrize(
    ("name", "dn", "stored"),
    [
        ("RP_PAT1", "74[2-5]X", "74[2-5]X"),
        ("RP_PAT2", "+140855572XX", "\\+140855572XX"),
        ("RP_PAT3", "\\+1408555730!", "\\+1408555730!"),
    ],
)
def test_route_point_on_a_pattern(sim, make_ctx, name, dn, stored) -> None:
    _apply(make_ctx(role=Role.OPERATOR), CREATE_RP, name=name, dn=dn, partition="PT_CTI")
    assert device(sim, name)["lines"][0][1:3] == (stored, "PT_CTI")
    assert line(sim, stored, "PT_CTI") is not None


@pytest.mark.parametrize(
    ("command", "args"),
    [
        (CREATE_RP, {"name": "RP_BAD", "dn": "74.XX"}),
        (CREATE_RP, {"name": "RP_BAD", "dn": "9@"}),
        (CREATE_RP, {"name": "RP_BAD", "dn": "++1408"}),
        (ADD, {"dn": "74[5-]X"}),
    ],
)
def test_patterns_cucm_refuses_are_refused_with_the_rule(sim, make_ctx, command, args) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=r"CUCM's wildcards X \(any digit\)"):
        plan_only(make_ctx(role=Role.OPERATOR), command, **args)
    assert axl_writes(sim) == {}


def test_port_dns_are_numbers_not_patterns(make_ctx) -> None:
    with pytest.raises(UsageError, match="1 to 24 digits"):
        plan_only(make_ctx(role=Role.OPERATOR), PORTS, names="PX1", dns="74XX")


def test_an_e164_forward_target_is_found_in_its_partition(make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    _apply(ctx, ADD, dn="+14085550200", partition="PT_Internal")
    plan = _plan(ctx, ADD, dn="7420", cfof="+14085550200")
    assert plan.warnings[0].startswith("CFOF target +14085550200 is in partition PT_Internal")
