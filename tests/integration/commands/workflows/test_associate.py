"""associate-device / dissociate-device against the strict simulator over real HTTP."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bot.cucm.errors import CucmError
from commands.engine.apply import apply_plan, render_plan
from commands.engine.base import Plan, Role, UsageError
from commands.engine.objects import change
from commands.kinds.users import APP_USER, UnknownUser
from commands.workflows.associate import ASSOCIATE, DISSOCIATE
from tests.integration.commands.conftest import bind_args
from tests.integration.commands.simobjects import (
    devices_of,
    plant_device,
    plant_phone,
    plant_user,
    write_count,
)


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    outcome = command.execute(ctx, bind_args(command, **args))
    assert isinstance(outcome, Plan)
    return outcome


def test_associate_happy_path_logged_and_idempotent(sim, make_ctx, plan_and_apply) -> None:
    plant_user(sim, "as_app1", devices=["RP_AS1_OLD"], groups=["Standard CTI Enabled"])
    plant_device(sim, "RP_AS1_OLD")
    plant_device(sim, "RP_AS1")
    plant_device(sim, "CTIP_AS1", port=True)
    ctx = make_ctx(role=Role.OPERATOR)
    reply = plan_and_apply(ctx, ASSOCIATE, user="as_app1", devices=["rp_as1", "CTIP_AS1"])
    assert reply.status == "ok", reply.as_text()
    assert devices_of(sim, "as_app1") == ["CTIP_AS1", "RP_AS1", "RP_AS1_OLD"]
    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "applied"
    (row,) = record.changes
    assert (row.operation, row.object_type, row.object_name) == (
        "updateAppUser",
        "app_user",
        "as_app1",
    )
    assert row.before["associated_devices"] == ["RP_AS1_OLD"]
    assert row.after["associated_devices"] == ["CTIP_AS1", "RP_AS1", "RP_AS1_OLD"]
    assert row.status == "applied"
    again = _plan(ctx, ASSOCIATE, user="as_app1", devices=["RP_AS1"])
    assert again.no_change
    assert any("Already controlled" in n for n in again.notes)


def test_plan_renders_a_diff_and_writes_nothing(sim, make_ctx) -> None:
    plant_user(sim, "as_app2")
    plant_device(sim, "RP_AS2")
    sim.reset_counters()
    plan = _plan(make_ctx(), ASSOCIATE, user="as_app2", devices=["RP_AS2"])
    rendered = render_plan(plan).as_text()
    assert "application user as_app2" in rendered.lower()
    assert "Controlled Devices: add RP_AS2" in rendered
    assert write_count(sim) == 0
    assert devices_of(sim, "as_app2") == []


def test_end_user_and_phone(sim, make_ctx, plan_and_apply) -> None:
    plant_user(sim, "as_end3", end_user=True)
    plant_phone(sim, "SEPAABBCC000003")
    reply = plan_and_apply(
        make_ctx(), ASSOCIATE, user="as_end3", devices=["SEPAABBCC000003"], end_user=True
    )
    assert reply.status == "ok", reply.as_text()
    assert devices_of(sim, "as_end3", end_user=True) == ["SEPAABBCC000003"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"user": "as_app4", "devices": ["THIS_NAME_IS_TOO_LONG"]}, "not a valid device name"),
        ({"user": "as_app4", "devices": ["bad name!"]}, "not a valid device name"),
        ({"user": "bad user!", "devices": ["RP_AS4"]}, "not a valid user ID"),
        ({"user": "as_app4", "devices": ["RP_NOPE4"]}, "No CTI route point, CTI port or phone"),
        ({"user": "nobody4", "devices": ["RP_AS4"]}, "No application user `nobody4`"),
        ({"user": "as_app4", "devices": ["RP_AS4"], "end_user": True}, "No end user `as_app4`"),
    ],
)
def test_bad_input_is_a_usage_error_with_zero_writes(sim, make_ctx, args, message) -> None:
    plant_user(sim, "as_app4")
    plant_device(sim, "RP_AS4")
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        ASSOCIATE.execute(make_ctx(), bind_args(ASSOCIATE, **args))
    assert write_count(sim) == 0


def test_unknown_device_lists_cti_devices(sim, make_ctx) -> None:
    plant_user(sim, "as_app5")
    with pytest.raises(UsageError) as info:
        ASSOCIATE.execute(make_ctx(), bind_args(ASSOCIATE, user="as_app5", devices=["RP_NOPE5"]))
    assert "RP_MAIN" in str(info.value)
    assert isinstance(info.value, UsageError) and not isinstance(info.value, UnknownUser)


def test_dissociate_keeps_the_other_devices(sim, make_ctx, plan_and_apply) -> None:
    plant_user(sim, "as_app6", devices=["RP_AS6A", "RP_AS6B"])
    plant_device(sim, "RP_AS6A")
    plant_device(sim, "RP_AS6B")
    ctx = make_ctx()
    plan = _plan(ctx, DISSOCIATE, user="as_app6", devices=["rp_as6a", "RP_GONE6"])
    assert plan.risky and plan.needs_confirmation
    assert any("Not controlled by" in n and "RP_GONE6" in n for n in plan.notes)
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    assert devices_of(sim, "as_app6") == ["RP_AS6B"]
    assert _plan(ctx, DISSOCIATE, user="as_app6", devices=["RP_AS6A"]).no_change


def test_two_admins_at_once_both_devices_kept(sim, make_ctx) -> None:
    """The required concurrency test: both plans read the same list; neither loses a device."""
    plant_user(sim, "as_app7", devices=["RP_AS7"])
    for name in ("RP_AS7", "RP_AS7A", "RP_AS7B"):
        plant_device(sim, name)
    ctx_a = make_ctx(user_id="UADMINA")
    ctx_b = make_ctx(user_id="UADMINB")
    plans = {
        "A": _plan(ctx_a, ASSOCIATE, user="as_app7", devices=["RP_AS7A"]),
        "B": _plan(ctx_b, ASSOCIATE, user="as_app7", devices=["RP_AS7B"]),
    }
    # Both plans were made from the same stale list: a blind write would drop one device.
    assert plans["A"].steps[0].before == plans["B"].steps[0].before
    replies: dict[str, Any] = {}
    barrier = threading.Barrier(2)

    def run(name: str, ctx: Any) -> None:
        barrier.wait()
        replies[name] = apply_plan(ctx, plans[name])

    sim.set_latency(100, "axl")
    try:
        threads = [
            threading.Thread(target=run, args=("A", ctx_a)),
            threading.Thread(target=run, args=("B", ctx_b)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        sim.set_latency(0, "axl")
    assert replies["A"].status == "ok", replies["A"].as_text()
    assert replies["B"].status == "ok", replies["B"].as_text()
    assert devices_of(sim, "as_app7") == ["RP_AS7", "RP_AS7A", "RP_AS7B"]


def test_two_admins_planning_and_running_concurrently(sim, make_ctx) -> None:
    """Execute and apply both inside the threads, overlapping on a slow simulator."""
    plant_user(sim, "as_app8")
    names = [f"RP_AS8_{i}" for i in range(4)]
    for name in names:
        plant_device(sim, name)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(names))

    def run(device: str) -> None:
        try:
            ctx = make_ctx(user_id=f"U{device}")
            barrier.wait()
            plan = _plan(ctx, ASSOCIATE, user="as_app8", devices=[device])
            reply = apply_plan(ctx, plan)
            assert reply.status == "ok", reply.as_text()
        except BaseException as exc:
            errors.append(exc)

    sim.set_latency(50, "axl")
    try:
        threads = [threading.Thread(target=run, args=(n,)) for n in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        sim.set_latency(0, "axl")
    assert not errors, errors
    assert devices_of(sim, "as_app8") == sorted(names)


@pytest.mark.parametrize("fault", ["axl_fault", "http503", "reset"])
def test_failed_write_leaves_the_user_unchanged(sim, make_ctx, fault) -> None:
    userid = f"as_f_{fault}"
    plant_user(sim, userid, devices=["RP_MAIN"])
    plant_device(sim, f"RP_F_{fault}"[:15])
    ctx = make_ctx()
    plan = _plan(ctx, ASSOCIATE, user=userid, devices=[f"RP_F_{fault}"[:15]])
    sim.inject_fault("updateAppUser", fault, count=5)
    try:
        reply = apply_plan(ctx, plan)
    finally:
        sim.clear_faults()
    assert reply.status == "error"
    assert userid in reply.as_text()
    assert devices_of(sim, userid) == ["RP_MAIN"]
    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "failed"
    assert record.changes[0].status == "failed"


def test_timeout_after_write_is_reread_and_held(sim, make_ctx) -> None:
    plant_user(sim, "as_app9")
    plant_device(sim, "RP_AS9")
    ctx = make_ctx()
    plan = _plan(ctx, ASSOCIATE, user="as_app9", devices=["RP_AS9"])
    sim.inject_fault("updateAppUser", "timeout_after", delay_s=1.0)
    try:
        reply = apply_plan(ctx, plan)
    finally:
        sim.clear_faults()
    assert reply.status == "ok", reply.as_text()
    assert devices_of(sim, "as_app9") == ["RP_AS9"]
    assert ctx.changelog.get(reply.change_set_id).changes[0].status == "applied"


def test_undo_of_association_via_the_kind(sim, make_ctx, plan_and_apply, cucm) -> None:
    plant_user(sim, "as_app10", devices=["RP_MAIN"])
    plant_device(sim, "RP_AS10")
    reply = plan_and_apply(make_ctx(), ASSOCIATE, user="as_app10", devices=["RP_AS10"])
    row = make_ctx().changelog.get(reply.change_set_id).changes[0]
    change(cucm, APP_USER, "as_app10", row.after, row.before, "undo").run()
    assert devices_of(sim, "as_app10") == ["RP_MAIN"]


def test_cucm_error_is_not_swallowed(sim, make_ctx) -> None:
    plant_user(sim, "as_app11")
    sim.inject_fault("getAppUser", "axl_fault", count=5, axlcode=5003, message="boom")
    try:
        with pytest.raises(CucmError):
            ASSOCIATE.execute(
                make_ctx(), bind_args(ASSOCIATE, user="as_app11", devices=["RP_MAIN"])
            )
    finally:
        sim.clear_faults()
