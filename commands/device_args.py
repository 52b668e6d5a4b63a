"""Syntax rules for the arguments of the device and line commands.

Checked before anything is read from CUCM, so a typo costs no round trip
and the user learns the rule, not just that something failed.
"""

from __future__ import annotations

import re

from commands.base import UsageError

DEVICE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,15}$")
DN_PATTERN = re.compile(r"^\+?[0-9X*#]{1,24}$")
REFERENCE_NAME = re.compile(r"^[A-Za-z0-9 ._-]{1,50}$")
# CUCM's ceilings for a line's maximum number of calls: a CTI route point line, and
# a phone's line (a CTI port is a phone).
ROUTE_POINT_MAX_CALLS = 10_000
PORT_MAX_CALLS = 200
CLEAR_WORDS = ("", "none", "-")


def device_name(value: str, what: str = "device name") -> str:
    if not DEVICE_NAME.match(value or ""):
        raise UsageError(
            f"`{value}` is not a valid {what}: 1 to 15 characters of letters, digits, "
            "dot, dash or underscore."
        )
    return value


def dn(value: str, what: str = "DN") -> str:
    """A directory-number pattern: digits with an optional leading +, wildcards X * #."""
    if not DN_PATTERN.match(value or ""):
        raise UsageError(
            f"`{value}` is not a valid {what}: 1 to 24 digits (or X, *, #), "
            "optionally starting with +."
        )
    return value


def forward_target(value: str | None, option: str) -> str | None:
    """A call-forward destination; `none` (or empty) clears it. Returns "" for clear."""
    if value is None:
        return None
    if value.strip().lower() in CLEAR_WORDS:
        return ""
    return dn(value.strip(), f"`{option}` destination")


def reference(value: str | None, option: str) -> str | None:
    """A partition, CSS, device pool or location name; `none` clears an optional one."""
    if value is None:
        return None
    if value.strip().lower() in CLEAR_WORDS:
        return ""
    if not REFERENCE_NAME.match(value.strip()):
        raise UsageError(
            f"`{value}` is not a valid {option}: up to 50 letters, digits, spaces, dot, dash "
            "or underscore."
        )
    return value.strip()


def count(value: str | None, option: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise UsageError(f"`{option}` must be a whole number, not `{value}`.") from exc
    if not low <= number <= high:
        raise UsageError(f"`{option}` must be between {low} and {high}, not {number}.")
    return number


def call_limits(
    max_calls: str | None, busy_trigger: str | None, high: int
) -> tuple[int | None, int | None]:
    """max-calls and busy-trigger within 1..high; busy trigger at most max calls when both given."""
    calls = count(max_calls, "max-calls", 1, high)
    busy = count(busy_trigger, "busy-trigger", 1, high)
    if calls is not None and busy is not None:
        check_busy_trigger(calls, busy)
    return calls, busy


def check_busy_trigger(max_calls: int, busy_trigger: int, where: str = "") -> None:
    """Refuse a busy trigger above max calls, naming both (and the line, when given)."""
    if busy_trigger > max_calls:
        on = f" on {where}" if where else ""
        raise UsageError(
            f"`busy-trigger` ({busy_trigger}) cannot exceed `max-calls` ({max_calls}){on}: "
            "CUCM sends busy once that many calls are active."
        )


def description(value: str | None, option: str = "description", limit: int = 128) -> str | None:
    if value is None:
        return None
    if len(value) > limit:
        raise UsageError(f"`{option}` is {len(value)} characters; at most {limit} are allowed.")
    if any(c in value for c in '"<>&'):
        raise UsageError(f'`{option}` may not contain " < > or &.')
    return value


USERID = re.compile(r"^[A-Za-z0-9._@-]{1,128}$")


def userid(value: str | None, option: str = "app-user") -> str | None:
    if value is None:
        return None
    if not USERID.match(value):
        raise UsageError(
            f"`{value}` is not a valid {option}: up to 128 letters, digits, dot, dash, "
            "underscore or @."
        )
    return value
