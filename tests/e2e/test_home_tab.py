"""The App Home tab over signed HTTP and over Socket Mode: published on open and on alert
changes (debounced), its buttons checked against the clicker's role, inside the block limit."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import Bot
from bot.demo.fake_slack import Call, FakeSlack
from bot.demo.loopback import Peer, Roles, start
from bot.health.checks.base import CheckResult
from bot.slack.alerts_render import ACK_ACTION
from bot.slack.home import MIN_INTERVAL_S
from bot.slack.home_view import DETAILS_ACTION, MAX_VIEW_BLOCKS
from commands.engine.base import Role
from tests.waiting import wait_until

ADMIN, OPERATOR, VIEWER = "UADMIN1", "UOPER1", "UVIEW1"


@dataclass
class HomeStack:
    fake: FakeSlack
    peer: Peer
    bot: Bot


@pytest.fixture(params=["http", "socket_mode"])
def stack(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[HomeStack]:
    roles = Roles(admins=[ADMIN], operators=[OPERATOR], viewers=[VIEWER])
    loopback = start(tmp_path, roles=roles, socket_mode=request.param == "socket_mode")
    notifier = loopback.bot.monitor.notifier
    assert notifier is not None
    notifier.start()
    try:
        yield HomeStack(loopback.fake, loopback.peer, loopback.bot)
    finally:
        notifier.stop()
        loopback.stop()


def _fire(stack: HomeStack, *subjects: str) -> list[int]:
    failing = [
        CheckResult(
            "lab", "services", subject, False, "critical", f"{subject} down <!channel>", node=None
        )
        for subject in subjects
    ]
    engine = stack.bot.monitor.alerts
    for _ in range(2):
        engine.process("lab", "services", failing, complete=False)
    ids = []
    for subject in subjects:
        alert = engine.store.get_alert(f"lab|services|{subject}")
        assert alert is not None and alert.state == "firing"
        ids.append(alert.id)
    return ids


def _publishes(stack: HomeStack, user: str) -> list[Call]:
    return [c for c in stack.fake.calls_to("views.publish") if c.params.get("user_id") == user]


def _published(stack: HomeStack, user: str, count: int) -> dict[str, Any]:
    """The `count`-th Home tab published for `user` (waiting past one debounce interval)."""
    call = stack.fake.wait_for(
        "views.publish",
        count,
        timeout=MIN_INTERVAL_S + 10,
        where=lambda c: c.params.get("user_id") == user,
    )[-1]
    return call.params["view"]


def _open(stack: HomeStack, user: str) -> dict[str, Any]:
    """`user` opens the Home tab, as Slack tells the app; the tab it then gets."""
    count = len(_publishes(stack, user)) + 1
    assert stack.peer.open_home(user).status_code == 200
    return _published(stack, user, count)


def _text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def _ack_buttons(view: dict[str, Any]) -> int:
    return sum(1 for b in _buttons(view) if b["action_id"] == ACK_ACTION)


def _buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in view["blocks"]:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def _click_from_home(stack: HomeStack, action_id: str, value: str, user: str) -> int:
    """A button on the Home tab: a view container, no channel and no response_url."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T0CTIBOT"},
        "api_app_id": "A0CTI",
        "team": {"id": "T0CTIBOT"},
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": f"{time.time_ns()}.home",
        "view": {"id": "VHOME", "type": "home"},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "home",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
    return stack.peer.interact(payload).status_code


