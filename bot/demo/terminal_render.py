"""Slack messages drawn in a terminal, close enough to judge what Slack would show.

Block Kit keeps its structure (bold header, sections, fields, dim context,
numbered buttons), mrkdwn keeps its emphasis, and an attachment's colour
becomes a coloured bar, because severity colour is how alerts speak.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Group, RenderableType
from rich.emoji import Emoji
from rich.padding import Padding
from rich.text import Text

from bot.demo.messages import Message, button_elements, label_of

SLACK_COLOURS = {"good": "green", "warning": "yellow", "danger": "red"}
RULE_WIDTH = 40
FIELD_WIDTH = 36

_TOKENS = re.compile(
    r"```.*?```|`[^`\n]+`|(?<!\w)\*[^*\n]+\*(?!\w)|(?<!\w)_[^_\n]+_(?!\w)|~[^~\n]+~|<[^>\n]+>",
    re.DOTALL,
)
_STYLES = {"`": "cyan", "*": "bold", "_": "italic", "~": "strike"}
_EMOJI = {
    "warning": "⚠",
    "white_check_mark": "✔",
    "x": "✘",
    "rotating_light": "🚨",
    "red_circle": "●",
    "large_green_circle": "●",
    "large_yellow_circle": "●",
    "large_orange_circle": "●",
    "large_blue_circle": "●",
    "information_source": "\N{INFORMATION SOURCE}",
    "mute": "🔇",
    "eyes": "👀",
}


def mrkdwn(source: str, style: str = "") -> Text:
    """Slack mrkdwn to styled text: *bold*, _italic_, ~strike~, `code`, links, mentions."""
    text = Text(style=style)
    source = _emoji(source)
    position = 0
    for match in _TOKENS.finditer(source):
        text.append(_unescape(source[position : match.start()]))
        token = match.group(0)
        if token.startswith("```"):
            text.append(_unescape(token[3:-3].strip("\n")), style="cyan")
        elif token.startswith("<"):
            text.append(_link(token[1:-1]), style="blue")
        else:
            text.append(_unescape(token[1:-1]), style=_STYLES[token[0]])
        position = match.end()
    text.append(_unescape(source[position:]))
    return text


def render(message: Message) -> RenderableType:
    """One message: a heading line saying where it went, then its content."""
    body = lines_of(message)
    heading = _heading(message)
    if message.kind == "thread":
        return Padding(Group(heading, *body), (0, 0, 0, 4))
    return Group(heading, *body)


def plain_text(message: Message) -> str:
    """Everything a reader could see, as plain text (what `!expect` searches)."""
    parts = [message.text]
    for renderable in lines_of(message):
        if isinstance(renderable, Text):
            parts.append(renderable.plain)
    return "\n".join(parts)


def _heading(message: Message) -> Text:
    where = message.channel or "you"
    labels = {
        "reply": f"↩ reply ({message.visibility or 'ephemeral'})",
        "post": f"✉ message in {where}",
        "thread": f"↳ thread reply in {where}",
        "update": f"(edited) message in {where}" if message.channel else "(edited) reply",
        "modal": "▢ modal opened",
        "home": f"⌂ Home tab published for {message.user}",
    }
    return Text(labels[message.kind], style="dim")


def lines_of(message: Message) -> list[Text]:
    """The content lines of a message, without the heading."""
    lines: list[Text] = []
    if message.blocks:
        lines.extend(_blocks(message.blocks))
    elif message.text and message.kind != "modal":
        lines.append(mrkdwn(message.text))
    if message.kind == "modal" and message.text:
        lines.insert(0, Text(message.text, style="bold"))
    for attachment in message.attachments:
        lines.extend(_attachment(attachment))
    labels = [label_of(element) for _, element in button_elements(message)]
    if labels:
        lines.append(_buttons(labels))
    return lines


def _blocks(blocks: list[dict[str, Any]]) -> list[Text]:
    lines: list[Text] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(Text(_emoji(_text_of(block.get("text"))), style="bold underline"))
        elif kind == "section":
            lines.extend(_section(block))
        elif kind == "context":
            parts = [_text_of(e) for e in block.get("elements", []) if _text_of(e)]
            lines.append(mrkdwn("  ".join(parts), style="dim"))
        elif kind == "divider":
            lines.append(Text("─" * RULE_WIDTH, style="dim"))
        elif kind == "input":
            label = _text_of(block.get("label"))
            lines.append(Text.assemble((label, "bold"), ("  [ … ]", "dim")))
        elif kind == "image":
            lines.append(Text(f"[image: {block.get('alt_text', '')}]", style="dim"))
        elif kind == "rich_text":
            lines.append(Text(_rich_text(block)))
    return lines


def _section(block: dict[str, Any]) -> list[Text]:
    lines: list[Text] = []
    if block.get("text"):
        lines.append(_format(block["text"]))
    fields = [_field(f) for f in block.get("fields") or []]
    for left, right in zip(fields[::2], [*fields[1::2], None], strict=False):
        if right is not None:
            left.pad_right(max(2, FIELD_WIDTH - left.cell_len))
            left.append_text(right)
        lines.append(left)
    return lines


def _field(element: Any) -> Text:
    """A field is usually `*Label*\nvalue`: one line reads better in a terminal."""
    text = _format(element)
    label, newline, _ = text.plain.partition("\n")
    if not newline:
        return text
    return Text.assemble(text[: len(label)], "  ", text[len(label) + 1 :])


def _attachment(attachment: dict[str, Any]) -> list[Text]:
    colour = str(attachment.get("color") or "")
    style = SLACK_COLOURS.get(colour, colour if colour.startswith("#") else "white")
    inner = _blocks(attachment.get("blocks") or [])
    if not inner:
        body = attachment.get("text") or attachment.get("fallback") or ""
        inner = [mrkdwn(str(body))] if body else []
    for field in attachment.get("fields") or []:
        title = str(field.get("title", ""))
        inner.append(Text.assemble((title + ": ", "bold"), mrkdwn(str(field.get("value", "")))))
    bar = Text("▌ ", style=style)
    return [Text.assemble(bar, line) for text in inner for line in text.split()]


def _buttons(labels: list[str]) -> Text:
    text = Text()
    for number, label in enumerate(labels, start=1):
        if number > 1:
            text.append("  ")
        text.append(f"[{number}] {label}", style="bold magenta")
    return text


def _format(element: Any) -> Text:
    if isinstance(element, dict) and element.get("type") == "plain_text":
        return Text(_emoji(str(element.get("text", ""))))
    return mrkdwn(_text_of(element))


def _text_of(element: Any) -> str:
    if isinstance(element, dict):
        value = element.get("text", "")
        return _text_of(value) if isinstance(value, dict) else str(value)
    return "" if element is None else str(element)


def _rich_text(block: dict[str, Any]) -> str:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                found.append(str(node.get("text", "")))
            for child in node.get("elements", []):
                walk(child)

    walk(block)
    return "".join(found)


def _link(inner: str) -> str:
    target, _, label = inner.partition("|")
    if label:
        return f"#{label}" if target.startswith("#") else label
    if target.startswith("@"):
        return target
    if target.startswith("!"):
        return "@" + target[1:].split("^")[0]
    return target


def _emoji(source: str) -> str:
    """Slack shows `:shortcode:` as its emoji: ours for the common ones (narrow symbols that
    keep columns aligned), rich's table for the rest, so no raw shortcode reaches the reader."""
    ours = re.sub(r":([a-z0-9_+-]+):", lambda m: _EMOJI.get(m.group(1), m.group(0)), source)
    return Emoji.replace(ours)


def _unescape(source: str) -> str:
    return source.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
