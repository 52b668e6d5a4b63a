"""The one place that turns Settings into running parts.

Slack, `ctibot run`, the demo and the end-to-end tests all start from here,
so they share the database, the registry, the RBAC and the runner; tests
swap only what they must (e.g. the registry) through keyword arguments.
Migrations run before anything reads the database. Change sets left
`applying` by a process that is gone are marked interrupted and announced by
`Bot.recover()`, which `serve` calls only once it holds its port: a second
`serve` that cannot bind must not touch the first one's work.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.changelog import deliveries
from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, migration_status, upgrade
from bot.changelog.errors import RecordFailed
from bot.changelog.locks import ObjectLocks, locks_for
from bot.changelog.ownership import STALE_AFTER_S
from bot.changelog.probe import probe_write
from bot.changelog.store import ChangeLog, ChangeSetRecord
from bot.cucm.cluster import CucmCluster
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.stats import Stats, StatsObserver
from bot.health.leader import LeaderElection
from bot.health.monitor import HealthMonitor, build_monitor
from bot.health.store import HealthStore
from bot.housekeeping import Housekeeper
from bot.metrics import Metrics, alert_counts
from bot.readiness import ClusterProbe
from bot.slack.alert_notifier import AlertNotifier
from bot.slack.app import build_app, build_client
from bot.slack.deps import SlackDeps, Workers
from bot.slack.feed import SlackFeed
from bot.slack.home import HomePublisher, HomeRefresh, HomeSource
from bot.slack.listeners import alerts as alert_buttons
from bot.slack.listeners import home as home_tab
from bot.slack.rbac import RoleResolver
from bot.slack.render import slack_text
from commands.catalog import build_registry, build_runner
from commands.engine import objects
from commands.engine.context import ConfiguredApplication, Monitoring
from commands.engine.recovery import interrupted_report
from commands.engine.registry import Registry
from commands.engine.runner import Runner

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient
    from sqlalchemy.engine import Engine

    from bot.config import ClusterSettings, Settings

log = logging.getLogger(__name__)

STEP_ALLOWANCE_S = 60.0  # a CUCM write under way at the end of the grace period may finish


class ConfiguredClusters:
    """The ClusterDirectory of the configured clusters, each connected on first use.

    Building a CucmCluster parses a WSDL (about a second), so it happens once
    per cluster, under a lock, and only for clusters someone actually uses.
    """

    def __init__(
        self, clusters: list[ClusterSettings], observer: StatsObserver | None = None
    ) -> None:
        self._settings = {c.name: c for c in clusters}
        self._observer = observer
        defaults = [c.name for c in clusters if getattr(c, "default", False)]
        self.default_name = defaults[0] if defaults else (clusters[0].name if clusters else "")
        self._built: dict[str, CucmCluster] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        return list(self._settings)

    def get(self, name: str) -> CucmCluster:
        with self._lock:
            if name not in self._built:
                if name not in self._settings:
                    raise KeyError(f"unknown cluster {name!r}")
                self._built[name] = CucmCluster(
                    endpoint_of(self._settings[name]), stats=Stats(self._observer)
                )
            return self._built[name]


def endpoint_of(cluster: ClusterSettings) -> ClusterEndpoint:
    return ClusterEndpoint(
        name=cluster.name,
        host=cluster.host,
        port=cluster.port,
        scheme=cluster.scheme,
        username=cluster.username,
        password=cluster.password(),
        axl_version=cluster.axl_version,
        verify_tls=cluster.verify_tls,
        ca_bundle=cluster.ca_bundle,
        axl_wsdl=cluster.axl_wsdl,
        nodes=dict(cluster.nodes),
        connect_timeout=cluster.connect_timeout,
        read_timeout=cluster.read_timeout,
        pace_writes=cluster.pace_writes,
        max_write_rate=cluster.max_write_rate,
        reference_ttl_s=cluster.reference_ttl,
        param_names=dict(cluster.param_names),
        service_wait_s=cluster.service_wait,
    )


def configured_applications(settings: Settings) -> tuple[ConfiguredApplication, ...]:
    """The applications' CTIManager nodes, for the workflows that check provider failover."""
    return tuple(
        ConfiguredApplication(a.app_user, a.cluster, a.primary_node, a.backup_node)
        for a in settings.health.applications
    )