def test_opening_shows_board_alerts_change_sets_and_the_users_commands(stack: HomeStack) -> None:
    stack.bot.monitor.scheduler.sweep_once(checks=["services", "applications", "limits"])
    (alert_id,) = _fire(stack, "CTIManager/cucm-sub9")
    set_id = stack.bot.changelog.open_set(
        actor_id=ADMIN,
        actor_name="admin",
        channel_id="CCTI",
        cluster="lab",
        command="add-routepoint",
        command_text="add-routepoint RP_HOME description=<!here>",
        requester_id=OPERATOR,
        requester_name="oper",
    )
    stack.bot.changelog.close_set(set_id, "applied")

    view = _open(stack, OPERATOR)
    text = _text(view)
    assert view["type"] == "home"
    assert "Cluster lab" in text and "cucm-sub1" in text and "CallManager" in text
    assert "ctiapp_ivr" in text  # the application, on its primary
    assert "<!channel>" not in text and "<!here>" not in text and "&lt;!channel&gt;" in text
    values = {(b["action_id"], b["value"]) for b in _buttons(view)}
    assert (ACK_ACTION, str(alert_id)) in values and (DETAILS_ACTION, str(set_id)) in values
    assert f"requested by <@{OPERATOR}> · approved by <@{ADMIN}>" in text

    registry = stack.bot.registry
    operator_only = {c.spec.name for c in registry.allowed(Role.OPERATOR)} - {
        c.spec.name for c in registry.allowed(Role.VIEWER)
    }
    assert operator_only and all(f"/cti {name}`" in text for name in operator_only)
    viewer_text = _text(_open(stack, VIEWER))
    assert "/cti help`" in viewer_text
    assert not any(f"/cti {name}`" in viewer_text for name in operator_only)

    stranger = _text(_open(stack, "USTRANGER"))  # deny by default: no role, no board
    assert "no ctibot role" in stranger and "USTRANGER" in stranger
    assert "Cluster lab" not in stranger and "RP_HOME" not in stranger

    assert _click_from_home(stack, DETAILS_ACTION, str(set_id), VIEWER) == 200
    modal = stack.fake.wait_for("views.open")[-1].params["view"]
    assert modal["title"]["text"] == f"Change set #{set_id}"
    assert "RP_HOME" in json.dumps(modal["blocks"])


def test_alert_changes_republish_once_per_burst_for_users_who_looked(stack: HomeStack) -> None:
    first, second = _fire(stack, "CTIManager/cucm-sub8", "CTIManager/cucm-sub9")
    before = _open(stack, OPERATOR)
    assert _ack_buttons(before) == 2

    engine = stack.bot.monitor.alerts
    assert engine.acknowledge(first, ADMIN)[0]
    assert engine.acknowledge(second, ADMIN)[0]
    home = stack.bot.home
    assert home is not None and home.pending() == 1  # two changes, one publish due

    after = _published(stack, OPERATOR, 2)
    assert _ack_buttons(after) == 0  # both changes in the one publish
    assert home.pending() == 0
    assert len(_publishes(stack, OPERATOR)) == 2
    assert _publishes(stack, VIEWER) == []  # never opened it: never published


def test_acknowledge_on_the_home_tab_checks_the_clickers_role(stack: HomeStack) -> None:
    (alert_id,) = _fire(stack, "CTIManager/cucm-sub9")
    _open(stack, VIEWER)
    store = stack.bot.monitor.store

    assert _click_from_home(stack, ACK_ACTION, str(alert_id), VIEWER) == 200
    told = stack.fake.wait_for(
        "chat.postMessage", where=lambda c: c.params.get("channel") == VIEWER
    )[-1]
    assert "needs the *operator* role" in told.params["text"]
    assert store.get_alert_by_id(alert_id).state == "firing"

    assert _click_from_home(stack, ACK_ACTION, str(alert_id), OPERATOR) == 200
    stack.fake.wait_for(
        "chat.postMessage",
        where=lambda c: c.params.get("channel") == OPERATOR and "Acknowledged" in c.params["text"],
    )
    wait_until(lambda: store.get_alert_by_id(alert_id).state == "acknowledged")


def test_a_home_over_the_block_limit_says_what_it_cut(stack: HomeStack) -> None:
    subjects = [f"CTIManager/node{i:02d}" for i in range(60)]
    _fire(stack, *subjects)
    view = _open(stack, OPERATOR)
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS
    cut = [b for b in view["blocks"] if "of 60 alerts" in json.dumps(b)]
    assert len(cut) == 1 and "Showing" in json.dumps(cut[0])
    shown = _ack_buttons(view)
    assert f"Showing {shown} of 60 alerts." in json.dumps(cut[0])
    assert 0 < shown < 60
