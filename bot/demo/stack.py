"""The whole demo on loopback: cucmsim, a fake Slack, the bot over HTTP or Socket Mode, health.

`ctibot demo` and its tests start exactly this, so what the tests prove is
what a new user sees. Nothing needs configuring: the settings are written to
a TOML file in a fresh temporary directory (with the SQLite database beside
it), secrets are set as environment variables in this process only, and
everything is put back as it was by `stop()`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.bootstrap import Bot, bootstrap, endpoint_of
from bot.config import Settings, load_settings
from bot.cucm import schemas
from bot.cucm.cluster import CucmCluster
from bot.demo.fake_slack import FakeSlack
from bot.demo.fake_socket_mode import FakeSocketMode
from bot.demo.feed import DemoSlack
from bot.demo.signed_client import DEMO_USER, DemoClient, SignedClient
from bot.demo.sim_actions import SimActions
from bot.demo.sim_cluster import sim_cluster_table
from bot.demo.socket_client import SocketClient
from bot.demo.socket_peer import SocketPeer
from bot.slack.server import EVENTS_PATH, HttpServer, create_http_server, make_wsgi
from bot.slack.socket_mode import connected, start_socket_mode
from commands.engine.registry import Registry
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

CLUSTER = "lab"
ALERT_CHANNEL = "#cti-alerts"
PASSWORD_ENV = "CTIBOT_LAB_PASSWORD"


@dataclass(frozen=True)
class HealthTiming:
    """Short intervals so an alert fires and resolves within a minute of watching."""

    interval_s: float = 5.0
    fire_after: int = 2
    resolve_after: int = 2
    post_interval_s: float = 0.5


@dataclass
class DemoStack:
    sim: SimServer
    slack: DemoSlack
    bot: Bot
    http: HttpServer
    client: DemoClient
    sim_actions: SimActions
    directory: Path
    config_path: Path
    health_running: bool
    socket: FakeSocketMode | None = None
    _stops: list[Callable[[], None]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.bot.settings

    def stop(self) -> None:
        """Stop everything started, newest first; safe to call twice."""
        unwind(self._stops)


def unwind(stops: list[Callable[[], None]]) -> None:
    """Run the stops newest first, each once, so a failing one never keeps the rest running."""
    while stops:
        with contextlib.suppress(Exception):
            stops.pop()()


@contextlib.contextmanager
def unwound_on_error() -> Iterator[list[Callable[[], None]]]:
    """A list to register stops in as parts start; a failed start stops what had started."""
    stops: list[Callable[[], None]] = []
    try:
        yield stops
    except BaseException:
        unwind(stops)
        raise


def start_stack(
    *,
    port: int = 0,
    timing: HealthTiming | None = None,
    directory: Path | None = None,
    socket_mode: bool = False,
) -> DemoStack:
    """Start every part; returns once the bot's /healthz answers 200 (and, in Socket Mode,
    once it is connected)."""
    with unwound_on_error() as stops:
        return _start(port, timing or HealthTiming(), directory, socket_mode, stops)


def _start(
    port: int,
    timing: HealthTiming,
    directory: Path | None,
    socket_mode: bool,
    stops: list[Callable[[], None]],
) -> DemoStack:
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="ctibot-demo-"))
        stops.append(lambda: shutil.rmtree(directory, ignore_errors=True))
    secret = secrets.token_hex(16)
    set_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-demo-" + secrets.token_hex(6),
            PASSWORD_ENV: "axlpassword",
            **slack_transport_env(socket_mode, secret, "xapp-demo-" + secrets.token_hex(6)),
        },
        stops,
    )
    sim = SimServer(
        SimOptions(
            seed="demo",
            strict=True,
            axl_xsd=schemas.AXL_XSD,
            wsdl_dir=schemas.WSDL_DIR,
            service_transition_s=0.3,
        )
    ).start()
    stops.append(sim.stop)
    slack = DemoSlack().start()
    stops.append(slack.stop)
    slack.upload_dir = directory / "uploads"  # charts the bot uploads, to open while it runs
    slack.upload_dir.mkdir(exist_ok=True)
    socket = attach_socket_mode(slack, stops) if socket_mode else None
    config_path = write_config(directory, sim, slack, timing)
    bot, http = serve_bot(config_path, stops, port=port)
    stop_health = start_health(bot)
    if stop_health is not None:
        stops.append(stop_health)
    admin = CucmCluster(endpoint_of(bot.settings.cluster(CLUSTER)))
    stops.append(admin.close)
    return DemoStack(
        sim=sim,
        slack=slack,
        bot=bot,
        http=http,
        client=SocketClient(SocketPeer(socket, slack))
        if socket is not None
        else SignedClient(f"{http.url}{EVENTS_PATH}", secret, slack),
        sim_actions=SimActions(f"{sim.base_url}/__sim__/", admin.controlcenter),
        directory=directory,
        config_path=config_path,
        health_running=stop_health is not None,
        socket=socket,
        _stops=stops,
    )


def slack_transport_env(
    socket_mode: bool, signing_secret: str, app_token: str
) -> dict[str, str | None]:
    """Exactly one transport's secret: the other is unset, whatever the process had."""
    if socket_mode:
        return {"SLACK_APP_TOKEN": app_token, "SLACK_SIGNING_SECRET": None}
    return {"SLACK_APP_TOKEN": None, "SLACK_SIGNING_SECRET": signing_secret}


