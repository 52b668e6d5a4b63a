"""add-user-to-group / remove-user-from-group against the strict simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest

from bot.cucm.cluster import CucmCluster, SingleCluster
from commands.domain.access_groups import ALL_DEVICES, ENABLED, SECURE
from commands.engine.apply import apply_plan, render_plan
from commands.engine.base import Plan, UsageError
from commands.engine.objects import change
from commands.kinds.users import END_USER
from commands.workflows.groups import ADD_TO_GROUP, REMOVE_FROM_GROUP
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


@contextmanager
def security_mode(sim: Any, value: str) -> Iterator[None]:
    """Cluster Security Mode in the simulator's enterprise parameters (0 non-secure, 1 mixed)."""
    param = (key("EnterpriseWideData"), key("Enterprise Wide"), key("ClusterSecurityMode"))
    with sim.cluster.lock:
        before = sim.cluster.service_parameters[param].value
        sim.cluster.service_parameters[param].value = value
    try:
        yield
    finally:
        with sim.cluster.lock:
            sim.cluster.service_parameters[param].value = before


def test_mixed_mode_cluster_gets_the_secure_connection_fix(sim, make_ctx) -> None:
    plant_user(sim, "gr_app2", groups=[ENABLED])
    with security_mode(sim, "1"):
        plan = _plan(make_ctx(), ADD_TO_GROUP, user="gr_app2", groups=[ALL_DEVICES])
        fixed = _plan(make_ctx(), ADD_TO_GROUP, user="gr_app2", groups=[ALL_DEVICES, SECURE])
    assert len(plan.warnings) == 1
    assert f"/cti add-user-to-group gr_app2 '{SECURE}'" in plan.warnings[0]
    assert "mixed mode (Cluster Security Mode 1)" in plan.warnings[0]
    assert not plan.risky
    rendered = render_plan(plan)
    assert rendered.status == "warning"
    assert f"Access Control Groups: add {ALL_DEVICES}" in rendered.as_text()
    assert not any("should be paired" in w for w in fixed.warnings)
    assert fixed.risky and any("TLS" in w for w in fixed.warnings)


def test_non_secure_cluster_is_never_told_to_add_secure_connection(sim, make_ctx) -> None:
    """On a non-secure cluster Secure Connection would stop the provider from opening."""
    plant_user(sim, "gr_app7", groups=[ENABLED])
    plan = _plan(make_ctx(), ADD_TO_GROUP, user="gr_app7", groups=[ALL_DEVICES])
    (warning,) = plan.warnings
    assert "add-user-to-group" not in warning
    assert "non-secure (Cluster Security Mode 0)" in warning
    assert "mixed mode" in warning and "TLS" in warning


def test_adding_secure_connection_is_confirmed_and_says_what_it_needs(sim, make_ctx) -> None:
    plant_user(sim, "gr_app8", groups=[ENABLED])
    plan = _plan(make_ctx(), ADD_TO_GROUP, user="gr_app8", groups=["secure connection"])
    assert plan.risky and plan.needs_confirmation
    assert any(
        "non-secure (Cluster Security Mode 0)" in w and "provider" in w and "stop" in w
        for w in plan.warnings
    ), plan.warnings


def test_removing_enabled_from_a_user_with_an_open_provider_warns(sim, make_ctx) -> None:
    """The seeded ctiapp_ivr has its provider open on cucm-sub1 (RIS)."""
    plan = _plan(make_ctx(), REMOVE_FROM_GROUP, user="ctiapp_ivr", groups=["enabled"])
    assert plan.risky
    assert any(
        "provider is open on cucm-sub1" in w and "cannot open it again" in w for w in plan.warnings
    ), plan.warnings
    assert groups_of(sim, "ctiapp_ivr") == [ENABLED]  # planning wrote nothing


def test_removing_enabled_warns_for_remaining_cti_groups(sim, make_ctx) -> None:
    plant_user(sim, "gr_app3", groups=[ENABLED, "Standard CTI Allow Call Recording"])
    ctx = make_ctx()
    plan = _plan(ctx, REMOVE_FROM_GROUP, user="gr_app3", groups=["enabled"])
    assert plan.risky
    assert any(ENABLED in w for w in plan.warnings)
    assert not any("provider is open" in w for w in plan.warnings)  # none open for gr_app3
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


def test_security_mode_parameter_name_comes_from_the_config(sim, cucm, make_ctx) -> None:
    """An unreadable mode is unknown, and unknown gets the safe advice."""
    plant_user(sim, "gr_app9", groups=[ENABLED])
    renamed = replace(cucm.endpoint, param_names={"cluster_security_mode": "NoSuchParam"})
    with CucmCluster(renamed, retry=cucm.retry) as other, security_mode(sim, "1"):
        plan = _plan(
            make_ctx(clusters=SingleCluster(other)),
            ADD_TO_GROUP,
            user="gr_app9",
            groups=[ALL_DEVICES],
        )
    (warning,) = plan.warnings
    assert "security mode could not be read" in warning and "NoSuchParam" in warning
    assert "add-user-to-group" not in warning
