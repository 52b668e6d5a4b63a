"""`/cti undo <change-set-id>`: the reverse of a recorded change set, as a new plan.

Everything needed is in the change log: each applied write's object type
(which kind to use), key, and before/after states. Undo refuses, with the
reason, rather than guess: when CUCM has moved on since (an object no longer
holds what the set left, so restoring `before` would clobber someone else's
work), when the set was already undone, or when a write cannot be reversed
(a service restart). Kinds that merge list deltas (users) restore only the
set's own delta, keeping what others added since. Interrupted and partial
sets are undone too: a write that got no answer is re-read, reversed when
CUCM holds it and skipped (with a note) when it never took effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.changelog.labels import describe_object, kind_label, object_label
from commands.domain.open_devices import open_warning
from commands.engine.base import (
    Arguments,
    CommandSpec,
    Param,
    Plan,
    Refused,
    Role,
    Step,
    UsageError,
)
from commands.engine.command import Command
from commands.engine.objects import ObjectKind, State, change
from commands.engine.stale import stale_reason
from commands.workflows.audit import parse_set_id

if TYPE_CHECKING:
    from bot.changelog.store import ChangeLog, ChangeRecord, ChangeSetRecord
    from bot.cucm.cluster import CucmCluster
    from commands.engine.context import Context

UNDOABLE_STATUSES = ("applied", "partial", "interrupted")
HELD = ("applied", "compensation_failed")  # change statuses whose write still holds on CUCM
REREAD = ("unknown",)  # sent, no answer (or the process stopped): CUCM decides, by a re-read
SCAN_PAGE = 200
DEVICE_KINDS = ("route_point", "cti_port")


class UndoRefused(Refused):
    """The undo would not restore the recorded state safely; nothing is planned."""


def _already_undone(changelog: ChangeLog, record: ChangeSetRecord) -> int | None:
    """The id of a later set that undid this one (applied, or partly), if any."""
    offset = 0
    while True:
        page = changelog.query(
            since=record.created_at,
            status=list(UNDOABLE_STATUSES),
            cluster=record.cluster,
            limit=SCAN_PAGE,
            offset=offset,
        )
        for later in page:
            if later.undo_of == record.id:
                return later.id
        if len(page) < SCAN_PAGE:
            return None
        offset += SCAN_PAGE


def _check_set(ctx: Context, record: ChangeSetRecord) -> None:
    set_id = record.id
    if record.status not in UNDOABLE_STATUSES:
        raise UndoRefused(
            f"Change set #{set_id} is {record.status}: only applied, partially applied or "
            "interrupted sets can be undone."
        )
    if record.cluster and record.cluster.casefold() != ctx.cluster_name.casefold():
        raise UndoRefused(
            f"Change set #{set_id} was made on cluster {record.cluster}: "
            f"run `/cti undo {set_id} --cluster {record.cluster}`."
        )
    undone_by = _already_undone(ctx.changelog, record)
    if undone_by is not None:
        raise UndoRefused(f"Change set #{set_id} was already undone by change set #{undone_by}.")


def _kind_of(kinds: Mapping[str, ObjectKind], row: ChangeRecord, set_id: int) -> ObjectKind:
    kind = kinds.get(row.object_type)
    label = _what(row)
    if kind is None:
        raise UndoRefused(
            f"Change set #{set_id} cannot be undone: ctibot does not know how to restore {label}."
        )
    if row.operation not in (kind.add_op, kind.update_op, kind.remove_op):
        raise UndoRefused(
            f"Change set #{set_id} cannot be undone: {label} is an action, not a "
            "configuration change, and cannot be reversed."
        )
    return kind


def _target(
    kind: ObjectKind, current: State | None, before: State | None, after: State | None
) -> State | None:
    """What undo writes: `before`, or for delta kinds `current` minus the set's own delta."""
    reverted = getattr(kind, "reverted", None)
    if reverted is not None and current is not None and before is not None and after is not None:
        return reverted(current, before, after)
    return None if before is None else dict(before)


def _what(row: ChangeRecord) -> str:
    return describe_object(row.object_type, row.object_name, row.operation, row.before, row.after)


