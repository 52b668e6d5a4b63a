"""provision-app end to end on the strict simulator, with a fault at every write step."""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.apply import apply_plan, render_plan
from commands.engine.base import Plan, UsageError
from commands.engine.context import ConfiguredApplication
from commands.workflows.provision import ProvisionAppCommand
from cucmsim.model import CALL_MANAGER, key
from cucmsim.serviceability import lifecycle
from tests.integration.commands.conftest import bind_args
from tests.integration.commands.simobjects import devices_of, groups_of, plant_user, write_count

PROVISION = ProvisionAppCommand()
WRITE_OPS = ("addLine", "addCtiRoutePoint", "addPhone", "updateAppUser", "applyCtiRoutePoint")


def _plan(ctx: Any, **args: Any) -> Plan:
    outcome = PROVISION.execute(ctx, bind_args(PROVISION, **args))
    assert isinstance(outcome, Plan)
    return outcome


def _args(tag: str, base: int, ports: int = 2) -> dict[str, Any]:
    return {
        "app_user": f"pv_{tag}",
        "routepoint": f"RP_PV{tag}",
        "dn": str(base),
        "ports": f"CP{tag}{{1..{ports}}}",
        "port_dns": f"{base + 1}-{base + ports}",
        "cfna": "6000",
        "cfof": "6001",
        "forward_css": "CSS_Internal",
        "device_pool": "DP_CTI",
        "partition": "PT_CTI",
    }


def _snapshot(sim: Any, tag: str, base: int) -> dict[str, Any]:
    """What exists on the simulator for this provisioning, read from its model."""
    with sim.cluster.lock:
        c = sim.cluster
        return {
            "lines": sorted(
                p for p in (str(base + i) for i in range(3)) if (key(p), key("PT_CTI")) in c.lines
            ),
            "devices": sorted(
                n for n in (f"RP_PV{tag}", f"CP{tag}1", f"CP{tag}2") if key(n) in c.devices
            ),
        }


def test_provision_end_to_end_then_idempotent(sim, make_ctx) -> None:
    plant_user(sim, "pv_a")
    ctx = make_ctx()
    plan = _plan(ctx, **_args("a", 7600))
    ops = [s.operation for s in plan.steps]
    assert ops == ["addLine"] * 3 + ["addCtiRoutePoint", "addPhone", "addPhone"] + [
        "updateAppUser",
        "applyCtiRoutePoint",
    ]
    assert plan.warnings == []
    rendered = render_plan(plan).as_text()
    assert "Create CTI Route Point RP_PVa" in rendered and "8 writes" in rendered
    sim.reset_counters()
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    assert _snapshot(sim, "a", 7600) == {
        "lines": ["7600", "7601", "7602"],
        "devices": ["CPa1", "CPa2", "RP_PVa"],
    }
    assert devices_of(sim, "pv_a") == ["CPa1", "CPa2", "RP_PVa"]
    assert groups_of(sim, "pv_a") == ["Standard CTI Enabled"]
    with sim.cluster.lock:
        line = sim.cluster.lines[(key("7601"), key("PT_CTI"))]
        forwards = {k: f.destination for k, f in line.forwards.items()}
        rp = sim.cluster.devices[key("RP_PVa")]
        assert rp.device_pool == "DP_CTI"
        assert [(a.pattern, a.partition) for a in rp.lines] == [("7600", "PT_CTI")]
        css = {k: f.calling_search_space for k, f in line.forwards.items()}
    assert forwards == {
        "callForwardNoAnswer": "6000",
        "callForwardNoAnswerInt": "6000",
        "callForwardOnFailure": "6001",
    }
    assert set(css.values()) == {"CSS_Internal"}
    counted = sim.counters()["axl"]
    assert counted["updateAppUser"] == 1 and counted["applyCtiRoutePoint"] == 1
    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "applied"
    assert [c.operation for c in record.changes] == ops
    assert all(c.status == "applied" for c in record.changes)
    assert _plan(ctx, **_args("a", 7600)).no_change


