"""One loopback stack for the e2e session, with a test-only risky workflow registered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.demo.loopback import Loopback, Roles, start
from bot.slack.socket_mode import DEFAULT_PING_INTERVAL_S
from commands.catalog import build_registry
from tests.e2e.param_command import SetServiceParam

ADMIN, OPERATOR, VIEWER, GROUPIE = "UADMIN1", "UOPER1", "UVIEW1", "UGROUP1"
OPS_GROUP = "SOPS1"

Stack = Loopback


@contextmanager
def e2e_stack(
    directory: Path,
    *,
    socket_mode: bool = False,
    ping_interval: float = DEFAULT_PING_INTERVAL_S,
    slack_extra: str = "",
) -> Iterator[Loopback]:
    """The bot as `serve` runs it, over HTTP or Socket Mode, with the e2e roles and commands."""
    registry = build_registry()
    registry.add(SetServiceParam())
    roles = Roles(admins=[ADMIN], operators=[OPERATOR, OPS_GROUP], viewers=[VIEWER])
    loopback = start(
        directory,
        registry=registry,
        roles=roles,
        socket_mode=socket_mode,
        ping_interval=ping_interval,
        slack_extra=slack_extra,
    )
    loopback.fake.usergroups[OPS_GROUP] = [GROUPIE]
    try:
        yield loopback
    finally:
        loopback.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    with e2e_stack(tmp_path_factory.mktemp("e2e")) as loopback:
        yield loopback
