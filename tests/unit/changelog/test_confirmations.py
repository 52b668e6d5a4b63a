from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.changelog.confirmations import (
    ConfirmationAlreadyDecided,
    ConfirmationExpired,
    ConfirmationNotFound,
    ConfirmationStore,
    PendingConfirmation,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def create(store: ConfirmationStore, ttl_seconds: int = 900) -> PendingConfirmation:
    return store.create(
        command="create-ports",
        command_text="create-ports CTIP1000-1019",
        actor_id="U0ALICE",
        channel_id="C0OPS",
        cluster="lab",
        plan_digest="d1",
        plan_json='{"steps": []}',
        ttl_seconds=ttl_seconds,
        now=T0,
    )


def test_create_and_get(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = create(store)
    assert pending.status == "pending"
    assert pending.expires_at == T0 + timedelta(seconds=900)
    assert len(pending.token) >= 32
    assert store.get(pending.token) == pending
    assert store.get("nope") is None
    assert create(store).token != pending.token


def test_decide_is_single_use(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = create(store)
    decided = store.decide(pending.token, actor_id="U0BOB", decision="consumed", now=T0)
    assert (decided.status, decided.decided_by, decided.decided_at) == ("consumed", "U0BOB", T0)
    with pytest.raises(ConfirmationAlreadyDecided, match="already consumed by U0BOB") as raised:
        store.decide(pending.token, actor_id="U0ALICE", decision="cancelled", now=T0)
    assert (raised.value.status, raised.value.decided_by) == ("consumed", "U0BOB")


def test_cancel(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = create(store)
    assert (
        store.decide(pending.token, actor_id="U0ALICE", decision="cancelled", now=T0).status
        == "cancelled"
    )
    with pytest.raises(ConfirmationAlreadyDecided):
        store.decide(pending.token, actor_id="U0ALICE", decision="consumed", now=T0)


def test_expired_confirmations_cannot_be_decided(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    pending = create(store, ttl_seconds=60)
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
    pending = create(store, ttl_seconds=60)
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
