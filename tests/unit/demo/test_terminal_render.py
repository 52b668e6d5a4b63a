"""Slack payloads drawn for a terminal: structure, emphasis, colour, numbering."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType

from bot.demo.fake_slack import Call
from bot.demo.messages import Message, buttons, from_call
from bot.demo.terminal_render import lines_of, mrkdwn, plain_text, render

CONFIRM_BLOCKS: list[dict[str, Any]] = [
    {"type": "header", "text": {"type": "plain_text", "text": "Plan: restart CTIManager"}},
    {"type": "section", "text": {"type": "mrkdwn", "text": "Restart on *cucm-sub1*"}},
    {
        "type": "section",
        "fields": [
            {"type": "mrkdwn", "text": "*Node*\ncucm-sub1"},
            {"type": "mrkdwn", "text": "*Service*\nCisco CTIManager"},
        ],
    },
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "plan digest abc"}]},
    {
        "type": "actions",
        "block_id": "cti_confirmation",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Confirm"},
                "action_id": "cti_confirm",
                "value": "tok1",
                "style": "primary",
            },
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Cancel"},
                "action_id": "cti_cancel",
                "value": "tok1",
            },
        ],
    },
]


def shown(renderable: RenderableType) -> str:
    console = Console(record=True, width=100, force_terminal=True)
    console.print(renderable)
    return console.export_text()


def test_blocks_keep_their_structure_and_buttons_are_numbered() -> None:
    message = Message(kind="post", text="fallback", blocks=CONFIRM_BLOCKS, channel="C1", ts="1.1")
    text = shown(render(message))
    assert "message in C1" in text
    assert "Plan: restart CTIManager" in text
    assert "Restart on cucm-sub1" in text and "*" not in text
    assert "Node  cucm-sub1" in text and "Service  Cisco CTIManager" in text
    assert "plan digest abc" in text
    assert "[1] Confirm  [2] Cancel" in text
    assert "fallback" not in text  # the text is the notification fallback when blocks exist


def test_mrkdwn_styles_links_and_mentions() -> None:
    text = mrkdwn("*bold* _it_ `code` <@U1> <#C1|ops> <https://x.example|site> a &lt;b&gt;")
    assert text.plain == "bold it code @U1 #ops site a <b>"
    styles = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styles["bold"] == "bold" and styles["it"] == "italic" and styles["code"] == "cyan"


def test_snake_case_is_not_italic_and_known_emoji_are_drawn() -> None:
    text = mrkdwn(":warning: app ctiapp_ivr_main")
    assert text.plain == "⚠ app ctiapp_ivr_main"
    assert not text.spans


def test_attachment_colour_becomes_a_coloured_bar() -> None:
    message = Message(
        kind="post",
        text="[CRITICAL] CTIManager down on cucm-sub1 (lab)",
        attachments=[{"color": "danger", "text": "CTIManager stopped"}],
        channel="#cti-alerts",
        ts="2.1",
    )
    lines = [t for t in lines_of(message) if "CTIManager stopped" in t.plain]
    assert lines and lines[0].plain.startswith("▌ ")
    assert any(str(span.style) == "red" for span in lines[0].spans)
    hex_colour = Message(kind="post", attachments=[{"color": "#E01E5A", "text": "x"}])
    assert any(str(s.style) == "#E01E5A" for t in lines_of(hex_colour) for s in t.spans)


def test_edits_and_thread_replies_say_what_they_are() -> None:
    edited = shown(render(Message(kind="update", text="[RESOLVED] x", channel="#a", ts="1.1")))
    assert edited.startswith("(edited) message in #a")
    thread = shown(render(Message(kind="thread", text="resolved", channel="#a", thread_ts="1.1")))
    assert thread.splitlines()[1].startswith("    resolved")


def test_recorded_calls_become_messages() -> None:
    post = Call(
        "chat.postMessage", "/api/chat.postMessage", {"channel": "C1", "text": "t"}, {}, 200
    )
    message = from_call(post, {"ok": True, "ts": "123.000001"})
    assert message is not None and message.kind == "post" and message.ts == "123.000001"
    reply = Call(
        "response_url", "/response/cmd7", {"text": "r", "replace_original": "true"}, {}, 200
    )
    replaced = from_call(reply)
    assert replaced is not None and replaced.kind == "update" and replaced.key == "cmd7"
    thread = Call("chat.postMessage", "/api/x", {"channel": "C1", "thread_ts": "1.1"}, {}, 200)
    assert from_call(thread, {"ts": "1.2"}).kind == "thread"
    assert from_call(Call("auth.test", "/api/auth.test", {}, {}, 200)) is None
    assert from_call(Call("chat.postMessage", "/api/x", {}, {}, 429)) is None


def test_buttons_carry_what_a_click_needs_and_plain_text_has_the_labels() -> None:
    message = Message(kind="post", blocks=CONFIRM_BLOCKS, channel="C1", ts="9.9")
    found = buttons(message, default_channel="CDEFAULT")
    assert [(b.label, b.action_id, b.value, b.block_id) for b in found] == [
        ("Confirm", "cti_confirm", "tok1", "cti_confirmation"),
        ("Cancel", "cti_cancel", "tok1", "cti_confirmation"),
    ]
    assert found[0].channel == "C1" and found[0].message_ts == "9.9"
    assert "[1] Confirm" in plain_text(message)


def _shortcodes_the_bot_writes() -> set[str]:
    """Every `:shortcode:` in a string literal of the bot's code (SQLite's `:memory:` aside)."""
    root = Path(__file__).resolve().parents[3]
    found: set[str] = set()
    for source in [*root.glob("bot/**/*.py"), *root.glob("commands/**/*.py")]:
        found |= set(re.findall(r"(?<!\w):[a-z][a-z0-9_]+:", source.read_text()))
    return found - {":memory:", ":shortcode:", ":shortcodes:"}  # SQLite, and prose


def test_every_emoji_the_bot_writes_is_drawn_never_its_shortcode() -> None:
    codes = _shortcodes_the_bot_writes()
    assert {":no_entry:", ":leftwards_arrow_with_hook:", ":warning:"} <= codes
    for code in sorted(codes):
        drawn = mrkdwn(f"{code} text").plain
        assert code not in drawn and drawn.endswith(" text"), (code, drawn)
