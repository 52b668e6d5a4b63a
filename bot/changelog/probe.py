"""Can the database take a write? What readiness asks, since SELECT 1 also works on a full disk.

A row with a few pages of padding is committed and deleted in one transaction:
it needs fresh pages, as real records do, so a full disk (or a file that has
become read-only) fails the probe while the net size of the file stays put.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert

from bot.changelog.errors import recording
from bot.changelog.models import WriteProbe, utcnow

PROBE_BYTES = 8192  # two SQLite pages of the default size


def probe_write(engine: Engine) -> None:
    """Raises RecordFailed when the write cannot be committed."""
    with recording("write to the database"), engine.begin() as connection:
        connection.execute(insert(WriteProbe).values(at=utcnow(), pad=b"\0" * PROBE_BYTES))
        connection.execute(delete(WriteProbe))
