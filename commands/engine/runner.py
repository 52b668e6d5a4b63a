"""The one engine behind Slack, `ctibot run`, the demo and the tests.

A request goes: parse -> resolve -> RBAC -> bind -> cluster -> execute, and a
plan then goes to no-change, dry-run, confirmation or apply. Every front end
gets the same checks because none of them can skip this class. A confirmation
is never trusted on its own: at click time the command is planned again and
applied only if CUCM still looks the way it did when the plan was shown.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.changelog.confirmations import (
    ConfirmationAlreadyDecided,
    ConfirmationExpired,
    ConfirmationNotFound,
)
from bot.changelog.errors import RecordFailed
from bot.cucm.errors import AuthFailed, CucmError, Throttled, Timeout, Unreachable
from bot.logging_setup import request_context
from commands.engine.apply import apply_plan, render_plan
from commands.engine.args import ParsedArgs, bind, parse
from commands.engine.base import Actor, Arguments, Plan, Refused, Reply, Role, UsageError
from commands.engine.command import Command
from commands.engine.context import ConfiguredApplication, Context, Monitoring
from commands.engine.feed import ChangeSetFeed
from commands.engine.inflight import refuse_if_racing
from commands.engine.shutdown import RESTARTING, Shutdown

if TYPE_CHECKING:
    from bot.changelog.confirmations import ConfirmationStore, PendingConfirmation
    from bot.changelog.store import ChangeLog
    from bot.cucm.cluster import ClusterDirectory
    from commands.engine.registry import Registry

log = logging.getLogger(__name__)

COMMAND_PREFIX = "/cti"


@dataclass(frozen=True)
class ConfirmationRequest:
    """A plan waiting for a human click; the token is the only handle on it."""

    reply: Reply
    token: str
    expires_at: datetime


Outcome = Reply | ConfirmationRequest
# (command name, outcome): applied, no_change, dry_run, confirmation, cancelled, denied, error, read
OutcomeObserver = Callable[[str, str], None]
UNKNOWN_COMMAND = "unknown"


@dataclass
class Invocation:
    """A command with bound arguments, ready to execute; nothing has run yet."""

    command: Command
    args: Arguments
    cluster: str
    dry_run: bool
    text: str


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


def strip_prefix(text: str) -> str:
    text = text.strip()
    if text.lower().startswith(COMMAND_PREFIX):
        return text[len(COMMAND_PREFIX) :].strip()
    return text


class Runner:
    def __init__(
        self,
        registry: Registry,
        clusters: ClusterDirectory,
        changelog: ChangeLog,
        confirmations: ConfirmationStore,
        ttl_seconds: int,
        *,
        four_eyes: bool = False,
        in_channel_commands: frozenset[str] = frozenset(),
        observe: OutcomeObserver | None = None,
        applications: tuple[ConfiguredApplication, ...] = (),
        shutdown: Shutdown | None = None,
        feed: ChangeSetFeed | None = None,
        monitoring: Monitoring | None = None,
    ) -> None:
        self.registry = registry
        self.clusters = clusters
        self.changelog = changelog
        self.confirmations = confirmations
        self.ttl_seconds = ttl_seconds
        self.four_eyes = four_eyes
        self.in_channel_commands = in_channel_commands
        self._observe = observe
        self.applications = applications
        self.shutdown = shutdown or Shutdown()
        self.feed = feed
        self.monitoring = monitoring

    def handle(
        self,
        text: str,
        actor: Actor,
        role: Role,
        request_id: str | None = None,
        progress: Callable[[str], None] | None = None,
        grant: str = "",
    ) -> Outcome:
        """Run `/cti <text>` for this actor; never raises, every failure is a Reply."""
        request_id = request_id or new_request_id()
        with request_context(request_id):
            if self.shutdown.expired():
                return self._done(self._command_name(text), "error", _restarting())
            return self._guarded(
                request_id,
                text,
                lambda: self._handle(text, actor, role, request_id, progress, grant),
                lambda: self._command_name(text),
            )

    def decide(
        self,
        token: str,
        actor: Actor,
        role: Role,
        confirm: bool,
        request_id: str | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Outcome:
        """A Confirm/Cancel click: status "denied" means the click changed nothing."""
        request_id = request_id or new_request_id()
        with request_context(request_id):
            if confirm and self.shutdown.requested:  # the plan stays pending: confirm later
                reply = _restarting("Click Confirm again in a minute.")
                reply.status = "denied"
                return self._done(UNKNOWN_COMMAND, "denied", reply)
            return self._guarded(
                request_id,
                token,
                lambda: self._decide(token, actor, role, confirm, request_id, progress),
                lambda: UNKNOWN_COMMAND,
            )

    def prepare(self, text: str, role: Role) -> Invocation:
        """Resolve and bind without running: modals validate their fields with this."""
        parsed = parse(strip_prefix(text))
        found = self.registry.resolve(parsed.positionals)
        if found is None:
            raise UsageError(f"Unknown command `{' '.join(parsed.positionals[:2])}`.")
        command, rest = found
        if role < command.spec.role:
            raise UsageError(f"You need the {command.spec.role.label} role to run this.")
        consumed = len(parsed.positionals) - len(rest)
        return self._bind(command, parsed.without_positionals(consumed), strip_prefix(text))

    def _command_name(self, text: str) -> str:
        try:
            found = self.registry.resolve(parse(strip_prefix(text)).positionals)
        except UsageError:
            return UNKNOWN_COMMAND
        return UNKNOWN_COMMAND if found is None else found[0].spec.name

    def _done(self, command: str, outcome: str, result: Outcome) -> Outcome:
        """The one log line and metric per request, wherever the request ended."""
        log.info("command %s: %s", command, outcome, extra={"command": command, "outcome": outcome})
        if self._observe is not None:
            self._observe(command, outcome)
        return result

    def _guarded(
        self,
        request_id: str,
        what: str,
        work: Callable[[], Outcome],
        command: Callable[[], str],
    ) -> Outcome:
        try:
            return work()
        except CucmError as exc:
            log.warning("request %s: CUCM error for %r: %s", request_id, what, exc)
            return self._done(command(), "error", _cucm_error_reply(exc, request_id))
        except RecordFailed as exc:  # apply_plan handles its own: here nothing was sent yet
            log.error("request %s: the database refused a write for %r: %s", request_id, what, exc)
            reply = Reply(
                title="ctibot cannot write its database",
                status="error",
                lines=[f"{exc}.", "Nothing was sent to CUCM.", f"Request id `{request_id}`."],
            )
            return self._done(command(), "error", reply)
        except Exception:
            log.exception("request %s failed: %r", request_id, what)
            reply = Reply(
                title="Internal error",
                status="error",
                lines=[
                    "Something went wrong inside ctibot; nothing more was sent to CUCM.",
                    f"Request id `{request_id}` (the error is logged with a traceback).",
                ],
            )
            return self._done(command(), "error", reply)

    def _handle(
        self,
        text: str,
        actor: Actor,
        role: Role,
        request_id: str,
        progress: Callable[[str], None] | None,
        grant: str,
    ) -> Outcome:
        text = strip_prefix(text)
        try:
            parsed = parse(text)
        except UsageError as exc:
            reply = Reply(title="Bad arguments", status="error", lines=[str(exc), _HELP_HINT])
            return self._done(UNKNOWN_COMMAND, "error", reply)
        if not parsed.positionals and not parsed.options and not parsed.flags:
            text = "help"
            parsed = ParsedArgs(["help"])
        found = self.registry.resolve(parsed.positionals)
        if found is None:
            return self._done(UNKNOWN_COMMAND, "error", self._unknown(parsed.positionals, role))
        command, rest = found
        spec = command.spec
        if role < spec.role:
            return self._done(
                spec.name, "denied", self._deny(actor, role, spec.name, spec.role, text)
            )
        consumed = len(parsed.positionals) - len(rest)
        try:
            invocation = self._bind(command, parsed.without_positionals(consumed), text)
        except UsageError as exc:
            return self._done(spec.name, "error", _usage_reply(command, exc))
        if invocation.cluster not in self.clusters.names():
            known = ", ".join(f"`{n}`" for n in self.clusters.names()) or "none configured"
            reply = Reply(
                title=f"Unknown cluster `{invocation.cluster}`",
                status="error",
                lines=[f"Known clusters: {known}."],
            )
            return self._done(spec.name, "error", reply)
        ctx = self._context(invocation, actor, role, request_id, progress, grant)
        result = _execute(command, ctx, invocation.args)
        if isinstance(result, Reply):
            kind = "error" if result.status == "error" else "read"
            return self._done(spec.name, kind, self._visibility(result, spec.name, spec.in_channel))
        return self._dispose(ctx, invocation, result)

    def _bind(self, command: Command, parsed: ParsedArgs, text: str) -> Invocation:
        """Pull out the runner's own options (cluster, dry-run), then bind the rest."""
        spec = command.spec
        options = dict(parsed.options)
        flags = set(parsed.flags)
        cluster = options.pop("cluster", None) or self.clusters.default_name
        dry_run = False
        if spec.writes:
            dry_run = "dry_run" in flags or options.pop("dry_run", "").lower() in {"yes", "true"}
            flags.discard("dry_run")
        args = bind(spec, ParsedArgs(parsed.positionals, options, flags))
        return Invocation(command, args, cluster, dry_run, text)

    def _context(
        self,
        invocation: Invocation,
        actor: Actor,
        role: Role,
        request_id: str,
        progress: Callable[[str], None] | None,
        grant: str = "",
    ) -> Context:
        ctx = Context(
            actor=actor,
            role=role,
            cluster_name=invocation.cluster,
            clusters=self.clusters,
            changelog=self.changelog,
            registry=self.registry,
            command_text=f"/cti {invocation.text}",
            dry_run=invocation.dry_run,
            request_id=request_id,
            grant=grant,
            applications=self.applications,
            shutdown=self.shutdown,
            monitoring=self.monitoring,
        )
        if progress is not None:
            ctx.progress = progress
        return ctx

    def _dispose(self, ctx: Context, invocation: Invocation, plan: Plan) -> Outcome:
        spec = invocation.command.spec
        if plan.no_change:
            set_id = self._record(ctx, plan, "no_change")
            reply = self._visibility(_no_change_reply(plan, set_id), spec.name, spec.in_channel)
            return self._done(spec.name, "no_change", reply)
        if invocation.dry_run:
            set_id = self._record(ctx, plan, "dry_run")
            reply = render_plan(plan, title_prefix="Dry run")
            reply.change_set_id = set_id
            reply.footer = (
                f"{reply.footer} Recorded in the change log as a dry run (`/cti log --all`). "
                "Run it again without --dry-run to apply."
            )
            return self._done(spec.name, "dry_run", reply)
        if plan.needs_confirmation:
            return self._done(spec.name, "confirmation", self._ask(ctx, invocation, plan))
        if self.shutdown.requested:
            return self._done(spec.name, "error", _restarting())
        return self._applied(spec.name, apply_plan(ctx, plan), spec.in_channel)

    def _applied(self, name: str, reply: Reply, spec_in_channel: bool) -> Outcome:
        self._tell_feed(reply.change_set_id)
        outcome = "error" if reply.status == "error" else "applied"
        return self._done(name, outcome, self._visibility(reply, name, spec_in_channel))

    def _tell_feed(self, set_id: int | None) -> None:
        """Every applied or failed set reaches the feed; a feed failure never fails the write."""
        if self.feed is None or set_id is None:
            return
        try:
            record = self.changelog.get(set_id)
            if record is not None:
                self.feed.ended(record)
        except Exception:
            log.exception("the change-set feed failed for #%s", set_id)

    def _ask(
        self, ctx: Context, invocation: Invocation, plan: Plan, title_prefix: str = "Confirm"
    ) -> ConfirmationRequest:
        pending = self.confirmations.create(
            command=invocation.command.spec.name,
            command_text=invocation.text,
            actor_id=ctx.actor.user_id,
            channel_id=ctx.actor.channel_id,
            cluster=plan.cluster,
            plan_digest=plan.digest(),
            plan_json=_plan_json(plan),
            ttl_seconds=self.ttl_seconds,
        )
        reply = render_plan(plan, title_prefix=title_prefix)
        reason = "risky change" if plan.risky else f"{len(plan.steps)} objects"
        who_confirms = (
            "another admin must confirm it"
            if self._needs_second_person(plan.risky)
            else "confirm to apply"
        )
        reply.lines.insert(0, f"Requested by <@{ctx.actor.user_id}> ({reason}); {who_confirms}.")
        return ConfirmationRequest(reply=reply, token=pending.token, expires_at=pending.expires_at)

    def _decide(
        self,
        token: str,
        actor: Actor,
        role: Role,
        confirm: bool,
        request_id: str,
        progress: Callable[[str], None] | None,
    ) -> Outcome:
        try:
            pending = self.confirmations.get(token)
        except ConfirmationNotFound:
            pending = None
        if pending is None:
            stale = Reply(title="Unknown confirmation", status="denied", lines=[_STALE_BUTTON])
            return self._done(UNKNOWN_COMMAND, "denied", stale)
        found = self.registry.resolve(parse(pending.command_text).positionals)
        if found is None:
            gone = Reply(title="Command no longer exists", status="error", lines=[_STALE_BUTTON])
            return self._done(UNKNOWN_COMMAND, "error", gone)
        command = found[0]
        name = command.spec.name
        if role < command.spec.role:
            denial = self._deny(actor, role, name, command.spec.role, "(button click)")
            return self._done(name, "denied", denial)
        if (
            confirm
            and actor.user_id == pending.actor_id
            and self._needs_second_person(bool(json.loads(pending.plan_json).get("risky")))
        ):
            return self._done(name, "denied", self._own_risky_plan(actor, pending))
        try:
            self.confirmations.decide(
                token, actor_id=actor.user_id, decision="consumed" if confirm else "cancelled"
            )
        except ConfirmationExpired as exc:
            expired = Reply(
                title="Confirmation expired",
                status="warning",
                lines=[str(exc), "Nothing was sent to CUCM."],
            )
            return self._done(name, "denied", expired)
        except ConfirmationAlreadyDecided as exc:
            decided = Reply(title="Already decided", status="denied", lines=[str(exc)])
            return self._done(name, "denied", decided)
        except ConfirmationNotFound:
            stale = Reply(title="Unknown confirmation", status="denied", lines=[_STALE_BUTTON])
            return self._done(name, "denied", stale)
        if not confirm:
            cancelled = Reply(
                title="Cancelled",
                status="info",
                lines=[f"Cancelled by <@{actor.user_id}>; nothing was sent to CUCM."],
            )
            return self._done(name, "cancelled", cancelled)
        return self._replan_and_apply(pending, actor, role, request_id, progress)

    def _needs_second_person(self, risky: bool) -> bool:
        return self.four_eyes and risky

    def _own_risky_plan(self, actor: Actor, pending: PendingConfirmation) -> Reply:
        """Four-eyes: the click is refused and recorded; the plan stays open for another admin."""
        self.changelog.record_denial(
            actor_id=actor.user_id,
            actor_name=actor.name,
            channel_id=actor.channel_id or pending.channel_id,
            cluster=pending.cluster,
            command=pending.command,
            command_text=f"/cti {pending.command_text} (confirm click)",
            reason="four-eyes: a risky plan needs a confirmer other than its requester",
        )
        return Reply(
            title="Another admin must confirm",
            status="denied",
            lines=[
                "This is a risky change and four-eyes confirmation is on: the admin who "
                "asked for it cannot also confirm it.",
                "Ask another admin to click Confirm; nothing was sent to CUCM.",
            ],
        )

    def _replan_and_apply(
        self,
        pending: PendingConfirmation,
        actor: Actor,
        role: Role,
        request_id: str,
        progress: Callable[[str], None] | None,
    ) -> Outcome:
        parsed = parse(pending.command_text)
        found = self.registry.resolve(parsed.positionals)
        assert found is not None
        command, rest = found
        invocation = self._bind(
            command,
            parsed.without_positionals(len(parsed.positionals) - len(rest)),
            pending.command_text,
        )
        invocation.cluster = pending.cluster
        invocation.dry_run = False
        actor = replace(actor, channel_id=actor.channel_id or pending.channel_id)
        ctx = self._context(invocation, actor, role, request_id, progress)
        if pending.actor_id != actor.user_id:
            ctx.requested_by = Actor(user_id=pending.actor_id)
        result = _execute(command, ctx, invocation.args)
        name = command.spec.name
        if isinstance(result, Reply):
            return self._done(name, "error" if result.status == "error" else "read", result)
        if result.no_change:
            set_id = self._record(ctx, result, "no_change")
            return self._done(name, "no_change", _no_change_reply(result, set_id))
        if result.digest() != pending.plan_digest:
            request = self._ask(ctx, invocation, result, title_prefix="Changed")
            request.reply.lines.insert(
                0, "CUCM changed since the plan was made; nothing was sent. Here is the new plan."
            )
            request.reply.status = "warning"
            return self._done(name, "confirmation", request)
        reply = apply_plan(ctx, result)
        reply.lines.append(f"Confirmed by <@{actor.user_id}>.")
        return self._applied(name, reply, command.spec.in_channel)

    def _record(self, ctx: Context, plan: Plan, status: str) -> int:
        """Plans that send nothing are still recorded: the audit trail shows who looked."""
        set_id = self.changelog.open_set(
            actor_id=ctx.actor.user_id,
            actor_name=ctx.actor.name,
            channel_id=ctx.actor.channel_id,
            cluster=plan.cluster,
            command=plan.command,
            command_text=ctx.command_text,
            status=status,
            plan_digest=plan.digest(),
            undo_of=None,
            request_id=ctx.request_id,
        )
        self.changelog.close_set(set_id, status)
        return set_id

    def _unknown(self, words: list[str], role: Role) -> Reply:
        allowed = {c.spec.name for c in self.registry.allowed(role)}
        suggestions = [s for s in self.registry.suggest(words) if s in allowed]
        typed = " ".join(words[:2])
        lines = []
        if suggestions:
            lines.append("Did you mean " + ", ".join(f"`{s}`" for s in suggestions) + "?")
        lines.append(_HELP_HINT)
        return Reply(title=f"Unknown command `{typed}`", status="error", lines=lines)

    def _deny(self, actor: Actor, role: Role, name: str, needed: Role, text: str) -> Reply:
        self.changelog.record_denial(
            actor_id=actor.user_id,
            actor_name=actor.name,
            channel_id=actor.channel_id,
            command=name,
            command_text=f"/cti {text}",
            required_role=needed.label,
            actor_role=role.label,
        )
        return Reply(
            title="Not allowed",
            status="denied",
            lines=[
                f"`/cti {name}` needs the *{needed.label}* role; you have *{role.label}*.",
                "Ask a ctibot admin to grant it (see `/cti whoami`).",
            ],
        )

    def _visibility(self, reply: Reply, name: str, spec_in_channel: bool) -> Reply:
        if reply.status not in ("error", "denied"):
            reply.in_channel = (
                reply.in_channel or spec_in_channel or name in self.in_channel_commands
            )
        return reply


