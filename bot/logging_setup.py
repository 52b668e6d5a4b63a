"""Process-wide logging: plain text or JSON lines, a request id on every record, no secrets.

Secrets reach logs through exception messages and third-party debug output we do
not control, so redaction happens on the handler, after the message is built,
rather than trusting every call site to be careful.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words all over the log

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "ctibot_request_id", default=None
)

_TOKEN_PATTERN = re.compile(r"\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]+")
_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def register_secret(value: str | None) -> None:
    """Mask this exact value wherever it appears in a log message from now on."""
    if value and len(value) >= MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Replace registered secrets and Slack token shapes with ``***``."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, MASK)
    return _TOKEN_PATTERN.sub(MASK, text)


@contextmanager
def request_context(request_id: str | None) -> Iterator[None]:
    """Tag every record logged inside the block (in this thread or task) with the request id."""
    token = request_id_var.set(request_id)
    try:
        yield
    finally:
        request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class RedactionFilter(logging.Filter):
    """Freezes the formatted message and traceback, redacted, so no handler sees the raw text."""

    _traceback_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._traceback_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; ``extra=`` fields are kept so log search can filter on them."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = record.stack_info
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRS and name not in entry:
                entry[name] = value
        return json.dumps(entry, default=str)


class _CtibotHandler(logging.StreamHandler):
    """Marks our handler so configuring twice (tests, CLI re-entry) replaces it, not stacks it."""


def configure_logging(
    level: str = "INFO", json: bool = False, stream: IO[str] | None = None
) -> None:
    """Install one stderr (or ``stream``) handler on the root logger."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _CtibotHandler)]:
        root.removeHandler(handler)
        handler.close()
    handler = _CtibotHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactionFilter())
    handler.setFormatter(JsonFormatter() if json else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
