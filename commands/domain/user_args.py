"""The user arguments shared by the association, group and provisioning commands."""

from __future__ import annotations

import re

from commands.engine.base import Param, UsageError

_USER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")

USER = Param(
    "user",
    "The application user (or, with --end-user, the end user).",
    positional=True,
    required=True,
    placeholder="ctiapp_ivr",
)
END_USER = Param("end-user", "The user is an end user, not an application user.", flag=True)


def userid(value: str) -> str:
    """Syntax only; existence is checked against CUCM in the plan."""
    value = (value or "").strip()
    if not _USER_ID.match(value):
        raise UsageError(
            f"`{value}` is not a valid user ID: 1 to 128 letters, digits, dot, dash, "
            "underscore, @ or +, starting with a letter or digit."
        )
    return value