def test_groups_only_and_rules(sim, make_ctx) -> None:
    plant_user(sim, "pv_b")
    ctx = make_ctx()
    plan = _plan(ctx, app_user="pv_b", groups="Standard CTI Allow Control of All Devices")
    assert [s.operation for s in plan.steps] == ["updateAppUser"]
    assert any("Secure Connection" in w and "non-secure" in w for w in plan.warnings)
    assert not any("add-user-to-group pv_b 'Standard CTI Secure" in w for w in plan.warnings)
    assert any("Standard CTI Enabled" in w for w in plan.warnings)
    assert not plan.risky


def test_secure_connection_in_the_groups_asks_first(sim, make_ctx) -> None:
    plant_user(sim, "pv_s")
    plan = _plan(
        make_ctx(), app_user="pv_s", groups="Standard CTI Enabled,Standard CTI Secure Connection"
    )
    assert plan.risky and plan.needs_confirmation
    assert any("Secure Connection" in w and "stop" in w for w in plan.warnings), plan.warnings


def test_warns_on_device_recovery_and_provider_failover_apart(sim, make_ctx) -> None:
    """The pool's CM group (Cisco CallManager) and the app's CTIManager pair are two checks."""
    plant_user(sim, "pv_c")
    plan = _plan(
        make_ctx(),
        app_user="pv_c",
        routepoint="RP_PVc",
        dn="7650",
        device_pool="Default",
        ctimanager="cucm-pub",
    )
    recovery = [w for w in plan.warnings if w.startswith("Device registration and recovery")]
    assert len(recovery) == 1 and "Default" in recovery[0] and "a single node" in recovery[0]
    (failover,) = [w for w in plan.warnings if w.startswith("CTI provider failover (pv_c)")]
    assert "primary cucm-pub not activated (from ctimanager=)" in failover
    assert "the provider cannot open" in failover
    assert "Fix: `/cti service activate cucm-pub`" in failover
    assert not any("CTIManager is not started on any node of CM group" in w for w in plan.warnings)


def test_warns_when_call_manager_runs_on_no_node_of_the_cm_group(sim, make_ctx) -> None:
    plant_user(sim, "pv_d")
    for node in ("cucm-sub1", "cucm-sub2"):
        lifecycle.apply(sim.cluster, node, CALL_MANAGER, "Stop", transition_s=0)
    try:
        plan = _plan(
            make_ctx(
                applications=(ConfiguredApplication("pv_d", "lab", "cucm-sub1", "cucm-sub2"),)
            ),
            app_user="pv_d",
            routepoint="RP_PVd",
            dn="7655",
            device_pool="DP_CTI",
        )
    finally:
        for node in ("cucm-sub1", "cucm-sub2"):
            lifecycle.apply(sim.cluster, node, CALL_MANAGER, "Start", transition_s=0)
    assert any(
        "Cisco CallManager is not started on any node of CM group CMG_Sub1_Sub2" in w
        for w in plan.warnings
    ), plan.warnings
    assert not any(w.startswith("CTI provider failover") for w in plan.warnings), plan.warnings
    assert not any("ctimanager=primary,backup" in n for n in plan.notes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"routepoint": "RP_X"}, "together"),
        ({"ports": "CPz{1..2}", "port_dns": "7001-7003"}, "must match"),
        ({"ports": "CPz{1..2}"}, "together"),
        ({"routepoint": "WAY_TOO_LONG_NAME_X", "dn": "7000"}, "not a valid"),
        ({"routepoint": "RP_X", "dn": "70a0"}, "not a valid DN"),
        ({"groups": "Standard CTI Nope"}, "Unknown group"),
        ({"device_pool": "DP_NOPE", "routepoint": "RP_X", "dn": "7690"}, "Valid device pools"),
        ({"app_user": "nobody_pv"}, "No application user"),
        ({"routepoint": "RP_X", "dn": "7691", "ports": "RP_X", "port_dns": "7692"}, "both"),
        ({"routepoint": "RP_X", "dn": "7693", "max_calls": "10001"}, "between 1 and 10000"),
        (
            {"routepoint": "RP_X", "dn": "7693", "max_calls": "20", "busy_trigger": "30"},
            r"`busy-trigger` \(30\) cannot exceed `max-calls` \(20\)",
        ),
        ({"ports": "CPz{1..2}", "port_dns": "7694-7695", "max_calls": "20"}, "route point"),
    ],
)
def test_bad_input_zero_writes(sim, make_ctx, args, message) -> None:
    plant_user(sim, "pv_d")
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        PROVISION.execute(make_ctx(), bind_args(PROVISION, **{"app_user": "pv_d", **args}))
    assert write_count(sim) == 0


