"""Apply a plan as one change set: record intent, write, compensate on failure.

Every step is recorded as `pending` before it is sent, so a crash leaves a
trace that the next start turns into `unknown`. A write whose outcome is
unknown is re-read, never re-sent. When step k fails, steps 1..k-1 are
restored from their before-state in reverse, and the reply says what state
each object is in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.changelog.labels import kind_label, object_label
from bot.cucm.errors import CucmError, OutcomeUnknown
from commands.base import Plan, Reply, Step, StillInProgress
from commands.context import Context
from commands.diff import describe_diff
from commands.inflight import conflicts, explain
from commands.objects import KINDS, ChangedSince
from commands.stale import stale_reason

log = logging.getLogger(__name__)


IN_PROGRESS = "in_progress"  # not a change status: the write is applied, CUCM still working


@dataclass
class _Done:
    step: Step
    change_id: int
    in_progress: str | None = None  # what CUCM was still doing when the wait ended


def render_plan(plan: Plan, *, title_prefix: str = "Plan") -> Reply:
    """The plan as the user sees it before anything is sent: one line per write."""
    lines: list[str] = []
    for number, step in enumerate(plan.steps, start=1):
        lines.append(f"{number}. {step.summary}")
        lines += [f"      {d}" for d in describe_diff(step.before, step.after)]
    lines += [f":information_source: {n}" for n in plan.notes]
    lines += [f":warning: {w}" for w in plan.warnings]
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
    change_ids = [
        changelog.add_change(
            set_id,
            seq=seq,
            operation=step.operation,
            object_type=step.object_type,
            object_name=step.object_name,
            before=_as_dict(step.before),
            after=_as_dict(step.after),
        )
        for seq, step in enumerate(plan.steps, start=1)
    ]
    racing = conflicts(changelog, plan, own_set=set_id)
    if racing:
        return _give_way(ctx, plan, set_id, change_ids, explain(racing))
    done: list[_Done] = []
    total = len(plan.steps)
    for number, (step, change_id) in enumerate(zip(plan.steps, change_ids, strict=True), 1):
        ctx.progress(f"[{number}/{total}] {step.summary}")
        started = time.monotonic()
        error = _run_step(step)
        elapsed_ms = (time.monotonic() - started) * 1000
        if error is None or error[0] == IN_PROGRESS:
            changelog.update_change(change_id, status="applied", duration_ms=elapsed_ms)
            done.append(_Done(step, change_id, error[1] if error else None))
            continue
        status, message = error
        changelog.update_change(change_id, status=status, error=message, duration_ms=elapsed_ms)
        not_started = list(zip(plan.steps[number:], change_ids[number:], strict=True))
        return _fail(ctx, plan, set_id, step, status, message, done, not_started)
    changelog.close_set(set_id, "applied")
    still = any(d.in_progress for d in done)
    return Reply(
        title=f"Applied: {plan.title}",
        status="warning" if still else "ok",
        lines=[_applied_line(d) for d in done] + [f":warning: {w}" for w in plan.warnings],
        footer=f"Change set #{set_id} · undo with `/cti undo {set_id}`",
        change_set_id=set_id,
    )


def _give_way(ctx: Context, plan: Plan, set_id: int, change_ids: list[int], reason: str) -> Reply:
    """An older change set opened on the same objects at the same moment: it goes first."""
    for change_id in change_ids:
        ctx.changelog.update_change(change_id, status="skipped", error="not attempted")
    ctx.changelog.close_set(set_id, "failed", error=reason)
    return Reply(
        title=f"Refused: {plan.title}",
        status="error",
        lines=[reason, "Nothing was sent to CUCM."],
        footer=f"Change set #{set_id} (failed, nothing sent)",
        change_set_id=set_id,
    )


def _applied_line(done: _Done) -> str:
    if done.in_progress:
        return f":hourglass_flowing_sand: {done.step.summary}: {done.in_progress}"
    return f":white_check_mark: {done.step.summary}"


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
    changelog = ctx.changelog
    lines = [f":x: {failed.summary}: {message}"]
    if failed_status == "unknown":
        kind = failed.object_type
        what = f"{kind_label(kind)} {object_label(kind, failed.object_name)}"
        lines.append(f"      state of {what} is UNKNOWN: check it on CUCM")
    left_changed = failed_status == "unknown"
    for item in reversed(done):
        step = item.step
        if step.undo is None:
            lines.append(f":warning: {step.summary}: applied, cannot be compensated")
            left_changed = True
            continue
        try:
            step.undo()
        except ChangedSince as exc:
            why = _changed_since(step, set_id, exc)
            changelog.update_change(item.change_id, status="not_reverted", error=why)
            lines.append(f":warning: {step.summary}: applied, NOT reverted: {why}")
            left_changed = True
            continue
        except StillInProgress as exc:
            changelog.update_change(item.change_id, status="compensated")
            lines.append(f":leftwards_arrow_with_hook: {step.summary}: compensation sent ({exc})")
            continue
        except Exception as exc:
            changelog.update_change(item.change_id, status="compensation_failed", error=str(exc))
            lines.append(f":warning: {step.summary}: applied, compensation FAILED ({exc})")
            left_changed = True
            continue
        changelog.update_change(item.change_id, status="compensated")
        lines.append(f":leftwards_arrow_with_hook: {step.summary}: compensated (restored)")
    for step, change_id in not_started:  # never sent: the log must not leave them pending
        changelog.update_change(change_id, status="skipped", error="not attempted")
        lines.append(f":heavy_minus_sign: {step.summary}: not attempted")
    if left_changed:
        status = "partial"
    elif done:
        status = "compensated"
    else:
        status = "failed"
    changelog.close_set(set_id, status, error=message)
    return Reply(
        title=f"Failed: {plan.title}",
        status="error",
        lines=lines,
        footer=f"Change set #{set_id} ({status}) · `/cti show-change {set_id}`",
        change_set_id=set_id,
    )


def _changed_since(step: Step, set_id: int, exc: ChangedSince) -> str:
    """Left alone because someone else's work is on it now; the admin decides what to do."""
    if exc.used_by:
        return (
            f"changed since: {object_label(step.object_type, step.object_name)} is now used by "
            f"{', '.join(exc.used_by)}, "
            "so it was left in place"
        )
    kind = KINDS.get(step.object_type)
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
