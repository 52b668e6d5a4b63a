from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.changelog.deliveries import prune_deliveries, seen_before
from tests.unwritable import make_read_only


def test_second_delivery_of_a_key_is_seen(engine: Engine) -> None:
    assert seen_before(engine, "cmd:T1:abc") is False
    assert seen_before(engine, "cmd:T1:abc") is True
    assert seen_before(engine, "cmd:T1:def") is False


def test_prune_forgets_old_keys(engine: Engine) -> None:
    old = datetime(2026, 1, 1, tzinfo=UTC)
    seen_before(engine, "old", now=old)
    seen_before(engine, "new", now=old + timedelta(hours=2))
    assert prune_deliveries(engine, timedelta(hours=1), now=old + timedelta(hours=2)) == 1
    assert seen_before(engine, "old") is False
    assert seen_before(engine, "new") is True


def test_a_database_that_cannot_record_the_key_lets_the_request_run(engine: Engine) -> None:
    """Raising here made Bolt answer every Slack request with HTTP 500 and no reply."""
    make_read_only(engine)
    assert seen_before(engine, "trigger:1") is False
    assert seen_before(engine, "trigger:1") is False  # de-duplication is what is lost
