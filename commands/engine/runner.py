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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from bot.changelog.confirmations import (
    ConfirmationAlreadyDecided,
    ConfirmationExpired,
    ConfirmationNotFound,
)
from bot.changelog.errors import RecordFailed
from bot.cucm.errors import CucmError
from bot.logging_setup import request_context
from commands.engine import replies
from commands.engine.apply import apply_plan
from commands.engine.args import ParsedArgs, bind, parse
from commands.engine.base import (
    Actor,
    Arguments,
    CommandSpec,
    Plan,
    Refused,
    Reply,
    Role,
    UsageError,
)
from commands.engine.command import Command
from commands.engine.context import ConfiguredApplication, Context, Monitoring
from commands.engine.feed import ChangeSetFeed
from commands.engine.inflight import refuse_if_racing
from commands.engine.shutdown import Shutdown

if TYPE_CHECKING:
    from bot.changelog.confirmations import ConfirmationStore, PendingConfirmation
    from bot.changelog.store import ChangeLog
    from bot.cucm.cluster import ClusterDirectory
    from commands.engine.objects import ObjectKind
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


class RunnerOptions(TypedDict, total=False):
    """How a deployment tunes the runner: what a factory passes on (commands/catalog.py)."""

    four_eyes: bool
    in_channel_commands: frozenset[str]
    observe: OutcomeObserver | None
    applications: tuple[ConfiguredApplication, ...]
    shutdown: Shutdown | None
    feed: ChangeSetFeed | None
    monitoring: Monitoring | None


