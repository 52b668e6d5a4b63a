"""Why an object no longer holds what a change set left, in the admin's terms.

Undo and compensation share one rule: a write of ours is reverted only while
CUCM still holds exactly what it made; otherwise someone else's work would be
clobbered, so the object is left alone and this reason is reported instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.changelog.labels import field_label, field_order, kind_label, object_label
from commands.engine.diff import flatten, path_label, show_value

State = Mapping[str, Any]  # only read here: plan steps hold their states as Mappings


def stale_reason(
    name: str,
    set_id: int,
    current: State | None,
    before: State | None,
    after: State | None,
    *,
    delta: bool = False,
    object_type: str = "",
) -> str:
    """Why `current` no longer holds what the set left, in the admin's terms."""
    what = f"{kind_label(object_type)} {object_label(object_type, name)}" if object_type else name
    head = f"{what} changed since change set #{set_id}"
    if current is None:
        return f"{head}: it no longer exists (the change set left it in place)"
    if after is None:
        return f"{head}: it exists again (the change set removed it)"
    if before is not None and delta:
        return f"{head}: {_delta_reason(current, before, after)}"
    now, left = flatten(current), flatten(after)
    for field in sorted(set(now) | set(left), key=field_order):
        if now.get(field) != left.get(field):
            shown_now, shown_left = show_value(now.get(field)), show_value(left.get(field))
            return (
                f"{head}: {path_label(field)} is now {shown_now}, the change set left {shown_left}"
            )
    return head


def _fold(value: Any) -> str:
    return str(value).casefold()


def _delta_reason(current: State, before: State, after: State) -> str:
    reasons = []
    for field, value in after.items():
        if not isinstance(value, list):
            continue
        held = {_fold(v) for v in current.get(field, [])}
        old = {_fold(v) for v in before.get(field, [])}
        new = {_fold(v) for v in value}
        gone = [v for v in value if _fold(v) not in old and _fold(v) not in held]
        back = [v for v in before.get(field, []) if _fold(v) not in new and _fold(v) in held]
        label = field_label(field)
        if gone:
            reasons.append(f"{label} no longer holds {', '.join(map(str, gone))}, which it added")
        if back:
            reasons.append(f"{label} holds {', '.join(map(str, back))} again, which it removed")
    return "; ".join(reasons) or "its state differs"
