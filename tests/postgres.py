"""A PostgreSQL server for the tests: the one in CTIBOT_TEST_POSTGRES_URL, else a throwaway
one started from this machine's PostgreSQL binaries and removed afterwards.

The throwaway server trades durability for speed (no fsync) since its data dies with the
session. ``initdb`` and ``pg_ctl`` refuse to run as root, so under root they run as the
``postgres`` account (Debian's server package creates it).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

URL_ENV = "CTIBOT_TEST_POSTGRES_URL"
REQUIRE_ENV = "CTIBOT_REQUIRE_POSTGRES"  # set by .ci/run: a skipped PostgreSQL test fails
DRIVER = "postgresql+psycopg"
SUPERUSER = "ctibot"
UNPRIVILEGED = "postgres"


class PostgresUnavailable(Exception):
    """No server given and none can be started here; the message says what is missing."""


class PostgresServer:
    """A server the tests may create and drop databases on; ``url`` names its
    maintenance database, kept one connection open to for those statements."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)

    def close(self) -> None:
        self._admin.dispose()

    def database_url(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def execute(self, statement: str) -> None:
        """Outside a transaction, as CREATE DATABASE and DROP DATABASE need."""
        with self._admin.connect() as connection:
            connection.execute(text(statement))

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def empty(self, name: str) -> None:
        """Every table but Alembic's emptied and its ids restarted: a clean database in a
        tenth of the time CREATE DATABASE takes. Sessions an earlier test left open are
        ended first, so none of them holds a lock the TRUNCATE would wait on."""
        self.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        engine = create_engine(self.database_url(name), poolclass=NullPool)
        try:
            with engine.begin() as connection:
                tables = connection.scalars(
                    text(
                        "SELECT quote_ident(tablename) FROM pg_tables "
                        "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                ).all()
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        finally:
            engine.dispose()


def with_driver(url: str) -> str:
    """``postgresql://`` as libpq tools write it, made to use psycopg 3."""
    return make_url(url).set(drivername=DRIVER).render_as_string(hide_password=False)


def bindir() -> Path | None:
    """Where initdb and pg_ctl are: ``pg_config --bindir``, else Debian's versioned folders."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found:
            candidates.append(Path(found))
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    candidates += [Path(p) for p in reversed(debian)]
    return next(
        (c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def throwaway_server() -> Iterator[str]:
    """Starts a server on a free loopback port; the URL of its maintenance database."""
    binaries = bindir()
    if binaries is None:
        raise PostgresUnavailable(
            f"no PostgreSQL server binaries (initdb, pg_ctl) and no {URL_ENV}; "
            "install Debian's `postgresql` package or point the variable at a server"
        )
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="ctibot-pg-"))
    try:
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(UNPRIVILEGED)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root and there is no {UNPRIVILEGED!r} user to run initdb as"
                ) from None
            os.chown(root, account.pw_uid, account.pw_gid)
            as_user = ["runuser", "-u", UNPRIVILEGED, "--"]
        data = root / "data"
        _run([*as_user, str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER,
              "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"])  # fmt: skip
        port = free_port()
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -k {root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
              "-w", "-t", "60", "-o", options, "start"])  # fmt: skip
        try:
            yield f"{DRIVER}://{SUPERUSER}@127.0.0.1:{port}/postgres"
        finally:
            _run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                  "-w", "stop"])  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """The server to test on; raises PostgresUnavailable with the reason when there is none."""
    try:
        import psycopg  # noqa: F401  (the driver comes with the `postgres` extra)
    except ImportError:
        raise PostgresUnavailable("psycopg is not installed (the `postgres` extra)") from None
    given = os.environ.get(URL_ENV)
    with nullcontext(with_driver(given)) if given else throwaway_server() as url:
        server = PostgresServer(url)
        try:
            yield server
        finally:
            server.close()


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
