"""undo: each write command's change set reversed on the simulator, and stale undos refused."""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.apply import apply_plan
from commands.engine.base import Plan, UsageError
from commands.workflows.associate import ASSOCIATE
from commands.workflows.groups import ADD_TO_GROUP
from commands.workflows.lines import AddLineCommand
from commands.workflows.ports import CreatePortsCommand
from commands.workflows.provision import ProvisionAppCommand
from commands.workflows.routepoints import CreateRoutePointCommand, RemoveRoutePointCommand
from commands.workflows.service import COMMANDS as SERVICE_COMMANDS
from commands.workflows.service_parameters import ParamsSetCommand
from commands.workflows.undo import UndoCommand, UndoRefused
from cucmsim.model import key
from tests.integration.commands.conftest import bind_args
from tests.integration.commands.simobjects import (
    devices_of,
    groups_of,
    plant_device,
    plant_user,
    write_count,
)

UNDO = UndoCommand()


def _run(ctx: Any, command: Any, **args: Any) -> Any:
    plan = command.execute(ctx, bind_args(command, **args))
    assert isinstance(plan, Plan) and not plan.no_change
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    return reply.change_set_id


def _undo(ctx: Any, set_id: int) -> Any:
    plan = UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    assert plan.risky and plan.undo_of == set_id
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    assert ctx.changelog.get(reply.change_set_id).undo_of == set_id
    return reply.change_set_id


def _has_device(sim: Any, name: str) -> bool:
    with sim.cluster.lock:
        return key(name) in sim.cluster.devices


def _has_line(sim: Any, pattern: str, partition: str = "PT_CTI") -> bool:
    with sim.cluster.lock:
        return (key(pattern), key(partition)) in sim.cluster.lines


def test_undo_association_keeps_devices_added_since(sim, make_ctx) -> None:
    plant_user(sim, "un_app1", devices=["RP_MAIN"])
    for name in ("RP_UN1", "RP_UN1B"):
        plant_device(sim, name)
    ctx = make_ctx()
    set_id = _run(ctx, ASSOCIATE, user="un_app1", devices=["RP_UN1"])
    _run(ctx, ASSOCIATE, user="un_app1", devices=["RP_UN1B"])
    _undo(ctx, set_id)
    assert devices_of(sim, "un_app1") == ["RP_MAIN", "RP_UN1B"]


def test_undo_groups(sim, make_ctx) -> None:
    plant_user(sim, "un_app2", groups=["Standard CTI Enabled"])
    ctx = make_ctx()
    set_id = _run(ctx, ADD_TO_GROUP, user="un_app2", groups=["Standard CTI Allow Call Recording"])
    _undo(ctx, set_id)
    assert groups_of(sim, "un_app2") == ["Standard CTI Enabled"]


def test_undo_line(sim, make_ctx) -> None:
    ctx = make_ctx()
    set_id = _run(ctx, AddLineCommand(), dn="7801", partition="PT_CTI", cfna="6000")
    assert _has_line(sim, "7801")
    _undo(ctx, set_id)
    assert not _has_line(sim, "7801")


def test_undo_create_routepoint(sim, make_ctx) -> None:
    plant_user(sim, "un_app3")
    ctx = make_ctx()
    set_id = _run(
        ctx,
        CreateRoutePointCommand(),
        name="RP_UN3",
        dn="7803",
        partition="PT_CTI",
        device_pool="DP_CTI",
        app_user="un_app3",
    )
    plan = UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    assert any("Apply Config to CTI Route Point RP_UN3" in n for n in plan.notes)
    assert apply_plan(ctx, plan).status == "ok"
    assert not _has_device(sim, "RP_UN3") and not _has_line(sim, "7803")
    assert devices_of(sim, "un_app3") == []


def test_undo_remove_routepoint_recreates_it(sim, make_ctx) -> None:
    plant_user(sim, "un_app4")
    ctx = make_ctx()
    _run(
        ctx,
        CreateRoutePointCommand(),
        name="RP_UN4",
        dn="7804",
        partition="PT_CTI",
        app_user="un_app4",
    )
    removal = _run(ctx, RemoveRoutePointCommand(), name="RP_UN4")
    assert not _has_device(sim, "RP_UN4")
    _undo(ctx, removal)
    assert _has_device(sim, "RP_UN4") and _has_line(sim, "7804")
    assert devices_of(sim, "un_app4") == ["RP_UN4"]


def test_undo_create_ports(sim, make_ctx) -> None:
    plant_user(sim, "un_app5")
    ctx = make_ctx()
    set_id = _run(
        ctx,
        CreatePortsCommand(),
        names="CPU5{1..2}",
        dns="7851-7852",
        partition="PT_CTI",
        app_user="un_app5",
    )
    _undo(ctx, set_id)
    assert not _has_device(sim, "CPU51") and not _has_device(sim, "CPU52")
    assert not _has_line(sim, "7851") and devices_of(sim, "un_app5") == []


