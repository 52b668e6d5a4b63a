"""`ctibot db backup` for SQLite: a copy taken through SQLite's online backup API.

Copying the file is not a backup of a WAL database: committed writes may still sit in
``-wal`` beside it, and a copy taken mid-checkpoint is torn. The backup API reads a
consistent snapshot while the bot keeps writing. PostgreSQL has its own tool, pg_dump.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.changelog.db import BUSY_TIMEOUT_MS


class BackupError(Exception):
    """Why no backup was written; the message is for the operator."""


def backup_sqlite(url: str, target: Path) -> Path:
    """Copy the SQLite database at ``url`` to ``target`` (never overwritten); its path."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            f"{parsed.get_backend_name()} databases are backed up with their own tools: "
            "for PostgreSQL, pg_dump --format=custom (docs/operations.md, The database)"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    source_path = Path(parsed.database).expanduser()
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    timeout_s = BUSY_TIMEOUT_MS / 1000
    with (
        closing(sqlite3.connect(source_path, timeout=timeout_s)) as source,
        closing(sqlite3.connect(partial)) as copy,
    ):
        source.backup(copy)
    partial.replace(target)  # a failed backup never leaves a file that looks complete
    return source_path
