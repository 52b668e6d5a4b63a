"""log and show-change over a real change log, filled by real command runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commands.apply import apply_plan
from commands.associate import ASSOCIATE
from commands.audit import LogCommand, ShowChangeCommand, parse_since
from commands.base import UsageError
from commands.groups import ADD_TO_GROUP
from tests.integration.commands.conftest import bind_args
from tests.integration.commands.simobjects import plant_device, plant_user

LOG = LogCommand()
SHOW = ShowChangeCommand()


def _log(ctx: Any, **args: Any) -> Any:
    return LOG.execute(ctx, bind_args(LOG, **args))


@pytest.fixture
def history(sim, make_ctx) -> dict[str, Any]:
    plant_user(sim, "au_app1")
    plant_device(sim, "RP_AU1")
    ana = make_ctx(user_id="UANA")
    bob = make_ctx(user_id="UBOB")
    plan = ASSOCIATE.execute(ana, bind_args(ASSOCIATE, user="au_app1", devices=["RP_AU1"]))
    ok = apply_plan(ana, plan)
    plan = ADD_TO_GROUP.execute(bob, bind_args(ADD_TO_GROUP, user="au_app1", groups=["enabled"]))
    sim.inject_fault("updateAppUser", "axl_fault", message="Injected boom")
    try:
        failed = apply_plan(bob, plan)
    finally:
        sim.clear_faults()
    return {"ok": ok.change_set_id, "failed": failed.change_set_id, "ana": ana, "bob": bob}


def test_log_lists_newest_first(history) -> None:
    reply = _log(history["ana"])
    assert [r[0] for r in reply.table.rows] == [f"#{history['failed']}", f"#{history['ok']}"]
    assert reply.table.rows[0][4] == "failed" and reply.table.rows[1][2] == "<@UANA>"
    assert reply.table.rows[1][5] == "au_app1"


def test_log_filters(history) -> None:
    ctx = history["ana"]
    assert [r[0] for r in _log(ctx, user="me").table.rows] == [f"#{history['ok']}"]
    assert [r[0] for r in _log(ctx, user="UBOB").table.rows] == [f"#{history['failed']}"]
    assert [r[0] for r in _log(ctx, status="failed").table.rows] == [f"#{history['failed']}"]
    assert len(_log(ctx, object="au_app").table.rows) == 2
    assert len(_log(ctx, since="1h").table.rows) == 2
    assert len(_log(ctx, limit="1").table.rows) == 1
    assert (
        "No change sets matching object=nothing_here" in _log(ctx, object="nothing_here").as_text()
    )
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert _log(ctx, since=tomorrow).table is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"since": "yesterday"}, "not a time"),
        ({"limit": "0"}, "between 1"),
        ({"limit": "x"}, "whole number"),
        ({"user": "bob smith"}, "not a Slack user"),
    ],
)
def test_log_bad_input(make_ctx, args, message) -> None:
    with pytest.raises(UsageError, match=message):
        _log(make_ctx(), **args)


def test_parse_since_forms() -> None:
    now = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
    assert parse_since("2h", now) == now - timedelta(hours=2)
    assert parse_since("3d", now) == now - timedelta(days=3)
    assert parse_since("30m", now) == now - timedelta(minutes=30)
    assert parse_since("1w", now) == now - timedelta(weeks=1)
    assert parse_since("2024-05-01", now) == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_since("2024-05-01T08:30", now) == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


def test_show_change_renders_every_row(history) -> None:
    reply = SHOW.execute(history["ana"], bind_args(SHOW, id=str(history["ok"])))
    text = reply.as_text()
    assert reply.status == "ok" and reply.change_set_id == history["ok"]
    assert "Update Application User au_app1: applied" in text
    assert "Controlled Devices: add RP_AU1" in text
    assert " ms" in text
    assert f"/cti undo {history['ok']}" in text
    fields = dict(reply.fields)
    assert fields["Who"].startswith("<@UANA>") and fields["Status"] == "applied"


def test_show_change_failed_set_shows_error(history) -> None:
    reply = SHOW.execute(history["bob"], bind_args(SHOW, id=f"#{history['failed']}"))
    text = reply.as_text()
    assert reply.status == "error"
    assert "Update Application User au_app1: failed" in text
    assert "error:" in text and "Injected boom" in text
    assert "Access Control Groups: add Standard CTI Enabled" in text
    assert "/cti undo" not in text


@pytest.mark.parametrize(
    ("value", "message"), [("x1", "not a change-set id"), ("4242", "No change")]
)
def test_show_change_bad_id(make_ctx, value, message) -> None:
    with pytest.raises(UsageError, match=message):
        SHOW.execute(make_ctx(), bind_args(SHOW, id=value))
