"""Every mark a line may carry is drawn by every front end (a missing one is a KeyError)."""

from __future__ import annotations

from typing import get_args

from bot.cli.run import TERMINAL_MARKS
from bot.slack.render import MARK_EMOJI
from bot.text import Mark


def test_slack_and_the_terminal_draw_every_mark() -> None:
    marks = set(get_args(Mark))
    assert marks - set(MARK_EMOJI) == set()
    assert marks - set(TERMINAL_MARKS) == set()
