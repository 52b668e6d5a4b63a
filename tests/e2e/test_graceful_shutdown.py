"""SIGTERM in the middle of a confirmed create-ports, with read-only requests queued behind it.

A real `ctibot serve` subprocess (two workers, a 2 s grace period) talks to an
in-test simulator whose AXL calls take 0.3 s, so the apply outlasts the grace
period and the reads queue up. Before, SIGTERM killed the process: the set
stayed `applying` with writes half done and the queued requests got nothing.
Now: new requests get 503, the apply stops between two steps as
`interrupted` and says so in its message, every queued request gets a reply,
and the process exits 0.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.demo.fake_slack import FakeSlack
from bot.demo.loopback import SIGNING_SECRET, Roles, write_config
from bot.demo.slack_peer import SlackPeer
from bot.slack.render import CONFIRM_ACTION
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.e2e.hardening import write_log
from tests.e2e.served import Served
from tests.waiting import wait_until

OPERATOR, VIEWER = "UOPER1", "UVIEW1"
MESSAGE_TS = "1.0001"
READS = 6
pytestmark = pytest.mark.slow


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[SimServer, FakeSlack, Path]]:
    sim = SimServer(SimOptions(seed="demo")).start()
    fake = FakeSlack().start()
    config = write_config(tmp_path, sim, fake, Roles())
    text = config.read_text().replace("worker_threads = 8", "worker_threads = 2")
    config.write_text(text + "\n[server]\nshutdown_grace = 2\n\n[health]\nenabled = false\n")
    try:
        yield sim, fake, config
    finally:
        fake.stop()
        sim.stop()


def _texts(fake: FakeSlack, method: str, where: str = "") -> list[str]:
    return [
        json.dumps(c.params) for c in fake.calls_to(method) if c.status == 200 and where in c.path
    ]


def test_sigterm_mid_apply_stops_between_steps_and_answers_everyone(
    world: tuple[SimServer, FakeSlack, Path], tmp_path: Path
) -> None:
    sim, fake, config = world
    served = Served(config, tmp_path / "ctibot.log")
    try:
        peer = SlackPeer(f"{served.url}/slack/events", SIGNING_SECRET, fake)
        response, _ = peer.command(
            "create-ports CPSTOP{01..08} 7971-7978 partition=PT_CTI device-pool=DP_CTI", OPERATOR
        )
        assert response.status_code == 200
        post = fake.wait_for("chat.postMessage", timeout=20)[-1]
        token = post.params["blocks"][-1]["elements"][0]["value"]

        sim.set_latency(300, "axl")
        sim.reset_counters()
        assert peer.click(CONFIRM_ACTION, token, OPERATOR, MESSAGE_TS).status_code == 200
        wait_until(lambda: len(write_log(sim)) >= 2, timeout=30)
        keys = []
        for _ in range(READS):
            response, key = peer.command("params show", VIEWER)
            assert response.status_code == 200
            keys.append(key)

        served.proc.send_signal(signal.SIGTERM)
        wait_until(
            lambda: requests.get(f"{served.url}/readyz", timeout=5).status_code == 503, timeout=10
        )
        late, _ = peer.command("params show", VIEWER)
        assert late.status_code == 503  # Slack retries it, by then to the restarted bot
        assert served.proc.wait(timeout=60) == 0
    finally:
        served.stop()

    changelog = ChangeLog(make_engine(f"sqlite:///{tmp_path / 'ctibot.db'}"))
    [record] = changelog.query(limit=1)
    statuses = [c.status for c in record.changes]
    assert record.status == "interrupted", (record.status, statuses)
    assert "pending" not in statuses and "unknown" not in statuses, statuses
    applied = statuses.count("applied")
    assert 0 < applied < len(statuses) and statuses.count("skipped") == len(statuses) - applied
    assert len(write_log(sim)) == applied  # what the log says is exactly what CUCM got

    # The confirmation message now says what happened.
    edits = [t for t in _texts(fake, "chat.update") if MESSAGE_TS in t]
    assert any("Interrupted" in t and "not attempted" in t for t in edits), edits[-1:]
    # Every queued read got an answer: its result, or "restarting, run it again".
    for key in keys:
        [answer] = _texts(fake, "response_url", f"/{key}")
        assert "restarting" in answer or "service parameters" in answer, answer
