"""add-user-to-group / remove-user-from-group against the strict simulator."""

from __future__ import annotations

from typing import Any

import pytest

from commands.apply import apply_plan, render_plan
from commands.base import Plan, UsageError
from commands.groups import ADD_TO_GROUP, REMOVE_FROM_GROUP
from commands.groups_catalog import ALL_DEVICES, ENABLED, SECURE
from commands.kinds.users import END_USER
from commands.objects import change
from cucmsim.model import key
from tests.integration.commands.conftest import bind_args
from tests.integration.commands.simobjects import devices_of, groups_of, plant_user, write_count


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    outcome = command.execute(ctx, bind_args(command, **args))
    assert isinstance(outcome, Plan)
    return outcome


def test_add_to_group_in_cucm_spelling_logged_and_idempotent(sim, make_ctx, plan_and_apply):
    plant_user(sim, "gr_app1", groups=["Standard CCM End Users"])
    ctx = make_ctx()
    reply = plan_and_apply(ctx, ADD_TO_GROUP, user="GR_APP1", groups=["standard cti enabled"])
    assert reply.status == "ok", reply.as_text()
    assert groups_of(sim, "gr_app1") == ["Standard CCM End Users", ENABLED]
    (row,) = ctx.changelog.get(reply.change_set_id).changes
    assert (row.operation, row.object_type, row.object_name) == (
        "updateAppUser",
        "app_user",
        "gr_app1",
    )
    assert row.before["groups"] == ["Standard CCM End Users"]
    assert row.after["groups"] == ["Standard CCM End Users", ENABLED]
    again = _plan(ctx, ADD_TO_GROUP, user="gr_app1", groups=["Enabled"])
    assert again.no_change
    assert any("Already member" in n for n in again.notes)


def test_warnings_on_the_resulting_set_with_fix(sim, make_ctx) -> None:
    plant_user(sim, "gr_app2", groups=[ENABLED])
    plan = _plan(make_ctx(), ADD_TO_GROUP, user="gr_app2", groups=[ALL_DEVICES])
    assert len(plan.warnings) == 1
    assert f"/cti add-user-to-group gr_app2 '{SECURE}'" in plan.warnings[0]
    rendered = render_plan(plan)
    assert rendered.status == "warning"
    assert f"groups: {ENABLED} -> {ALL_DEVICES}, {ENABLED}" in rendered.as_text()
    fixed = _plan(make_ctx(), ADD_TO_GROUP, user="gr_app2", groups=[ALL_DEVICES, SECURE])
    assert fixed.warnings == []


def test_removing_enabled_warns_for_remaining_cti_groups(sim, make_ctx) -> None:
    plant_user(sim, "gr_app3", groups=[ENABLED, "Standard CTI Allow Call Recording"])
    ctx = make_ctx()
    plan = _plan(ctx, REMOVE_FROM_GROUP, user="gr_app3", groups=["enabled"])
    assert plan.risky
    assert any(ENABLED in w for w in plan.warnings)
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    assert groups_of(sim, "gr_app3") == ["Standard CTI Allow Call Recording"]


def test_end_user_groups(sim, make_ctx, plan_and_apply, cucm) -> None:
    plant_user(sim, "gr_end4", groups=["Standard CCM End Users"], end_user=True)
    ctx = make_ctx()
    reply = plan_and_apply(ctx, ADD_TO_GROUP, user="gr_end4", groups=[ENABLED], end_user=True)
    assert reply.status == "ok", reply.as_text()
    assert groups_of(sim, "gr_end4", end_user=True) == ["Standard CCM End Users", ENABLED]
    row = ctx.changelog.get(reply.change_set_id).changes[0]
    assert (row.operation, row.object_type) == ("updateUser", "end_user")
    change(cucm, END_USER, "gr_end4", row.after, row.before, "undo").run()
    assert groups_of(sim, "gr_end4", end_user=True) == ["Standard CCM End Users"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"user": "gr_app5", "groups": ["Standard CTI Superpowers"]}, "Unknown group"),
        ({"user": "bad user!", "groups": [ENABLED]}, "not a valid user ID"),
        ({"user": "nobody5", "groups": [ENABLED]}, "No application user"),
    ],
)
def test_bad_input_zero_writes(sim, make_ctx, args, message) -> None:
    plant_user(sim, "gr_app5")
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        ADD_TO_GROUP.execute(make_ctx(), bind_args(ADD_TO_GROUP, **args))
    assert write_count(sim) == 0


def test_unknown_group_makes_no_read(sim, make_ctx) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError):
        ADD_TO_GROUP.execute(make_ctx(), bind_args(ADD_TO_GROUP, user="x", groups=["nope"]))
    assert sim.counters().get("axl", {}) == {}


def test_group_change_keeps_a_concurrent_device_change(sim, make_ctx) -> None:
    """A device added after the group plan was made survives the group write."""
    plant_user(sim, "gr_app6", devices=["RP_MAIN"])
    ctx = make_ctx()
    plan = _plan(ctx, ADD_TO_GROUP, user="gr_app6", groups=[ENABLED])
    with sim.cluster.lock:
        sim.cluster.app_users[key("gr_app6")].associated_devices.append("RP_MAIN2")
        sim.cluster.app_users[key("gr_app6")].groups.append("Standard CTI Secure Connection")
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    assert groups_of(sim, "gr_app6") == [ENABLED, SECURE]
    assert devices_of(sim, "gr_app6") == ["RP_MAIN", "RP_MAIN2"]
