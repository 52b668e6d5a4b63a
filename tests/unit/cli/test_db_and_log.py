from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.cli import app
from tests.change_sets import add_change, open_set


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("CTIBOT_CONFIG", raising=False)
    url = f"sqlite:///{tmp_path / 'data' / 'ctibot.db'}"
    monkeypatch.setenv("CTIBOT_DATABASE__URL", url)
    return url


def test_db_upgrade_then_current(db_url: str) -> None:
    runner = CliRunner()
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 1
    assert "current: (empty database)" in before.stdout
    assert "ctibot db upgrade" in before.stderr

    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout.startswith("database at revision ")

    after = runner.invoke(app, ["db", "current"])
    assert after.exit_code == 0
    current, head = after.stdout.splitlines()
    assert current.split()[-1] == head.split()[-1]


def test_log_export_refuses_an_old_schema(db_url: str) -> None:
    result = CliRunner().invoke(app, ["log", "export"])
    assert result.exit_code == 1
    assert "ctibot db upgrade" in result.stderr


def test_log_export_to_file_and_stdout(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(db_url)
    log = ChangeLog(engine)
    add_change(log, open_set(log), after={"pattern": "7000"})
    engine.dispose()

    out = tmp_path / "log.jsonl"
    result = runner.invoke(app, ["log", "export", "--format", "jsonl", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 rows written" in result.stderr
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["object_name"] == "7000/PT_CTI"
    assert row["after"] == {"pattern": "7000"}

    as_csv = runner.invoke(app, ["log", "export", "--format", "csv"])
    assert as_csv.exit_code == 0
    assert as_csv.stdout.splitlines()[0].startswith("change_set_id,created_at,")
    assert "7000/PT_CTI" in as_csv.stdout
