"""A provisioned device's line appearances against the after-state the bot recorded.

The change log keeps a device's lines as ``[{index, pattern, partition,
max_calls, busy_trigger, label, display, settings}]``; the fields compared
here are the ones the bot manages (``settings`` is what it carries back
unchanged, not what it set). Max calls and busy trigger decide
how many calls an application can hold on a route point, so an edit in the admin
pages matters as much as a changed CSS. The shape is read here as plain JSON,
not through ``commands``, which bot/health must not depend on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from bot.cucm.models import LineAppearance

LINE_FIELDS = ("pattern", "partition", "max_calls", "busy_trigger", "label", "display")


def _shown(line: Mapping[str, Any] | None) -> str | None:
    if line is None:
        return None
    return f"{line['pattern']} in {line['partition']}" if line.get("partition") else line["pattern"]


def line_changes(
    recorded: Iterable[Mapping[str, Any]], current: Iterable[LineAppearance]
) -> dict[str, dict[str, Any]]:
    """``{"line 1 max calls": {"expected": 4, "actual": 2}, "line 2": {...}}``; empty when equal.

    A line only on one side is reported whole; for a line on both, each field the
    record has is compared, empty and missing counting as the same.
    """
    expected = {int(line["index"]): line for line in recorded}
    actual = {line.index: asdict(line) for line in current}
    changes: dict[str, dict[str, Any]] = {}
    for index in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(index), actual.get(index)
        if want is None or have is None:
            changes[f"line {index}"] = {"expected": _shown(want), "actual": _shown(have)}
            continue
        for name in LINE_FIELDS:
            if name in want and (want[name] or None) != (have[name] or None):
                label = f"line {index} {name.replace('_', ' ')}"
                changes[label] = {"expected": want[name], "actual": have[name]}
    return changes
