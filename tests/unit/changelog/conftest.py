from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.changelog.db import make_engine


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The change-log store tests run on SQLite and on PostgreSQL (tests/conftest.py)."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