def attach_socket_mode(slack: FakeSlack, stops: list[Callable[[], None]]) -> FakeSocketMode:
    """A Socket Mode endpoint whose URLs the fake Slack's apps.connections.open hands out."""
    socket = FakeSocketMode().start()
    stops.append(socket.stop)
    slack.socket_mode = socket
    return socket


def serve_bot(
    config_path: Path,
    stops: list[Callable[[], None]],
    *,
    port: int = 0,
    registry: Registry | None = None,
) -> tuple[Bot, HttpServer]:
    """The bot from a config file behind the HTTP stack `ctibot serve` uses, /metrics included,
    taking Slack's requests on /slack/events or, with an app-level token, over Socket Mode.

    Returns once /healthz answers 200 (and the Socket Mode connection is up), so callers
    never race the bot's start.
    """
    bot = bootstrap(load_settings(config_path), registry=registry)
    stops.append(bot.close)
    slack = bot.settings.slack
    http_app = None if slack.socket_mode else bot.app
    wsgi = make_wsgi(http_app, bot.health, bot.metrics.render, signing_secret=bot.signing_secret)
    http = create_http_server(wsgi, "127.0.0.1", port).start()
    stops.append(http.stop)
    bot.recover()
    if slack.app_token is not None and bot.app is not None:
        handler = start_socket_mode(
            bot.app, slack.app_token.get_secret_value(), slack.socket_ping_interval
        )
        stops.append(handler.close)
        if not connected(handler):
            raise RuntimeError("the bot could not open its Socket Mode connection")
    health = requests.get(f"{http.url}/healthz", timeout=10)
    if health.status_code != 200:
        raise RuntimeError(f"the bot is not healthy: {health.status_code} {health.text}")
    return bot, http


def write_config(directory: Path, sim: SimServer, slack: DemoSlack, timing: HealthTiming) -> Path:
    """The demo's settings as a real config file, so `ctibot run --config` can reuse it."""
    subscribers = [n.name for n in sim.cluster.nodes.values() if n.name != "cucm-pub"]
    primary, backup = [*subscribers, "cucm-pub", "cucm-pub"][:2]
    path = directory / "ctibot.toml"
    path.write_text(
        f"""# Written by `ctibot demo`; secrets are environment variables of the demo process.
[slack]
api_url = "{slack.base_url}"
alert_channel = "{ALERT_CHANNEL}"
worker_threads = 8

[database]
url = "sqlite:///{directory / "ctibot.db"}"

{sim_cluster_table(sim, CLUSTER, password_env=PASSWORD_ENV, default=True)}

[rbac]
admins = ["{DEMO_USER}"]

[logging]
level = "WARNING"

[health]
enabled = true
heartbeat_interval = {timing.interval_s}
services_interval = {timing.interval_s}
applications_interval = {timing.interval_s}
devices_interval = {timing.interval_s}
fire_after = {timing.fire_after}
resolve_after = {timing.resolve_after}
jitter = 0
check_timeout = 10
post_interval = {timing.post_interval_s}

[[health.applications]]
app_user = "ctiapp_ivr"
cluster = "{CLUSTER}"
primary_node = "{primary}"
backup_node = "{backup}"
"""
    )
    return path


def start_health(bot: Bot) -> Callable[[], None] | None:
    """Start the bot's health monitor as `ctibot serve` does; returns how to stop it."""
    if not bot.settings.health.enabled or bot.monitor.notifier is None:
        return None
    bot.monitor.start()

    def stop() -> None:
        scheduler = bot.monitor.scheduler.scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)  # no check may outlive the temporary database
        bot.monitor.stop()

    return stop


def set_env(values: Mapping[str, str | None], stops: list[Callable[[], None]]) -> None:
    """Set (None: unset) the variables in this process only; the registered stop puts the
    old values back."""
    saved = {key: os.environ.get(key) for key in values}
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value

    def restore() -> None:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    stops.append(restore)
