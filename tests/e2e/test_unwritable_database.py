"""The bot's database stops taking writes (full disk, read-only file) while it serves Slack.

Before: /readyz still said the database was ok, every Slack request was an
HTTP 500 with no reply (recording the delivery key failed first), and a
failure to record after a CUCM write replied "nothing more was sent to CUCM"
although objects had been created. The simulator and the HTTP stack are real;
the database refuses writes through SQLite's own limits (tests/unwritable.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.demo.loopback import Loopback, start
from cucmsim.model import key
from tests.e2e.hardening import write_log
from tests.unwritable import fill_disk, make_read_only
from tests.waiting import wait_until

OPERATOR, VIEWER = "UOPER1", "UVIEW1"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Loopback]:
    loopback = start(tmp_path)
    try:
        yield loopback
    finally:
        loopback.stop()


def _reply(stack: Loopback, text: str, user: str) -> str:
    response, reply_key = stack.peer.command(text, user)
    assert response.status_code == 200, response.text
    [call] = stack.fake.wait_for(
        "response_url", timeout=20, where=lambda c: c.path.endswith(f"/{reply_key}")
    )
    return json.dumps(call.params)


def test_readiness_fails_on_a_full_disk(stack: Loopback) -> None:
    ready = f"{stack.http.url}/readyz"
    assert requests.get(ready, timeout=10).status_code == 200
    fill_disk(stack.bot.engine)
    response = requests.get(ready, timeout=10)
    assert response.status_code == 503
    assert "not writable" in response.json()["database"]
    assert "full" in response.json()["database"]


def test_requests_are_answered_and_writes_refused_before_cucm(stack: Loopback) -> None:
    make_read_only(stack.bot.engine)
    stack.sim.reset_counters()
    assert "CUCM" in _reply(stack, "version", VIEWER)  # reads still work
    answer = _reply(
        stack, "create-routepoint RP_NODB 7941 partition=PT_CTI device-pool=DP_CTI", OPERATOR
    )
    assert "cannot write its change log" in answer and "Nothing was sent to CUCM" in answer
    assert write_log(stack.sim) == []


def test_a_record_failing_after_a_write_says_what_was_applied(
    stack: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    sim = stack.sim
    sim.set_latency(400, "axl")
    sim.reset_counters()
    response, reply_key = stack.peer.command(
        "create-routepoint RP_HALF 7942 partition=PT_CTI device-pool=DP_CTI", OPERATOR
    )
    assert response.status_code == 200
    wait_until(lambda: len(write_log(sim)) >= 1, timeout=20)
    with caplog.at_level(logging.ERROR):
        make_read_only(stack.bot.engine)  # while the first write is on the wire
        [call] = stack.fake.wait_for(
            "response_url", timeout=20, where=lambda c: c.path.endswith(f"/{reply_key}")
        )
    sim.set_latency(0, "axl")
    answer = json.dumps(call.params)
    assert "nothing more was sent" not in answer.lower()
    assert "NOT in the change log" in answer
    writes = write_log(sim)
    assert call.params["text"].count("applied on CUCM") == len(writes) >= 1
    with sim.cluster.lock:
        assert (key("7942"), key("PT_CTI")) in sim.cluster.lines  # the first step, a line
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("not recorded in the change log" in e and "7942" in e for e in errors), errors
