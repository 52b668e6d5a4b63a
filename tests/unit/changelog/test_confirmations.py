from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.changelog.confirmations import (
    ConfirmationAlreadyDecided,
    ConfirmationExpired,
    ConfirmationNotFound,
    ConfirmationStore,
)
from tests.confirmations import offer

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_create_and_get(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = offer(store, now=T0)
    assert pending.status == "pending"
    assert pending.expires_at == T0 + timedelta(seconds=900)
    assert len(pending.token) >= 32
    assert store.get(pending.token) == pending
    assert store.get("nope") is None
    assert offer(store, now=T0).token != pending.token


def test_decide_is_single_use(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = offer(store, now=T0)
    decided = store.decide(pending.token, actor_id="U0BOB", decision="consumed", now=T0)
    assert (decided.status, decided.decided_by, decided.decided_at) == ("consumed", "U0BOB", T0)
    with pytest.raises(ConfirmationAlreadyDecided, match="already consumed by U0BOB") as raised:
        store.decide(pending.token, actor_id="U0ALICE", decision="cancelled", now=T0)
    assert (raised.value.status, raised.value.decided_by) == ("consumed", "U0BOB")


def test_cancel(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = offer(store, now=T0)
    assert (
        store.decide(pending.token, actor_id="U0ALICE", decision="cancelled", now=T0).status
        == "cancelled"
    )
    with pytest.raises(ConfirmationAlreadyDecided):
        store.decide(pending.token, actor_id="U0ALICE", decision="consumed", now=T0)


def test_expired_confirmations_cannot_be_decided(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = offer(store, ttl_seconds=60, now=T0)
    late = T0 + timedelta(seconds=60)
    with pytest.raises(ConfirmationExpired, match="expired at 12:01:00 UTC"):
        store.decide(pending.token, actor_id="U0BOB", decision="consumed", now=late)
    assert store.get(pending.token).status == "expired"
    with pytest.raises(ConfirmationAlreadyDecided, match="already expired"):
        store.decide(pending.token, actor_id="U0BOB", decision="consumed", now=late)


def test_unknown_token(engine: Engine) -> None:
    with pytest.raises(ConfirmationNotFound):
        ConfirmationStore(engine).decide("missing", actor_id="U0BOB", decision="consumed")


def test_attach_message_and_expire_stale(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = offer(store, ttl_seconds=60, now=T0)
    store.attach_message(pending.token, "https://hooks.slack.com/x", "1700000000.000100")
    fetched = store.get(pending.token)
    assert fetched is not None
    assert (fetched.response_url, fetched.message_ts) == (
        "https://hooks.slack.com/x",
        "1700000000.000100",
    )
    assert store.expire_stale(now=T0) == 0
    assert store.expire_stale(now=T0 + timedelta(minutes=2)) == 1
    assert store.get(pending.token).status == "expired"
