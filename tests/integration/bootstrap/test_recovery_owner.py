"""Starting never marks change sets interrupted; `Bot.recover()`, which `serve` calls once it
listens, takes over only the sets whose owner is gone.

Run on SQLite and on PostgreSQL: the start-up path (migrations, recovery) on both engines.
"""

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.bootstrap import bootstrap
from bot.changelog.db import make_engine
from bot.changelog.ownership import Owner, this_process
from bot.changelog.store import ChangeLog
from bot.config import Settings, load_settings
from tests.change_sets import open_set
from tests.waiting import wait_until


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """Disposed at the end, which stops the held set's heartbeat timer."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, engine: Engine
) -> tuple[Settings, ChangeLog, int]:
    config = tmp_path / "ctibot.toml"
    config.write_text(
        f'[database]\nurl = "{db_url}"\n'
        '[[clusters]]\nname = "lab"\nhost = "127.0.0.1"\nport = 1\nscheme = "http"\n'
        'username = "axladmin"\n'
        '[slack]\nalert_channel = "CALERTS"\napi_url = "http://127.0.0.1:1/api/"\n'
        "[health]\nenabled = false\n"
    )
    monkeypatch.setenv("CTIBOT_LAB_PASSWORD", "pw")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = Owner(host=this_process().host, pid=child.pid, started_at=datetime.now(UTC))
    changelog = ChangeLog(engine, owner=dead)
    set_id = open_set(changelog, actor_id="U1")
    return load_settings(config), changelog, set_id


def test_a_cli_process_leaves_in_flight_sets_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, engine: Engine
) -> None:
    settings, changelog, set_id = _settings(tmp_path, monkeypatch, db_url, engine)
    bootstrap(settings, slack=False).close()
    record = changelog.get(set_id)
    assert record is not None and record.status == "applying"


def test_starting_to_serve_marks_nothing_until_recover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, engine: Engine
) -> None:
    settings, changelog, set_id = _settings(tmp_path, monkeypatch, db_url, engine)
    bot = bootstrap(settings, slack=True)
    try:
        assert changelog.get(set_id).status == "applying"
        assert [r.id for r in bot.recover()] == [set_id]
    finally:
        bot.close()
    record = changelog.get(set_id)
    assert record is not None and record.status == "interrupted"


def test_recovery_looks_again_while_the_bot_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str, engine: Engine
) -> None:
    """An owner that dies after the start (here: one already gone) is taken over later."""
    settings, changelog, set_id = _settings(tmp_path, monkeypatch, db_url, engine)
    bot = bootstrap(settings, slack=True)
    try:
        bot.keep_recovering(interval_s=0.05)
        wait_until(lambda: changelog.get(set_id).status == "interrupted", timeout=10)
    finally:
        bot.close()
