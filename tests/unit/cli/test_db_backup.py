"""`ctibot db backup`: a consistent copy of a live SQLite database; PostgreSQL has pg_dump."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.cli import app
from tests.change_sets import open_set


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, ChangeLog]:
    monkeypatch.delenv("CTIBOT_CONFIG", raising=False)
    database = tmp_path / "data" / "ctibot.db"
    url = f"sqlite:///{database}"
    monkeypatch.setenv("CTIBOT_DATABASE__URL", url)
    upgrade(url)
    return database, ChangeLog(make_engine(url))


def test_the_backup_holds_every_committed_write_and_none_in_progress(
    live: tuple[Path, ChangeLog], tmp_path: Path
) -> None:
    database, log = live
    committed = open_set(log)
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the bot in the middle of a write
    writer.execute(
        "INSERT INTO change_sets (created_at, actor_id, command, command_text, status) "
        "VALUES ('2026-01-01 00:00:00', 'U0B', 'add-line', 'uncommitted', 'applying')"
    )
    try:
        target = tmp_path / "backups" / "ctibot-backup.db"
        result = CliRunner().invoke(app, ["db", "backup", str(target)])
        assert result.exit_code == 0, result.output
        assert f"backed up {database} to {target}" in result.stdout
    finally:
        writer.rollback()
        writer.close()
    # The copy stands alone: no -wal beside it holds part of its data.
    assert not target.with_name(target.name + "-wal").exists()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        texts = [row[0] for row in copy.execute("SELECT command_text FROM change_sets")]
    finally:
        copy.close()
    assert texts == ["/cti add-line"]
    assert ChangeLog(make_engine(f"sqlite:///{target}")).get(committed) is not None


def test_an_existing_file_is_not_overwritten(live: tuple[Path, ChangeLog], tmp_path: Path) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"keep me")
    result = CliRunner().invoke(app, ["db", "backup", str(target)])
    assert result.exit_code == 1
    assert f"{target} exists" in result.stderr
    assert target.read_bytes() == b"keep me"


def test_postgresql_points_at_pg_dump(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CTIBOT_CONFIG", raising=False)
    monkeypatch.setenv("CTIBOT_DATABASE__URL", "postgresql+psycopg://ctibot@127.0.0.1:1/ctibot")
    result = CliRunner().invoke(app, ["db", "backup", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "pg_dump" in result.stderr
    assert not (tmp_path / "x.db").exists()
