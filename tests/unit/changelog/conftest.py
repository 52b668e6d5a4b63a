from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.changelog_db import fresh_engine, migrated_template


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("changelog-template"))


@pytest.fixture
def engine(template_db: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = fresh_engine(template_db, tmp_path)
    yield engine
    engine.dispose()
