"""Apply a plan as one change set: record intent, write, compensate on failure.

Every step is recorded as `pending` before it is sent, so a crash leaves a
trace that the next start turns into `unknown`; a plan that cannot be
recorded is refused with nothing sent, and a result that cannot be recorded
stops the apply and the reply names what CUCM holds. A restart (see
shutdown.py) stops it between two steps once the grace period is over. A write whose outcome is
unknown is re-read, never re-sent. When step k fails, steps 1..k-1 are
restored from their before-state in reverse, and the reply says what state
each object is in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.changelog.errors import RecordFailed
from bot.changelog.labels import kind_label, object_label
from bot.changelog.store import PlannedChange
from bot.cucm.errors import CucmError, OutcomeUnknown
from bot.text import Code, Line, Mark, Text, line, note
from commands.engine.base import Plan, Reply, Step, StillInProgress
from commands.engine.context import Context
from commands.engine.diff import describe_diff
from commands.engine.inflight import conflicts, explain
from commands.engine.objects import ChangedSince
from commands.engine.stale import stale_reason

if TYPE_CHECKING:
    from bot.changelog.store import ChangeLog

log = logging.getLogger(__name__)


IN_PROGRESS = "in_progress"  # not a change status: the write is applied, CUCM still working


@dataclass
class _Done:
    step: Step
    change_id: int
    in_progress: str | None = None  # what CUCM was still doing when the wait ended


def render_plan(plan: Plan, *, title_prefix: str = "Plan") -> Reply:
    """The plan as the user sees it before anything is sent: one line per write."""
    lines: list[Text] = []
    for number, step in enumerate(plan.steps, start=1):
        lines.append(line(f"{number}. {step.summary}", objects=_named(step)))
        lines += [f"      {d}" for d in describe_diff(step.before, step.after)]
    lines += [note("info", n) for n in plan.notes]
    lines += [note("warning", w) for w in plan.warnings]
    count = len(plan.steps)
    plural = "s" if count != 1 else ""
    footer = f"{count} write{plural} on cluster {plan.cluster}; nothing sent yet."
    return Reply(
        title=f"{title_prefix}: {plan.title}",
        status="warning" if plan.warnings else "info",
        lines=lines,
        footer=footer,
    )


def apply_plan(ctx: Context, plan: Plan) -> Reply:
    """Run every step in order; on failure compensate what was done, and say so."""
    changelog = ctx.changelog
    try:
        set_id, change_ids = _record_plan(ctx, plan)
    except RecordFailed as exc:
        log.error("refused %r: the plan could not be recorded: %s", ctx.command_text, exc)
        return Reply(
            title=f"Refused: {plan.title}",
            status="error",
            lines=[
                f"ctibot cannot write its change log ({exc}).",
                "Nothing was sent to CUCM: no change is made that could not be traced.",
            ],
        )
    racing = conflicts(changelog, ctx.kinds, plan, own_set=set_id)
    if racing:
        return _give_way(ctx, plan, set_id, change_ids, explain(racing))
    done: list[_Done] = []
    total = len(plan.steps)
    for number, (step, change_id) in enumerate(zip(plan.steps, change_ids, strict=True), 1):
        remaining = list(zip(plan.steps[number - 1 :], change_ids[number - 1 :], strict=True))
        if ctx.shutdown.expired():
            return _interrupted(ctx, plan, set_id, done, remaining)
        ctx.progress(f"[{number}/{total}] {step.summary}")
        started = time.monotonic()
        error = _run_step(step)
        elapsed_ms = (time.monotonic() - started) * 1000
        held = error is None or error[0] == IN_PROGRESS
        status, message = ("applied", None) if held or error is None else error
        try:
            changelog.update_change(
                change_id, status=status, error=message, duration_ms=elapsed_ms, beat=True
            )
        except RecordFailed as exc:
            applied = [d.step for d in done] + ([step] if held else [])
            failure = None if held else error
            return _unrecorded(ctx, plan, set_id, exc, applied, step, failure, remaining[1:])
        if held:
            done.append(_Done(step, change_id, error[1] if error else None))
            continue
        return _fail(ctx, plan, set_id, step, status, message or "", done, remaining[1:])
    try:
        changelog.close_set(set_id, "applied")
    except RecordFailed as exc:
        return _unrecorded(ctx, plan, set_id, exc, list(plan.steps), None, None, [])
    still = any(d.in_progress for d in done)
    return Reply(
        title=f"Applied: {plan.title}",
        status="warning" if still else "ok",
        lines=[*(_applied_line(d) for d in done), *(note("warning", w) for w in plan.warnings)],
        footer=line(f"Change set #{set_id} · undo with ", Code(f"/cti undo {set_id}")),
        change_set_id=set_id,
    )


def _record_plan(ctx: Context, plan: Plan) -> tuple[int, list[int]]:
    """Intent first: the set and every step `pending`, before anything is sent."""
    changelog = ctx.changelog
    requester = ctx.requested_by
    set_id = changelog.open_set(
        actor_id=ctx.actor.user_id,
        actor_name=ctx.actor.name,
        requester_id=requester.user_id if requester else None,
        requester_name=requester.name if requester else None,
        channel_id=ctx.actor.channel_id,
        cluster=plan.cluster,
        command=plan.command,
        command_text=ctx.command_text,
        status="applying",
        plan_digest=plan.digest(),
        undo_of=plan.undo_of,
        request_id=ctx.request_id,
    )
    try:
        change_ids = changelog.add_changes(
            set_id,
            [
                PlannedChange(
                    seq,
                    step.operation,
                    step.object_type,
                    step.object_name,
                    _as_dict(step.before),
                    _as_dict(step.after),
                )
                for seq, step in enumerate(plan.steps, start=1)
            ],
        )
    except RecordFailed as exc:
        _Tolerant(changelog).close_set(set_id, "failed", error=str(exc))
        raise
    return set_id, change_ids


def _interrupted(
    ctx: Context, plan: Plan, set_id: int, done: list[_Done], not_started: list[tuple[Step, int]]
) -> Reply:
    """Stopping for a restart between two steps: what was applied stays, the rest is not sent."""
    changelog = _Tolerant(ctx.changelog)
    for _, change_id in not_started:
        changelog.update_change(
            change_id, status="skipped", error="ctibot stopped (restart) before this step"
        )
    changelog.close_set(set_id, "interrupted", error="ctibot stopped for a restart")
    lines: list[Text] = [_step_note("ok", d.step, "applied") for d in done]
    lines += [_step_note("skipped", step, "not attempted") for step, _ in not_started]
    lines.append(
        line(
            "ctibot is restarting and stopped between two steps; CUCM holds exactly the "
            "applied steps above. Run the command again after the restart to finish it, or ",
            Code(f"/cti undo {set_id}"),
            " to take it back.",
        )
    )
    if not changelog.complete:
        lines.append(UNRECORDED_NOTE)
    log.warning(
        "change set #%s interrupted for a restart after %d of %d steps",
        set_id,
        len(done),
        len(plan.steps),
    )
    return Reply(
        title=f"Interrupted: {plan.title}",
        status="error",
        lines=lines,
        footer=line(f"Change set #{set_id} (interrupted) · ", Code(f"/cti show-change {set_id}")),
        change_set_id=set_id,
    )


def _unrecorded(
    ctx: Context,
    plan: Plan,
    set_id: int,
    exc: RecordFailed,
    held: list[Step],
    current: Step | None,
    error: tuple[str, str] | None,
    not_started: list[tuple[Step, int]],
) -> Reply:
    """CUCM was written and the log cannot say so: the reply (from the plan in memory) and an
    ERROR line are the only record, so both name every object; nothing more is sent."""
    ctx.changelog.heartbeat.release(set_id)
    lines: list[Text] = [_step_note("ok", step, "applied on CUCM") for step in held]
    if current is not None and error is not None:
        lines.append(_step_note("error", current, f"{error[0]} ({error[1]})"))
    lines += [_step_note("skipped", step, "not attempted") for step, _ in not_started]
    lines.append(
        f"ctibot cannot write its change log ({exc}), so it stopped. "
        "The applied writes above are NOT in the change log: record or undo them by hand."
    )
    log.error(
        "change set #%s (%r): CUCM writes not recorded in the change log (%s); applied: %s",
        set_id,
        ctx.command_text,
        exc,
        "; ".join(f"{s.operation} {s.object_name}" for s in held) or "none",
    )
    return Reply(
        title=f"Not recorded: {plan.title}",
        status="error",
        lines=lines,
        footer=f"Change set #{set_id} is incomplete in the change log",
        change_set_id=set_id,
    )


UNRECORDED_NOTE = note(
    "warning",
    "ctibot could not record all of this in its change log (see its log); "
    "this reply is the accurate account.",
)


class _Tolerant:
    """The change log once the writes are decided (compensating, stopping): a record that
    fails is logged at ERROR and remembered, never raised, so the work and the reply go on."""

    def __init__(self, changelog: ChangeLog) -> None:
        self._changelog = changelog
        self.complete = True

    def update_change(self, change_id: int, **fields: Any) -> None:
        self._record(lambda: self._changelog.update_change(change_id, **fields))

    def close_set(self, set_id: int, status: str, error: str | None = None) -> None:
        self._record(lambda: self._changelog.close_set(set_id, status, error=error))

    def _record(self, record: Callable[[], None]) -> None:
        try:
            record()
        except RecordFailed as exc:
            log.error("change log: %s", exc)
            self.complete = False


def _give_way(ctx: Context, plan: Plan, set_id: int, change_ids: list[int], reason: Line) -> Reply:
    """An older change set opened on the same objects at the same moment: it goes first."""
    for change_id in change_ids:
        ctx.changelog.update_change(change_id, status="skipped", error="not attempted")
    ctx.changelog.close_set(set_id, "failed", error=str(reason))
    return Reply(
        title=f"Refused: {plan.title}",
        status="error",
        lines=[reason, "Nothing was sent to CUCM."],
        footer=f"Change set #{set_id} (failed, nothing sent)",
        change_set_id=set_id,
    )


def _applied_line(done: _Done) -> Line:
    if done.in_progress:
        return _step_note("in_progress", done.step, done.in_progress)
    return note("ok", done.step.summary, objects=_named(done.step))


def _step_note(mark: Mark, step: Step, outcome: str) -> Line:
    """`<step>: <what became of it>`, naming the step's object."""
    return note(mark, f"{step.summary}: {outcome}", objects=_named(step))


