"""Two threads, two connections, one real SQLite file: the database decides, not luck."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from bot.changelog.confirmations import ConfirmationAlreadyDecided, ConfirmationStore
from bot.changelog.deliveries import seen_before
from tests.confirmations import offer


def test_exactly_one_of_two_concurrent_clicks_wins(engine: Engine) -> None:
    store = ConfirmationStore(engine)
    for _ in range(20):
        token = offer(store, ttl_seconds=60).token
        barrier = threading.Barrier(2)

        def click(actor: str, token: str = token, barrier: threading.Barrier = barrier) -> str:
            barrier.wait()
            try:
                store.decide(token, actor_id=actor, decision="consumed")
            except ConfirmationAlreadyDecided:
                return "lost"
            return "won"

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = sorted(pool.map(click, ["U0A", "U0B"]))
        assert outcomes == ["lost", "won"]


def test_concurrent_duplicate_deliveries_run_once(engine: Engine) -> None:
    barrier = threading.Barrier(4)

    def deliver(_: int) -> bool:
        barrier.wait()
        return seen_before(engine, "same-key")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(deliver, range(4)))
    assert results.count(False) == 1