def test_call_limits_and_css_for_the_route_point_and_ports(sim, make_ctx) -> None:
    plant_user(sim, "pv_l")
    ctx = make_ctx()
    default = _plan(ctx, **{**_args("l", 7670), "app_user": "pv_l"})
    rp_after = next(s.after for s in default.steps if s.operation == "addCtiRoutePoint")
    assert (rp_after["lines"][0]["max_calls"], rp_after["lines"][0]["busy_trigger"]) == (5000, 4500)

    args = {**_args("l", 7670), "app_user": "pv_l", "max_calls": "300", "busy_trigger": "250"}
    plan = _plan(ctx, **args, css="CSS_Internal")
    assert any("200" in w and "several route points" in w for w in plan.warnings), plan.warnings
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    with sim.cluster.lock:
        rp = sim.cluster.devices[key("RP_PVl")]
        ports = [sim.cluster.devices[key(f"CPl{i}")] for i in (1, 2)]
        assert [(a.max_num_calls, a.busy_trigger) for a in rp.lines] == [(300, 250)]
        assert rp.calling_search_space == "CSS_Internal"
        assert [p.calling_search_space for p in ports] == ["CSS_Internal"] * 2
        assert [(a.max_num_calls, a.busy_trigger) for p in ports for a in p.lines] == [(2, 1)] * 2
    again = _plan(ctx, **{**args, "max_calls": "400", "busy_trigger": "300"})
    assert again.no_change and any("RP_PVl, CPl1, CPl2 already exist" in n for n in again.notes)


def test_existing_port_with_another_dn_is_refused(sim, make_ctx) -> None:
    plant_user(sim, "pv_e")
    ctx = make_ctx()
    assert (
        apply_plan(ctx, _plan(ctx, app_user="pv_e", ports="CPe1", port_dns="7660")).status == "ok"
    )
    with pytest.raises(UsageError, match="already exists with DN 7660"):
        _plan(ctx, app_user="pv_e", ports="CPe1", port_dns="7661")


@pytest.mark.parametrize("operation", WRITE_OPS)
@pytest.mark.parametrize("fault", ["axl_fault", "http503", "reset", "timeout_after"])
def test_fault_at_each_write_step(sim, make_ctx, operation, fault) -> None:
    index = WRITE_OPS.index(operation) * 4 + [
        "axl_fault",
        "http503",
        "reset",
        "timeout_after",
    ].index(fault)
    tag = f"f{index}"
    base = 7700 + index * 10
    plant_user(sim, f"pv_{tag}", groups=["Standard CCM End Users"])
    ctx = make_ctx()
    plan = _plan(ctx, **_args(tag, base, ports=1))
    sim.inject_fault(operation, fault, count=1 if fault != "http503" else 10, delay_s=0.6)
    try:
        reply = apply_plan(ctx, plan)
    finally:
        sim.clear_faults()
    record = ctx.changelog.get(reply.change_set_id)
    state = _snapshot(sim, tag, base)
    if reply.status == "ok":
        # The write got through (timeout_after re-read, or a reset answered by a re-send).
        assert fault in ("timeout_after", "reset"), reply.as_text()
        assert record.status == "applied"
        assert state["devices"] == [f"CP{tag}1", f"RP_PV{tag}"]
        assert devices_of(sim, f"pv_{tag}") == state["devices"]
        return
    text = reply.as_text()
    assert operation in {c.operation for c in record.changes if c.status in ("failed", "unknown")}
    assert record.status in ("failed", "compensated")
    assert state == {"lines": [], "devices": []}, text
    assert devices_of(sim, f"pv_{tag}") == []
    assert groups_of(sim, f"pv_{tag}") == ["Standard CCM End Users"]
    assert all(c.status in ("failed", "compensated", "skipped") for c in record.changes)
    if record.status == "compensated":
        assert "compensated (restored)" in text
    assert "not attempted" in text or operation == "applyCtiRoutePoint"
