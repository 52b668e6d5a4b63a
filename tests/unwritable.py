"""Databases that refuse writes, made with SQLite's own limits rather than a mock of our store.

Tests run as root here, so a read-only file would stay writable; `query_only`
makes SQLite refuse every write the way a read-only file does (PostgreSQL:
`default_transaction_read_only`, as on a read-only standby), and
`max_page_count` on a database filled to it fails whatever needs a new page
with SQLITE_FULL, as a full disk does. Each applies to every connection the
engine opens from now on (the pool is emptied so none escapes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError


def make_read_only(engine: Engine) -> Callable[[], None]:
    """Returns what makes the database writable again."""

    sqlite = engine.dialect.name == "sqlite"

    def refuse_writes(dbapi_connection: Any, _record: Any) -> None:
        if sqlite:
            dbapi_connection.execute("PRAGMA query_only=ON")
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("SET default_transaction_read_only = on")
        cursor.close()
        dbapi_connection.commit()

    def writable_again() -> None:
        event.remove(engine, "connect", refuse_writes)
        engine.dispose()

    event.listen(engine, "connect", refuse_writes)
    engine.dispose()
    return writable_again


def fill_disk(engine: Engine) -> None:
    """Cap the file at its size and use up every free page, so no write can grow it."""
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS filler (b BLOB)"))
    with engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar_one()

    def capped(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", capped)
    engine.dispose()
    for size in (4000, 400, 40, 4):
        while True:
            try:
                with engine.begin() as connection:
                    connection.execute(text(f"INSERT INTO filler VALUES (randomblob({size}))"))
            except OperationalError as exc:
                assert "full" in str(exc), exc
                break
