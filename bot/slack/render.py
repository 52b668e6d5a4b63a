"""Replies and plans as Block Kit, always inside Slack's limits.

Slack rejects a message with more than 50 blocks or a section over 3000
characters, and a rejected reply is a reply the admin never sees. So long
output is split into several sections, and what still does not fit is
dropped with a visible "showing N of M" note, never silently. Every mrkdwn
text is escaped (bot/mrkdwn.py) before it is measured, so a value from CUCM
or a user is shown, never acted on, and the limits hold for what Slack gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.mrkdwn import mrkdwn
from bot.text import Code, Mark, Mention, Span, Strong, Text
from commands.engine.base import Reply, Table
from commands.engine.runner import ConfirmationRequest, Outcome

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_FIELD_CHARS = 2000
MAX_FIELDS = 10
MAX_HEADER_CHARS = 150
MAX_FALLBACK_CHARS = 3000

CONFIRM_ACTION = "cti_confirm"
CANCEL_ACTION = "cti_cancel"

Block = dict[str, Any]
Message = dict[str, Any]

MARK_EMOJI: dict[Mark, str] = {
    "ok": ":white_check_mark:",
    "info": ":information_source:",
    "warning": ":warning:",
    "error": ":x:",
    "denied": ":no_entry:",
    "skipped": ":heavy_minus_sign:",
    "in_progress": ":hourglass_flowing_sand:",
    "reverted": ":leftwards_arrow_with_hook:",
    "unknown": ":question:",
    "pending": ":hourglass:",
    "critical": ":red_circle:",
    "major": ":large_orange_circle:",
    "maintenance": ":construction:",
    "alarm": ":rotating_light:",
}


@dataclass
class _Chunk:
    block: Block
    kind: str  # "lines" | "rows" | "fields"
    items: int


def reply_message(reply: Reply, *, reserve: int = 0) -> Message:
    """`{"text", "blocks"}` for chat.postMessage / respond; `reserve` blocks kept free."""
    blocks: list[Block] = [_header(reply)]
    lines = [slack_text(line) for line in reply.lines]
    fields = [(mrkdwn(k), slack_text(v)) for k, v in reply.fields]
    chunks = _line_chunks(lines) + _field_chunks(fields)
    if reply.table is not None:
        chunks += _table_chunks(reply.table)
    tail = [context(slack_text(reply.footer))] if reply.footer else []
    budget = MAX_BLOCKS - len(blocks) - len(tail) - reserve
    blocks += _fit(chunks, budget)
    blocks += tail
    return {"text": fallback_text(reply), "blocks": blocks}


def confirmation_message(request: ConfirmationRequest) -> Message:
    """The plan with Confirm / Cancel buttons; the token travels in the button value."""
    message = reply_message(request.reply, reserve=2)
    expires = int(request.expires_at.timestamp())
    iso = request.expires_at.isoformat(timespec="seconds")
    message["blocks"] += [
        context(f"Expires <!date^{expires}^{{date_short_pretty}} at {{time}}|{iso}>"),
        {
            "type": "actions",
            "block_id": "cti_confirmation",
            "elements": [
                {
                    "type": "button",
                    "action_id": CONFIRM_ACTION,
                    "text": {"type": "plain_text", "text": "Confirm"},
                    "style": "primary",
                    "value": request.token,
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Apply this plan to CUCM?"},
                        "text": {
                            "type": "mrkdwn",
                            "text": cut(
                                "ctibot re-reads CUCM first and applies only if nothing "
                                f"changed: {mrkdwn(request.reply.title)}",
                                300,
                            ),
                        },
                        "confirm": {"type": "plain_text", "text": "Apply"},
                        "deny": {"type": "plain_text", "text": "Back"},
                    },
                },
                {
                    "type": "button",
                    "action_id": CANCEL_ACTION,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": request.token,
                },
            ],
        },
    ]
    return message


def outcome_message(outcome: Outcome) -> Message:
    if isinstance(outcome, ConfirmationRequest):
        return confirmation_message(outcome)
    return reply_message(outcome)


def slack_text(text: Text) -> str:
    """One line of a reply as mrkdwn: values escaped, the mark as its emoji, mentions live."""
    if isinstance(text, str):
        return mrkdwn(text)
    spans = "".join(_span(s) for s in text.spans)
    return f"{MARK_EMOJI[text.mark]} {spans}" if text.mark else spans


def _span(span: Span) -> str:
    if isinstance(span, Code):
        return f"`{mrkdwn(span.text)}`"
    if isinstance(span, Strong):
        return f"*{mrkdwn(span.text)}*"
    if isinstance(span, Mention):
        return mrkdwn(f"<@{span.user_id}>")  # an id of another shape stays text
    return mrkdwn(span)


def fallback_text(reply: Reply) -> str:
    """Top-level `text`: notifications and screen readers see this, not the blocks."""
    out = [mrkdwn(reply.title), *(slack_text(line) for line in reply.lines)]
    out += [f"{mrkdwn(k)}: {slack_text(v)}" for k, v in reply.fields]
    if reply.table is not None:
        out.append(mrkdwn(" | ".join(reply.table.headers)))
        out += [mrkdwn(" | ".join(r)) for r in reply.table.rows]
    if reply.footer:
        out.append(slack_text(reply.footer))
    body = "\n".join(out)
    text = f"{MARK_EMOJI.get(reply.status, '')} {body}".strip()
    if len(text) > MAX_FALLBACK_CHARS:
        text = text[: MAX_FALLBACK_CHARS - 40].rstrip() + "\n… (truncated; see the message)"
    return text


def _header(reply: Reply) -> Block:
    title = f"{MARK_EMOJI.get(reply.status, '')} {reply.title}".strip()
    return {"type": "header", "text": {"type": "plain_text", "text": cut(title, 150)}}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, 3000)}]}


def _line_chunks(lines: list[str]) -> list[_Chunk]:
    """Pack whole lines into sections; a single oversized line is split in pieces."""
    pieces: list[str] = []
    for line in lines:
        pieces += [line[i : i + MAX_SECTION_CHARS] for i in range(0, len(line), MAX_SECTION_CHARS)]
        if not line:
            pieces.append(" ")
    chunks: list[_Chunk] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        if current and size + len(piece) + 1 > MAX_SECTION_CHARS:
            chunks.append(_Chunk(section("\n".join(current)), "lines", len(current)))
            current, size = [], 0
        current.append(piece)
        size += len(piece) + 1
    if current:
        chunks.append(_Chunk(section("\n".join(current)), "lines", len(current)))
    return chunks


def _field_chunks(fields: list[tuple[str, str]]) -> list[_Chunk]:
    chunks = []
    for start in range(0, len(fields), MAX_FIELDS):
        group = fields[start : start + MAX_FIELDS]
        block = {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": cut(f"*{k}*\n{v}", MAX_FIELD_CHARS)} for k, v in group
            ],
        }
        chunks.append(_Chunk(block, "fields", len(group)))
    return chunks


def _table_chunks(table: Table) -> list[_Chunk]:
    """Aligned columns in code blocks, split by rows so each block stays under 3000."""
    widths = [len(h) for h in table.headers]
    for row in table.rows:
        widths = [max(w, len(str(c))) for w, c in zip(widths, row, strict=False)]

    def fmt(cells: tuple[str, ...]) -> str:
        """Aligned on the characters people see, then escaped (an entity shows as one)."""
        text = "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()
        return cut(mrkdwn(text), MAX_SECTION_CHARS - 200)

    head = [fmt(table.headers), fmt(tuple("-" * w for w in widths))]
    chunks: list[_Chunk] = []
    current: list[str] = []
    size = sum(len(h) + 1 for h in head) + 8
    for row in table.rows:
        line = fmt(row)
        if current and size + len(line) + 1 > MAX_SECTION_CHARS:
            chunks.append(_table_chunk(head, current))
            current, size = [], sum(len(h) + 1 for h in head) + 8
        current.append(line)
        size += len(line) + 1
    if current or not chunks:
        chunks.append(_table_chunk(head, current))
    return chunks


def _table_chunk(head: list[str], rows: list[str]) -> _Chunk:
    body = "\n".join([*head, *rows])
    return _Chunk(section(f"```\n{body}\n```"), "rows", len(rows))


def _fit(chunks: list[_Chunk], budget: int) -> list[Block]:
    """Keep what fits; say how much was left out, per kind, in one last context block."""
    if len(chunks) <= budget:
        return [c.block for c in chunks]
    kept = chunks[: max(budget - 1, 0)]
    notes = []
    for kind in ("lines", "fields", "rows"):
        total = sum(c.items for c in chunks if c.kind == kind)
        shown = sum(c.items for c in kept if c.kind == kind)
        if shown < total:
            notes.append(f"showing {shown} of {total} {kind}")
    note = ", ".join(notes).capitalize() + ". Narrow the command or use `ctibot run` for all."
    return [c.block for c in kept] + [context(note)]


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