class Runner:
    def __init__(
        self,
        registry: Registry,
        clusters: ClusterDirectory,
        changelog: ChangeLog,
        confirmations: ConfirmationStore,
        ttl_seconds: int,
        *,
        kinds: Mapping[str, ObjectKind],
        four_eyes: bool = False,
        in_channel_commands: frozenset[str] = frozenset(),
        observe: OutcomeObserver | None = None,
        applications: tuple[ConfiguredApplication, ...] = (),
        shutdown: Shutdown | None = None,
        feed: ChangeSetFeed | None = None,
        monitoring: Monitoring | None = None,
    ) -> None:
        self.registry = registry
        self.kinds = kinds
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
                return self._done(self._command_name(text), "error", replies.restarting())
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
        grant: str = "",
    ) -> Outcome:
        """A Confirm/Cancel click: status "denied" means the click changed nothing."""
        request_id = request_id or new_request_id()
        with request_context(request_id):
            if confirm and self.shutdown.requested:  # the plan stays pending: confirm later
                reply = replies.restarting("Click Confirm again in a minute.")
                reply.status = "denied"
                return self._done(UNKNOWN_COMMAND, "denied", reply)
            return self._guarded(
                request_id,
                token,
                lambda: self._decide(token, actor, role, confirm, request_id, progress, grant),
                lambda: UNKNOWN_COMMAND,
            )

    def resolve_invocation(self, text: str, role: Role) -> Invocation:
        """Resolve and bind without running (modals validate their fields with this);
        UsageError when the text names no command, the role falls short, or arguments are bad."""
        resolved = self._resolve(text)
        spec = resolved.command.spec
        if role < spec.role:
            raise UsageError(f"You need the {spec.role.label} role to run this.")
        return self._bind(resolved)

    def _command_name(self, text: str) -> str:
        try:
            return self._resolve(text).command.spec.name
        except UsageError:
            return UNKNOWN_COMMAND

    def _resolve(self, text: str) -> _Resolved:
        """The command the text names and the words left for it; nothing bound yet."""
        text = strip_prefix(text)
        parsed = parse(text)
        if not parsed.positionals and not parsed.options and not parsed.flags:
            text, parsed = "help", ParsedArgs(["help"])
        found = self.registry.resolve(parsed.positionals)
        if found is None:
            raise _UnknownCommand(parsed.positionals)
        command, rest = found
        consumed = len(parsed.positionals) - len(rest)
        return _Resolved(command, parsed.without_positionals(consumed), text)

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
            return self._done(command(), "error", replies.cucm_error(exc, request_id))
        except RecordFailed as exc:  # apply_plan handles its own: here nothing was sent yet
            log.error("request %s: the database refused a write for %r: %s", request_id, what, exc)
            return self._done(command(), "error", replies.database_refused(str(exc), request_id))
        except Exception:
            log.exception("request %s failed: %r", request_id, what)
            return self._done(command(), "error", replies.internal_error(request_id))

    def _handle(
        self,
        text: str,
        actor: Actor,
        role: Role,
        request_id: str,
        progress: Callable[[str], None] | None,
        grant: str,
    ) -> Outcome:
        try:
            resolved = self._resolve(text)
        except _UnknownCommand as exc:
            return self._done(UNKNOWN_COMMAND, "error", self._unknown(exc.words, role))
        except UsageError as exc:
            return self._done(UNKNOWN_COMMAND, "error", replies.unreadable(exc))
        command = resolved.command
        spec = command.spec
        if role < spec.role:
            denial = self._deny(actor, role, spec.name, spec.role, resolved.text)
            return self._done(spec.name, "denied", denial)
        try:
            invocation = self._bind(resolved)
        except UsageError as exc:
            return self._done(spec.name, "error", replies.bad_arguments(command, exc))
        if invocation.cluster not in self.clusters.names():
            reply = replies.unknown_cluster(invocation.cluster, self.clusters.names())
            return self._done(spec.name, "error", reply)
        ctx = self._context(invocation, actor, role, request_id, progress, grant)
        result = _execute(command, ctx, invocation.args)
        if isinstance(result, Reply):
            kind = "error" if result.status == "error" else "read"
            return self._done(spec.name, kind, self._visibility(result, spec.name, spec.in_channel))
        return self._dispose(ctx, invocation, result)

    def _bind(self, resolved: _Resolved) -> Invocation:
        """Pull out the runner's own options (cluster, dry-run), then bind the rest."""
        command, parsed = resolved.command, resolved.args
        spec = command.spec
        options = dict(parsed.options)
        flags = set(parsed.flags)
        cluster = options.pop("cluster", None) or self.clusters.default_name
        dry_run = False
        if spec.writes:
            dry_run = "dry_run" in flags or options.pop("dry_run", "").lower() in {"yes", "true"}
            flags.discard("dry_run")
        args = bind(spec, ParsedArgs(parsed.positionals, options, flags))
        return Invocation(command, args, cluster, dry_run, resolved.text)

    def _context(
        self,
        invocation: Invocation,
        actor: Actor,
        role: Role,
        request_id: str,
        progress: Callable[[str], None] | None,
        grant: str,
    ) -> Context:
        ctx = Context(
            actor=actor,
            role=role,
            cluster_name=invocation.cluster,
            clusters=self.clusters,
            changelog=self.changelog,
            registry=self.registry,
            kinds=self.kinds,
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
            reply = self._visibility(replies.no_change(plan, set_id), spec.name, spec.in_channel)
            return self._done(spec.name, "no_change", reply)
        if invocation.dry_run:
            set_id = self._record(ctx, plan, "dry_run")
            return self._done(spec.name, "dry_run", replies.dry_run(plan, set_id))
        if plan.needs_confirmation:
            return self._done(spec.name, "confirmation", self._ask(ctx, invocation, plan))
        if self.shutdown.requested:
            return self._done(spec.name, "error", replies.restarting())
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
        second_person = self._needs_second_person(plan.risky)
        reply = replies.confirmation(plan, ctx.actor.user_id, second_person, title_prefix)
        return ConfirmationRequest(reply=reply, token=pending.token, expires_at=pending.expires_at)

    def _decide(
        self,
        token: str,
        actor: Actor,
        role: Role,
        confirm: bool,
        request_id: str,
        progress: Callable[[str], None] | None,
        grant: str,
    ) -> Outcome:
        try:
            pending = self.confirmations.get(token)
        except ConfirmationNotFound:
            pending = None
        if pending is None:
            return self._done(UNKNOWN_COMMAND, "denied", replies.stale_button())
        try:
            resolved = self._resolve(pending.command_text)
        except _UnknownCommand:
            return self._done(UNKNOWN_COMMAND, "error", replies.command_gone())
        command = resolved.command
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
            return self._done(name, "denied", replies.expired(str(exc)))
        except ConfirmationAlreadyDecided as exc:
            return self._done(name, "denied", replies.already_decided(exc.status, exc.decided_by))
        except ConfirmationNotFound:
            return self._done(name, "denied", replies.stale_button())
        if not confirm:
            return self._done(name, "cancelled", replies.cancelled(actor.user_id))
        clicked = _Click(actor, role, request_id, progress, grant)
        return self._replan_and_apply(pending, resolved, clicked)

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
        return replies.own_risky_plan()

    def _replan_and_apply(
        self, pending: PendingConfirmation, resolved: _Resolved, click: _Click
    ) -> Outcome:
        """Plan again as the clicking admin (their role and grant) and apply only the same plan."""
        invocation = replace(self._bind(resolved), cluster=pending.cluster, dry_run=False)
        actor = replace(click.actor, channel_id=click.actor.channel_id or pending.channel_id)
        ctx = self._context(
            invocation, actor, click.role, click.request_id, click.progress, click.grant
        )
        if pending.actor_id != actor.user_id:
            ctx.requested_by = Actor(user_id=pending.actor_id)
        command = invocation.command
        result = _execute(command, ctx, invocation.args)
        name = command.spec.name
        if isinstance(result, Reply):
            return self._done(name, "error" if result.status == "error" else "read", result)
        if result.no_change:
            set_id = self._record(ctx, result, "no_change")
            return self._done(name, "no_change", replies.no_change(result, set_id))
        if result.digest() != pending.plan_digest:
            request = self._ask(ctx, invocation, result, title_prefix="Changed")
            request.reply.lines = [replies.PLAN_CHANGED, *request.reply.lines]
            request.reply.status = "warning"
            return self._done(name, "confirmation", request)
        reply = apply_plan(ctx, result)
        reply.lines = [*reply.lines, replies.confirmed_by(actor.user_id)]
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
        return replies.unknown_command(" ".join(words[:2]), suggestions)

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
        return replies.not_allowed(name, needed, role)

    def _visibility(self, reply: Reply, name: str, spec_in_channel: bool) -> Reply:
        if reply.status not in ("error", "denied"):
            reply.in_channel = (
                reply.in_channel or spec_in_channel or name in self.in_channel_commands
            )
        return reply


@dataclass(frozen=True)
class _Resolved:
    command: Command
    args: ParsedArgs  # the words after the command's name
    text: str  # without the /cti prefix


class _UnknownCommand(UsageError):
    def __init__(self, words: list[str]) -> None:
        super().__init__(f"Unknown command `{' '.join(words[:2])}`.")
        self.words = words


@dataclass(frozen=True)
class _Click:
    """Who clicked Confirm, carried to the re-plan: the plan is made again as them."""

    actor: Actor
    role: Role
    request_id: str
    progress: Callable[[str], None] | None
    grant: str


def _execute(command: Command, ctx: Context, args: Arguments) -> Reply | Plan:
    """Plan (or answer); a refusal or bad arguments become the reply, with nothing sent."""
    try:
        result = command.execute(ctx, args)
        if isinstance(result, Plan):
            _inherit_risk(command.spec, result)
            if not result.no_change:
                refuse_if_racing(ctx.changelog, ctx.kinds, result)
        return result
    except Refused as exc:
        return replies.refused(command, exc)
    except UsageError as exc:
        return replies.bad_arguments(command, exc)


def _inherit_risk(spec: CommandSpec, plan: Plan) -> None:
    """The spec says whether a command is risky (docs/commands.md shows it) and its plans
    inherit that; a plan may raise it only where the spec says when (`risky_when`)."""
    if plan.risky and not (spec.risky or spec.risky_when):
        raise TypeError(f"{spec.name}: a risky plan from a spec that declares no risk")
    plan.risky = plan.risky or spec.risky


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
