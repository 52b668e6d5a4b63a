"""Only the serving process marks change sets interrupted; `ctibot run` beside it must not.

Run on SQLite and on PostgreSQL: the start-up path (migrations, recovery) on both engines.
"""

from pathlib import Path

import pytest

from bot.bootstrap import bootstrap
from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.config import Settings, load_settings


def _settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
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
    changelog = ChangeLog(make_engine(db_url))
    set_id = changelog.open_set(
        actor_id="U1",
        actor_name="",
        channel_id=None,
        cluster="lab",
        command="add-line",
        command_text="/cti add-line 7001",
    )
    return load_settings(config), changelog, set_id


def test_a_cli_process_leaves_in_flight_sets_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    settings, changelog, set_id = _settings(tmp_path, monkeypatch, db_url)
    bootstrap(settings, slack=False).close()
    record = changelog.get(set_id)
    assert record is not None and record.status == "applying"


def test_the_serving_process_marks_them_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    settings, changelog, set_id = _settings(tmp_path, monkeypatch, db_url)
    bootstrap(settings, slack=True).close()
    record = changelog.get(set_id)
    assert record is not None and record.status == "interrupted"
