"""Databases for any test: ``db_url`` runs a test once on SQLite and once on PostgreSQL,
each time on an empty migrated database; ``postgres_url`` gives PostgreSQL alone.

Each engine is migrated once per session: SQLite's file is copied per test, PostgreSQL's
database is emptied per test (TRUNCATE), so a clean database costs tens of milliseconds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from bot.changelog.db import upgrade
from tests.changelog_db import fresh_url, migrated_template
from tests.postgres import REQUIRE_ENV, PostgresServer, PostgresUnavailable, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """Skipped with the reason where there is no PostgreSQL, failed instead under CI."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(postgres_server())
        except PostgresUnavailable as exc:
            if os.environ.get(REQUIRE_ENV) == "1":
                pytest.fail(f"PostgreSQL is required here ({REQUIRE_ENV}=1): {exc}")
            pytest.skip(f"PostgreSQL tests skipped: {exc}")
        yield server


@pytest.fixture(scope="session")
def postgres_database(postgres: PostgresServer) -> Iterator[str]:
    """This session's migrated PostgreSQL database (the pid keeps parallel runs apart)."""
    name = f"ctibot_test_{os.getpid()}"
    postgres.drop_database(name)
    upgrade(postgres.create_database(name))
    yield name
    postgres.drop_database(name)


@pytest.fixture
def postgres_url(postgres: PostgresServer, postgres_database: str) -> str:
    """The migrated PostgreSQL database, emptied for this test."""
    postgres.empty(postgres_database)
    return postgres.database_url(postgres_database)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of this test's own, on each engine the bot supports."""
    if request.param == "sqlite":
        return fresh_url(request.getfixturevalue("sqlite_template"), tmp_path)
    return str(request.getfixturevalue("postgres_url"))