@dataclass
class Bot:
    settings: Settings
    engine: Engine
    changelog: ChangeLog
    confirmations: ConfirmationStore
    clusters: ConfiguredClusters
    registry: Registry
    runner: Runner
    roles: RoleResolver
    monitor: HealthMonitor
    client: WebClient | None = None
    app: App | None = None
    workers: Workers | None = None
    metrics: Metrics = field(default_factory=Metrics)
    readiness: ClusterProbe | None = None
    home: HomePublisher | None = None
    _closing: threading.Event = field(default_factory=threading.Event)
    election: LeaderElection | None = None
    object_locks: ObjectLocks | None = None

    def health(self) -> tuple[bool, dict[str, Any]]:
        """What /readyz reports: usable with a migrated, writable database and every cluster
        answering. A database that reads but cannot write would lose every record."""
        try:
            at, head = migration_status(self.engine)
        except Exception as exc:
            return False, {"status": "error", "database": f"unreachable: {exc}"}
        current = at == head
        try:
            if current:  # the probe's table comes with the newest migrations
                probe_write(self.engine)
        except RecordFailed as exc:
            return False, {"status": "error", "database": f"not writable: {exc}"}
        clusters_ok, clusters = self.readiness.check() if self.readiness else (True, {})
        ok = current and clusters_ok
        detail = {
            "status": "ok" if ok else "error",
            "database": "ok",
            "migrations": "current" if current else f"at {at}, head is {head}",
            "clusters": clusters,
        }
        if self.election is not None:
            detail["scheduler"] = self.election.state
        return ok, detail

    @property
    def signing_secret(self) -> str:
        return _secret(self.settings.slack.signing_secret)

    @property
    def stopping(self) -> bool:
        return self.runner.shutdown.requested

    def stop_gracefully(self, grace_s: float) -> bool:
        """SIGTERM: no new work, the scheduler stopped, in-flight requests answered.

        An apply in progress finishes within ``grace_s`` or stops between two steps as
        `interrupted` (commands/engine/shutdown.py); the one step it is in may still take up to a
        CUCM read timeout, hence the allowance. False when work was still running.
        """
        self.runner.shutdown.begin(grace_s)
        self._closing.set()
        if self.election is not None:
            self.election.stop()
        self.monitor.stop()
        if self.workers is None:
            return True
        return self.workers.wait_idle(grace_s + STEP_ALLOWANCE_S)

    def recover(self) -> list[ChangeSetRecord]:
        """Take over the sets whose owner is gone (see ownership.py), and say so in Slack."""
        interrupted = self.changelog.mark_interrupted()
        _announce_interrupted(self, interrupted)
        return interrupted

    def keep_recovering(self, interval_s: float = STALE_AFTER_S) -> None:
        """A replica on another host that dies is only gone once its heartbeat is stale, which
        may be after this start: look again every ``interval_s`` until the bot stops."""

        def loop() -> None:
            while not self._closing.wait(interval_s):
                try:
                    self.recover()
                except Exception:
                    log.exception("recovery of interrupted change sets failed")

        threading.Thread(target=loop, name="recovery", daemon=True).start()

    def close(self) -> None:
        self._closing.set()
        if self.readiness is not None:
            self.readiness.close()
        if self.election is not None:
            self.election.stop()
        self.monitor.stop()
        if self.home is not None:
            self.home.stop()
        if self.object_locks is not None:
            objects.unshare_locks(self.object_locks)
            self.object_locks.close()
        if self.workers is not None:
            self.workers.shutdown(wait=False)
        self.engine.dispose()


