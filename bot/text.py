"""Reply text as structure, so each front end draws it in its own medium.

A workflow says what a line means: its mark (how it ended: ok, warning,
error...), the CUCM objects it names, who it mentions (a user id), and which
words are code or emphasised. Slack turns that into mrkdwn with emoji and
`<@U…>` mentions (bot/slack/render.py); the terminal into symbols and colour
(bot/cli/run.py). Written as Slack markup instead, the terminal had to guess
which word between colons was an emoji code, and turned a CUCM value like
`00:AB:CD` into one.

A plain `str` is a line too: its characters are shown as they are, so a
backtick in it is a backtick (Markdown's code quote, which Slack and a
reader in a terminal both understand).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a line ended; each front end has one symbol per mark.
Mark = Literal[
    "ok",
    "info",
    "warning",
    "error",
    "denied",
    "skipped",  # never sent
    "in_progress",  # sent and accepted, CUCM still working
    "reverted",  # compensated or undone
    "unknown",  # outcome not known
    "pending",  # recorded, not yet sent
    "critical",
    "major",
    "maintenance",  # a maintenance window started: alerts quiet on purpose
    "alarm",  # ctibot itself cannot do its job (health results not recorded)
]


@dataclass(frozen=True)
class Code:
    """A value or a command to type, shown as code."""

    text: str


@dataclass(frozen=True)
class Strong:
    """Words the reader should not miss."""

    text: str


@dataclass(frozen=True)
class Mention:
    """A Slack user, by id: Slack shows their name, a terminal the id."""

    user_id: str


Span = str | Code | Strong | Mention


@dataclass(frozen=True)
class Line:
    """One line of a reply: spans in order, how it ended, and the objects it is about."""

    spans: tuple[Span, ...]
    mark: Mark | None = None
    objects: tuple[str, ...] = ()

    def __str__(self) -> str:
        return plain(self)


Text = str | Line


def line(*spans: Span, mark: Mark | None = None, objects: tuple[str, ...] = ()) -> Line:
    """`line("Run ", Code("/cti log"), " to see it.")`: empty strings are dropped."""
    return Line(tuple(s for s in spans if s != ""), mark, objects)


def note(mark: Mark, *spans: Span, objects: tuple[str, ...] = ()) -> Line:
    """A line that says how something ended: `note("ok", step.summary)`."""
    return line(*spans, mark=mark, objects=objects)


def plain(text: Text) -> str:
    """Markup-free words, for logs and tests: code keeps its backticks, a mention is `@U…`."""
    if isinstance(text, str):
        return text
    return "".join(_plain_span(s) for s in text.spans)


def _plain_span(span: Span) -> str:
    if isinstance(span, Code):
        return f"`{span.text}`"
    if isinstance(span, Strong):
        return span.text
    if isinstance(span, Mention):
        return f"@{span.user_id}"
    return span
