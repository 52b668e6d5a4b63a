"""What a change set did, told to the people who were not there.

An auditor reads one channel to see every write: who asked, who confirmed,
each object touched in CUCM Administration's words, the result and the undo
command. Commands never import Slack, so the runner hands each change set
that wrote, or tried to, to a `ChangeSetFeed` the front end provides; dry
runs, plans that changed nothing and reads never reach it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.changelog.labels import describe_object
from bot.text import Code, Line, Mark, Mention, Span, Text, line, note
from commands.engine.base import Reply, Status

if TYPE_CHECKING:
    from bot.changelog.store import ChangeSetRecord

UNDOABLE = ("applied", "partial")
_RESULT_STATUS: dict[str, Status] = {"applied": "ok", "failed": "error"}
STATUS_MARKS: dict[str, Mark] = {
    "applied": "ok",
    "failed": "error",
    "compensated": "reverted",
    "partial": "warning",
    "unknown": "unknown",
    "pending": "pending",
    "compensation_failed": "warning",
    "denied": "denied",
    "interrupted": "warning",
}


def status_note(status: str, *spans: Span, objects: tuple[str, ...] = ()) -> Line:
    """A line marked by how a change (set) ended; a status without a mark gets a bullet."""
    mark = STATUS_MARKS.get(status)
    if mark is None:
        return line("• ", *spans, objects=objects)
    return note(mark, *spans, objects=objects)


class ChangeSetFeed(Protocol):
    def ended(self, record: ChangeSetRecord) -> None:
        """`record` finished applying (applied, failed, compensated, partial, interrupted)."""


def audit_reply(record: ChangeSetRecord) -> Reply:
    """The audit channel's post for one change set: one line per object it touched."""
    noun = f"Undo of #{record.undo_of}" if record.undo_of else "Change set"
    fields: list[tuple[str, Text]] = [
        ("Requested by", line(Mention(record.requester_id or record.actor_id))),
        ("Confirmed by", line(Mention(record.actor_id)) if record.approved_by_other else "-"),
        ("Cluster", record.cluster or "-"),
        ("Result", record.status.replace("_", " ")),
    ]
    lines: list[Text] = [line(Code(record.command_text or record.command))]
    lines += [
        status_note(
            c.status,
            describe_object(c.object_type, c.object_name, c.operation, c.before, c.after)
            + f": {c.status.replace('_', ' ')}",
            objects=(c.object_name,),
        )
        for c in record.changes
    ]
    if record.error:
        lines.append(f"Error: {record.error}")
    return Reply(
        title=f"{noun} #{record.id}: {record.command}",
        status=_RESULT_STATUS.get(record.status, "warning"),
        lines=lines,
        fields=fields,
        footer=_footer(record),
        change_set_id=record.id,
    )


def who(record: ChangeSetRecord) -> tuple[Span, ...]:
    """The requester, and the confirming admin when that was someone else."""
    if record.approved_by_other:
        return Mention(record.requester_id), " (confirmed by ", Mention(record.actor_id), ")"
    return (Mention(record.actor_id),)


def summary_line(record: ChangeSetRecord) -> Line:
    """One line for the channel the command ran in: who, what, how it ended."""
    count = len(record.changes)
    writes = f"{count} write{'s' if count != 1 else ''}"
    return status_note(
        record.status,
        *who(record),
        " ran ",
        Code(record.command_text or record.command),
        f" on {record.cluster or '-'}: {record.status.replace('_', ' ')} ({writes}), "
        f"change set #{record.id}",
    )


def _footer(record: ChangeSetRecord) -> Line:
    details = line("Details: ", Code(f"/cti show-change {record.id}"))
    if record.status in UNDOABLE and record.changes:
        return line(*details.spans, " · undo with ", Code(f"/cti undo {record.id}"))
    return details
