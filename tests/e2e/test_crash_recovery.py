"""The bot process killed (SIGKILL) in the middle of provision-app, then restarted.

A real `ctibot serve` subprocess talks to an in-test simulator whose AXL calls
are slowed down, so the apply takes seconds; the signed slash command and the
confirmation click come over HTTP like Slack's. After the kill and a restart:
the set is `interrupted`, its unanswered writes `unknown`, every object is
re-read and announced with its real state, the old confirmation is refused,
and nothing is written again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.changelog.db import make_engine
from bot.changelog.labels import object_label
from bot.changelog.store import ChangeLog
from bot.demo.fake_slack import FakeSlack
from bot.demo.loopback import SIGNING_SECRET, Roles, write_config
from bot.demo.slack_peer import SlackPeer
from bot.slack.render import CONFIRM_ACTION
from cucmsim.api import SimServer
from cucmsim.model import key
from cucmsim.options import SimOptions
from tests.e2e.hardening import write_log
from tests.e2e.served import Served
from tests.waiting import wait_until

OPERATOR = "UOPER1"
pytestmark = pytest.mark.slow


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[SimServer, FakeSlack, Path]]:
    sim = SimServer(SimOptions(seed="demo")).start()
    fake = FakeSlack().start()
    config = write_config(tmp_path, sim, fake, Roles(), slack_extra='audit_channel = "CAUDIT"')
    # Health sweeps are not what this test is about; keep them from adding requests.
    config.write_text(config.read_text() + "\n[health]\nenabled = false\n")
    try:
        yield sim, fake, config
    finally:
        fake.stop()
        sim.stop()


def _plant_app_user(sim: SimServer, userid: str) -> None:
    from cucmsim.model import User

    with sim.cluster.lock:
        sim.cluster.app_users[key(userid)] = User(userid, is_app_user=True)


def _exists(sim: SimServer, change: Any) -> bool:
    with sim.cluster.lock:
        c = sim.cluster
        if change.object_type == "line":
            pattern, _, partition = change.object_name.partition("/")
            return (key(pattern), key(partition)) in c.lines
        if change.object_type in ("route_point", "cti_port"):
            return key(change.object_name) in c.devices
    raise AssertionError(f"no independent check for {change.object_type}")


def test_sigkill_mid_provision_then_restart(
    world: tuple[SimServer, FakeSlack, Path], tmp_path: Path
) -> None:
    sim, fake, config = world
    _plant_app_user(sim, "crash_app")
    log = tmp_path / "ctibot.log"
    served = Served(config, log)
    try:
        peer = SlackPeer(f"{served.url}/slack/events", SIGNING_SECRET, fake)
        text = (
            "provision-app crash_app routepoint=RP_CRASH dn=7950 ports=CPCRASH{1..4} "
            "port-dns=7951-7954 cfna=6000 device-pool=DP_CTI partition=PT_CTI"
        )
        response, _ = peer.command(text, OPERATOR)
        assert response.status_code == 200
        post = fake.wait_for("chat.postMessage", timeout=20)[-1]
        token = post.params["blocks"][-1]["elements"][0]["value"]
        changelog = ChangeLog(make_engine(f"sqlite:///{tmp_path / 'ctibot.db'}"))

        sim.set_latency(300, "axl")  # every AXL call now takes 0.3 s: the apply takes seconds
        sim.reset_counters()
        assert peer.click(CONFIRM_ACTION, token, OPERATOR, "1.0001").status_code == 200
        # Kill once a few writes have landed and more are still to come.
        wait_until(lambda: len(write_log(sim)) >= 3, timeout=30)
        served.kill()
        writes_before_restart = write_log(sim)
        applying = changelog.query(status="applying")
        assert len(applying) == 1, applying
        set_id = applying[0].id
        statuses = [c.status for c in applying[0].changes]
        assert "pending" in statuses and "applied" in statuses, statuses
        sim.set_latency(0, "axl")
    finally:
        served.stop()

    # ----------------------------------------------------------- restart
    posts = len(fake.calls_to("chat.postMessage"))
    restarted = Served(config, log)
    try:
        record = changelog.get(set_id)
        assert record is not None and record.status == "interrupted"
        assert "pending" not in [c.status for c in record.changes]
        assert "unknown" in [c.status for c in record.changes]

        # The channel is told: the set, and every object with its re-read state.
        def announcement() -> Any:
            for call in fake.calls_to("chat.postMessage")[posts:]:
                if f"#{set_id}" in call.params.get("text", ""):
                    return call
            return None

        told = wait_until(announcement, timeout=20)
        message = told.params["text"]
        assert told.params["channel"] in ("CALERTS", "CAUDIT", "CCTI")
        assert "interrupted" in message
        checked = 0
        for change in record.changes:
            shown = object_label(change.object_type, change.object_name)
            line = next(x for x in message.splitlines() if f"`{shown}`" in x)
            if change.status == "unknown" and change.before is None:
                # The re-read state named in the message is what CUCM really has.
                present = _exists(sim, change)
                checked += 1
                assert ("applied" in line and "not applied" not in line) == present, (
                    line,
                    change.object_type,
                    present,
                    message,
                )
        assert checked >= 1, message

        # Told in the alert channel, the audit channel and the channel the command came from.
        def channels() -> set[str]:
            return {
                c.params["channel"]
                for c in fake.calls_to("chat.postMessage")[posts:]
                if f"#{set_id}" in c.params.get("text", "")
            }

        wait_until(lambda: channels() == {"CALERTS", "CAUDIT", "CCTI"}, timeout=10)

        # The old confirmation is spent: clicking it again changes nothing.
        peer = SlackPeer(f"{restarted.url}/slack/events", SIGNING_SECRET, fake)
        assert peer.click(CONFIRM_ACTION, token, OPERATOR, "1.0001").status_code == 200
        fake.wait_for(
            "response_url",
            timeout=10,
            where=lambda c: "Already decided" in c.params.get("text", ""),
        )
        # No write was sent again after the restart, and none twice before it.
        assert write_log(sim) == writes_before_restart
        assert changelog.get(set_id).status == "interrupted"
    finally:
        restarted.stop()
