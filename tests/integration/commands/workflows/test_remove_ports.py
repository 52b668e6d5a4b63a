"""remove-ports, and undo of interrupted or partial change sets: a half-built range can go."""

from __future__ import annotations

from typing import Any

from commands.engine.apply import apply_plan
from commands.engine.base import Plan
from commands.workflows.ports import CreatePortsCommand
from commands.workflows.remove_ports import RemovePortsCommand
from commands.workflows.undo import UndoCommand
from cucmsim.model import key
from tests.integration.commands.conftest import bind_args
from tests.integration.commands.simdevices import axl_writes, controlled, device, line
from tests.integration.commands.simobjects import plant_user

CREATE = CreatePortsCommand()
REMOVE = RemovePortsCommand()
UNDO = UndoCommand()


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    plan = command.execute(ctx, bind_args(command, **args))
    assert isinstance(plan, Plan), plan
    return plan


def _apply(ctx: Any, plan: Plan) -> int:
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    return reply.change_set_id


def test_remove_ports_takes_control_ports_and_dns_and_undo_restores_them(sim, make_ctx) -> None:
    plant_user(sim, "rmp_app1", devices=["RP_MAIN"])
    ctx = make_ctx()
    _apply(ctx, _plan(ctx, CREATE, names="CTIRM{1..3}", dns="7601-7603", app_user="rmp_app1"))
    assert controlled(sim, "rmp_app1") == ["CTIRM1", "CTIRM2", "CTIRM3", "RP_MAIN"]

    plan = _plan(ctx, REMOVE, names="CTIRM{1..4}")
    assert [s.operation for s in plan.steps] == [
        "updateAppUser",
        "removePhone",
        "removePhone",
        "removePhone",
        "removeLine",
        "removeLine",
        "removeLine",
    ]
    assert any("CTIRM4" in n for n in plan.notes)
    assert any("rmp_app1 controls CTIRM1, CTIRM2, CTIRM3" in w for w in plan.warnings)
    removed = _apply(ctx, plan)
    assert [device(sim, f"CTIRM{i}") for i in (1, 2, 3)] == [None, None, None]
    assert [line(sim, f"760{i}", None) for i in (1, 2, 3)] == [None, None, None]
    assert controlled(sim, "rmp_app1") == ["RP_MAIN"]

    _apply(ctx, _plan(ctx, UNDO, change_set_id=removed))
    assert device(sim, "CTIRM2")["lines"][0][1] == "7602"
    assert controlled(sim, "rmp_app1") == ["CTIRM1", "CTIRM2", "CTIRM3", "RP_MAIN"]


def test_remove_ports_keeps_a_dn_another_device_carries(sim, make_ctx) -> None:
    ctx = make_ctx()
    _apply(ctx, _plan(ctx, CREATE, names="CTIRN1", dns="7611"))
    _apply(ctx, _plan(ctx, CREATE, names="CTIRX1", dns="7612"))
    with sim.cluster.lock:  # an admin put the same DN on a port outside the range, by hand
        sim.cluster.devices[key("CTIRX1")].lines[0].pattern = "7611"
    plan = _plan(ctx, REMOVE, names="CTIRN1")
    assert [s.operation for s in plan.steps] == ["removePhone"]
    assert any("7611" in n and "CTIRX1" in n for n in plan.notes)


def test_remove_ports_keep_lines_and_large_ranges_ask_first(sim, make_ctx) -> None:
    ctx = make_ctx()
    _apply(ctx, _plan(ctx, CREATE, names="CTIRK{01..06}", dns="7621-7626"))
    sim.reset_counters()
    keep = _plan(ctx, REMOVE, names="CTIRK{01..06}", keep_lines=True)
    assert {s.operation for s in keep.steps} == {"removePhone"}
    assert "Their DNs are kept (--keep-lines)." in keep.notes
    assert not keep.needs_confirmation
    whole = _plan(ctx, REMOVE, names="CTIRK{01..06}")
    assert len(whole.steps) == 12 and whole.needs_confirmation
    assert axl_writes(sim) == {}


def test_undo_of_an_interrupted_create_ports_reverts_what_reached_cucm(sim, make_ctx) -> None:
    """The process stopped after 3 writes: the 3rd had no answer, the 4th was never sent."""
    ctx = make_ctx()
    plan = _plan(ctx, CREATE, names="CTIRI{1..3}", dns="7631-7633")
    assert [s.operation for s in plan.steps][:4] == ["addLine", "addPhone", "addLine", "addPhone"]
    log = ctx.changelog
    set_id = log.open_set(
        actor_id="UOPS",
        actor_name="ops",
        channel_id=None,
        cluster="lab",
        command=plan.command,
        command_text="/cti create-ports CTIRI{1..3} 7631-7633",
    )
    ids = [
        log.add_change(
            set_id,
            seq=n,
            operation=s.operation,
            object_type=s.object_type,
            object_name=s.object_name,
            before=s.before,
            after=s.after,
        )
        for n, s in enumerate(plan.steps, 1)
    ]
    for n, step in enumerate(plan.steps[:3]):
        step.run()
        log.update_change(ids[n], status="applied" if n < 2 else "unknown")
    for change_id in ids[3:]:
        log.update_change(change_id, status="unknown", error="process stopped while applying")
    log.close_set(set_id, "interrupted")

    undo = _plan(ctx, UNDO, change_set_id=set_id)
    assert [(s.operation, s.object_name) for s in undo.steps] == [
        ("removeLine", "7632"),
        ("removePhone", "CTIRI1"),
        ("removeLine", "7631"),
    ]
    assert any("Add CTI Port CTIRI2" in n and "did not take effect" in n for n in undo.notes)
    _apply(ctx, undo)
    assert [device(sim, f"CTIRI{i}") for i in (1, 2, 3)] == [None, None, None]
    assert [line(sim, f"763{i}", None) for i in (1, 2, 3)] == [None, None, None]
