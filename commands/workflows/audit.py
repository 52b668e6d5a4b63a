"""`/cti log` and `/cti show-change`: who changed what on CUCM, when, and from what to what.

Read-only views of the change log for the next admin and the auditor. The
log lists change sets (one per command run); show-change opens one set and
shows every write with its field-level before -> after, so an undo can be
judged before it is asked for.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.changelog.labels import describe_object, object_label
from bot.text import Code, Line, Mention, Strong, Text, line
from commands.engine.args import parse_id
from commands.engine.base import (
    Arguments,
    CommandSpec,
    Param,
    Reply,
    Role,
    Status,
    UsageError,
)
from commands.engine.command import Command
from commands.engine.diff import describe_diff
from commands.engine.feed import status_note, who

if TYPE_CHECKING:
    from bot.changelog.store import ChangeRecord, ChangeSetRecord
    from commands.engine.context import Context

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
STATUSES = (
    "applied",
    "failed",
    "compensated",
    "partial",
    "denied",
    "interrupted",
    "applying",
    "dry_run",
    "no_change",
    "planned",
    "cancelled",
)
_RELATIVE = re.compile(r"^(?P<n>\d+)\s*(?P<unit>m|min|h|d|w)$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
SET_NOUNS = {"dry_run": "Dry run", "no_change": "Plan that changed nothing"}
HIDDEN_STATUSES = ("dry_run", "no_change")  # sent nothing: listed with --all
COMMAND_WIDTH = 72  # a Slack message pane shows about this many characters of code
LINE_WIDTH = 80
OBJECT_RANK = {"route_point": 0, "cti_port": 1, "app_user": 2, "end_user": 3, "line": 4}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`2h`, `30m`, `3d`, `1w`, an ISO date (`2024-05-01`) or date-time; UTC when unzoned."""
    now = now or datetime.now(UTC)
    value = text.strip()
    relative = _RELATIVE.match(value)
    if relative:
        unit = _UNITS[relative["unit"].lower()]
        try:
            return now - timedelta(**{unit: int(relative["n"])})
        except OverflowError:
            raise UsageError(f"`since={text}` reaches back before year 1.") from None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise UsageError(
                f"`since={text}` is not a time: use e.g. `since=2h`, `since=3d`, `since=30m`, "
                "`since=2024-05-01` or `since=2024-05-01T08:00`."
            ) from None
        parsed = datetime(day.year, day.month, day.day)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    try:
        limit = int(str(text).strip())
    except ValueError:
        raise UsageError(f"`limit` must be a whole number, not `{text}`.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"`limit` must be between 1 and {MAX_LIMIT}, not {limit}.")
    return limit


def parse_actor(text: str | None, ctx: Context) -> str | None:
    """A Slack user ID (mentions arrive unescaped as the ID) or `me`."""
    if text is None:
        return None
    value = text.strip().lstrip("@")
    if value.lower() == "me":
        return ctx.actor.user_id
    if not _SLACK_ID.match(value):
        raise UsageError(f"`user={text}` is not a Slack user: mention them (`user=@name`) or `me`.")
    return value


def when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def objects_text(record: ChangeSetRecord, shown: int = 3) -> str:
    """The objects a set wrote, devices and users before DNs: what an admin looks for."""
    ranked = sorted(
        {(c.object_type, c.object_name.casefold()): c for c in record.changes}.values(),
        key=lambda c: (OBJECT_RANK.get(c.object_type, len(OBJECT_RANK)), c.seq),
    )
    names = [object_label(c.object_type, c.object_name) for c in ranked]
    if len(names) > shown:
        return ", ".join(names[:shown]) + f" and {len(names) - shown} more"
    return ", ".join(names)


def status_text(record: ChangeSetRecord) -> str:
    text = record.status.replace("_", " ")
    return text + (f" (undo of #{record.undo_of})" if record.undo_of else "")


def set_lines(record: ChangeSetRecord) -> list[Text]:
    """One change set in at most three short lines, so the log fits Slack's width.

    A dry run or a plan that changed nothing is not a change set an admin can
    show or undo, so it carries no `#` number.
    """
    number = "dry run" if record.status == "dry_run" else f"#{record.id}"
    if record.status == "no_change":
        number = "no change"
    ending = f" · {status_text(record)}" if record.status not in HIDDEN_STATUSES else ""
    head = line(Strong(number), f" · {when(record.created_at)} · ", *who(record), ending)
    command = _cut(record.command_text or record.command, COMMAND_WIDTH)
    lines: list[Text] = [head, line("      ", Code(command))]
    if record.changes:
        count = len({(c.object_type, c.object_name.casefold()) for c in record.changes})
        plural = "s" if count != 1 else ""
        lines.append(_cut(f"      {count} object{plural}: {objects_text(record)}", LINE_WIDTH))
    return lines


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _people(record: ChangeSetRecord) -> list[tuple[str, Text]]:
    def named(user_id: str, name: str | None) -> Line:
        return line(Mention(user_id), f" ({name})" if name else "")

    if record.approved_by_other:
        return [
            ("Requested by", named(record.requester_id, record.requester_name)),
            ("Confirmed by", named(record.actor_id, record.actor_name)),
        ]
    return [("Who", named(record.actor_id, record.actor_name))]


class LogCommand:
    spec = CommandSpec(
        name="log",
        summary="Recent change sets: who ran what, on which objects, and how it ended.",
        role=Role.VIEWER,
        params=(
            Param(
                "user",
                "Only changes this Slack user asked for or confirmed (a mention, or `me`).",
                placeholder="@ana",
            ),
            Param("object", "Only sets touching an object (part of its name).", placeholder="RP_"),
            Param("since", "Only since: 30m, 2h, 3d, 1w or an ISO date.", placeholder="2h"),
            Param("status", "Only sets ending this way.", choices=STATUSES),
            Param("limit", f"How many sets (1-{MAX_LIMIT}).", default=str(DEFAULT_LIMIT)),
            Param(
                "all",
                "Also list dry runs and plans that changed nothing (hidden by default).",
                flag=True,
            ),
        ),
        examples=(
            "/cti log",
            "/cti log object=RP_MAIN since=3d",
            "/cti log user=me status=failed limit=50",
            "/cti log --all since=1h",
        ),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        actor = parse_actor(args.get("user"), ctx)
        since = parse_since(args["since"]) if args.get("since") else None
        limit = parse_limit(args.get("limit"))
        target = (args.get("object") or "").strip() or None
        every = bool(args.get("all")) or bool(args.get("status"))
        records = ctx.changelog.query(
            actor_id=actor,
            object_name=target,
            since=since,
            status=args.get("status"),
            cluster=ctx.cluster_name,
            limit=limit,
            exclude_status=() if every else HIDDEN_STATUSES,
        )
        filters = [
            f"{name}={value}"
            for name, value in (
                ("user", args.get("user")),
                ("object", target),
                ("since", args.get("since")),
                ("status", args.get("status")),
            )
            if value
        ]
        title = f"Change log on cluster {ctx.cluster_name}"
        hidden = (
            ""
            if every
            else " Dry runs and plans that changed nothing are hidden: add `--all` to list them."
        )
        if not records:
            match = f" matching {' '.join(filters)}" if filters else ""
            return Reply(title=title, lines=[f"No change sets{match}.{hidden}"])
        footer = "Details: `/cti show-change <id>` · undo: `/cti undo <id>`." + hidden
        if len(records) == limit:
            footer = f"Newest {limit} shown; narrow with since=/object= or raise limit=. " + footer
        lines: list[Text] = [f"Filters: {' '.join(filters)}"] if filters else []
        return Reply(
            title=title,
            lines=lines + [text for record in records for text in set_lines(record)],
            footer=footer,
        )


def parse_set_id(text: str) -> int:
    return parse_id(text, "a change-set id", "use the number from `/cti log`, e.g. 42")


def change_lines(change: ChangeRecord) -> list[Text]:
    took = f", {change.duration_ms:.0f} ms" if change.duration_ms is not None else ""
    what = describe_object(
        change.object_type, change.object_name, change.operation, change.before, change.after
    )
    ending = f"{change.seq}. {what}: {change.status.replace('_', ' ')}{took}"
    lines: list[Text] = [status_note(change.status, ending, objects=(change.object_name,))]
    lines += [f"      {d}" for d in describe_diff(change.before, change.after)]
    if change.error:
        lines.append(f"      error: {change.error}")
    return lines


class ShowChangeCommand:
    spec = CommandSpec(
        name="show-change",
        summary="One change set in full: every write with its before -> after and outcome.",
        role=Role.VIEWER,
        params=(
            Param(
                "id",
                "The change-set number, as shown by /cti log.",
                positional=True,
                required=True,
                placeholder="42",
            ),
        ),
        examples=("/cti show-change 42",),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        set_id = parse_set_id(args["id"])
        record = ctx.changelog.get(set_id)
        if record is None:
            raise UsageError(f"No change set #{set_id}: see `/cti log` for the recent ones.")
        fields = [
            *_people(record),
            ("When", when(record.created_at)),
            ("Finished", when(record.finished_at)),
            ("Cluster", record.cluster or "-"),
            ("Command", record.command_text or record.command),
            ("Status", record.status.replace("_", " ")),
        ]
        if record.undo_of:
            fields.append(("Undo of", f"#{record.undo_of}"))
        if record.error:
            fields.append(("Error", record.error))
        lines = [text for change in record.changes for text in change_lines(change)]
        if not lines:
            lines = ["No CUCM writes in this set."]
        undoable = record.status in ("applied", "partial") and record.changes
        return Reply(
            title=f"{SET_NOUNS.get(record.status, 'Change set')} #{record.id}: {record.command}",
            status=_reply_status(record.status),
            lines=lines,
            fields=fields,
            footer=line("Undo with ", Code(f"/cti undo {record.id}")) if undoable else None,
            change_set_id=record.id,
        )


def _reply_status(status: str) -> Status:
    if status == "applied":
        return "ok"
    if status == "failed":
        return "error"
    if status in ("partial", "interrupted", "compensated"):
        return "warning"
    return "info"


COMMANDS: list[Command] = [LogCommand(), ShowChangeCommand()]
