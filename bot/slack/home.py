"""The App Home tab: what to show each user, and when to publish it again.

The boards come from the health monitor's last complete run of each check
(`HealthScheduler.latest`), so opening the tab costs CUCM nothing while the
monitor runs; a check the monitor has not completed (not yet, or never with
the checks off) is run for the tab, behind the monitor's rate limiters and
without feeding the alert engine, as `/cti health` does.

Publishing is debounced per user: at most one `views.publish` per user every
`min_interval_s` (10 s). An alert changing state publishes again, only for
users who opened the tab in the last day, and no sooner than `min_interval_s`
after the change, so a burst of changes (a sweep moving ten alerts) is one
publish showing them all. Who opened the tab and when we last published are
kept in memory, per process: after a restart a user's tab refreshes again the
next time they open it, which is what Slack sends `app_home_opened` for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.health.alerts import Notices
from bot.health.checks import run_check
from bot.health.store import NOTIFIED_STATES
from bot.slack.home_view import HomeContent, home_view
from bot.slack.rbac import RoleResolver
from bot.text import Line, Text, note
from commands.engine.base import Reply, Role
from commands.workflows.audit import HIDDEN_STATUSES
from commands.workflows.health import BOARD_CHECKS, application_lines, node_table, provider_text

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.changelog.store import ChangeLog
    from bot.health.checks.base import CheckResult
    from bot.health.scheduler import HealthScheduler
    from commands.engine.registry import Registry

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 10.0
REMEMBER_OPENED_S = 24 * 3600.0
RECENT_CHANGE_SETS = 10


class HomeSource:
    """Gathers one user's `HomeContent` from what ctibot already knows."""

    def __init__(
        self,
        monitor: HealthScheduler,
        changelog: ChangeLog,
        registry: Registry,
        roles: RoleResolver,
        clusters: Callable[[], list[str]],
    ) -> None:
        self._monitor = monitor
        self._changelog = changelog
        self._registry = registry
        self._roles = roles
        self._clusters = clusters

    def content(self, user_id: str) -> HomeContent:
        """Deny by default: a user with no role is shown nothing about the clusters."""
        role = self._roles.role_of(user_id)
        if role < Role.VIEWER:
            return HomeContent(user_id, role, [], [], [], [], datetime.now(UTC))
        return HomeContent(
            user_id=user_id,
            role=role,
            boards=[self._board(c) for c in self._clusters()],
            alerts=self._monitor.store.alerts(states=NOTIFIED_STATES),
            changes=self._changelog.query(limit=RECENT_CHANGE_SETS, exclude_status=HIDDEN_STATUSES),
            commands=self._registry.allowed(role),
            at=datetime.now(UTC),
        )

    def _board(self, cluster: str) -> Reply:
        found: dict[str, list[CheckResult]] = {}
        problems: list[Line] = []
        for check in BOARD_CHECKS:
            latest = self._monitor.latest(cluster, check)
            if latest is None:
                target = self._monitor.target(cluster)
                latest, error = run_check(check, target, self._monitor.health, self._monitor.store)
                if error:
                    problems.append(note("warning", f"{check}: {error}"))
            found[check] = latest
        return Reply(
            title=f"Cluster {cluster}",
            status="warning" if problems else "ok",
            lines=[*problems, *application_lines(found["applications"])],
            table=node_table(found),
            fields=[("Devices open per provider", provider_text(found["limits"]))],
        )


class HomePublisher:
    """Publishes Home tabs, at most once per user per `min_interval_s`."""

    def __init__(
        self,
        client: WebClient,
        source: HomeSource,
        *,
        min_interval_s: float = MIN_INTERVAL_S,
        remember_s: float = REMEMBER_OPENED_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._source = source
        self._interval = min_interval_s
        self._remember = remember_s
        self._clock = clock
        self._lock = threading.Lock()
        self._opened: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._pending: dict[str, threading.Timer] = {}
        self.published = 0

    def opened(self, user_id: str) -> None:
        """`app_home_opened`: publish now, or as soon as the debounce allows."""
        with self._lock:
            self._opened[user_id] = self._clock()
        self._request(user_id, settle=0.0)

    def alert_changed(self) -> None:
        """Republish for everyone who looked in the last day, after the burst settles."""
        now = self._clock()
        with self._lock:
            for user, at in list(self._opened.items()):
                if now - at > self._remember:
                    del self._opened[user]
            users = list(self._opened)
        for user in users:
            self._request(user, settle=self._interval)

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def stop(self) -> None:
        with self._lock:
            timers = list(self._pending.values())
            self._pending.clear()
        for timer in timers:
            timer.cancel()

    def _request(self, user_id: str, settle: float) -> None:
        now = self._clock()
        with self._lock:
            if user_id in self._pending:
                return  # the publish already due will show this change too
            last = self._last.get(user_id)
            wait = 0.0 if last is None else max(0.0, last + self._interval - now)
            timer = threading.Timer(max(wait, settle), self._publish, (user_id,))
            timer.daemon = True
            self._pending[user_id] = timer
        timer.start()

    def _publish(self, user_id: str) -> None:
        with self._lock:
            self._pending.pop(user_id, None)
            self._last[user_id] = self._clock()
        try:
            view = home_view(self._source.content(user_id))
            self._client.views_publish(user_id=user_id, view=view)
            self.published += 1
        except Exception:
            log.exception("could not publish the Home tab of %s", user_id)


class HomeRefresh:
    """The alert engine's notices, passed on, plus a Home refresh on every alert change."""

    def __init__(self, inner: Notices, changed: Callable[[], None]) -> None:
        self._inner = inner
        self._changed = changed

    def post(self, alert_id: int) -> None:
        self._inner.post(alert_id)
        self._changed()

    def update(self, alert_id: int, line: Text) -> None:
        self._inner.update(alert_id, line)
        self._changed()

    def announce(self, notice_id: int) -> None:
        self._inner.announce(notice_id)

    def say(self, text: Text) -> None:
        self._inner.say(text)
