"""Per-object locks that hold across processes sharing the change log's database.

A workflow's read-merge-write of one CUCM object (commands/engine/objects.py) must not interleave
with another on the same object, whichever process runs it: N `ctibot serve` replicas
on PostgreSQL, or `ctibot run` beside `ctibot serve` on one host's SQLite file.

- PostgreSQL: a transaction advisory lock keyed by a 64-bit hash of (cluster, kind, key),
  held by a transaction open for the write; PostgreSQL ends it with the transaction, or
  with the connection if the process dies.
- SQLite file: a POSIX record lock on one byte of a lock file beside the database, at an
  offset hashed from the same triple; the kernel drops it when the process dies. Record
  locks belong to the process, not the thread, so callers also take an in-process lock
  first (commands/engine/objects.py does).
- In-memory SQLite: one process by definition; nothing to share.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import Engine

LOCK_FILE_SUFFIX = ".locks"
_OFFSETS = 2**31 - 1  # byte offsets a lock may take in the lock file


class ObjectLocks(Protocol):
    def hold(self, cluster: str, kind: str, key: str) -> AbstractContextManager[None]:
        """Held while one process reads, merges and writes this object."""
        ...

    def close(self) -> None: ...


def object_hash(cluster: str, kind: str, key: str) -> int:
    """A signed 64-bit hash of the object, the same in every process (unlike hash())."""
    name = "\x1f".join((cluster, kind, key.casefold())).encode()
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)


class NoSharedLocks:
    def hold(self, cluster: str, kind: str, key: str) -> AbstractContextManager[None]:
        return nullcontext()

    def close(self) -> None:
        return None


class AdvisoryLocks:
    """PostgreSQL: pg_advisory_xact_lock in a transaction of its own, waited for."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def hold(self, cluster: str, kind: str, key: str) -> Iterator[None]:
        with self._engine.begin() as connection:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": object_hash(cluster, kind, key)},
            )
            yield

    def close(self) -> None:
        return None


class FileLocks:
    """SQLite: fcntl record locks on one lock file, kept open for the life of the process
    (closing any descriptor of a file drops every record lock the process holds on it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @contextmanager
    def hold(self, cluster: str, kind: str, key: str) -> Iterator[None]:
        offset = object_hash(cluster, kind, key) % _OFFSETS
        fcntl.lockf(self._fd, fcntl.LOCK_EX, 1, offset)
        try:
            yield
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, offset)

    def close(self) -> None:
        os.close(self._fd)


def locks_for(engine: Engine) -> ObjectLocks:
    """The cross-process locks that fit the engine's database."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return AdvisoryLocks(engine)
    database = url.database
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        return FileLocks(
            Path(database).expanduser().with_name(Path(database).name + LOCK_FILE_SUFFIX)
        )
    return NoSharedLocks()
