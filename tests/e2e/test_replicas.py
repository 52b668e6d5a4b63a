"""Two `ctibot serve` replicas on one PostgreSQL and one simulator, as real processes.

One replica leads the scheduler and the other stands by (both say so in /readyz and
/metrics); a CTIManager stopped on a node gives exactly one alert message; the leader
killed with SIGKILL hands over within the stated bound and the new leader resolves the
alert by editing the same message; two associate-device commands to one application
user, sent at once through different replicas, keep both devices.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.demo.fake_slack import FakeSlack
from bot.demo.loopback import SIGNING_SECRET, Roles, write_replica_config
from bot.demo.slack_peer import SlackPeer
from bot.health.store import HealthStore
from bot.slack.render import CONFIRM_ACTION
from cucmsim.api import SimServer
from cucmsim.model import CTI_MANAGER, ServiceStatus, User, key, new_uuid
from cucmsim.options import SimOptions
from tests.e2e.served import Served
from tests.waiting import wait_until

pytestmark = pytest.mark.slow

OPERATOR = "UOPER1"
NODE = "cucm-sub1"
ALERT_KEY = f"lab|services|CTIManager/{NODE}"
SERVICES_INTERVAL_S = 1.0
HEARTBEAT_INTERVAL_S = 5.0
LEADER_POLL_S = 1.0
FAILOVER_BOUND_S = HEARTBEAT_INTERVAL_S + 5


def ha_config(directory: Path, sim: SimServer, fake: FakeSlack, database_url: str) -> Path:
    """The loopback config on PostgreSQL, with the services check every second."""
    return write_replica_config(
        directory,
        sim,
        fake,
        Roles(operators=[OPERATOR]),
        database_url,
        services_interval=SERVICES_INTERVAL_S,
        heartbeat_interval=HEARTBEAT_INTERVAL_S,
        fire_after=2,
        leader_poll=LEADER_POLL_S,
        post_interval=0,
    )


def readiness(served: Served) -> dict[str, Any]:
    return dict(requests.get(f"{served.url}/readyz", timeout=10).json())


def leader_gauge(served: Served) -> float:
    metrics = requests.get(f"{served.url}/metrics", timeout=10).text
    line = next(x for x in metrics.splitlines() if x.startswith("ctibot_scheduler_leader "))
    return float(line.split()[1])


def set_cti_manager(sim: SimServer, status: ServiceStatus) -> None:
    with sim.cluster.lock:
        service = sim.cluster.services[(NODE, CTI_MANAGER)]
        service.activated = True
        service.status = status


@pytest.fixture
def world(tmp_path: Path, postgres_url: str) -> Iterator[tuple[SimServer, FakeSlack, Path]]:
    sim = SimServer(SimOptions(seed="demo")).start()
    fake = FakeSlack().start()
    try:
        yield sim, fake, ha_config(tmp_path, sim, fake, postgres_url)
    finally:
        fake.stop()
        sim.stop()


@pytest.fixture
def replicas(
    world: tuple[SimServer, FakeSlack, Path], tmp_path: Path
) -> Iterator[tuple[Served, Served]]:
    _, _, config = world
    first = Served(config, tmp_path / "first.log")
    try:
        wait_until(lambda: readiness(first).get("scheduler") == "leader", timeout=20)
        second = Served(config, tmp_path / "second.log")
    except BaseException:
        first.stop()
        raise
    try:
        yield first, second
    finally:
        second.stop()
        first.stop()


def _alert_posts(fake: FakeSlack) -> list[Any]:
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.params.get("channel") == "CALERTS"
        and not c.params.get("thread_ts")
        and f"CTIManager down on {NODE}" in c.params.get("text", "")
    ]


def test_one_leader_one_alert_and_failover(
    world: tuple[SimServer, FakeSlack, Path],
    replicas: tuple[Served, Served],
    postgres_url: str,
) -> None:
    sim, fake, _ = world
    first, second = replicas
    assert readiness(first)["scheduler"] == "leader" and leader_gauge(first) == 1
    wait_until(lambda: readiness(second).get("scheduler") == "standby", timeout=20)
    assert leader_gauge(second) == 0

    store = HealthStore(make_engine(postgres_url))
    set_cti_manager(sim, "Stopped")
    wait_until(lambda: len(_alert_posts(fake)) >= 1, timeout=30)
    alert = wait_until(lambda: (a := store.get_alert(ALERT_KEY)) and a.message_ts and a, timeout=10)
    # Several more runs of the check while it still fails: still the one message.
    since = _last_services_run(store) + timedelta(seconds=3 * SERVICES_INTERVAL_S)
    wait_until(lambda: _last_services_run(store) >= since, timeout=30)
    assert len(_alert_posts(fake)) == 1

    killed_at = time.monotonic()
    first.kill()
    wait_until(
        lambda: readiness(second).get("scheduler") == "leader", timeout=FAILOVER_BOUND_S, step=0.1
    )
    assert time.monotonic() - killed_at <= FAILOVER_BOUND_S
    assert leader_gauge(second) == 1

    set_cti_manager(sim, "Started")
    wait_until(lambda: store.get_alert_by_id(alert.id).state == "resolved", timeout=30)
    edit = fake.wait_for(
        "chat.update",
        timeout=20,
        where=lambda c: (
            c.params.get("ts") == alert.message_ts and "RESOLVED" in c.params.get("text", "")
        ),
    )[-1]
    assert edit.params["channel"] == "CALERTS"
    assert len(_alert_posts(fake)) == 1


def _last_services_run(store: HealthStore) -> datetime:
    return store.last_runs("lab")["services"].at


def _plant(sim: SimServer, app_user: str, devices: list[str]) -> None:
    with sim.cluster.lock:
        c = sim.cluster
        c.app_users[key(app_user)] = User(app_user, is_app_user=True)
        template = c.devices[key("RP_MAIN")]
        for name in devices:
            c.devices[key(name)] = dataclasses.replace(
                template, name=name, lines=[], uuid=new_uuid()
            )


def test_concurrent_associations_through_two_replicas_keep_both(
    world: tuple[SimServer, FakeSlack, Path],
    replicas: tuple[Served, Served],
    postgres_url: str,
) -> None:
    sim, fake, _ = world
    peers = [SlackPeer(f"{r.url}/slack/events", SIGNING_SECRET, fake) for r in replicas]
    devices = ["RP_HA_ONE", "RP_HA_TWO"]
    _plant(sim, "ha_app", devices)

    sim.set_latency(300, "axl")  # each read-merge-write now spans seconds: they would overlap
    commands = [
        threading.Thread(target=peer.command, args=(f"associate-device ha_app {device}", OPERATOR))
        for peer, device in zip(peers, devices, strict=True)
    ]
    for command in commands:
        command.start()
    for command in commands:
        command.join(timeout=20)
    changelog = ChangeLog(make_engine(postgres_url))
    wait_until(lambda: len(changelog.query(status="applied")) == 2, timeout=60)
    sim.set_latency(0, "axl")
    with sim.cluster.lock:
        kept = [d.casefold() for d in sim.cluster.app_users[key("ha_app")].associated_devices]
    assert sorted(kept) == sorted(d.casefold() for d in devices)


def test_a_plan_shown_by_one_replica_is_confirmed_through_the_other(
    world: tuple[SimServer, FakeSlack, Path],
    replicas: tuple[Served, Served],
    postgres_url: str,
) -> None:
    sim, fake, _ = world
    first, second = (SlackPeer(f"{r.url}/slack/events", SIGNING_SECRET, fake) for r in replicas)
    _plant(sim, "ha_plan_app", [])
    text = (  # enough objects to need a confirmation (CONFIRM_ABOVE_OBJECTS)
        "provision-app ha_plan_app routepoint=RP_HA_PLAN dn=7960 ports=CPHA{1..4} "
        "port-dns=7961-7964 cfna=6000 device-pool=DP_CTI partition=PT_CTI"
    )
    assert first.command(text, OPERATOR)[0].status_code == 200
    plan = fake.wait_for(
        "chat.postMessage", timeout=20, where=lambda c: "RP_HA_PLAN" in str(c.params)
    )[-1]
    token = plan.params["blocks"][-1]["elements"][0]["value"]

    assert second.click(CONFIRM_ACTION, token, OPERATOR, "1.0001").status_code == 200
    changelog = ChangeLog(make_engine(postgres_url))
    wait_until(lambda: len(changelog.query(status="applied")) == 1, timeout=60)
    with sim.cluster.lock:
        assert key("RP_HA_PLAN") in sim.cluster.devices

    # The same confirmation clicked again on the first replica is spent there too.
    assert first.click(CONFIRM_ACTION, token, OPERATOR, "1.0001").status_code == 200
    fake.wait_for(
        "response_url", timeout=10, where=lambda c: "Already decided" in c.params.get("text", "")
    )
    assert len(changelog.query()) == 1
