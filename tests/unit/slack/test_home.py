"""Home tab publishing: debounced per user, only for users who opened it lately."""

import threading
from datetime import UTC, datetime
from typing import Any

from bot.health.alerts import Notices
from bot.slack.home import HomePublisher, HomeRefresh
from bot.slack.home_view import HomeContent
from bot.text import Text, plain
from commands.engine.base import Role
from tests.waiting import wait_until

INTERVAL = 0.3


class _Client:
    def __init__(self) -> None:
        self.published: list[str] = []
        self._lock = threading.Lock()

    def views_publish(self, *, user_id: str, view: dict[str, Any]) -> None:
        assert view["type"] == "home"
        with self._lock:
            self.published.append(user_id)


class _Source:
    def content(self, user_id: str) -> HomeContent:
        return HomeContent(user_id, Role.VIEWER, [], [], [], [], datetime.now(UTC))


def _publisher(clock: Any = None) -> tuple[HomePublisher, _Client]:
    client = _Client()
    kwargs = {"clock": clock} if clock else {}
    publisher = HomePublisher(client, _Source(), min_interval_s=INTERVAL, **kwargs)  # type: ignore[arg-type]  # a WebClient stand-in
    return publisher, client


def test_a_burst_of_alert_changes_is_one_publish_per_user() -> None:
    publisher, client = _publisher()
    publisher.opened("U1")
    wait_until(lambda: client.published == ["U1"])
    for _ in range(5):
        publisher.alert_changed()
    assert publisher.pending() == 1
    wait_until(lambda: publisher.pending() == 0)
    assert client.published == ["U1", "U1"]


def test_opening_twice_within_the_interval_publishes_once_more_after_it() -> None:
    publisher, client = _publisher()
    publisher.opened("U1")
    wait_until(lambda: len(client.published) == 1)
    publisher.opened("U1")
    publisher.opened("U1")
    assert publisher.pending() == 1
    wait_until(lambda: publisher.pending() == 0)
    assert client.published == ["U1", "U1"]


def test_users_who_have_not_opened_it_for_a_day_are_not_refreshed() -> None:
    now = [1000.0]
    publisher, client = _publisher(clock=lambda: now[0])
    publisher.opened("U1")
    wait_until(lambda: len(client.published) == 1)
    now[0] += 24 * 3600 + 1
    publisher.alert_changed()
    assert publisher.pending() == 0
    publisher.opened("U2")
    publisher.alert_changed()
    assert publisher.pending() == 1  # U2 only (U1's open is forgotten)
    publisher.stop()


class _Notices:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def post(self, alert_id: int) -> None:
        self.seen.append(f"post {alert_id}")

    def update(self, alert_id: int, line: Text) -> None:
        self.seen.append(f"update {alert_id}")

    def announce(self, notice_id: int) -> None:
        self.seen.append(f"announce {notice_id}")

    def say(self, text: Text) -> None:
        self.seen.append(f"say {plain(text)}")


def test_home_refresh_passes_every_notice_on_and_refreshes_on_alert_changes() -> None:
    inner, changes = _Notices(), []
    notices: Notices = HomeRefresh(inner, lambda: changes.append(1))
    notices.post(1)
    notices.update(1, "still down")
    notices.announce(2)
    notices.say("recording stopped")
    assert inner.seen == ["post 1", "update 1", "announce 2", "say recording stopped"]
    assert len(changes) == 2  # post and update change an alert; announce and say do not
