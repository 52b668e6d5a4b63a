"""Only the serving process marks change sets interrupted; `ctibot run` beside it must not."""

from pathlib import Path

import pytest

from bot.bootstrap import bootstrap
from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.config import Settings, load_settings


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, ChangeLog, int]:
    db = tmp_path / "cti.db"
    config = tmp_path / "ctibot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n'
        '[[clusters]]\nname = "lab"\nhost = "127.0.0.1"\nport = 1\nscheme = "http"\n'
        'username = "axladmin"\n'
        '[slack]\nalert_channel = "CALERTS"\napi_url = "http://127.0.0.1:1/api/"\n'
        "[health]\nenabled = false\n"
    )
    monkeypatch.setenv("CTIBOT_LAB_PASSWORD", "pw")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    upgrade(f"sqlite:///{db}")
    changelog = ChangeLog(make_engine(f"sqlite:///{db}"))
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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, changelog, set_id = _settings(tmp_path, monkeypatch)
    bootstrap(settings, slack=False).close()
    record = changelog.get(set_id)
    assert record is not None and record.status == "applying"


def test_the_serving_process_marks_them_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, changelog, set_id = _settings(tmp_path, monkeypatch)
    bootstrap(settings, slack=True).close()
    record = changelog.get(set_id)
    assert record is not None and record.status == "interrupted"
