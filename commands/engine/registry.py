"""Name -> command lookup, longest match first, with "did you mean" suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from commands.engine.base import Role
from commands.engine.command import Command


class Registry:
    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: dict[str, Command] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        name = command.spec.name
        if name in self._commands:
            raise ValueError(f"command {name!r} registered twice")
        self._commands[name] = command

    def all(self) -> list[Command]:
        return [self._commands[n] for n in sorted(self._commands)]

    def allowed(self, role: Role) -> list[Command]:
        return [c for c in self.all() if c.spec.role <= role]

    def resolve(self, words: list[str]) -> tuple[Command, list[str]] | None:
        """The command named by the first one or two words, and the remaining words."""
        for width in (2, 1):
            if len(words) >= width:
                name = " ".join(words[:width]).lower()
                if name in self._commands:
                    return self._commands[name], words[width:]
        return None

    def suggest(self, words: list[str]) -> list[str]:
        candidates = list(self._commands)
        typed = " ".join(words[:2]).lower()
        close = difflib.get_close_matches(typed, candidates, n=3, cutoff=0.5)
        if not close and words:
            close = difflib.get_close_matches(words[0].lower(), candidates, n=3, cutoff=0.5)
        groups = [c for c in candidates if words and c.split()[0] == words[0].lower()]
        return list(dict.fromkeys(close + groups))[:5]