def _named(step: Step) -> tuple[str, ...]:
    return (step.object_name,)


def _run_step(step: Step) -> tuple[str, str] | None:
    """None when the write holds on CUCM; (IN_PROGRESS, what) when CUCM is still carrying it
    out; else (change status, message)."""
    try:
        step.run()
        return None
    except StillInProgress as exc:
        return IN_PROGRESS, str(exc)
    except OutcomeUnknown as exc:
        return _reread(step, exc)
    except CucmError as exc:
        return "failed", str(exc)
    except Exception as exc:
        log.exception("step %s on %s raised", step.operation, step.object_name)
        return "failed", f"internal error: {exc}"


def _reread(step: Step, exc: OutcomeUnknown) -> tuple[str, str] | None:
    """The write was sent and no answer came: CUCM decides, never a blind re-send."""
    if step.verify is None:
        return "unknown", f"{exc} (cannot be re-read)"
    try:
        held = step.verify()
    except CucmError as read_error:
        return "unknown", f"{exc}; re-read failed too: {read_error}"
    if held:
        return None
    return "failed", f"{exc}; re-read shows it was not applied"


def _fail(
    ctx: Context,
    plan: Plan,
    set_id: int,
    failed: Step,
    failed_status: str,
    message: str,
    done: list[_Done],
    not_started: list[tuple[Step, int]],
) -> Reply:
    changelog = _Tolerant(ctx.changelog)
    lines: list[Text] = [_step_note("error", failed, message)]
    if failed_status == "unknown":
        kind = failed.object_type
        what = f"{kind_label(kind)} {object_label(kind, failed.object_name)}"
        lines.append(f"      state of {what} is UNKNOWN: check it on CUCM")
    left_changed = failed_status == "unknown"
    for item in reversed(done):
        step = item.step
        if step.undo is None:
            lines.append(_step_note("warning", step, "applied, cannot be compensated"))
            left_changed = True
            continue
        try:
            step.undo()
        except ChangedSince as exc:
            why = _changed_since(ctx, step, set_id, exc)
            changelog.update_change(item.change_id, status="not_reverted", error=why)
            lines.append(_step_note("warning", step, f"applied, NOT reverted: {why}"))
            left_changed = True
            continue
        except StillInProgress as exc:
            changelog.update_change(item.change_id, status="compensated")
            lines.append(_step_note("reverted", step, f"compensation sent ({exc})"))
            continue
        except Exception as exc:
            changelog.update_change(item.change_id, status="compensation_failed", error=str(exc))
            lines.append(_step_note("warning", step, f"applied, compensation FAILED ({exc})"))
            left_changed = True
            continue
        changelog.update_change(item.change_id, status="compensated")
        lines.append(_step_note("reverted", step, "compensated (restored)"))
    for step, change_id in not_started:  # never sent: the log must not leave them pending
        changelog.update_change(change_id, status="skipped", error="not attempted")
        lines.append(_step_note("skipped", step, "not attempted"))
    if left_changed:
        status = "partial"
    elif done:
        status = "compensated"
    else:
        status = "failed"
    changelog.close_set(set_id, status, error=message)
    if not changelog.complete:
        lines.append(UNRECORDED_NOTE)
    return Reply(
        title=f"Failed: {plan.title}",
        status="error",
        lines=lines,
        footer=line(f"Change set #{set_id} ({status}) · ", Code(f"/cti show-change {set_id}")),
        change_set_id=set_id,
    )


def _changed_since(ctx: Context, step: Step, set_id: int, exc: ChangedSince) -> str:
    """Left alone because someone else's work is on it now; the admin decides what to do."""
    if exc.used_by:
        return (
            f"changed since: {object_label(step.object_type, step.object_name)} is now used by "
            f"{', '.join(exc.used_by)}, "
            "so it was left in place"
        )
    kind = ctx.kinds.get(step.object_type)
    return stale_reason(
        step.object_name,
        set_id,
        exc.current,
        step.before,
        step.after,
        delta=kind is not None and kind.merges_concurrent_writes,
        object_type=step.object_type,
    )


def _as_dict(state: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if state is None else dict(state)
