"""The commands that ask the health monitor are always offered; where none runs they say
so, and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from commands.catalog import build_runner
from commands.engine.base import Actor, Reply, Role
from commands.engine.runner import Runner
from tests.unit.commands.fakes import FakeClusters

ADMIN = Actor("UADMIN", "admin", "C1")


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    url = f"sqlite:///{tmp_path / 'cti.db'}"
    upgrade(url)
    engine = make_engine(url)
    changelog, confirmations = ChangeLog(engine), ConfirmationStore(engine)
    yield build_runner(FakeClusters(), changelog, confirmations, 600)
    engine.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "health",
        "silences",
        "silence check drift 1h",
        "unsilence 3",
        "alert ack 12",
        "alert silence 12 4h",
        "capacity",
    ],
)
def test_a_monitor_command_without_a_monitor_is_refused_plainly(runner: Runner, text: str) -> None:
    reply = runner.handle(text, ADMIN, Role.ADMIN)
    assert isinstance(reply, Reply)
    assert reply.status == "error"
    assert reply.lines[0] == "Health monitoring does not run in this deployment."
