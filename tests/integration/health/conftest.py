"""The health stack on loopback: cucmsim over HTTP, the real CucmCluster, a fake Slack
Web API, and a real SQLite database migrated by Alembic. Each test gets fresh ones,
so tests may break the simulated cluster as they like."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.config import Settings
from bot.cucm.cluster import CucmCluster, SingleCluster
from bot.cucm.controlcenter import ControlAction
from bot.cucm.retry import RetryPolicy
from bot.demo.fake_slack import FakeSlack
from bot.demo.sim_cluster import sim_endpoint
from bot.health.alerts import AlertEngine, utcnow
from bot.health.scheduler import HealthScheduler
from bot.health.store import HealthStore
from bot.slack.alert_notifier import AlertNotifier
from commands.catalog import build_runner
from commands.engine.base import Actor, Reply, Role
from commands.engine.command import Command
from commands.engine.context import Monitoring
from commands.engine.registry import Registry
from commands.engine.runner import Runner
from commands.workflows import alert_actions, silences
from commands.workflows import health as health_commands
from cucmsim.api import SimServer
from cucmsim.options import Seed, SimOptions
from tests.waiting import wait_until

ALERTS = "CALERTS"
OPERATOR = Actor("UOPER1", "oper", "C1")
FAST = RetryPolicy(
    max_attempts=1,
    throttle_max_attempts=1,
    max_total_s=1.0,
    base_wait_s=0.01,
    max_wait_s=0.02,
    jitter=False,
)


@dataclass
class Health:
    sim: SimServer
    cucm: CucmCluster
    fake: FakeSlack
    settings: Settings
    store: HealthStore
    engine: AlertEngine
    notifier: AlertNotifier
    scheduler: HealthScheduler
    url: str

    def sweep(self, *checks: str, times: int = 1) -> None:
        for _ in range(times):
            report = self.scheduler.sweep_once(checks=list(checks) or None)
            assert not report.errors, report.errors
        assert self.notifier.flush(10)

    def alert(self, check: str, subject: str) -> Any:
        return self.store.get_alert(f"lab|{check}|{subject}")

    def firing(self) -> dict[str, str]:
        return {a.key: a.state for a in self.store.alerts()}

    def posts(self, where: Callable[[Any], bool] = lambda c: True) -> list[Any]:
        return [
            c
            for c in self.fake.calls_to("chat.postMessage")
            if c.status == 200 and "thread_ts" not in c.params and where(c)
        ]

    def replies(self) -> list[Any]:
        calls = self.fake.calls_to("chat.postMessage")
        return [c for c in calls if c.status == 200 and "thread_ts" in c.params]

    def control(self, node: str, action: ControlAction) -> None:
        """Start or stop CTIManager the way an admin tool would: soapDoControlServices."""
        self.cucm.controlcenter.control(node, action)
        wanted = "Started" if action == "Start" else "Stopped"
        wait_until(
            lambda: self.cucm.controlcenter.get_service_status(node)[0].status == wanted,
            timeout=5,
            what=f"CTIManager on {node} {wanted}",
        )


def health_settings(sim: SimServer, **health: Any) -> Settings:
    with sim.cluster.lock:
        nodes = {n.name: n.address for n in sim.cluster.nodes.values()}
    defaults: dict[str, Any] = {
        "fire_after": 2,
        "resolve_after": 2,
        "post_interval": 0,
        "jitter": 0,
        "applications": [
            {"app_user": "ctiapp_ivr", "primary_node": "cucm-sub1", "backup_node": "cucm-sub2"}
        ],
    }
    return Settings(
        clusters=[
            {
                "name": "lab",
                "host": "127.0.0.1",
                "port": sim.port,
                "scheme": "http",
                "username": "axladmin",
                "verify_tls": False,
                "nodes": nodes,
            }
        ],
        health={**defaults, **health},
        slack={"alert_channel": ALERTS},
    )


def build_health(
    sim: SimServer,
    fake: FakeSlack,
    url: str,
    settings: Settings,
    clock: Callable[[], datetime] = utcnow,
) -> Health:
    endpoint = replace(sim_endpoint(sim), connect_timeout=1.0, read_timeout=3.0)
    cucm = CucmCluster(endpoint, retry=FAST)
    store = HealthStore(make_engine(url))
    client = WebClient(token="xoxb-test", base_url=fake.base_url)
    notifier = AlertNotifier(
        client, store, ALERTS, interval_s=0, sleep=lambda s: time.sleep(min(s, 0.05))
    )
    notifier.start()
    engine = AlertEngine(store, settings.health, notifier, clock=clock)
    scheduler = HealthScheduler(settings, SingleCluster(cucm), store, engine, rate_backoff_s=0.1)
    return Health(sim, cucm, fake, settings, store, engine, notifier, scheduler, url)


def serving(seed: Seed) -> Iterator[SimServer]:
    """A simulator of `seed` whose services settle at once and whose RIS and PerfMon limits
    no sweep reaches, so checks see the cluster and not the pacing."""
    options = SimOptions(
        seed=seed,
        service_transition_s=0.02,
        ris_rate_per_minute=10000,
        perfmon_rate_per_minute=10000,
    )
    with SimServer(options) as server:
        yield server


@pytest.fixture
def sim() -> Iterator[SimServer]:
    yield from serving("demo")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'health.db'}"
    upgrade(url)
    return url


@pytest.fixture
def make_health(sim: SimServer, fake: FakeSlack, db_url: str) -> Iterator[Callable[..., Health]]:
    built: list[Health] = []

    def make(clock: Callable[[], datetime] = utcnow, **health: Any) -> Health:
        stack = build_health(sim, fake, db_url, health_settings(sim, **health), clock)
        built.append(stack)
        return stack

    yield make
    for stack in built:
        stack.notifier.stop()
        stack.scheduler.shutdown()
        stack.cucm.close()


@pytest.fixture
def health(make_health: Callable[..., Health]) -> Health:
    return make_health()


def runner(health: Health, commands: Iterable[Command] | None = None) -> Runner:
    """A runner writing to the health store's own change log (what drift and the board read);
    by default `/cti health`, the silence and alert commands, as Slack and the CLI run them."""
    if commands is None:
        commands = [*health_commands.COMMANDS, *silences.COMMANDS, *alert_actions.COMMANDS]
    engine = make_engine(health.url)
    return build_runner(
        SingleCluster(health.cucm),
        ChangeLog(engine),
        ConfirmationStore(engine),
        600,
        registry=Registry(commands),
        monitoring=Monitoring(health.scheduler, health.engine, health.store.capacity),
    )


def provision(health: Health, commands: Iterable[Command], text: str) -> None:
    """Run one workflow command as an operator, as the bot would have provisioned it."""
    reply = runner(health, commands).handle(text, OPERATOR, Role.OPERATOR)
    assert isinstance(reply, Reply) and reply.status == "ok", reply
