"""The whole bot on loopback: cucmsim, the fake Slack and the real HTTP stack.

End-to-end tests, the ack-latency bench and the demo start the same thing,
so what the tests prove is what the demo shows. With `socket_mode=True` Slack's
requests arrive over the fake Socket Mode WebSocket instead of /slack/events,
and `peer` sends them there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.bootstrap import Bot
from bot.demo.fake_slack import FakeSlack
from bot.demo.fake_socket_mode import FakeSocketMode
from bot.demo.sim_cluster import sim_cluster_table
from bot.demo.slack_peer import SlackPeer
from bot.demo.socket_peer import SocketPeer
from bot.demo.stack import (
    attach_socket_mode,
    serve_bot,
    set_env,
    slack_transport_env,
    unwind,
    unwound_on_error,
)
from bot.slack.server import EVENTS_PATH, HttpServer
from bot.slack.socket_mode import DEFAULT_PING_INTERVAL_S
from commands.engine.registry import Registry
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

SIGNING_SECRET = "loopback-signing-secret"
APP_TOKEN = "xapp-loopback"
ENV = {
    "SLACK_BOT_TOKEN": "xoxb-loopback",
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "CTIBOT_LAB_PASSWORD": "axlpassword",
}

Peer = SlackPeer | SocketPeer


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
    peer: Peer
    config_path: Path
    socket: FakeSocketMode | None = None
    _stops: list[Callable[[], None]] = field(default_factory=list)

    @property
    def signed(self) -> SlackPeer:
        """The peer as signed HTTP, for what only that transport has (raw posts, the URL)."""
        if not isinstance(self.peer, SlackPeer):
            raise TypeError("this loop speaks Socket Mode, not signed HTTP")
        return self.peer

    def stop(self) -> None:
        """Stop everything started, newest first, and put the environment back."""
        unwind(self._stops)


def write_replica_config(
    directory: Path,
    sim: SimServer,
    fake: FakeSlack,
    roles: Roles,
    database_url: str,
    **health: float,
) -> Path:
    """`write_config` on a shared database with only the services and heartbeat checks
    running at the given pace: what replicas (and their benchmark) run against."""
    config = write_config(directory, sim, fake, roles)
    sqlite = f'url = "sqlite:///{directory / "ctibot.db"}"'
    settings = {
        "applications_interval": 3600,
        "devices_interval": 3600,
        "limits_interval": 3600,
        "drift_interval": 3600,
        "resolve_after": 1,
        "jitter": 0,
        **health,
    }
    lines = "".join(f"{name} = {value}\n" for name, value in settings.items())
    text = config.read_text().replace(sqlite, f'url = "{database_url}"')
    config.write_text(f"{text}\n[health]\n{lines}")
    return config


def write_config(
    directory: Path,
    sim: SimServer,
    fake: FakeSlack,
    roles: Roles,
    ping_interval: float = DEFAULT_PING_INTERVAL_S,
    slack_extra: str = "",
) -> Path:
    def ids(values: list[str]) -> str:
        return ", ".join(f'"{v}"' for v in values)

    path = directory / "ctibot.toml"
    path.write_text(
        f"""
[slack]
api_url = "{fake.base_url}"
alert_channel = "CALERTS"
worker_threads = 8
socket_ping_interval = {ping_interval}
{slack_extra}

[database]
url = "sqlite:///{directory / "ctibot.db"}"

{sim_cluster_table(sim, "lab")}

[rbac]
admins = [{ids(roles.admins)}]
operators = [{ids(roles.operators)}]
viewers = [{ids(roles.viewers)}]
"""
    )
    return path


def start(
    directory: Path,
    *,
    registry: Registry | None = None,
    roles: Roles | None = None,
    socket_mode: bool = False,
    ping_interval: float = DEFAULT_PING_INTERVAL_S,
    slack_extra: str = "",
) -> Loopback:
    """Start everything on 127.0.0.x; returns once /healthz answers 200 (and, in Socket
    Mode, once the bot is connected). `slack_extra` is more TOML for the `[slack]` table."""
    with unwound_on_error() as stops:
        set_env({**ENV, **slack_transport_env(socket_mode, SIGNING_SECRET, APP_TOKEN)}, stops)
        sim = SimServer(SimOptions(seed="demo")).start()
        stops.append(sim.stop)
        fake = FakeSlack().start()
        stops.append(fake.stop)
        socket = attach_socket_mode(fake, stops) if socket_mode else None
        config = write_config(directory, sim, fake, roles or Roles(), ping_interval, slack_extra)
        bot, http = serve_bot(config, stops, registry=registry)
    peer: Peer = (
        SocketPeer(socket, fake)
        if socket is not None
        else SlackPeer(f"{http.url}{EVENTS_PATH}", SIGNING_SECRET, fake)
    )
    return Loopback(sim, fake, bot, http, peer, config, socket, stops)
