from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.changelog.ownership import Owner, this_process
from bot.changelog.store import ChangeLog, ChangeSetRecord, redact_state
from tests.change_sets import add_change, open_set


def test_a_change_set_records_every_write(engine: Engine) -> None:
    log = ChangeLog(engine)
    set_id = open_set(log, plan_digest="abc", request_id="req1")
    change_id = add_change(log, set_id, after={"pattern": "7000", "partition": "PT_CTI"})
    log.update_change(change_id, status="applied", duration_ms=12.5)
    log.close_set(set_id, "applied")

    record = log.get(set_id)
    assert isinstance(record, ChangeSetRecord)
    assert record.status == "applied"
    assert record.plan_digest == "abc"
    assert record.request_id == "req1"
    assert record.created_at.tzinfo is UTC
    assert record.finished_at is not None and record.finished_at >= record.created_at
    [change] = record.changes
    assert change.status == "applied"
    assert change.duration_ms == 12.5
    assert change.after == {"pattern": "7000", "partition": "PT_CTI"}
    assert change.before is None
    assert change.started_at is not None and change.started_at <= record.finished_at
    with pytest.raises(AttributeError):
        record.status = "failed"  # type: ignore[misc]  # frozen: this must fail


def test_update_change_can_replace_after_and_keeps_it_otherwise(engine: Engine) -> None:
    log = ChangeLog(engine)
    set_id = open_set(log)
    change_id = add_change(log, set_id, operation="updateLine", before={"a": 1}, after={"a": 2})
    log.update_change(change_id, status="failed", error="boom")
    assert log.get(set_id).changes[0].after == {"a": 2}
    log.update_change(change_id, status="failed", after=None)
    change = log.get(set_id).changes[0]
    assert change.after is None
    assert change.error == "boom"


def test_unknown_statuses_and_ids_are_rejected(engine: Engine) -> None:
    log = ChangeLog(engine)
    with pytest.raises(ValueError, match="unknown change set status 'done'"):
        open_set(log, status="done")
    set_id = open_set(log)
    with pytest.raises(ValueError, match="unknown change status"):
        log.add_change(
            set_id,
            seq=1,
            operation="x",
            object_type="line",
            object_name="n",
            before=None,
            after=None,
            status="ok",
        )
    with pytest.raises(LookupError):
        log.close_set(9999, "applied")
    with pytest.raises(LookupError):
        log.update_change(9999, status="applied")
    assert log.get(9999) is None


def test_secrets_in_before_and_after_are_redacted(engine: Engine) -> None:
    log = ChangeLog(engine)
    set_id = open_set(log)
    add_change(
        log,
        set_id,
        operation="updateAppUser",
        object_type="app_user",
        object_name="ctiapp",
        before={"userid": "ctiapp", "Password": "old", "nested": {"api_TOKEN": "t", "ok": 1}},
        after={"digestCredentials": [{"clientSecret": "s"}], "presenceGroup": "Standard"},
    )
    [change] = log.get(set_id).changes
    assert change.before == {
        "userid": "ctiapp",
        "Password": "***",
        "nested": {"api_TOKEN": "***", "ok": 1},
    }
    assert change.after == {
        "digestCredentials": [{"clientSecret": "***"}],
        "presenceGroup": "Standard",
    }


def test_redact_state_leaves_other_values_alone() -> None:
    assert redact_state({"a": [1, {"b": None}], "c": "password"}) == {
        "a": [1, {"b": None}],
        "c": "password",
    }


def test_query_filters_and_orders_newest_first(engine: Engine) -> None:
    log = ChangeLog(engine)
    first = open_set(log, actor_id="U0ALICE")
    add_change(
        log, first, operation="addCtiRoutePoint", object_type="route_point", object_name="RP_IVR1"
    )
    log.close_set(first, "applied")
    second = open_set(log, actor_id="U0BOB", cluster="prod")
    add_change(log, second)
    log.close_set(second, "failed", error="duplicate")
    third = open_set(log, actor_id="U0ALICE", status="dry_run")

    assert [r.id for r in log.query()] == [third, second, first]
    assert [r.id for r in log.query(actor_id="U0ALICE")] == [third, first]
    assert [r.id for r in log.query(status="failed")] == [second]
    assert [r.id for r in log.query(status=["failed", "applied"])] == [second, first]
    assert [r.id for r in log.query(exclude_status=["dry_run"])] == [second, first]
    assert [r.id for r in log.query(cluster="prod")] == [second]
    assert [r.id for r in log.query(object_name="ivr")] == [first]  # substring, any case
    assert [r.id for r in log.query(object_name="%")] == []  # wildcards are literal
    assert [r.id for r in log.query(limit=1, offset=1)] == [second]
    future = datetime.now(UTC) + timedelta(minutes=1)
    assert log.query(since=future) == []
    [with_changes] = log.query(object_name="7000")
    assert [c.object_name for c in with_changes.changes] == ["7000/PT_CTI"]


