"""The console's line language, parsed once so a bad script fails before anything starts.

`/cti …` lines go to the bot; `!` lines steer the demo itself. Script files
and the interactive prompt share this parser, so a line that works typed
works in a file.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["cti", "click", "home", "sim", "sleep", "expect", "help", "quit"]

USAGE = {
    "click": "!click <n>",
    "sim": "!sim stop|start <node> <service> | fail-app|recover-app <app_user> | nodes",
    "sleep": "!sleep <seconds>",
    "expect": "!expect <text>",
}

_PLAIN: dict[str, Kind] = {"help": "help", "home": "home", "quit": "quit", "exit": "quit"}


class ScriptError(ValueError):
    """A line the console cannot run, with where it was."""


@dataclass(frozen=True)
class Step:
    kind: Kind
    text: str = ""  # the /cti text, the !expect text
    args: list[str] = field(default_factory=list)  # the !sim words
    number: int = 0  # the !click button
    seconds: float = 0.0  # the !sleep duration
    line_no: int = 0
    source: str = ""


def parse_line(line: str, line_no: int = 0) -> Step | None:
    """One line to a step; None for blank lines and `# comments`."""
    source = line.strip()
    if not source or source.startswith("#"):
        return None
    where = f"line {line_no}: " if line_no else ""
    if source == "/cti" or source.startswith("/cti "):
        return Step("cti", text=source[4:].strip(), line_no=line_no, source=source)
    if not source.startswith("!"):
        raise ScriptError(f"{where}{source!r}: type `/cti …` or a `!` command (`!help`)")
    word, _, rest = source[1:].partition(" ")
    rest = rest.strip()
    if word in _PLAIN:
        return Step(_PLAIN[word], line_no=line_no, source=source)
    if word == "click":
        return Step("click", number=_count(rest, where, word), line_no=line_no, source=source)
    if word == "sleep":
        seconds = _seconds(rest, where, word)
        return Step("sleep", seconds=seconds, line_no=line_no, source=source)
    if word == "expect":
        if not rest:
            raise ScriptError(f"{where}usage: {USAGE['expect']}")
        return Step("expect", text=rest, line_no=line_no, source=source)
    if word == "sim":
        try:
            args = shlex.split(rest)
        except ValueError as exc:
            raise ScriptError(f"{where}{exc}") from None
        if not args:
            raise ScriptError(f"{where}usage: {USAGE['sim']}")
        return Step("sim", args=args, line_no=line_no, source=source)
    raise ScriptError(f"{where}unknown console command !{word} (try `!help`)")


def parse_script(text: str) -> list[Step]:
    """Every step of a script file; raises on the first bad line."""
    steps = [parse_line(line, n) for n, line in enumerate(text.splitlines(), start=1)]
    return [s for s in steps if s is not None]


def _count(value: str, where: str, word: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ScriptError(f"{where}usage: {USAGE[word]}")
    return int(value)


def _seconds(value: str, where: str, word: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ScriptError(f"{where}usage: {USAGE[word]}") from None
    if not 0 <= seconds <= 3600:
        raise ScriptError(f"{where}usage: {USAGE[word]} (0 to 3600)")
    return seconds