_HELP_HINT = "Type `/cti help` for the commands you may run."
_STALE_BUTTON = "This button no longer matches a pending plan; nothing was sent to CUCM."


def _restarting(*more: str) -> Reply:
    return Reply(title="ctibot is restarting", status="error", lines=[RESTARTING, *more])


def _execute(command: Command, ctx: Context, args: Arguments) -> Reply | Plan:
    """Plan (or answer); a refusal or bad arguments become the reply, with nothing sent."""
    try:
        result = command.execute(ctx, args)
        if isinstance(result, Plan) and not result.no_change:
            refuse_if_racing(ctx.changelog, result)
        return result
    except Refused as exc:
        return Reply(
            title=f"Refused: `{command.spec.name}`",
            status="error",
            lines=[str(exc), "Nothing was sent to CUCM."],
        )
    except UsageError as exc:
        return _usage_reply(command, exc)


def _usage_reply(command: Command, exc: UsageError) -> Reply:
    spec = command.spec
    lines = [str(exc), f"Usage: `{spec.usage}`"]
    if spec.examples:
        lines.append(f"Example: `{spec.examples[0]}`")
    lines.append(f"More: `/cti help {spec.name}`")
    return Reply(title=f"Bad arguments for `{spec.name}`", status="error", lines=lines)


