from __future__ import annotations

import importlib
import os
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.changelog.db import alembic_config, make_engine, migration_status, upgrade
from bot.changelog.models import Base
from tests.postgres import PostgresServer

# Every module that puts tables on Base.metadata; migrations/env.py imports the same ones.
MODEL_MODULES = ("bot.changelog.models", "bot.health.models")


def test_upgrade_creates_the_file_and_reaches_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'ctibot.db'}"
    engine = make_engine(url)
    assert migration_status(engine)[0] is None
    upgrade(url)
    current, head = migration_status(engine)
    assert current == head and head is not None
    tables = set(inspect(engine).get_table_names())
    assert {"change_sets", "changes", "pending_confirmations", "slack_deliveries"} <= tables
    upgrade(url)  # idempotent
    assert migration_status(engine)[0] == head
    engine.dispose()


def test_sqlite_connections_are_tuned(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)
    url = f"sqlite:///{tmp_path / 'compare.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_the_same_migrations_run_on_postgresql_both_ways(postgres: PostgresServer) -> None:
    name = f"ctibot_migrations_{os.getpid()}"
    postgres.drop_database(name)
    url = postgres.create_database(name)
    engine = make_engine(url)
    try:
        upgrade(url)
        current, head = migration_status(engine)
        assert current == head
        for module in MODEL_MODULES:
            importlib.import_module(module)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        upgrade(url)
        assert migration_status(engine)[0] == head
    finally:
        engine.dispose()
        postgres.drop_database(name)
