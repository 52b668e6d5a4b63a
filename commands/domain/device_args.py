"""Syntax rules for the arguments of the device and line commands.

Checked before anything is read from CUCM, so a typo costs no round trip
and the user learns the rule, not just that something failed.
"""

from __future__ import annotations

import re

from commands.engine.base import UsageError
from commands.kinds.devices import check_busy_trigger

DEVICE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,15}$")
PLAIN_DN = re.compile(r"^\+?[0-9]{1,24}$")
FORWARD_DESTINATION = re.compile(r"^\+?[0-9*#]{1,50}$")
# One element of a CUCM pattern: a digit, * or #, X (any digit), ! (one or more digits) or a
# bracketed digit range, optionally followed by ? (zero or more of it) or + (one or more).
_PATTERN_ATOM = r"(?:[0-9*#X]|!|\[\^?(?:[0-9](?:-[0-9])?)+\])[?+]?"
ROUTE_POINT_PATTERN = re.compile(rf"^\+?(?:{_PATTERN_ATOM})+$")
PATTERN_MAX = 50
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


def plain_plus(value: str) -> str:
    """The DN as shown everywhere: CUCM's escaped `\\+` typed by an admin becomes `+`."""
    value = (value or "").strip()
    return value[1:] if value.startswith("\\+") else value


def dn(value: str, what: str = "DN") -> str:
    """A CTI port's or plain line's number: digits, E.164 with a leading + (or \\+)."""
    number = plain_plus(value)
    if not PLAIN_DN.match(number):
        raise UsageError(
            f"`{value}` is not a valid {what}: 1 to 24 digits, optionally starting with + "
            "for an E.164 number (CUCM stores it as \\+)."
        )
    return number


def dn_pattern(value: str, what: str = "DN") -> str:
    """A DN that may be a route point's pattern, checked against CUCM's pattern rules."""
    pattern = plain_plus(value)
    if (
        len(pattern) > PATTERN_MAX
        or pattern.count("^") > 1
        or not ROUTE_POINT_PATTERN.match(pattern)
    ):
        raise UsageError(
            f"`{value}` is not a valid {what}: digits, * and #, or a route point pattern with "
            "CUCM's wildcards X (any digit), ! (one or more digits), [2-5] or [^0] (one digit "
            "of a range; one ^ per pattern), and ? or + after a digit or wildcard (zero or "
            "more / one or more of it); an E.164 number starts with + (or \\+). "
            f"At most {PATTERN_MAX} characters."
        )
    return pattern


def forward_target(value: str | None, option: str) -> str | None:
    """A call-forward destination; `none` (or empty) clears it. Returns "" for clear.

    A destination is a number CUCM dials, not a pattern: digits, * and #, and an
    E.164 number's + as typed (CUCM stores the plus of a destination unescaped).
    """
    if value is None:
        return None
    if value.strip().lower() in CLEAR_WORDS:
        return ""
    number = plain_plus(value)
    if not FORWARD_DESTINATION.match(number):
        raise UsageError(
            f"`{value}` is not a valid `{option}` destination: the number callers are sent "
            "to, 1 to 50 digits, * or #, optionally starting with + (E.164)."
        )
    return number


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