def test_undo_provision_app(sim, make_ctx) -> None:
    plant_user(sim, "un_app6")
    ctx = make_ctx()
    set_id = _run(
        ctx,
        ProvisionAppCommand(),
        app_user="un_app6",
        routepoint="RP_UN6",
        dn="7860",
        ports="CPU6{1..1}",
        port_dns="7861",
        partition="PT_CTI",
        device_pool="DP_CTI",
    )
    _undo(ctx, set_id)
    assert not _has_device(sim, "RP_UN6") and not _has_device(sim, "CPU61")
    assert devices_of(sim, "un_app6") == [] and groups_of(sim, "un_app6") == []


def test_undo_params_set(sim, make_ctx) -> None:
    ctx = make_ctx()
    with sim.cluster.lock:
        params = [
            p
            for p in sim.cluster.service_parameters.values()
            if p.name == "CtiNewCallAcceptTimerSecs"
        ]
        old = {p.node: p.value for p in params}
    set_id = _run(
        ctx, ParamsSetCommand(), param="new-call-accept-timer", value="9", node="cucm-sub1"
    )
    assert {p.node: p.value for p in params} == {**old, "cucm-sub1": "9"}
    _undo(ctx, set_id)
    assert {p.node: p.value for p in params} == old


def test_undo_clusterwide_params_set_restores_every_node(sim, make_ctx) -> None:
    ctx = make_ctx()
    with sim.cluster.lock:
        params = [
            p for p in sim.cluster.service_parameters.values() if p.name == "CtiMaxDevicesPerNode"
        ]
    assert len(params) == 3
    old = {p.node: p.value for p in params}
    set_id = _run(ctx, ParamsSetCommand(), param="max-devices-per-node", value="900")
    assert {p.value for p in params} == {"900"}
    undo_id = _undo(ctx, set_id)
    assert {p.node: p.value for p in params} == old
    undone = ctx.changelog.get(undo_id).changes
    assert sorted(c.object_name.split("/")[0] for c in undone) == sorted(old)


def test_undo_service_activation_and_restart_refused(sim, make_ctx) -> None:
    commands = {c.spec.name: c for c in SERVICE_COMMANDS}
    ctx = make_ctx()
    set_id = _run(ctx, commands["service activate"], node="cucm-pub")
    _undo(ctx, set_id)
    with sim.cluster.lock:
        state = sim.cluster.services.get(("cucm-pub", "Cisco CTIManager"))
        assert state is None or not state.activated
    restart = _run(ctx, commands["service restart"], node="cucm-sub2")
    with pytest.raises(UndoRefused, match="cannot be undone"):
        UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(restart)))


def test_stale_undo_is_refused_with_the_reason(sim, make_ctx) -> None:
    plant_user(sim, "un_app7")
    plant_device(sim, "RP_UN7")
    ctx = make_ctx()
    set_id = _run(ctx, ASSOCIATE, user="un_app7", devices=["RP_UN7"])
    with sim.cluster.lock:
        sim.cluster.app_users[key("un_app7")].associated_devices.clear()
    sim.reset_counters()
    with pytest.raises(UndoRefused) as info:
        UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    assert f"un_app7 changed since change set #{set_id}" in str(info.value)
    assert "Controlled Devices no longer holds RP_UN7" in str(info.value)
    assert write_count(sim) == 0


def test_stale_field_named_with_now_and_left(sim, make_ctx) -> None:
    ctx = make_ctx()
    set_id = _run(ctx, AddLineCommand(), dn="7808", partition="PT_CTI", description="IVR")
    with sim.cluster.lock:
        sim.cluster.lines[(key("7808"), key("PT_CTI"))].description = "changed by hand"
    with pytest.raises(UndoRefused) as info:
        UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    assert "Description is now changed by hand, the change set left IVR" in str(info.value)


def test_already_undone_and_failed_sets_refused(sim, make_ctx) -> None:
    plant_user(sim, "un_app9")
    plant_device(sim, "RP_UN9")
    ctx = make_ctx()
    set_id = _run(ctx, ASSOCIATE, user="un_app9", devices=["RP_UN9"])
    undo_id = _undo(ctx, set_id)
    with pytest.raises(UndoRefused, match=f"already undone by change set #{undo_id}"):
        UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    plan = ASSOCIATE.execute(ctx, bind_args(ASSOCIATE, user="un_app9", devices=["RP_UN9"]))
    sim.inject_fault("updateAppUser", "axl_fault")
    try:
        failed = apply_plan(ctx, plan)
    finally:
        sim.clear_faults()
    with pytest.raises(UndoRefused, match="is failed"):
        UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(failed.change_set_id)))


@pytest.mark.parametrize(
    ("value", "message"), [("abc", "not a change-set id"), ("999999", "No change set")]
)
def test_bad_ids(make_ctx, value, message) -> None:
    with pytest.raises(UsageError, match=message):
        UNDO.execute(make_ctx(), bind_args(UNDO, change_set_id=value))
