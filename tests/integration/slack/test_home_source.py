"""The Home tab's boards come from the health monitor's latest runs, not from new CUCM reads."""

from __future__ import annotations

from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.slack.home import HomeSource
from bot.slack.rbac import RoleResolver
from commands.engine.registry import Registry
from tests.integration.health.conftest import Health


class _Rbac:
    admins: list[str] = []
    operators: list[str] = ["UOPER1"]
    viewers: list[str] = []


def _source(health: Health) -> HomeSource:
    return HomeSource(
        health.scheduler,
        ChangeLog(make_engine(health.url)),
        Registry(),
        RoleResolver(_Rbac()),
        lambda: ["lab"],
    )


def test_after_a_sweep_drawing_the_home_tab_asks_cucm_nothing(health: Health) -> None:
    health.sweep()
    before = len(health.sim.requests())
    content = _source(health).content("UOPER1")
    assert len(health.sim.requests()) == before
    (board,) = content.boards
    assert board.table is not None
    assert board.table.rows[1][:3] == ("cucm-sub1", "Started", "Started")
    assert any("ctiapp_ivr" in str(line) for line in board.lines)


def test_before_any_sweep_the_board_checks_run_once_and_feed_no_alert(health: Health) -> None:
    before = len(health.sim.requests())
    content = _source(health).content("UOPER1")
    assert len(health.sim.requests()) > before
    assert content.boards[0].table is not None and content.boards[0].table.rows
    assert health.firing() == {} and health.store.last_runs("lab") == {}
