"""The contract between front ends (Slack, CLI, demo, tests) and the workflows.

A command (`command.py`) is a plain object: a `CommandSpec` says what it takes
and who may run it; `execute(ctx, args)` reads CUCM and returns either a `Reply`
(read-only commands) or a `Plan` (the writes it intends, each with before and
after). This module holds those value types and imports nothing of the engine.
The runner decides what happens to a plan: show it (dry-run), ask for a
confirmation, or apply it. Nothing here knows Slack.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

from bot.text import Text, plain

CONFIRM_ABOVE_OBJECTS = 10


class Role(IntEnum):
    """Deny by default: no role (NONE) may run nothing."""

    NONE = 0
    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class UsageError(ValueError):
    """Bad arguments: the reply is the message plus the command's usage; nothing ran."""

    def __init__(self, message: Text) -> None:
        super().__init__(plain(message))
        self.text = message  # as the reply shows it (a `Line` may carry mentions and code)


class Refused(UsageError):
    """Well-formed, but CUCM's or the change log's state forbids it: the reply is the reason
    alone (usage would only distract), and nothing was sent."""


class StillInProgress(Exception):
    """CUCM accepted the write and is still carrying it out when our wait ended.

    Not a failure (a service can take minutes to start on a real node), so the
    step counts as applied, nothing is compensated, and the result says where
    to watch it finish.
    """


@dataclass(frozen=True)
class Param:
    """One argument of a command: positional, key=value option, or --flag."""

    name: str
    help: str
    positional: bool = False
    required: bool = False
    flag: bool = False
    multiple: bool = False  # a trailing positional that takes the rest
    default: str | None = None
    choices: tuple[str, ...] = ()
    placeholder: str = ""  # example value shown in modals and usage


@dataclass(frozen=True)
class CommandSpec:
    """What a command takes, who may run it, and how risky it is."""

    name: str  # may be two words, e.g. "service status"
    summary: str
    role: Role
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()
    writes: bool = False  # accepts --dry-run and goes through plan/apply
    risky: bool = False  # always asks for a confirmation before applying; its plans inherit it
    risky_when: str = ""  # when one of its plans is risky all the same (the docs say so)
    in_channel: bool = False  # result visible to the channel, not only the caller

    @property
    def usage(self) -> str:
        parts = [f"/cti {self.name}"]
        for p in self.params:
            if p.positional:
                token = f"<{p.name}>" + ("..." if p.multiple else "")
                parts.append(token if p.required else f"[{token}]")
            elif p.flag:
                parts.append(f"[--{p.name}]")
            else:
                parts.append(f"[{p.name}=<{p.placeholder or p.name}>]")
        if self.writes:
            parts.append("[--dry-run]")
        return " ".join(parts)


@dataclass(frozen=True)
class Actor:
    """Who runs the command, and where; the real Slack user, never the bot."""

    user_id: str
    name: str = ""
    channel_id: str | None = None


Status = Literal["ok", "info", "warning", "error", "denied"]


@dataclass
class Table:
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class File:
    """A file the front end shows beside the reply (a chart); the CLI names it only."""

    name: str  # e.g. capacity-lab-7d.png
    title: str
    content: bytes


@dataclass
class Reply:
    """A front-end neutral answer; renderers split it to the medium's limits."""

    title: str
    status: Status = "info"
    # Sequences, so a workflow's `list[str]` is a valid value; add to a reply by replacing them
    lines: Sequence[Text] = field(default_factory=list)
    fields: Sequence[tuple[str, Text]] = field(default_factory=list)
    table: Table | None = None
    footer: Text | None = None
    change_set_id: int | None = None
    in_channel: bool = False
    thread: bool = False  # a long report: its title in the channel, the rest in its thread
    files: list[File] = field(default_factory=list)

    def as_text(self) -> str:
        """Plain text for logs and tests (front ends render the structure themselves)."""
        out = [self.title, *(plain(line) for line in self.lines)]
        out += [f"{k}: {plain(v)}" for k, v in self.fields]
        if self.table is not None:
            out.append(" | ".join(self.table.headers))
            out += [" | ".join(r) for r in self.table.rows]
        if self.footer:
            out.append(plain(self.footer))
        return "\n".join(out)


@dataclass(frozen=True)
class Step:
    """One intended CUCM write, with the state it finds and the state it leaves.

    `run` performs the write and returns the observed after-state; `undo`
    restores `before` (None when the write cannot be compensated, e.g. a
    service restart); `verify` re-reads CUCM and says whether `after` holds,
    used when a write's outcome is unknown.
    """

    operation: str
    object_type: str
    object_name: str
    summary: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    run: Callable[[], Mapping[str, Any] | None] = field(compare=False, repr=False)
    undo: Callable[[], None] | None = field(default=None, compare=False, repr=False)
    verify: Callable[[], bool] | None = field(default=None, compare=False, repr=False)

    def fingerprint(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "object_type": self.object_type,
            "object_name": self.object_name,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class Plan:
    """The writes a command intends, computed from fresh reads; nothing sent yet."""

    command: str
    cluster: str
    title: str
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    risky: bool = False
    undo_of: int | None = None  # the change set this plan reverses

    @property
    def no_change(self) -> bool:
        return not self.steps

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.steps) and (self.risky or len(self.steps) > CONFIRM_ABOVE_OBJECTS)

    def digest(self) -> str:
        """Binds a confirmation to this exact plan: CUCM moving on changes it."""
        payload = {
            "command": self.command,
            "cluster": self.cluster,
            "steps": [s.fingerprint() for s in self.steps],
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


Arguments = dict[str, Any]
