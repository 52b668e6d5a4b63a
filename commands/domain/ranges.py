"""Name and number ranges typed in chat: `CTIP{001..024}`, `7001-7024`, `7001..7024`.

Bulk commands take one range for device names and one for DNs; the two must
expand to the same count, in order, so port i gets DN i. Zero-padding is
kept as typed (`{001..024}` gives `001`, not `1`), and expansion is bounded
before any list is built, so a typo like `1-9999999` costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from commands.engine.base import UsageError

MAX_RANGE = 500

_BRACES = re.compile(r"^(?P<prefix>[^{}]*)\{(?P<start>\d+)\.\.(?P<end>\d+)\}(?P<suffix>[^{}]*)$")
_NUMBERS = re.compile(r"^(?P<plus>\\?\+)?(?P<start>\d+)(?:-|\.\.)(?P<end>\d+)$")


def expand(text: str, *, what: str = "range", limit: int = MAX_RANGE) -> list[str]:
    """All values of a range, or the single value when `text` holds no range."""
    text = text.strip()
    if not text:
        raise UsageError(f"The {what} is empty.")
    braces = _BRACES.match(text)
    if braces:
        return _numbered(
            braces["prefix"], braces["start"], braces["end"], braces["suffix"], what, limit
        )
    if "{" in text or "}" in text:
        raise UsageError(
            f"Could not read the {what} `{text}`: write it like `CTIP{{001..024}}` "
            "(one pair of braces holding `start..end`)."
        )
    numbers = _NUMBERS.match(text)
    if numbers:
        plus = "+" if numbers["plus"] else ""  # CUCM's escaped \+ is shown as a plain +
        return _numbered(plus, numbers["start"], numbers["end"], "", what, limit)
    return [text]


def _numbered(
    prefix: str, start_text: str, end_text: str, suffix: str, what: str, limit: int
) -> list[str]:
    start, end = int(start_text), int(end_text)
    if end < start:
        raise UsageError(
            f"The {what} `{start_text}..{end_text}` counts down; write the smaller number first."
        )
    count = end - start + 1
    if count > limit:
        raise UsageError(f"The {what} has {count} values; at most {limit} are allowed at once.")
    padded = start_text.startswith("0") or end_text.startswith("0")
    width = max(len(start_text), len(end_text)) if padded else 0
    return [f"{prefix}{n:0{width}d}{suffix}" for n in range(start, end + 1)]


def paired(
    names_text: str,
    numbers_text: str,
    *,
    check_name: Callable[[str], object] = str,
    check_number: Callable[[str], object] = str,
    limit: int = MAX_RANGE,
) -> list[tuple[str, str]]:
    """(device name, DN) pairs: both ranges expanded and checked, same count required."""
    names = expand(names_text, what="name range", limit=limit)
    numbers = expand(numbers_text, what="DN range", limit=limit)
    for name in names:
        check_name(name)
    for number in numbers:
        check_number(number)
    if len(names) != len(numbers):
        raise UsageError(
            f"The name range `{names_text}` gives {len(names)} devices but the DN range "
            f"`{numbers_text}` gives {len(numbers)} numbers; they must match (one line per port)."
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"The name range repeats {', '.join(duplicates)}.")
    return list(zip(names, numbers, strict=True))
