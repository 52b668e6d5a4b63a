"""`ctibot serve` takes over only the change sets whose owner is gone, and only once it listens.

Before, every start marked every `applying` set interrupted and announced it:
one that `ctibot run` (here: this test process, alive and beating) was
applying right then, and even from a second `serve` that then failed on
"address in use".
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.changelog.db import make_engine, upgrade
from bot.changelog.ownership import Owner, this_process
from bot.changelog.store import ChangeLog
from bot.demo.fake_slack import FakeSlack
from bot.demo.loopback import ENV, Roles, write_config
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.e2e.served import CTIBOT, Served
from tests.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[FakeSlack, Path, str]]:
    sim = SimServer(SimOptions(seed="demo")).start()
    fake = FakeSlack().start()
    config = write_config(tmp_path, sim, fake, Roles())
    config.write_text(config.read_text() + "\n[health]\nenabled = false\n")
    url = f"sqlite:///{tmp_path / 'ctibot.db'}"
    upgrade(url)
    try:
        yield fake, config, url
    finally:
        fake.stop()
        sim.stop()


def _open(changelog: ChangeLog, text: str) -> int:
    return changelog.open_set(
        actor_id="UOPER1",
        actor_name="oper",
        channel_id="CCTI",
        cluster="lab",
        command="add-line",
        command_text=text,
    )


def _dead_owner() -> Owner:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return Owner(host=this_process().host, pid=child.pid, started_at=datetime.now(UTC))


def _posted(fake: FakeSlack, set_id: int) -> list[str]:
    return [
        c.params.get("text", "")
        for c in fake.calls_to("chat.postMessage")
        if f"#{set_id} " in c.params.get("text", "")
    ]


def test_a_living_owners_set_is_left_alone_and_a_dead_ones_taken_over(
    world: tuple[FakeSlack, Path, str], tmp_path: Path
) -> None:
    fake, config, url = world
    engine = make_engine(url)
    running = _open(ChangeLog(engine), "/cti add-line 7001")  # `ctibot run`, applying now
    dead = _open(ChangeLog(engine, owner=_dead_owner()), "/cti add-line 7002")
    served = Served(config, tmp_path / "ctibot.log")
    try:
        wait_until(lambda: len(_posted(fake, dead)) == 2, timeout=20)  # alert + origin channel
        changelog = ChangeLog(engine)
        assert changelog.get(dead).status == "interrupted"
        assert changelog.get(running).status == "applying"
        assert _posted(fake, running) == []
    finally:
        served.stop()
        engine.dispose()


def test_a_serve_that_cannot_bind_its_port_touches_nothing(
    world: tuple[FakeSlack, Path, str],
) -> None:
    fake, config, url = world
    engine = make_engine(url)
    orphan = _open(ChangeLog(engine, owner=_dead_owner()), "/cti add-line 7003")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        second = subprocess.run(
            [str(CTIBOT), "serve", "--config", str(config), "--port", str(port)],
            env={**os.environ, **ENV},
            capture_output=True,
            timeout=120,
        )
    assert second.returncode != 0
    assert b"cannot listen" in second.stderr, second.stderr[-2000:]
    assert ChangeLog(engine).get(orphan).status == "applying"
    assert fake.calls_to("chat.postMessage") == []
    engine.dispose()
