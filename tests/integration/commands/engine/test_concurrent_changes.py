"""Two change sets on the same objects at once: neither may destroy the other's work.

The race of the hardening review, reproduced over real HTTP: operator A's
`addCtiRoutePoint` hangs after A created DN 7963; admin B builds a route point
on that DN; A's write then fails and its compensation must not delete the DN
from under B's route point.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.changelog.store import ChangeLog
from bot.cucm.cluster import CucmCluster, SingleCluster
from bot.slack.render import fallback_text
from commands.engine.apply import apply_plan
from commands.engine.base import Actor, Plan, Reply, Role
from commands.engine.context import Context
from commands.engine.objects import ChangedSince
from commands.engine.registry import Registry
from commands.engine.runner import _execute
from commands.kinds.catalog import KINDS
from commands.workflows.lines import UpdateLineCommand
from commands.workflows.routepoints import CreateRoutePointCommand
from cucmsim.api import SimServer
from tests.integration.commands.conftest import FAST_RETRIES, _endpoint, bind_args, plan_only
from tests.integration.commands.simdevices import device, line
from tests.waiting import wait_until

CREATE = CreateRoutePointCommand()
UPDATE_LINE = UpdateLineCommand()
HANG_S = 4.0


@pytest.fixture
def patient_cucm(sim: SimServer) -> Iterator[CucmCluster]:
    """A client that waits out a hung write for a while, as a real deployment's would."""
    endpoint = replace(_endpoint(sim), read_timeout=HANG_S - 1.5)
    with CucmCluster(endpoint, retry=FAST_RETRIES) as cluster:
        yield cluster


def _ctx(cucm: CucmCluster, changelog: ChangeLog, user_id: str) -> Context:
    return Context(
        actor=Actor(user_id=user_id, name=user_id.lower(), channel_id="CTEST"),
        role=Role.ADMIN,
        cluster_name="lab",
        clusters=SingleCluster(cucm),
        changelog=changelog,
        registry=Registry(),
        kinds=KINDS,
        command_text=f"/cti test by {user_id}",
    )


def _plan(ctx: Context, command: Any, **args: Any) -> Plan:
    outcome = plan_only(ctx, command, **args)
    assert isinstance(outcome, Plan), outcome
    return outcome


def _in_background(work: Callable[[], Reply]) -> tuple[threading.Thread, list[Reply]]:
    done: list[Reply] = []
    thread = threading.Thread(target=lambda: done.append(work()), daemon=True)
    thread.start()
    return thread, done


def _hung_on_step(changelog: ChangeLog, set_id_holder: list[int], seq: int) -> bool:
    sets = changelog.query(status="applying", limit=5)
    for record in sets:
        statuses = {c.seq: c.status for c in record.changes}
        if statuses.get(seq - 1) == "applied" and statuses.get(seq) == "pending":
            set_id_holder.append(record.id)
            return True
    return False


def _creating_elsewhere(changelog: ChangeLog, command_text: str, dn_key: str) -> int:
    """An applying change set of operator UOPER, whose first step adds this DN."""
    set_id = changelog.open_set(
        actor_id="UOPER",
        actor_name="oper",
        channel_id="CTEST",
        cluster="lab",
        command=command_text.split()[1],
        command_text=command_text,
    )
    pattern = dn_key.split("/")[0]
    changelog.add_change(
        set_id,
        seq=1,
        operation="addLine",
        object_type="line",
        object_name=dn_key,
        before=None,
        after={"pattern": pattern},
    )
    return set_id


def test_planning_refuses_a_dn_another_set_is_creating(sim, make_ctx, axl_writes) -> None:
    ctx = make_ctx()
    changelog = ctx.changelog
    other = _creating_elsewhere(
        changelog, "/cti create-routepoint RP_CC1 7961 partition=PT_CTI", "7961/PT_CTI"
    )
    reply = _execute(CREATE, ctx, bind_args(CREATE, name="RP_CC2", dn="7961", partition="PT_CTI"))
    assert isinstance(reply, Reply) and reply.status == "error", reply
    text = fallback_text(reply)
    assert f"change set #{other}" in text and "7961/PT_CTI" in text and "<@UOPER>" in text
    assert "Nothing was sent to CUCM." in text
    assert axl_writes() == {}
    assert device(sim, "RP_CC2") is None


