"""Why an object no longer holds what a change set left, in the admin's terms.

Undo and compensation share one rule: a write of ours is reverted only while
CUCM still holds exactly what it made; otherwise someone else's work would be
clobbered, so the object is left alone and this reason is reported instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

State = dict[str, Any]


def _flatten(state: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in state.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def stale_reason(
    name: str,
    set_id: int,
    current: State | None,
    before: State | None,
    after: State | None,
    *,
    delta: bool = False,
) -> str:
    """Why `current` no longer holds what the set left, in the admin's terms."""
    head = f"{name} changed since change set #{set_id}"
    if current is None:
        return f"{head}: it no longer exists (the change set left it in place)"
    if after is None:
        return f"{head}: it exists again (the change set removed it)"
    if before is not None and delta:
        return f"{head}: {_delta_reason(current, before, after)}"
    now, left = _flatten(current), _flatten(after)
    for field in sorted(set(now) | set(left)):
        if now.get(field) != left.get(field):
            shown_now, shown_left = _show(now.get(field)), _show(left.get(field))
            return f"{head}: {field} is now {shown_now}, the change set left {shown_left}"
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
        if gone:
            reasons.append(f"{field} no longer holds {', '.join(map(str, gone))}, which it added")
        if back:
            reasons.append(f"{field} holds {', '.join(map(str, back))} again, which it removed")
    return "; ".join(reasons) or "its state differs"
