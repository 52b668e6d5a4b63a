"""Directory numbers between the wire and everywhere else.

CUCM stores an E.164 number's leading plus as the escaped `\\+` (a plain `+`
in a pattern is the "one or more of the preceding" wildcard, and CUCM refuses
it at the start). People write and read `+14085557001`, so the service layer
is the one place that escapes on the way out and unescapes on the way in:
models, plans, the change log and replies only ever hold the plain `+`.
A LIKE criterion cannot carry the escape portably (the backslash is the
database's LIKE escape character), so a leading `+` is searched as `_+`,
one character of any kind then the plus; callers compare results exactly.
"""

from __future__ import annotations

ESCAPED_PLUS = "\\+"


def to_wire(pattern: str) -> str:
    """`+14085557001` -> `\\+14085557001`; anything else unchanged."""
    if pattern.startswith("+"):
        return "\\" + pattern
    return pattern


def from_wire(pattern: str) -> str:
    """`\\+14085557001` -> `+14085557001`; anything else unchanged."""
    if pattern.startswith(ESCAPED_PLUS):
        return pattern[1:]
    return pattern


def like_on_wire(pattern_like: str) -> str:
    """A LIKE criterion over stored patterns for one written in the plain form."""
    if pattern_like.startswith("+"):
        return "_" + pattern_like
    return pattern_like
