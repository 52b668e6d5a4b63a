from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import configure_logging, redact, register_secret, request_context


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    buffer = io.StringIO()
    yield buffer
    for handler in list(root.handlers):
        if handler not in saved_handlers:
            root.removeHandler(handler)
    root.setLevel(saved_level)


def test_json_lines_carry_request_id_and_extras(stream: io.StringIO) -> None:
    configure_logging("DEBUG", json=True, stream=stream)
    with request_context("req-42"):
        logging.getLogger("ctibot.test").info("applied %d steps", 3, extra={"cluster": "lab"})
    logging.getLogger("ctibot.test").debug("outside")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "applied 3 steps"
    assert first["request_id"] == "req-42"
    assert first["cluster"] == "lab"
    assert first["level"] == "INFO" and first["logger"] == "ctibot.test"
    assert second["request_id"] is None


def test_text_format_and_reconfiguring_replaces_the_handler(stream: io.StringIO) -> None:
    configure_logging("INFO", json=True, stream=io.StringIO())
    configure_logging("WARNING", json=False, stream=stream)
    logging.getLogger("ctibot.test").info("hidden")
    with request_context("r1"):
        logging.getLogger("ctibot.test").warning("shown")
    [line] = stream.getvalue().splitlines()
    assert line.endswith("WARNING ctibot.test [r1] shown")


def test_secrets_are_masked_in_messages_and_tracebacks(stream: io.StringIO) -> None:
    configure_logging("INFO", json=True, stream=stream)
    register_secret("axl-pass-123")
    log = logging.getLogger("ctibot.test")
    log.info("login with %s and xoxb-1111-2222-abcd", "axl-pass-123")
    try:
        raise RuntimeError("auth failed for axl-pass-123 / xapp-1-A0-xyz")
    except RuntimeError:
        log.exception("boom")
    text = stream.getvalue()
    assert "axl-pass-123" not in text
    assert "xoxb-1111" not in text and "xapp-1" not in text
    first, second = (json.loads(line) for line in text.splitlines())
    assert first["message"] == "login with *** and ***"
    assert "RuntimeError: auth failed for *** / ***" in second["exc_info"]


def test_short_values_are_not_registered() -> None:
    register_secret("ab")
    register_secret(None)
    assert redact("ab cd") == "ab cd"
