"""Maintenance windows: which alerts they cover, and what the channel is told.

A window quietly suppressing alerts would leave the on-call engineer unsure
whether the channel is calm or muted, so its start and its end each get one
top-level message (docs/slack-interfaces.md#alert-conventions), the end one naming
what is still failing now that notifications resume.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.config import MaintenanceWindow
from bot.health.store import AlertRecord
from bot.text import Line, note

STARTED = "started"
ENDED = "ended"
LISTED_ALERTS = 10  # the rest are counted: their own messages follow anyway


def window_key(window: MaintenanceWindow) -> str:
    """Identity of a window across restarts and config reloads.

    The end and the reason are left out so that extending or rewording a
    window in progress does not announce its start a second time; the start is
    taken in UTC so rewriting its offset does not either.
    """
    scope = (window.cluster, window.node, window.check)
    start = window.start.astimezone(UTC).isoformat()
    return "|".join([*(part.casefold() if part else "*" for part in scope), start])


def covers(window: MaintenanceWindow, alert: AlertRecord) -> bool:
    """The window's scope matches the alert, whatever the time."""
    wanted = (
        (window.cluster, alert.cluster),
        (window.node, alert.node or ""),
        (window.check, alert.check),
    )
    return all(rule is None or rule.casefold() == value.casefold() for rule, value in wanted)


def window_matches(window: MaintenanceWindow, alert: AlertRecord, now: datetime) -> bool:
    return window.start <= now < window.end and covers(window, alert)


def scope_text(window: MaintenanceWindow) -> str:
    """Names what is quiet the way alerts name it, e.g. services checks on cucm-sub1 (lab)."""
    if window.node:
        where = f"{window.node} ({window.cluster})" if window.cluster else window.node
    else:
        where = window.cluster or "every cluster"
    return f"{window.check} checks on {where}" if window.check else where


def _until(end: datetime, now: datetime) -> str:
    """The date only when it is not today: a window may be written with any UTC offset."""
    end = end.astimezone(UTC)
    same_day = end.date() == now.astimezone(UTC).date()
    return end.strftime("%H:%M UTC" if same_day else "%Y-%m-%d %H:%M UTC")


def _reason(window: MaintenanceWindow) -> str:
    return f": {window.reason}" if window.reason else ""


def started_line(window: MaintenanceWindow, now: datetime) -> Line:
    return note(
        "maintenance",
        f"Maintenance started on {scope_text(window)} until "
        f"{_until(window.end, now)}{_reason(window)}; alerts suppressed",
    )


def ended_line(window: MaintenanceWindow, firing: Sequence[AlertRecord]) -> Line:
    return note("ok", _ended_words(window, firing))


def _ended_words(window: MaintenanceWindow, firing: Sequence[AlertRecord]) -> str:
    head = f"Maintenance ended on {scope_text(window)}{_reason(window)}"
    if not firing:
        return f"{head}; no alerts firing"
    listed = ", ".join(f"[{a.severity.upper()}] {a.summary}" for a in firing[:LISTED_ALERTS])
    more = len(firing) - LISTED_ALERTS
    if more > 0:
        listed += f" and {more} more"
    noun = "alert" if len(firing) == 1 else "alerts"
    return f"{head}; {len(firing)} {noun} still firing: {listed}"
