"""Engine and schema management: SQLite tuned for a bot that writes from many threads.

Alembic is configured in code (no alembic.ini) so ``ctibot db upgrade`` works from
any working directory, from a checkout or an installed wheel.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

import bot

BUSY_TIMEOUT_MS = 5000


def make_engine(url: str) -> Engine:
    """WAL lets readers run during a write; busy_timeout makes writers queue, not fail."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if not database or database == ":memory:":
        options["poolclass"] = StaticPool  # one shared connection, or each would see its own DB
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def migrations_dir() -> Path:
    """The repository keeps the migrations at its root; the wheel ships them inside the
    package as bot/migrations, so an installed ctibot finds them wherever it lives."""
    package = Path(str(resources.files(bot)))
    packaged = package / "migrations"
    return packaged if packaged.is_dir() else package.parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at the shipped migrations; ``engine`` is handed to env.py."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest schema (creating the file if needed)."""
    engine = make_engine(url)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def upgrade_engine(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migration_status(engine: Engine) -> tuple[str | None, str | None]:
    """(revision the database is at, newest revision shipped); equal means up to date."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head_revision()