def bootstrap(settings: Settings, *, registry: Registry | None = None, slack: bool = True) -> Bot:
    upgrade(settings.database.url)
    engine = make_engine(settings.database.url)
    object_locks = locks_for(engine)
    objects.share_locks(object_locks)
    changelog = ChangeLog(engine)
    confirmations = ConfirmationStore(engine)
    metrics = Metrics()
    clusters = ConfiguredClusters(list(settings.clusters), observer=metrics)
    client = _client(settings) if settings.slack.bot_token is not None else None
    history = timedelta(days=settings.health.history_days)
    health_store = HealthStore(engine)
    monitor = build_monitor(
        settings,
        health_store,
        clusters,
        _alert_notifier(settings, client, health_store) if slack else None,
        Housekeeper(
            engine,
            confirmations,
            HealthStore(engine),
            history,
            timedelta(days=settings.health.capacity_days),
        ),
    )
    registry = registry or build_registry()
    runner = build_runner(
        clusters,
        changelog,
        confirmations,
        settings.confirmations.ttl_seconds,
        registry=registry,
        four_eyes=settings.confirmations.four_eyes,
        in_channel_commands=frozenset(settings.slack.in_channel_commands),
        observe=metrics.command,
        applications=configured_applications(settings),
        feed=_feed(settings, client) if slack else None,
        monitoring=Monitoring(monitor.scheduler, monitor.alerts, monitor.store.capacity),
    )
    if slack and client is None:
        raise RuntimeError("Slack needs SLACK_BOT_TOKEN in the environment")
    if slack and not settings.slack.socket_mode and settings.slack.signing_secret is None:
        raise RuntimeError("Slack over HTTP needs SLACK_SIGNING_SECRET in the environment")
    roles = RoleResolver(settings.rbac, client)
    bot = Bot(
        settings,
        engine,
        changelog,
        confirmations,
        clusters,
        registry,
        runner,
        roles,
        monitor,
        client,
        metrics=metrics,
        readiness=ClusterProbe(clusters),
        object_locks=object_locks,
    )
    metrics.watch_alerts(alert_counts(monitor.store.alerts))
    if slack and client is not None:
        bot.workers = Workers(settings.slack.worker_threads)
        deps = SlackDeps(runner, roles, confirmations, bot.workers)
        bot.app = build_app(
            deps,
            client=client,
            signing_secret=_secret(settings.slack.signing_secret),
            seen_before=metrics.seen_before(lambda key: deliveries.seen_before(engine, key)),
        )
        alert_buttons.register(bot.app, deps)
        source = HomeSource(monitor.scheduler, changelog, runner.registry, roles, clusters.names)
        bot.home = HomePublisher(client, source)
        monitor.alerts.notifier = HomeRefresh(monitor.alerts.notifier, bot.home.alert_changed)
        home_tab.register(bot.app, deps, bot.home)
    return bot


def _client(settings: Settings) -> WebClient:
    return build_client(_secret(settings.slack.bot_token), settings.slack.api_url)


def _alert_notifier(
    settings: Settings, client: WebClient | None, store: HealthStore
) -> AlertNotifier | None:
    """Alerts reach Slack only with a client and a channel to post them in."""
    channel = settings.slack.alert_channel
    if client is None or not channel:
        return None
    return AlertNotifier(
        client,
        store,
        channel,
        interval_s=settings.health.post_interval,
        runbook_url=settings.health.runbook_url,
    )


def _feed(settings: Settings, client: WebClient | None) -> SlackFeed | None:
    wanted = settings.slack.audit_channel or settings.slack.announce_writes
    return (
        SlackFeed(
            client, settings.slack.audit_channel, announce_writes=settings.slack.announce_writes
        )
        if client is not None and wanted
        else None
    )


def _secret(value: Any) -> str:
    if value is None:
        return ""
    return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)


def _announce_interrupted(bot: Bot, interrupted: list[ChangeSetRecord]) -> None:
    """A crash mid-apply leaves CUCM in a state someone must check: re-read it, say so loudly.

    Runs on a daemon thread: re-reading CUCM must never hold up the start.
    """
    if not interrupted or bot.client is None:
        return
    threading.Thread(
        target=_post_interrupted, args=(bot, interrupted), name="announce-interrupted", daemon=True
    ).start()


def _post_interrupted(bot: Bot, sets: list[ChangeSetRecord]) -> None:
    assert bot.client is not None
    slack = bot.settings.slack
    for record, lines in interrupted_report(sets, bot.clusters, bot.runner.kinds):
        message = "\n".join(slack_text(line) for line in lines)
        places = (slack.alert_channel, slack.audit_channel, record.channel_id)
        channels = dict.fromkeys(c for c in places if c)
        for channel in channels:
            try:
                bot.client.chat_postMessage(channel=channel, text=message)
            except Exception as exc:
                log.error("could not announce interrupted change set #%s: %s", record.id, exc)
