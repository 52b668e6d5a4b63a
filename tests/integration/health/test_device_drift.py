"""Drift of a provisioned route point's lines: the change log's after-state against AXL."""

from __future__ import annotations

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.cucm.cluster import SingleCluster
from commands import routepoints
from commands.base import Actor, Reply, Role
from commands.registry import Registry
from commands.runner import Runner
from cucmsim.model import key
from tests.integration.health.conftest import Health

OPERATOR = Actor("UOPER1", "oper", "C1")
RP = "RP_DRIFT"


def provision(health: Health) -> None:
    engine = make_engine(health.url)
    cti = Runner(
        Registry(routepoints.COMMANDS),
        SingleCluster(health.cucm),
        ChangeLog(engine),
        ConfirmationStore(engine),
        600,
    )
    text = f"/cti create-routepoint {RP} 7491 partition=PT_CTI max-calls=4 busy-trigger=3"
    reply = cti.handle(text, OPERATOR, Role.OPERATOR)
    assert isinstance(reply, Reply) and reply.status == "ok", reply
    engine.dispose()


def test_line_settings_changed_outside_the_bot_are_drift(health: Health) -> None:
    provision(health)
    health.sweep("drift")
    assert health.alert("drift", f"route_point/{RP}") is None  # as the bot left it
    with health.sim.cluster.lock:
        line = health.sim.cluster.devices[key(RP)].lines[0]
        line.max_num_calls = 10
        line.busy_trigger = 1
    health.sweep("drift", times=2)
    alert = health.alert("drift", f"route_point/{RP}")
    assert alert.state == "firing" and alert.severity == "warning"
    assert alert.details["changed"] == {
        "line 1 max calls": {"expected": 4, "actual": 10},
        "line 1 busy trigger": {"expected": 3, "actual": 1},
    }
    assert "line 1 max calls 4 -> 10, line 1 busy trigger 3 -> 1" in alert.summary


def test_a_line_moved_to_another_dn_is_drift(health: Health) -> None:
    provision(health)
    health.sweep("drift")
    with health.sim.cluster.lock:
        health.sim.cluster.devices[key(RP)].lines[0].pattern = "7492"
    health.sweep("drift", times=2)
    changed = health.alert("drift", f"route_point/{RP}").details["changed"]
    assert changed == {"line 1 pattern": {"expected": "7491", "actual": "7492"}}
