"""Small readers for zeep results, so API modules never leak zeep objects."""

from __future__ import annotations

from typing import Any


def field(obj: Any, name: str) -> Any:
    """``obj[name]`` for zeep objects and dicts, None when absent."""
    if obj is None:
        return None
    try:
        return obj[name]
    except (KeyError, IndexError, TypeError, AttributeError):
        return getattr(obj, name, None)


def text(obj: Any, name: str) -> str:
    """A string field, "" when absent or nil (FK values are unwrapped)."""
    value = fk(field(obj, name))
    return "" if value is None else str(value)


def fk(value: Any) -> str | None:
    """The name of an XFkType value (plain text or ``{_value_1, uuid}``); None when empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = field(value, "_value_1")
    return value or None


def items(obj: Any, container: str, item: str) -> list[Any]:
    """``obj.container.item`` as a list (zeep gives None for empty containers)."""
    holder = field(obj, container) if container else obj
    values = field(holder, item)
    if values is None:
        return []
    return list(values) if isinstance(values, list) else [values]


def ret(response: Any) -> Any:
    """The ``return`` element of an AXL response (None for ``<return/>``)."""
    return field(response, "return")


def optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def uuid_of(obj: Any) -> str:
    value = field(obj, "uuid")
    return str(value) if value else ""
