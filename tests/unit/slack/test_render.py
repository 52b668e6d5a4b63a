import json
from datetime import UTC, datetime

from bot.slack.render import (
    CANCEL_ACTION,
    CONFIRM_ACTION,
    MAX_BLOCKS,
    MAX_SECTION_CHARS,
    confirmation_message,
    reply_message,
)
from commands.engine.base import Reply, Table
from commands.engine.runner import ConfirmationRequest


def _sections(message: dict) -> list[dict]:
    return [b for b in message["blocks"] if b["type"] == "section" and "text" in b]


def test_every_message_has_text_header_and_footer() -> None:
    message = reply_message(Reply(title="Hi", status="ok", lines=["a"], footer="f"))
    assert message["text"].startswith(":white_check_mark: Hi")
    assert message["blocks"][0]["type"] == "header"
    assert message["blocks"][-1]["type"] == "context"


def test_long_lines_are_split_under_section_limit() -> None:
    reply = Reply(title="Long", lines=["x" * 200] * 100 + ["y" * 7000])
    message = reply_message(reply)
    sections = _sections(message)
    assert len(sections) > 1
    assert all(len(s["text"]["text"]) <= MAX_SECTION_CHARS for s in sections)
    joined = "".join(s["text"]["text"] for s in sections)
    assert joined.count("y") == 7000  # nothing lost


def test_huge_table_is_paginated_with_visible_count() -> None:
    rows = [(f"RP_{i:05d}", "x" * 60, "ok") for i in range(5000)]
    message = reply_message(Reply(title="Many", table=Table(("name", "pool", "st"), rows)))
    assert len(message["blocks"]) <= MAX_BLOCKS
    assert all(len(s["text"]["text"]) <= MAX_SECTION_CHARS for s in _sections(message))
    note = message["blocks"][-1]["elements"][0]["text"]
    assert "of 5000 rows" in note and note.startswith("Showing")
    assert len(json.dumps(message)) < 200_000


def test_fields_grouped_by_ten() -> None:
    fields = [(f"k{i}", "v") for i in range(25)]
    message = reply_message(Reply(title="F", fields=fields))
    groups = [b for b in message["blocks"] if "fields" in b]
    assert [len(g["fields"]) for g in groups] == [10, 10, 5]


def test_confirmation_has_buttons_with_token_and_confirm_dialog() -> None:
    lines = ["x" * 2900] * 80
    request = ConfirmationRequest(
        reply=Reply(title="Confirm: plan", lines=lines),
        token="tok123",
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    message = confirmation_message(request)
    assert len(message["blocks"]) <= MAX_BLOCKS
    actions = message["blocks"][-1]
    assert actions["type"] == "actions"
    confirm, cancel = actions["elements"]
    assert confirm["action_id"] == CONFIRM_ACTION and confirm["value"] == "tok123"
    assert confirm["style"] == "primary" and len(confirm["confirm"]["text"]["text"]) <= 300
    assert cancel["action_id"] == CANCEL_ACTION and cancel["value"] == "tok123"
