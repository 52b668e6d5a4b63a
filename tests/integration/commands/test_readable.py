"""A new admin's session read back: plans, results, change sets and undo in CUCM's words.

provision-app of a contact-center application (a route point and 10 CTI
ports) over the strict simulator, then show-change and undo, each rendered as
the admin sees it: no Python reprs, no internal kind or field names. An undo
of devices a provider holds open (RIS says so) warns and asks first.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.slack.render import slack_text
from commands.engine.apply import apply_plan, render_plan
from commands.engine.base import Plan
from commands.workflows.audit import ShowChangeCommand
from commands.workflows.provision import ProvisionAppCommand
from commands.workflows.undo import UndoCommand
from cucmsim import cti
from cucmsim.model import CtiApplication, key
from tests.integration.commands.conftest import bind_args
from tests.integration.commands.simobjects import plant_user

PROVISION = ProvisionAppCommand()
SHOW = ShowChangeCommand()
UNDO = UndoCommand()
INTERNAL = re.compile(
    # Python reprs (`<None>` is CUCM's own word for an empty CSS), internal kind and field names
    r"\{'|\['|(?<![\w<])(None|True|False)\b|\b(cti_port|route_point|app_user|end_user|"
    r"max_calls|busy_trigger|device_pool|associated_devices|addPhone|addLine|"
    r"addCtiRoutePoint|updateAppUser|applyCtiRoutePoint)\b|forwards\."
)


def _readable(text: str) -> str:
    found = INTERNAL.search(text)
    assert found is None, f"{found.group(0)!r} in:\n{text}"
    return text


def _provision(ctx: Any, app: str, prefix: str, first_dn: int) -> Plan:
    plan = PROVISION.execute(
        ctx,
        bind_args(
            PROVISION,
            app_user=app,
            routepoint=f"{prefix}RP",
            dn=str(first_dn),
            ports=f"{prefix}P{{01..10}}",
            port_dns=f"{first_dn + 1}-{first_dn + 10}",
            cfna="6000",
            cfof="6000",
            device_pool="DP_CTI",
            partition="PT_CTI",
        ),
    )
    assert isinstance(plan, Plan)
    return plan


def _undo_plan(ctx: Any, set_id: int) -> Plan:
    plan = UNDO.execute(ctx, bind_args(UNDO, change_set_id=str(set_id)))
    assert isinstance(plan, Plan)
    return plan


@pytest.fixture
def running_app(sim: Any) -> Any:
    """A CTI application logged in as `rd_app2`, connected to cucm-sub1, as RIS will show."""
    plant_user(sim, "rd_app2", groups=["Standard CTI Enabled"])  # CUCM opens no provider without it
    with sim.cluster.lock:
        sim.cluster.applications[key("rd_app2")] = CtiApplication(
            "rd_app2", "cucm-sub1", "cucm-sub2", "10.1.1.42", "rd-app-2"
        )
    cti.connect_all(sim.cluster)
    yield "rd_app2"
    with sim.cluster.lock:
        sim.cluster.applications.pop(key("rd_app2"), None)


def test_provision_plan_result_show_change_and_undo_read_as_cucm(sim: Any, make_ctx: Any) -> None:
    plant_user(sim, "rd_app1")
    ctx = make_ctx()
    plan = _provision(ctx, "rd_app1", "RD1", 7941)
    text = _readable(render_plan(plan).as_text())
    assert "Device Pool: DP_CTI" in text
    assert "Line 1: 7942 in PT_CTI, Maximum Number of Calls" in text
    assert "Forward No Answer External: 6000" in text
    assert "Forward No Answer Internal: 6000" in text
    assert "Controlled Devices: add RD1P01" in text

    applied = apply_plan(ctx, plan)
    assert applied.status == "ok", applied.as_text()
    _readable(applied.as_text())

    shown = SHOW.execute(ctx, bind_args(SHOW, id=str(applied.change_set_id)))
    text = _readable(shown.as_text())
    assert "Add CTI Port RD1P01: applied" in text
    assert "Add Directory Number 7941 in PT_CTI: applied" in text
    assert "Update Application User rd_app1: applied" in text
    assert "Apply Config to CTI Route Point RD1RP: applied" in text

    undo = _undo_plan(ctx, applied.change_set_id)
    text = _readable(render_plan(undo).as_text())
    assert f"Remove CTI Port RD1P10 (added by change set #{applied.change_set_id})" in text
    assert (
        f"Restore Application User rd_app1 as it was before change set #{applied.change_set_id}"
        in text
    )
    assert "Controlled Devices: remove RD1P01" in text
    assert "Apply Config to CTI Route Point RD1RP is an action and is not reversed" in text
    assert undo.warnings == []  # no provider holds these devices open
    reverted = apply_plan(ctx, undo)
    assert reverted.status == "ok"
    _readable(reverted.as_text())


def test_undo_of_devices_a_provider_holds_open_warns_and_asks(
    sim: Any, make_ctx: Any, running_app: str
) -> None:
    ctx = make_ctx()
    applied = apply_plan(ctx, _provision(ctx, running_app, "RD2", 7961))
    assert applied.status == "ok", applied.as_text()
    assert {d.name for d in cti.devices_opened_by(sim.cluster, running_app)} >= {"RD2RP", "RD2P01"}

    undo = _undo_plan(ctx, applied.change_set_id)
    assert undo.needs_confirmation
    [warning] = undo.warnings
    assert "RD2P01" in warning and "RD2RP" in warning
    assert f"by {running_app} on cucm-sub1" in warning
    assert "Calls in progress" in warning
    shown = [slack_text(line) for line in render_plan(undo).lines]
    assert any(line.startswith(":warning: Open right now (RIS)") for line in shown), shown
    assert apply_plan(ctx, undo).status == "ok"