def _summary(row: ChangeRecord, set_id: int, current: State | None, target: State | None) -> str:
    """The undo step in CUCM's words: `Remove CTI Port CTIP01 (added by change set #7)`."""
    what = f"{kind_label(row.object_type)} {object_label(row.object_type, row.object_name)}"
    if target is None:
        return f"Remove {what} (added by change set #{set_id})"
    if current is None:
        return f"Re-create {what} (removed by change set #{set_id})"
    return f"Restore {what} as it was before change set #{set_id}"


def plan_reverse(
    cucm: CucmCluster, kinds: Mapping[str, ObjectKind], record: ChangeSetRecord
) -> tuple[list[Step], list[str]]:
    """Steps restoring each applied write, newest first; notes for what needed nothing."""
    rows = sorted((c for c in record.changes if c.status in HELD + REREAD), key=lambda c: -c.seq)
    actions = [row for row in rows if row.before == row.after]
    if rows and len(actions) == len(rows):
        raise UndoRefused(
            f"Change set #{record.id} ({record.command}) changed no configuration that can be "
            f"restored: {', '.join(_what(r) for r in actions)} cannot be undone."
        )
    changes = [(row, _kind_of(kinds, row, record.id)) for row in rows if row not in actions]
    notes = [f"{_what(r)} is an action and is not reversed." for r in actions]
    steps: list[Step] = []
    expected: dict[tuple[str, str], State | None] = {}
    for row, kind in changes:
        ident = (kind.name, row.object_name.casefold())
        current = expected[ident] if ident in expected else kind.read(cucm, row.object_name)
        if row.status in REREAD and kind.satisfied(current, row.after, row.before):
            notes.append(
                f"{_what(row)} had no answer; CUCM shows it did not take effect, "
                "so there is nothing to reverse."
            )
            expected[ident] = current
            continue
        if not kind.satisfied(current, row.before, row.after):
            raise UndoRefused(
                stale_reason(
                    row.object_name,
                    record.id,
                    current,
                    row.before,
                    row.after,
                    delta=kind.merges_concurrent_writes,
                    object_type=row.object_type,
                )
                + ". Nothing was changed; review with `/cti show-change "
                + f"{record.id}` and fix it by hand or with a new command."
            )
        target = _target(kind, current, row.before, row.after)
        expected[ident] = target
        if target == current:
            label = object_label(row.object_type, row.object_name)
            notes.append(f"{label} already holds its state from before #{record.id}.")
            continue
        steps.append(
            change(
                cucm,
                kind,
                row.object_name,
                _json(current),
                target,
                _summary(row, record.id, current, target),
            )
        )
    return steps, notes


def affected_devices(steps: list[Step]) -> list[str]:
    """Existing devices the steps remove or change, or take out of a user's control."""
    names: list[str] = []
    for step in steps:
        if step.before is None:
            continue
        if step.object_type in DEVICE_KINDS:
            names.append(step.object_name)
        elif "associated_devices" in step.before:
            kept = {d.casefold() for d in (step.after or {}).get("associated_devices", [])}
            names += [d for d in step.before["associated_devices"] if d.casefold() not in kept]
    return list(dict.fromkeys(names))


def _json(state: Mapping[str, Any] | None) -> State | None:
    return None if state is None else dict(state)


class UndoCommand:
    spec = CommandSpec(
        name="undo",
        summary="Reverse a change set from its recorded before-states (refused if CUCM moved on).",
        role=Role.ADMIN,
        params=(
            Param(
                "change-set-id",
                "The change-set number, as shown by /cti log or in an Applied reply.",
                positional=True,
                required=True,
                placeholder="42",
            ),
        ),
        examples=("/cti undo 42", "/cti undo 42 --dry-run"),
        writes=True,
        risky=True,
    )

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        set_id = parse_set_id(args["change-set-id"])
        record = ctx.changelog.get(set_id)
        if record is None:
            raise UsageError(f"No change set #{set_id}: see `/cti log` for the recent ones.")
        _check_set(ctx, record)
        cucm = ctx.cucm
        steps, notes = plan_reverse(cucm, ctx.kinds, record)
        if not steps and not notes:
            notes.append(f"Change set #{set_id} holds no applied write to reverse.")
        warning = open_warning(cucm, affected_devices(steps), "the undo removes or changes them")
        return Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=f"Undo change set #{set_id} ({record.command_text or record.command})",
            steps=steps,
            notes=notes,
            warnings=[warning] if warning else [],
            risky=True,
            undo_of=set_id,
        )


COMMANDS: list[Command] = [UndoCommand()]
