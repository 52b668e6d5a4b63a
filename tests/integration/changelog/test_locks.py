"""Object locks across real processes: a second process waits for the first's lock on the
same object (PostgreSQL advisory locks, or record locks on the SQLite lock file) and
goes straight through for another object."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.changelog.db import make_engine
from bot.changelog.locks import LOCK_FILE_SUFFIX, locks_for
from tests.waiting import wait_until

HOLDER = """
import sys
from bot.changelog.db import make_engine
from bot.changelog.locks import locks_for
locks = locks_for(make_engine(sys.argv[1]))
with locks.hold("cucm1", "app_user", sys.argv[2]):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def holder(db_url: str) -> Iterator[Callable[[str], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def hold(key: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, db_url, key],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        return proc

    yield hold
    for proc in started:
        proc.kill()
        proc.wait(timeout=10)


def _someone_waits(db_url: str) -> Callable[[], bool]:
    """Whether a lock request is blocked: in pg_locks, or in the kernel's /proc/locks."""
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":
        engine = make_engine(db_url)

        def waiting() -> bool:
            with engine.connect() as connection:
                return bool(
                    connection.scalar(
                        text(
                            "SELECT count(*) FROM pg_locks "
                            "WHERE locktype = 'advisory' AND NOT granted"
                        )
                    )
                )

        return waiting
    lock_file = Path(str(url.database) + LOCK_FILE_SUFFIX)

    def blocked() -> bool:
        inode = f":{lock_file.stat().st_ino} "
        return any(
            "->" in line and inode in line for line in Path("/proc/locks").read_text().splitlines()
        )

    return blocked


def test_the_same_object_waits_for_the_other_process(
    db_url: str, holder: Callable[[str], subprocess.Popen[str]]
) -> None:
    proc = holder("Crash_App")
    locks = locks_for(make_engine(db_url))
    order: list[str] = []
    acquired = threading.Event()

    def take() -> None:
        with locks.hold("cucm1", "app_user", "crash_app"):  # the same user, case aside
            order.append("acquired")
            acquired.set()

    thread = threading.Thread(target=take)
    thread.start()
    try:
        wait_until(_someone_waits(db_url), timeout=10)
        order.append("released")
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert acquired.wait(timeout=10)
    finally:
        thread.join(timeout=10)
        locks.close()
    assert order == ["released", "acquired"]


def test_another_object_goes_through(
    db_url: str, holder: Callable[[str], subprocess.Popen[str]]
) -> None:
    holder("crash_app")
    locks = locks_for(make_engine(db_url))
    try:
        done = threading.Event()

        def take() -> None:
            with locks.hold("cucm1", "app_user", "other_app"):
                pass
            done.set()

        threading.Thread(target=take, daemon=True).start()
        assert done.wait(timeout=10)
    finally:
        locks.close()
