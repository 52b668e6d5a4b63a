"""A write the database refused (full disk, read-only file, lock timeout), as one error type.

Callers above the change log must tell "could not record" apart from a bug:
before a CUCM write it means refuse with nothing sent, after one it means say
what was applied although the log could not keep it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError


class RecordFailed(Exception):
    """The database could not record something; the message names what and why."""


@contextmanager
def recording(what: str) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise RecordFailed(f"could not {what}: {reason(exc)}") from exc


def reason(exc: SQLAlchemyError) -> str:
    """The driver's one-line cause ("database or disk is full"), without the SQL and its
    parameters, which are noise in a Slack message and may hold data."""
    original = getattr(exc, "orig", None)
    return str(original if original is not None else exc).splitlines()[0]
