"""One loopback stack for the e2e session, with a test-only risky workflow registered."""

from __future__ import annotations

import itertools
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


class Unique:
    """Names and directory numbers no other test of the session has used.

    The stack lives for the whole session and tests run in random order, so a test
    that made `RP_TEST` would meet the one another test made before it, or leave its
    own for the next: each test asks for names of its own instead. A name ends in its
    number, so a suffix such as `P{1..4}` never makes one test's name another's.
    """

    FIRST_DN = 86000  # five digits: clear of the four-digit DNs the seed and other tests use

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._dns = itertools.count(self.FIRST_DN)

    def name(self, prefix: str) -> str:
        return f"{prefix}{next(self._numbers)}"

    def dns(self, count: int) -> list[str]:
        """`count` consecutive directory numbers, for a range such as `86001-86004`."""
        return [str(next(self._dns)) for _ in range(count)]

    def dn(self) -> str:
        return self.dns(1)[0]


@pytest.fixture(scope="session")
def unique() -> Unique:
    return Unique()