def _no_change_reply(plan: Plan, set_id: int) -> Reply:
    return Reply(
        title=f"No change: {plan.title}",
        status="ok",
        lines=["CUCM already matches; nothing was sent.", *plan.notes],
        footer="Recorded in the change log as a plan that changed nothing (`/cti log --all`).",
        change_set_id=set_id,
    )


_ERROR_TITLES: tuple[tuple[type[CucmError], str], ...] = (
    (Unreachable, "CUCM unreachable"),
    (Timeout, "CUCM did not answer in time"),
    (AuthFailed, "CUCM refused ctibot's credentials"),
    (Throttled, "CUCM is throttling requests"),
)


def _cucm_error_reply(exc: CucmError, request_id: str) -> Reply:
    """Raised while planning (reads only), so the title can say nothing was changed."""
    title = next(
        (t for kind, t in _ERROR_TITLES if isinstance(exc, kind)), "CUCM refused the request"
    )
    lines = [f"{type(exc).__name__}: {exc}"]
    if exc.obj:
        lines.insert(0, f"Object: `{exc.obj}`")
    lines.append(f"Nothing was changed. Request id `{request_id}`.")
    return Reply(title=title, status="error", lines=lines)


def _plan_json(plan: Plan) -> str:
    return json.dumps(
        {
            "title": plan.title,
            "command": plan.command,
            "cluster": plan.cluster,
            "risky": plan.risky,
            "steps": [s.fingerprint() for s in plan.steps],
            "notes": plan.notes,
            "warnings": plan.warnings,
        },
        default=str,
        sort_keys=True,
    )
