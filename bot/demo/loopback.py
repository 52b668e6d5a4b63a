"""The whole bot on loopback: cucmsim, the fake Slack and the real HTTP stack.

End-to-end tests, the ack-latency bench and the demo start the same thing,
so what the tests prove is what the demo shows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.bootstrap import Bot, bootstrap
from bot.config import load_settings
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_peer import SlackPeer
from bot.slack.server import HttpServer, create_http_server, make_wsgi
from commands.registry import Registry
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

SIGNING_SECRET = "loopback-signing-secret"
ENV = {
    "SLACK_BOT_TOKEN": "xoxb-loopback",
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "CTIBOT_LAB_PASSWORD": "axlpassword",
}


@dataclass
class Roles:
    admins: list[str] = field(default_factory=lambda: ["UADMIN1"])
    operators: list[str] = field(default_factory=lambda: ["UOPER1"])
    viewers: list[str] = field(default_factory=lambda: ["UVIEW1"])


@dataclass
class Loopback:
    sim: SimServer
    fake: FakeSlack
    bot: Bot
    http: HttpServer
    peer: SlackPeer
    config_path: Path
    saved_env: dict[str, str | None]

    def stop(self) -> None:
        self.http.stop()
        self.bot.close()
        self.fake.stop()
        self.sim.stop()
        for key, value in self.saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def write_config(directory: Path, sim: SimServer, fake: FakeSlack, roles: Roles) -> Path:
    def ids(values: list[str]) -> str:
        return ", ".join(f'"{v}"' for v in values)

    path = directory / "ctibot.toml"
    path.write_text(
        f"""
[slack]
api_url = "{fake.base_url}"
alert_channel = "CALERTS"
worker_threads = 8

[database]
url = "sqlite:///{directory / "ctibot.db"}"

[[clusters]]
name = "lab"
host = "{sim.cluster.publisher.address}"
port = {sim.port}
scheme = "http"
username = "{sim.options.username}"
axl_version = "14.0"
verify_tls = false
read_timeout = 10
nodes = {{ {", ".join(f'"{n.name}" = "{n.address}"' for n in sim.cluster.nodes.values())} }}

[rbac]
admins = [{ids(roles.admins)}]
operators = [{ids(roles.operators)}]
viewers = [{ids(roles.viewers)}]
"""
    )
    return path


def start(
    directory: Path, *, registry: Registry | None = None, roles: Roles | None = None
) -> Loopback:
    """Start everything on 127.0.0.x; returns once /healthz answers 200."""
    saved = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    sim = SimServer(SimOptions(seed="demo")).start()
    fake = FakeSlack().start()
    config = write_config(directory, sim, fake, roles or Roles())
    bot = bootstrap(load_settings(config), registry=registry)
    wsgi = make_wsgi(bot.app, bot.health, bot.metrics.render)
    http = create_http_server(wsgi, "127.0.0.1", 0).start()
    health = requests.get(f"{http.url}/healthz", timeout=5)
    if health.status_code != 200:
        raise RuntimeError(f"bot not healthy: {health.status_code} {health.text}")
    peer = SlackPeer(f"{http.url}/slack/events", SIGNING_SECRET, fake)
    return Loopback(sim, fake, bot, http, peer, config, saved)
