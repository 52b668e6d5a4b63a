"""Before -> after of one object as lines an administrator reads.

States are nested JSON (forward blocks, a device's line appearances, a user's
device list); printed raw they read as Python (`lines: {'index': 1, ...}`).
Here each field is named in CUCM's words, a line appearance is one line
(`Line 1: 7100 in PT_CTI, Maximum Number of Calls 5000`), a name list says
what is added and removed, and empty fields of a new or removed object are
left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.changelog.labels import field_label, field_order, object_label

# Fields that name the object: the step's own line already says them.
IDENTITY_FIELDS = frozenset({"name", "userid", "pattern", "partition", "node", "service"})
ITEM_LABELS = {"lines": "Line"}
APPEARANCE_IDENTITY = ("index", "pattern", "partition")
# A record's field that only groups others (a line's carried AXL settings): named by its members.
TRANSPARENT_FIELDS = frozenset({"settings"})


def describe_diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """`Field: old -> new` lines; a new object lists its non-empty fields, a removed one
    says in one line what it was."""
    if before is None and after is None:
        return []
    old, new = flatten(before or {}), flatten(after or {})
    if before is None or after is None:
        return _whole(new if before is None else old, removed=after is None)
    lines: list[str] = []
    for path in sorted(set(old) | set(new), key=field_order):
        a, b = old.get(path), new.get(path)
        if a != b:
            lines += _changed(path, a, b)
    return lines


def _whole(flat: dict[str, Any], *, removed: bool) -> list[str]:
    """A new object field by field; a removed one in a single `Was:` line (it is going)."""
    shown = [
        f"{path_label(path)}: {show_value(flat[path])}"
        for path in sorted(flat, key=field_order)
        if path not in IDENTITY_FIELDS and not _empty(flat[path])
    ]
    if removed:
        return [f"Was: {'; '.join(shown)}"] if shown else []
    return shown


def _changed(path: str, a: Any, b: Any) -> list[str]:
    return _changed_as(path_label(path), a, b)


def _changed_as(label: str, a: Any, b: Any) -> list[str]:
    """One field's change; a record (a line appearance, its carried settings) field by field."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        lines: list[str] = []
        for name in sorted(set(a) | set(b), key=field_order):
            if a.get(name) != b.get(name):
                inner = label if name in TRANSPARENT_FIELDS else f"{label} {field_label(name)}"
                lines += _changed_as(inner, a.get(name), b.get(name))
        return lines
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        if b is None:
            return [f"{label}: {show_value(a)} (removed)"]
        return [f"{label}: {show_value(b)}" + ("" if a is None else f" (was {show_value(a)})")]
    if _names(a) and _names(b) and (a or b):
        return [f"{label}: {_list_delta(a or [], b or [])}"]
    return [f"{label}: {show_value(a)} -> {show_value(b)}"]


def flatten(state: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted paths to values; a list of records (line appearances) becomes one entry each."""
    flat: dict[str, Any] = {}
    for name, value in state.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{path}."))
        elif (
            isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value)
        ):
            for position, item in enumerate(value, start=1):
                flat[f"{path}[{item.get('index', position)}]"] = dict(item)
        else:
            flat[path] = value
    return flat


def path_label(path: str) -> str:
    """`lines[1]` -> `Line 1`; other paths through the field table."""
    if path.endswith("]") and "[" in path:
        head, _, ident = path[:-1].rpartition("[")
        return f"{ITEM_LABELS.get(head) or field_label(head)} {ident}"
    return field_label(path)


def _names(value: Any) -> bool:
    return value is None or (
        isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    )


def _list_delta(old: list[str] | tuple[str, ...], new: list[str] | tuple[str, ...]) -> str:
    """What a replace-whole list gains and loses, compared as CUCM compares names."""
    had, has = {v.casefold() for v in old}, {v.casefold() for v in new}
    added = [v for v in new if v.casefold() not in had]
    removed = [v for v in old if v.casefold() not in has]
    parts = []
    if added:
        parts.append(f"add {', '.join(added)}")
    if removed:
        parts.append(f"remove {', '.join(removed)}")
    return "; ".join(parts) or f"{show_value(old)} -> {show_value(new)}"


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def show_value(value: Any) -> str:
    """One value in words: never a Python repr."""
    if _empty(value):
        return "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Mapping):
        return _record(value)
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value)
    return str(value)


def _record(item: Mapping[str, Any]) -> str:
    """A line appearance (or any record) on one line: `7100 in PT_CTI, Busy Trigger 1`."""
    parts = []
    if "pattern" in item:
        key = f"{item['pattern']}/{item['partition']}" if item.get("partition") else item["pattern"]
        parts.append(object_label("line", str(key)))
    for name, value in sorted(item.items(), key=lambda kv: field_order(kv[0])):
        if name in APPEARANCE_IDENTITY or _empty(value):
            continue
        if name in TRANSPARENT_FIELDS and isinstance(value, Mapping):
            parts.append(_record(value))
        else:
            parts.append(f"{field_label(name)} {show_value(value)}")
    return ", ".join(parts)
