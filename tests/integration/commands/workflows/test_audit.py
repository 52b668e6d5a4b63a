"""log and show-change over a real change log, filled by real command runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.slack.render import slack_text
from commands.engine.apply import apply_plan
from commands.engine.base import UsageError
from commands.workflows.associate import ASSOCIATE
from commands.workflows.audit import LogCommand, ShowChangeCommand, parse_since
from commands.workflows.groups import ADD_TO_GROUP
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


def _slack(reply: Any) -> list[str]:
    """The reply's lines as Slack shows them."""
    return [slack_text(line) for line in reply.lines]


def _sets(reply: Any) -> list[str]:
    """The set numbers the log lists, in its order."""
    return re.findall(r"^\*(#\d+|dry run|no change)\*", "\n".join(_slack(reply)), re.MULTILINE)


def test_log_lists_newest_first(history) -> None:
    reply = _log(history["ana"])
    assert _sets(reply) == [f"#{history['failed']}", f"#{history['ok']}"]
    text = "\n".join(_slack(reply))
    assert f"*#{history['failed']}* · " in text and " · <@UBOB> · failed" in text
    assert " · <@UANA> · applied" in text
    assert "1 object: au_app1" in text


def test_log_filters(history) -> None:
    ctx = history["ana"]
    assert _sets(_log(ctx, user="me")) == [f"#{history['ok']}"]
    assert _sets(_log(ctx, user="UBOB")) == [f"#{history['failed']}"]
    assert _sets(_log(ctx, status="failed")) == [f"#{history['failed']}"]
    assert len(_sets(_log(ctx, object="au_app"))) == 2
    assert len(_sets(_log(ctx, since="1h"))) == 2
    assert len(_sets(_log(ctx, limit="1"))) == 1
    assert (
        "No change sets matching object=nothing_here" in _log(ctx, object="nothing_here").as_text()
    )
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert _sets(_log(ctx, since=tomorrow)) == []


def test_dry_runs_are_hidden_unless_asked_and_never_numbered(history, changelog) -> None:
    ctx = history["ana"]
    dry = changelog.open_set(
        actor_id="UANA",
        actor_name=None,
        channel_id=None,
        cluster="lab",
        command="associate-device",
        status="dry_run",
        command_text="/cti associate-device au_app1 RP_AU1 --dry-run",
    )
    changelog.close_set(dry, "dry_run")
    default = _log(ctx)
    assert _sets(default) == [f"#{history['failed']}", f"#{history['ok']}"]
    assert "--dry-run" not in default.as_text() and "`--all`" in default.footer
    every = _log(ctx, all=True)
    assert _sets(every) == ["dry run", f"#{history['failed']}", f"#{history['ok']}"]
    assert f"#{dry}" not in every.as_text() and "dry_run" not in every.as_text()
    assert _sets(_log(ctx, status="dry_run")) == ["dry run"]
    shown = SHOW.execute(ctx, bind_args(SHOW, id=str(dry)))
    assert shown.title == f"Dry run #{dry}: associate-device"
    assert dict(shown.fields)["Status"] == "dry run"


def test_log_lines_fit_slacks_width(history, changelog) -> None:
    long_command = "/cti provision-app ctiapp_ivr " + " ".join(
        f"option{n}=value{n}" for n in range(20)
    )
    wide = changelog.open_set(
        actor_id="UANA",
        actor_name=None,
        channel_id=None,
        cluster="lab",
        command="provision-app",
        command_text=long_command,
    )
    changelog.close_set(wide, "failed")
    reply = _log(history["ana"])
    assert reply.table is None
    assert max(len(line) for line in _slack(reply)) <= 80, reply.lines
    assert "/cti provision-app ctiapp_ivr option0=value0" in reply.as_text()


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
    assert slack_text(fields["Who"]).startswith("<@UANA>") and fields["Status"] == "applied"


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