def test_last_applied_change_is_the_newest_applied_write(engine: Engine) -> None:
    log = ChangeLog(engine)
    for after, status in (({"v": 1}, "applied"), ({"v": 2}, "applied"), ({"v": 3}, "failed")):
        set_id = open_set(log)
        change_id = add_change(log, set_id, operation="updateLine", after=after)
        log.update_change(change_id, status=status)
    last = log.last_applied_change("line", "7000/PT_CTI")
    assert last is not None and last.after == {"v": 2}
    assert log.last_applied_change("route_point", "7000/PT_CTI") is None


def dead_owner() -> Owner:
    """A process of this host that has exited: its pid names no living process."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return Owner(host=this_process().host, pid=child.pid, started_at=datetime.now(UTC))


def test_mark_interrupted_flags_sets_left_applying(engine: Engine) -> None:
    log = ChangeLog(engine, owner=dead_owner())
    running = open_set(log)
    done_id = add_change(log, running)
    log.update_change(done_id, status="applied")
    add_change(
        log,
        running,
        seq=2,
        operation="addCtiRoutePoint",
        object_type="route_point",
        object_name="RP_IVR1",
    )
    finished = open_set(log)
    log.close_set(finished, "applied")

    recovering = ChangeLog(engine)
    [interrupted] = recovering.mark_interrupted()
    assert interrupted.id == running
    assert interrupted.status == "interrupted"
    assert [c.status for c in interrupted.changes] == ["applied", "unknown"]
    assert log.get(finished).status == "applied"
    assert log.get(running).status == "interrupted"
    assert recovering.mark_interrupted() == []


def test_a_set_a_living_process_applies_is_not_taken_over(engine: Engine) -> None:
    """`ctibot run` (this test process) applying while `serve` starts: the set stays its own."""
    applying = ChangeLog(engine)
    mine = open_set(applying)
    other_host = ChangeLog(
        engine, owner=Owner(host="replica-2", pid=4242, started_at=datetime.now(UTC))
    )
    theirs = open_set(other_host)
    serving = ChangeLog(engine, owner=Owner(this_process().host, -1, datetime.now(UTC)))
    assert serving.mark_interrupted() == []
    assert applying.get(mine).status == "applying"

    # No heartbeat for longer than the limit: both owners count as gone (hung or dead).
    later = [r.id for r in serving.mark_interrupted(stale_after=timedelta(0))]
    assert sorted(later) == [mine, theirs]


def test_a_new_process_with_the_owners_pid_takes_over(engine: Engine) -> None:
    """pid 1 again in a fresh container: same host and pid, a later start time."""
    me = this_process()
    earlier = ChangeLog(engine, owner=Owner(me.host, me.pid, me.started_at - timedelta(hours=1)))
    set_id = open_set(earlier)
    assert [r.id for r in ChangeLog(engine).mark_interrupted()] == [set_id]


def test_the_heartbeat_keeps_an_owner_alive(engine: Engine) -> None:
    owner = Owner(host="replica-2", pid=4242, started_at=datetime.now(UTC))
    log = ChangeLog(engine, owner=owner)
    set_id = open_set(log)
    assert log.heartbeat.held() == [set_id]
    log.beat([set_id])
    assert ChangeLog(engine).mark_interrupted(stale_after=timedelta(minutes=1)) == []
    log.close_set(set_id, "applied")
    assert log.heartbeat.held() == []


def test_denials_are_recorded(engine: Engine) -> None:
    log = ChangeLog(engine)
    set_id = log.record_denial(
        "U0EVE", "eve", "C0OPS", "params set", "/cti params set x 1", "needs admin"
    )
    denied = log.get(set_id)
    assert denied is not None
    assert (denied.status, denied.error, denied.cluster) == ("denied", "needs admin", None)
    other = log.record_denial(
        actor_id="U0EVE",
        actor_name="eve",
        channel_id=None,
        command="undo",
        command_text="/cti undo 1",
        required_role="operator",
        actor_role="viewer",
    )
    assert log.get(other).error == "needs role operator; actor has viewer"
    assert [r.id for r in log.query(status="denied")] == [other, set_id]


def test_undo_of_references_the_original_set(engine: Engine) -> None:
    log = ChangeLog(engine)
    original = open_set(log)
    undo = open_set(log, command="undo", undo_of=original)
    assert log.get(undo).undo_of == original


def test_disposing_the_engine_stops_the_heartbeat_timer(engine: Engine) -> None:
    """A process (or test) letting its database go leaves no timer beating at a dead server."""
    before = set(threading.enumerate())
    log = ChangeLog(engine)
    open_set(log)
    timers = [t for t in set(threading.enumerate()) - before if t.name == "changeset-heartbeat"]
    assert len(timers) == 1
    engine.dispose()
    assert not timers[0].is_alive()