def test_once_the_other_set_finishes_the_plan_goes_ahead(make_ctx) -> None:
    ctx = make_ctx()
    other = _creating_elsewhere(ctx.changelog, "/cti create-routepoint RP_CC3 7962", "7962")
    ctx.changelog.close_set(other, "failed")
    outcome = _execute(CREATE, ctx, bind_args(CREATE, name="RP_CC3", dn="7962"))
    assert isinstance(outcome, Plan), outcome


def test_an_older_set_opened_at_the_same_moment_goes_first(sim, make_ctx, axl_writes) -> None:
    ctx = make_ctx()
    plan = _plan(ctx, CREATE, name="RP_CC4", dn="7964", partition="PT_CTI")
    older = _creating_elsewhere(ctx.changelog, "/cti add-line 7964 partition=PT_CTI", "7964/PT_CTI")
    reply = apply_plan(ctx, plan)
    assert reply.status == "error" and f"#{older}" in reply.as_text()
    assert axl_writes() == {}
    record = ctx.changelog.get(reply.change_set_id)
    assert record.status == "failed"
    assert {c.status for c in record.changes} == {"skipped"}


def test_compensation_leaves_a_dn_that_another_device_now_uses(
    sim, changelog, patient_cucm, cucm, axl_writes
) -> None:
    operator = _ctx(patient_cucm, changelog, "UOPER")
    plan = _plan(operator, CREATE, name="RP_RC", dn="7963", partition="PT_CTI")
    assert [s.operation for s in plan.steps][:2] == ["addLine", "addCtiRoutePoint"]
    sim.inject_fault("addCtiRoutePoint", "timeout", delay_s=HANG_S)
    try:
        thread, replies = _in_background(lambda: apply_plan(operator, plan))
        hung: list[int] = []
        wait_until(lambda: _hung_on_step(changelog, hung, 2), timeout=10)
        # Meanwhile someone outside this change set (the GUI, a script) builds on the DN.
        admin_ctx = _ctx(cucm, changelog, "UADMIN")
        other = _plan(admin_ctx, CREATE, name="RP_RD", dn="7963", partition="PT_CTI")
        for step in other.steps:
            step.run()
        thread.join(timeout=15)
    finally:
        sim.clear_faults()
    assert replies, "the operator's apply did not finish"
    reply = replies[0]
    assert reply.status == "error"
    text = reply.as_text()
    assert "NOT reverted" in text and "RP_RD" in text, text
    assert line(sim, "7963", "PT_CTI") is not None
    assert device(sim, "RP_RD")["lines"][0][1:3] == ("7963", "PT_CTI")
    record = changelog.get(reply.change_set_id)
    assert record.status == "partial"
    first = record.changes[0]
    assert (first.operation, first.status) == ("addLine", "not_reverted")
    assert "RP_RD" in (first.error or "")
    assert axl_writes().get("removeLine", 0) == 0


def test_compensation_leaves_a_field_someone_changed_since(sim, make_ctx, cucm, axl_writes) -> None:
    ctx = make_ctx()
    created = _plan(ctx, CREATE, name="RP_CC5", dn="7965")
    apply_plan(ctx, created)
    assert line(sim, "7965", None) is not None
    plan = _plan(ctx, UPDATE_LINE, dn="7965", description="ours")
    assert len(plan.steps) == 1
    step = plan.steps[0]
    step.run()
    # someone edits the same DN before our compensation runs
    cucm.axl.update_line("7965", None, description="theirs")
    with pytest.raises(ChangedSince):
        step.undo()
    assert line(sim, "7965", None)["description"] == "theirs"
