"""create/sync/update/remove-routepoint against the strict simulator over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.apply import render_plan
from commands.engine.base import Plan, Reply, Role, UsageError
from commands.engine.objects import change
from commands.kinds.devices import ROUTE_POINT
from commands.kinds.lines import LINE
from commands.workflows.routepoints import (
    CreateRoutePointCommand,
    RemoveRoutePointCommand,
    SyncRoutePointCommand,
    UpdateRoutePointCommand,
)
from tests.integration.commands.conftest import plan_only
from tests.integration.commands.simdevices import axl_reads, axl_writes, controlled, device, line
from tests.integration.commands.simobjects import plant_user

CREATE = CreateRoutePointCommand()
SYNC = SyncRoutePointCommand()
UPDATE = UpdateRoutePointCommand()
REMOVE = RemoveRoutePointCommand()


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    outcome = plan_only(ctx, command, **args)
    assert isinstance(outcome, Plan), outcome
    return outcome


def test_create_routepoint_full_procedure(sim, make_ctx, plan_and_apply, cold_cluster) -> None:
    plant_user(sim, "rp_app1", groups=["Standard CTI Enabled"])
    ctx = make_ctx(role=Role.OPERATOR, clusters=cold_cluster)  # reads counted below
    sim.reset_counters()
    reply = plan_and_apply(
        ctx,
        CREATE,
        name="RP_T1",
        dn="7101",
        partition="PT_CTI",
        device_pool="DP_CTI",
        css="CSS_Internal",
        description="IVR one",
        max_calls="20",
        busy_trigger="18",
        cfna="6000",
        cfof="6001",
        forward_css="CSS_Internal",
        app_user="rp_app1",
    )
    assert reply.status == "ok", reply.as_text()
    assert device(sim, "RP_T1") == {
        "name": "RP_T1",
        "product": "CTI Route Point",
        "device_pool": "DP_CTI",
        "css": "CSS_Internal",
        "location": "Hub_None",
        "description": "IVR one",
        "lines": [(1, "7101", "PT_CTI", 20, 18)],
    }
    dn = line(sim, "7101", "PT_CTI")
    assert dn is not None and (dn["cfna"], dn["cfna_int"], dn["cfof"]) == ("6000", "6000", "6001")
    assert dn["forward_css"] == {
        "callForwardNoAnswer": "CSS_Internal",
        "callForwardNoAnswerInt": "CSS_Internal",
        "callForwardOnFailure": "CSS_Internal",
    }
    assert controlled(sim, "rp_app1") == ["RP_T1"]
    assert axl_writes(sim) == {
        "addLine": 1,
        "addCtiRoutePoint": 1,
        "updateAppUser": 1,
        "applyCtiRoutePoint": 1,
    }
    # before-state reads once each; the app user is re-read under its lock to merge the delta;
    # the forward CSS once, and one listLine per forward target
    assert axl_reads(sim) == {
        "getDevicePool": 1,
        "getCss": 1,
        "getLine": 1,
        "listLine": 2,
        "getCtiRoutePoint": 1,
        "getAppUser": 2,
    }

    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "applied"
    rows = [(c.seq, c.operation, c.object_type, c.object_name, c.status) for c in record.changes]
    assert rows == [
        (1, "addLine", "line", "7101/PT_CTI", "applied"),
        (2, "addCtiRoutePoint", "route_point", "RP_T1", "applied"),
        (3, "updateAppUser", "app_user", "rp_app1", "applied"),
        (4, "applyCtiRoutePoint", "route_point", "RP_T1", "applied"),
    ]
    assert record.changes[1].before is None
    assert record.changes[1].after["lines"][0]["max_calls"] == 20

    again = _plan(
        ctx,
        CREATE,
        name="RP_T1",
        dn="7101",
        partition="PT_CTI",
        device_pool="DP_CTI",
        css="CSS_Internal",
        description="IVR one",
        max_calls="20",
        busy_trigger="18",
        cfna="6000",
        cfof="6001",
        forward_css="CSS_Internal",
        app_user="rp_app1",
    )
    assert again.no_change, [s.summary for s in again.steps]


def test_create_routepoint_defaults_and_existing_line(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan_and_apply(ctx, CREATE, name="RP_T2", dn="7102")
    assert device(sim, "RP_T2")["device_pool"] == "Default"
    assert device(sim, "RP_T2")["lines"] == [(1, "7102", None, 5000, 4500)], "CUCM's defaults"
    assert line(sim, "7102", None) is not None
    # the DN exists now: a second route point on it plans no addLine
    plan = _plan(ctx, CREATE, name="RP_T2B", dn="7102")
    assert [s.operation for s in plan.steps] == ["addCtiRoutePoint", "applyCtiRoutePoint"]


def test_create_routepoint_dry_run_renders_and_writes_nothing(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    sim.reset_counters()
    plan = _plan(ctx, CREATE, name="RP_T3", dn="7103", partition="PT_CTI", cfna="6000")
    text = render_plan(plan).as_text()
    assert "Create DN 7103 in PT_CTI (CFNA 6000)" in text
    assert "Create CTI Route Point RP_T3 on DN 7103 in PT_CTI" in text
    assert "Forward No Answer External: 6000" in text
    assert "Apply Config to CTI Route Point RP_T3" in text
    assert "nothing sent yet" in text
    assert axl_writes(sim) == {}
    assert device(sim, "RP_T3") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "RP WITH SPACE", "dn": "7104"}, "1 to 15 characters"),
        ({"name": "RP_TOO_LONG_NAME_X", "dn": "7104"}, "1 to 15 characters"),
        ({"name": "RP_T4", "dn": "71a4"}, "not a valid DN"),
        ({"name": "RP_T4", "dn": "7104", "max_calls": "2", "busy_trigger": "3"}, "cannot exceed"),
        ({"name": "RP_T4", "dn": "7104", "max_calls": "0"}, "between 1 and 10000"),
        ({"name": "RP_T4", "dn": "7104", "max_calls": "10001"}, "between 1 and 10000"),
        (
            {"name": "RP_T4", "dn": "7104", "busy_trigger": "5001"},
            r"`busy-trigger` \(5001\) cannot exceed `max-calls` \(5000\)",
        ),
        ({"name": "RP_T4", "dn": "7104", "cfna": "operator"}, "`cfna` destination"),
        ({"name": "RP_T4", "dn": "7104", "device_pool": "DP_NOPE"}, "DP_CTI, Default"),
        ({"name": "RP_T4", "dn": "7104", "app_user": "nobody_here"}, "No application user"),
    ],
)
def test_create_routepoint_bad_input_writes_nothing(sim, make_ctx, args, message) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        plan_only(make_ctx(role=Role.OPERATOR), CREATE, **args)
    assert axl_writes(sim) == {}


def test_sync_routepoint(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    sim.reset_counters()
    reply = plan_and_apply(ctx, SYNC, name="RP_MAIN")
    assert reply.status == "ok", reply.as_text()
    assert axl_writes(sim) == {"applyCtiRoutePoint": 1}
    record = ctx.changelog.get(reply.change_set_id)
    assert [(c.operation, c.object_name) for c in record.changes] == [
        ("applyCtiRoutePoint", "RP_MAIN")
    ]
    missing = plan_only(ctx, SYNC, name="RP_NOPE")
    assert isinstance(missing, Reply)
    assert missing.status == "error" and "RP_NOPE not found" in missing.title


def test_update_routepoint_and_undo(sim, make_ctx, plan_and_apply, cucm) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan_and_apply(ctx, CREATE, name="RP_T5", dn="7105", partition="PT_CTI")
    reply = plan_and_apply(
        ctx,
        UPDATE,
        name="RP_T5",
        max_calls="10",
        busy_trigger="9",
        css="CSS_Internal",
        device_pool="DP_CTI",
    )
    assert reply.status == "ok", reply.as_text()
    assert device(sim, "RP_T5")["lines"] == [(1, "7105", "PT_CTI", 10, 9)]
    assert device(sim, "RP_T5")["css"] == "CSS_Internal"
    assert device(sim, "RP_T5")["device_pool"] == "DP_CTI"
    again = _plan(ctx, UPDATE, name="RP_T5", max_calls="10", busy_trigger="9")
    assert again.no_change
    with pytest.raises(UsageError, match="cannot exceed"):
        plan_only(ctx, UPDATE, name="RP_T5", busy_trigger="11")
    with pytest.raises(UsageError, match="Nothing to change"):
        plan_only(ctx, UPDATE, name="RP_T5")

    row = ctx.changelog.get(reply.change_set_id).changes[0]
    change(cucm, ROUTE_POINT, "RP_T5", row.after, row.before, "undo").run()
    assert device(sim, "RP_T5")["lines"] == [(1, "7105", "PT_CTI", 5000, 4500)]
    assert device(sim, "RP_T5")["css"] is None
    assert device(sim, "RP_T5")["device_pool"] == "Default"


def test_route_point_call_limits_up_to_cucms_maximum(sim, make_ctx, plan_and_apply) -> None:
    """CUCM allows 10,000 calls on a route point line; Cisco advises at most 200 per route point."""
    ctx = make_ctx(role=Role.OPERATOR)
    plan = _plan(ctx, CREATE, name="RP_T9", dn="7109", max_calls="10000", busy_trigger="9000")
    assert any("200" in w and "several route points" in w for w in plan.warnings), plan.warnings
    assert plan_and_apply(ctx, CREATE, name="RP_T9", dn="7109", max_calls="10000").status == "ok"
    assert device(sim, "RP_T9")["lines"] == [(1, "7109", None, 10000, 4500)]

    modest = _plan(ctx, CREATE, name="RP_T9B", dn="7119", max_calls="200", busy_trigger="190")
    assert modest.warnings == []
    assert _plan(ctx, UPDATE, name="RP_T9", max_calls="150", busy_trigger="140").warnings == []
    warned = _plan(ctx, UPDATE, name="RP_T9", max_calls="201", busy_trigger="150")
    assert any("200" in w for w in warned.warnings), warned.warnings


def test_update_plan_shows_the_changed_line_field_only(sim, make_ctx) -> None:
    text = render_plan(_plan(make_ctx(), UPDATE, name="RP_MAIN", max_calls="12")).as_text()
    assert "Line 1 Maximum Number of Calls: 10 -> 12" in text, text
    assert "settings" not in text and "ringSetting" not in text, text


def test_update_below_the_busy_trigger_is_refused_naming_both(sim, make_ctx, plan_and_apply):
    ctx = make_ctx(role=Role.OPERATOR)
    plan_and_apply(ctx, CREATE, name="RP_T10", dn="7110")
    sim.reset_counters()
    with pytest.raises(UsageError, match=r"`busy-trigger` \(4500\).*`max-calls` \(100\)"):
        plan_only(ctx, UPDATE, name="RP_T10", max_calls="100")
    assert axl_writes(sim) == {}
    with pytest.raises(UsageError, match="between 1 and 10000"):
        plan_only(ctx, UPDATE, name="RP_T10", max_calls="10001")
    assert plan_and_apply(ctx, UPDATE, name="RP_T10", max_calls="100", busy_trigger="90")
    assert device(sim, "RP_T10")["lines"] == [(1, "7110", None, 100, 90)]


def test_undo_of_create_routepoint_removes_everything(sim, make_ctx, plan_and_apply, cucm) -> None:
    plant_user(sim, "rp_app6")
    ctx = make_ctx(role=Role.OPERATOR)
    reply = plan_and_apply(
        ctx, CREATE, name="RP_T6", dn="7106", partition="PT_CTI", cfna="6000", app_user="rp_app6"
    )
    assert reply.status == "ok", reply.as_text()
    from commands.kinds.catalog import KINDS

    for row in reversed(ctx.changelog.get(reply.change_set_id).changes):
        if row.operation == "applyCtiRoutePoint":
            continue
        change(cucm, KINDS[row.object_type], row.object_name, row.after, row.before, "undo").run()
    assert device(sim, "RP_T6") is None
    assert line(sim, "7106", "PT_CTI") is None
    assert controlled(sim, "rp_app6") == []


def test_remove_routepoint_and_compensable_undo(sim, make_ctx, plan_and_apply, cucm) -> None:
    plant_user(sim, "rp_app7", groups=["Standard CTI Enabled"])
    ctx = make_ctx(role=Role.ADMIN)
    plan_and_apply(
        ctx,
        CREATE,
        name="RP_T7",
        dn="7107",
        partition="PT_CTI",
        max_calls="6",
        busy_trigger="5",
        cfof="6000",
        app_user="rp_app7",
    )
    plan = _plan(ctx, REMOVE, name="RP_T7")
    assert plan.risky and plan.needs_confirmation
    assert [s.operation for s in plan.steps] == [
        "updateAppUser",
        "removeCtiRoutePoint",
        "removeLine",
    ]
    assert any("rp_app7 controls RP_T7" in w for w in plan.warnings)
    reply = plan_and_apply(ctx, REMOVE, name="RP_T7")
    assert reply.status == "ok", reply.as_text()
    assert device(sim, "RP_T7") is None
    assert line(sim, "7107", "PT_CTI") is None
    assert controlled(sim, "rp_app7") == []
    assert _plan(ctx, REMOVE, name="RP_T7").no_change

    from commands.kinds.catalog import KINDS

    for row in reversed(ctx.changelog.get(reply.change_set_id).changes):
        change(cucm, KINDS[row.object_type], row.object_name, row.after, row.before, "undo").run()
    assert device(sim, "RP_T7")["lines"] == [(1, "7107", "PT_CTI", 6, 5)]
    assert line(sim, "7107", "PT_CTI")["cfof"] == "6000"
    assert controlled(sim, "rp_app7") == ["RP_T7"]


def test_remove_routepoint_keeps_shared_or_kept_lines(sim, make_ctx, plan_and_apply) -> None:
    ctx = make_ctx(role=Role.ADMIN)
    plan_and_apply(ctx, CREATE, name="RP_T8", dn="7108")
    plan_and_apply(ctx, CREATE, name="RP_T8B", dn="7108")
    plan = _plan(ctx, REMOVE, name="RP_T8")
    assert [s.operation for s in plan.steps] == ["removeCtiRoutePoint"]
    assert any("also on RP_T8B" in n for n in plan.notes)
    kept = _plan(ctx, REMOVE, name="RP_T8B", keep_line=True)
    assert [s.operation for s in kept.steps] == ["removeCtiRoutePoint"]
    assert _plan(ctx, REMOVE, name="RP_NOPE").no_change


def test_line_and_routepoint_kinds_read_what_sim_holds(sim, cucm) -> None:
    state = ROUTE_POINT.read(cucm, "RP_MAIN")
    assert state["lines"][0]["max_calls"] == 10 and state["lines"][0]["busy_trigger"] == 8
    assert LINE.read(cucm, "7000/PT_CTI")["alerting_name"] == "Main IVR"
    assert LINE.read(cucm, "79999/PT_CTI") is None


def test_create_routepoint_on_existing_one(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    seeded = _plan(
        ctx, CREATE, name="rp_main", dn="7000", partition="pt_cti", app_user="ctiapp_ivr"
    )
    assert seeded.no_change, [s.summary for s in seeded.steps]
    converge = _plan(ctx, CREATE, name="RP_MAIN", dn="7000", partition="PT_CTI", max_calls="12")
    assert [s.operation for s in converge.steps] == ["updateCtiRoutePoint", "applyCtiRoutePoint"]
    assert "lines" in str(converge.steps[0].after)
    other = plan_only(ctx, CREATE, name="RP_MAIN", dn="7999")
    assert isinstance(other, Reply)
    assert other.status == "error"
    assert "already exists with DN 7000 in PT_CTI" in other.title
