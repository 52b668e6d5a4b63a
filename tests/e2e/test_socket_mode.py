"""Socket Mode's own ends: the app-level token, reconnection, and redelivery run once.

The connection is dropped three ways (Slack closes it, Slack asks the app to
reconnect, the path goes silent so only the pings notice) and each time the
bot opens a new one through `apps.connections.open`. An envelope the bot never
saw is delivered again and runs; one whose ack was lost is delivered again and
is acked without running: the delivery de-duplication counts it
(`ctibot_slack_duplicates_total`), which is the branch that never calls the
listener, so nothing has to be waited out to prove it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.demo.fake_slack import FakeSlack
from bot.demo.fake_socket_mode import FakeSocketMode
from bot.demo.loopback import APP_TOKEN, ENV, Roles, write_config
from bot.demo.slack_peer import click_payload
from bot.demo.socket_peer import SocketPeer
from bot.slack.render import CONFIRM_ACTION
from bot.slack.server import EVENTS_PATH
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.e2e.conftest import OPERATOR, VIEWER, Stack, e2e_stack
from tests.e2e.relay import Relay
from tests.e2e.slack_helpers import PROGRESS_MARK, ask, reply_to, text_of

PING_S = 0.5
STALE_S = PING_S * 4 + 1  # slack_sdk drops a connection silent for more than four pings
RECONNECT_TIMEOUT_S = STALE_S + 10
PARAM = "CtiMaxDevicesPerNode"
CTIBOT = Path(sys.executable).parent / "ctibot"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with e2e_stack(tmp_path, socket_mode=True, ping_interval=PING_S) as loopback:
        yield loopback
        assert fake_socket(loopback).problems == []


def fake_socket(stack: Stack) -> FakeSocketMode:
    assert stack.socket is not None
    return stack.socket


def peer(stack: Stack) -> SocketPeer:
    assert isinstance(stack.peer, SocketPeer)
    return stack.peer


def duplicates(stack: Stack) -> float:
    value = stack.bot.metrics.registry.get_sample_value("ctibot_slack_duplicates_total")
    return value or 0.0


def axl_writes(stack: Stack) -> int:
    return stack.sim.counters().get("axl", {}).get("updateServiceParameter", 0)


def version_reply(stack: Stack) -> str:
    _, key = peer(stack).command("version", VIEWER)
    return text_of(reply_to(stack, key))


def test_connects_with_the_app_token_and_acks_in_time(stack: Stack) -> None:
    opened = stack.fake.wait_for("apps.connections.open")
    assert opened[0].headers["authorization"] == "Bearer xapp-loopback"
    ack, key = peer(stack).command("version", VIEWER)
    assert ack.payload is None  # a slash command's ack carries nothing; the reply follows
    acked_at = ack.envelope.acked_at
    assert acked_at is not None and acked_at - ack.envelope.sent_at < 3
    assert "lab" in text_of(reply_to(stack, key))
    events = requests.post(f"{stack.http.url}{EVENTS_PATH}", data=b"{}", timeout=5)
    assert events.status_code == 404  # nothing may POST to a Socket Mode bot


def test_slack_closing_the_connection_reconnects(stack: Stack) -> None:
    fake_socket(stack).close_newest("server restart")
    fake_socket(stack).wait_for_hellos(2)
    assert len(stack.fake.calls_to("apps.connections.open")) == 2  # a fresh, one-use URL
    assert "lab" in version_reply(stack)


def test_disconnect_message_reconnects(stack: Stack) -> None:
    fake_socket(stack).ask_to_reconnect()
    fake_socket(stack).wait_for_hellos(2)
    assert "lab" in version_reply(stack)


def test_silent_connection_is_replaced_and_the_lost_command_runs_once(stack: Stack) -> None:
    socket = fake_socket(stack)
    relay = Relay(target=("127.0.0.1", socket.port)).start()
    try:
        socket.advertise(*relay.address)
        socket.close_newest("move behind the relay")
        socket.wait_for_hellos(2)
        assert relay.freeze() == 1
        envelope, key = peer(stack).send_command("version", VIEWER)
        socket.wait_for_hellos(3, timeout=RECONNECT_TIMEOUT_S)
        socket.wait_for_ack(envelope, timeout=5)
        redelivered = socket.redeliveries(envelope)
        assert [(e.retry_attempt, e.retry_reason) for e in redelivered] == [(1, "timeout")]
        assert envelope.ack is None  # it went into the silence; only its redelivery arrived
        assert "lab" in text_of(reply_to(stack, key))
        assert duplicates(stack) == 0
        socket.advertise("127.0.0.1", socket.port)  # off the relay before it goes away
        socket.close_newest("move off the relay")
        socket.wait_for_hellos(4)
    finally:
        relay.stop()


def test_command_whose_ack_was_lost_is_acked_again_not_run_again(stack: Stack) -> None:
    socket = fake_socket(stack)
    socket.lose_acks(1)
    envelope, key = peer(stack).send_command("version", VIEWER)
    socket.wait_for_hellos(2)
    socket.wait_for_ack(envelope, timeout=5)
    assert [e.retry_attempt for e in socket.redeliveries(envelope)] == [1]
    assert duplicates(stack) == 1
    assert "lab" in text_of(reply_to(stack, key))


def test_confirm_click_whose_ack_was_lost_writes_once(stack: Stack) -> None:
    token, ts = ask(stack, f"tparam set {PARAM} 911", OPERATOR)
    writes = axl_writes(stack)
    socket = fake_socket(stack)
    socket.lose_acks(1)
    click = click_payload(stack.fake, CONFIRM_ACTION, token, OPERATOR, ts, "CCTI")
    envelope = socket.send("interactive", click, accepts_response_payload=False)
    socket.wait_for_ack(envelope, timeout=10)
    assert duplicates(stack) == 1
    outcome = stack.fake.wait_for(
        "chat.update",
        timeout=30,
        where=lambda c: c.params.get("ts") == ts and PROGRESS_MARK not in c.params["text"],
    )
    assert "Applied" in outcome[-1].params["text"]
    assert axl_writes(stack) == writes + 1


def test_stopping_the_bot_leaves_no_socket_mode_threads(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    with e2e_stack(tmp_path, socket_mode=True, ping_interval=PING_S) as loopback:
        assert "lab" in version_reply(loopback)
    left = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
    # waitress leaves its worker threads parked after close(); that is the HTTP server's
    # own shutdown, not the Socket Mode client's.
    assert [name for name in left if not name.startswith("waitress")] == []


def test_serve_process_with_an_app_token_answers_over_socket_mode(tmp_path: Path) -> None:
    """`ctibot serve` itself, as deployed: the app-level token set, no signing secret."""
    with SimServer(SimOptions(seed="demo")) as sim, FakeSlack() as fake:
        socket = FakeSocketMode().start()
        fake.socket_mode = socket
        config = write_config(tmp_path, sim, fake, Roles(viewers=[VIEWER]), PING_S)
        config.write_text(config.read_text() + "\n[health]\nenabled = false\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CTIBOT_"))}
        env |= {**ENV, "SLACK_APP_TOKEN": APP_TOKEN}
        del env["SLACK_SIGNING_SECRET"]
        with (tmp_path / "serve.log").open("wb") as log:
            serve = subprocess.Popen(
                [str(CTIBOT), "serve", "--config", str(config), "--port", "0"],
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
            )
        try:
            assert serve.stdout is not None
            ready = serve.stdout.readline().decode()
            assert ready.startswith("ctibot ready: "), (tmp_path / "serve.log").read_text()
            socket.wait_for_hellos(1)
            _, key = SocketPeer(socket, fake).command("version", VIEWER)
            reply = fake.wait_for("response_url", where=lambda c: c.path.endswith(f"/{key}"))
            assert "lab" in text_of(reply[0].params)
        finally:
            serve.terminate()
            serve.wait(timeout=10)
            socket.stop()
        assert socket.problems == []
