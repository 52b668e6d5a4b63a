"""What the runner calls: a spec and `execute(ctx, args)`.

Apart from the value types in `base.py` because it needs `Context`, and the
context must not need it back (no import cycles, not even for type checking).
"""

from __future__ import annotations

from typing import Protocol

from commands.engine.base import Arguments, CommandSpec, Plan, Reply
from commands.engine.context import Context


class Command(Protocol):
    spec: CommandSpec

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        """Validate, read CUCM, and answer (read-only) or plan (writes)."""
        ...
