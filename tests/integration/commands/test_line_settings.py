"""A device's line settings that ctibot does not manage survive every write of its line list.

CUCM (and the strict simulator) replace a device's lines whole and reset any
per-line field a request leaves out, so each write here (update, converge,
compensation, undo of an update, undo of a removal) must carry them back.
The settings are planted in the simulator's model as an administrator would
set them in CUCM's pages, and read back from the model, not through ctibot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from commands.engine.apply import apply_plan
from commands.engine.base import Plan, Role
from commands.workflows.ports import CreatePortsCommand
from commands.workflows.routepoints import (
    CreateRoutePointCommand,
    RemoveRoutePointCommand,
    UpdateRoutePointCommand,
)
from commands.workflows.undo import UndoCommand
from cucmsim.model import key
from tests.integration.commands.conftest import bind_args, plan_only
from tests.integration.commands.simdevices import device

CREATE = CreateRoutePointCommand()
UPDATE = UpdateRoutePointCommand()
REMOVE = RemoveRoutePointCommand()
PORTS = CreatePortsCommand()
UNDO = UndoCommand()

PLANTED = {
    "settings": {
        "e164Mask": "+1408555XXXX",
        "recordingFlag": "Automatic Call Recording Enabled",
        "monitoringCssName": "CSS_Internal",
        "ringSetting": "Flash Only",
    },
    "call_info_display": {"callerNumber": "true"},
    "associated_endusers": ["jsmith"],
}


@pytest.fixture(autouse=True)
def _no_leftover_faults(sim: Any) -> Iterator[None]:
    yield
    sim.clear_faults()


def plant_settings(sim: Any, name: str) -> None:
    with sim.cluster.lock:
        appearance = sim.cluster.devices[key(name)].lines[0]
        appearance.settings.update(PLANTED["settings"])
        appearance.call_info_display.update(PLANTED["call_info_display"])
        appearance.associated_endusers = list(PLANTED["associated_endusers"])


def settings_of(sim: Any, name: str) -> dict[str, Any]:
    """The planted fields as the simulator holds them now (missing ones read as defaults)."""
    with sim.cluster.lock:
        appearance = sim.cluster.devices[key(name)].lines[0]
        return {
            "settings": {k: appearance.settings.get(k) for k in PLANTED["settings"]},
            "call_info_display": {
                k: appearance.call_info_display.get(k) for k in PLANTED["call_info_display"]
            },
            "associated_endusers": list(appearance.associated_endusers),
        }


def _apply(ctx: Any, command: Any, **args: Any) -> Any:
    plan = command.execute(ctx, bind_args(command, **args))
    assert isinstance(plan, Plan) and not plan.no_change, plan
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    return reply.change_set_id


def _created(sim: Any, ctx: Any, name: str, dn: str) -> None:
    _apply(ctx, CREATE, name=name, dn=dn, partition="PT_CTI")
    plant_settings(sim, name)


def test_update_keeps_line_settings_and_undo_restores_limits_only(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.ADMIN)
    _created(sim, ctx, "RP_LS1", "7901")
    created = device(sim, "RP_LS1")["lines"]
    set_id = _apply(ctx, UPDATE, name="RP_LS1", max_calls="20", busy_trigger="10")
    assert device(sim, "RP_LS1")["lines"] == [(1, "7901", "PT_CTI", 20, 10)]
    assert settings_of(sim, "RP_LS1") == PLANTED

    row = ctx.changelog.get(set_id).changes[0]
    for state in (row.before, row.after):
        line = state["lines"][0]
        assert line["settings"]["e164Mask"] == "+1408555XXXX"
        assert line["settings"]["associatedEndusers"] == ["jsmith"]

    undo = UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    assert apply_plan(ctx, undo).status == "ok"
    assert device(sim, "RP_LS1")["lines"] == created
    assert settings_of(sim, "RP_LS1") == PLANTED


def test_converging_an_existing_route_point_keeps_line_settings(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    _created(sim, ctx, "RP_LS2", "7902")
    _apply(
        ctx, CREATE, name="RP_LS2", dn="7902", partition="PT_CTI", max_calls="30", busy_trigger="25"
    )
    assert device(sim, "RP_LS2")["lines"] == [(1, "7902", "PT_CTI", 30, 25)]
    assert settings_of(sim, "RP_LS2") == PLANTED


def test_compensation_keeps_line_settings(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    _created(sim, ctx, "RP_LS3", "7903")
    created = device(sim, "RP_LS3")["lines"]
    plan = plan_only(ctx, UPDATE, name="RP_LS3", max_calls="20", busy_trigger="10")
    assert isinstance(plan, Plan)
    assert [s.operation for s in plan.steps] == ["updateCtiRoutePoint", "applyCtiRoutePoint"]
    sim.inject_fault("applyCtiRoutePoint", "axl_fault", axlcode=5003, message="Injected")
    reply = apply_plan(ctx, plan)
    assert reply.status == "error" and "compensated" in reply.as_text(), reply.as_text()
    assert device(sim, "RP_LS3")["lines"] == created
    assert settings_of(sim, "RP_LS3") == PLANTED


def test_undo_of_removal_recreates_line_settings(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.ADMIN)
    _created(sim, ctx, "RP_LS4", "7904")
    removal = _apply(ctx, REMOVE, name="RP_LS4", keep_line=True)
    assert device(sim, "RP_LS4") is None
    undo = UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(removal)))
    assert apply_plan(ctx, undo).status == "ok"
    assert settings_of(sim, "RP_LS4") == PLANTED


def test_port_call_limits_keep_line_settings(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    _apply(ctx, PORTS, names="CTIPLS1", dns="7905", partition="PT_CTI")
    plant_settings(sim, "CTIPLS1")
    _apply(ctx, PORTS, names="CTIPLS1", dns="7905", partition="PT_CTI", max_calls="4")
    assert device(sim, "CTIPLS1")["lines"] == [(1, "7905", "PT_CTI", 4, 1)]
    assert settings_of(sim, "CTIPLS1") == PLANTED
