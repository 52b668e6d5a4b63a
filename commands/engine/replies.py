"""The runner's own answers: refusals, confirmations, errors, no-change and dry runs.

Kept apart from runner.py so the runner reads as the order of its checks, and
so every wording a user sees from the engine is in one place. Each builder
returns structure (bot/text.py); the front ends draw it.
"""

from __future__ import annotations

from bot.cucm.errors import AuthFailed, CucmError, Throttled, Timeout, Unreachable
from bot.text import Code, Line, Mention, Strong, Text, line
from commands.engine.apply import render_plan
from commands.engine.base import Plan, Reply, Role, UsageError
from commands.engine.command import Command
from commands.engine.shutdown import RESTARTING

HELP_HINT = line("Type ", Code("/cti help"), " for the commands you may run.")
STALE_BUTTON = "This button no longer matches a pending plan; nothing was sent to CUCM."
PLAN_CHANGED = "CUCM changed since the plan was made; nothing was sent. Here is the new plan."


def restarting(*more: str) -> Reply:
    return Reply(title="ctibot is restarting", status="error", lines=[RESTARTING, *more])


def unreadable(exc: UsageError) -> Reply:
    """The text could not even be split into words (an unclosed quote)."""
    return Reply(title="Bad arguments", status="error", lines=[exc.text, HELP_HINT])


def unknown_command(typed: str, suggestions: list[str]) -> Reply:
    lines: list[Line] = []
    if suggestions:
        names = [span for s in suggestions for span in (", ", Code(s))][1:]
        lines.append(line("Did you mean ", *names, "?"))
    lines.append(HELP_HINT)
    return Reply(title=f"Unknown command `{typed}`", status="error", lines=lines)


def not_allowed(name: str, needed: Role, role: Role) -> Reply:
    return Reply(
        title="Not allowed",
        status="denied",
        lines=[
            line(
                Code(f"/cti {name}"),
                " needs the ",
                Strong(needed.label),
                " role; you have ",
                Strong(role.label),
                ".",
            ),
            line("Ask a ctibot admin to grant it (see ", Code("/cti whoami"), ")."),
        ],
    )


def bad_arguments(command: Command, exc: UsageError) -> Reply:
    spec = command.spec
    lines = [exc.text, line("Usage: ", Code(spec.usage))]
    if spec.examples:
        lines.append(line("Example: ", Code(spec.examples[0])))
    lines.append(line("More: ", Code(f"/cti help {spec.name}")))
    return Reply(title=f"Bad arguments for `{spec.name}`", status="error", lines=lines)


def refused(command: Command, exc: UsageError) -> Reply:
    """Well-formed but forbidden by what CUCM or the change log holds: the reason alone."""
    return Reply(
        title=f"Refused: `{command.spec.name}`",
        status="error",
        lines=[exc.text, "Nothing was sent to CUCM."],
    )


def unknown_cluster(cluster: str, known: list[str]) -> Reply:
    names = [span for name in known for span in (", ", Code(name))][1:]
    return Reply(
        title=f"Unknown cluster `{cluster}`",
        status="error",
        lines=[line("Known clusters: ", *(names or ["none configured"]), ".")],
    )


def no_change(plan: Plan, set_id: int) -> Reply:
    return Reply(
        title=f"No change: {plan.title}",
        status="ok",
        lines=["CUCM already matches; nothing was sent.", *plan.notes],
        footer=line(
            "Recorded in the change log as a plan that changed nothing (",
            Code("/cti log --all"),
            ").",
        ),
        change_set_id=set_id,
    )


def dry_run(plan: Plan, set_id: int) -> Reply:
    reply = render_plan(plan, title_prefix="Dry run")
    reply.change_set_id = set_id
    reply.footer = line(
        f"{reply.footer} Recorded in the change log as a dry run (",
        Code("/cti log --all"),
        "). Run it again without --dry-run to apply.",
    )
    return reply


def confirmation(plan: Plan, requester: str, second_person: bool, title_prefix: str) -> Reply:
    """The plan, saying who asked, why it waits for a click, and whose click it takes."""
    reply = render_plan(plan, title_prefix=title_prefix)
    reason = "risky change" if plan.risky else f"{len(plan.steps)} objects"
    who_confirms = "another admin must confirm it" if second_person else "confirm to apply"
    asked = line("Requested by ", Mention(requester), f" ({reason}); {who_confirms}.")
    reply.lines = [asked, *reply.lines]
    return reply


def confirmed_by(user_id: str) -> Line:
    return line("Confirmed by ", Mention(user_id), ".")


def cancelled(user_id: str) -> Reply:
    return Reply(
        title="Cancelled",
        status="info",
        lines=[line("Cancelled by ", Mention(user_id), "; nothing was sent to CUCM.")],
    )


def stale_button(title: str = "Unknown confirmation") -> Reply:
    return Reply(title=title, status="denied", lines=[STALE_BUTTON])


def command_gone() -> Reply:
    return Reply(title="Command no longer exists", status="error", lines=[STALE_BUTTON])


def expired(reason: str) -> Reply:
    return Reply(
        title="Confirmation expired", status="warning", lines=[reason, "Nothing was sent to CUCM."]
    )


def already_decided(decision: str, decided_by: str | None) -> Reply:
    by = (" by ", Mention(decided_by)) if decided_by else ()
    text = line(f"This confirmation was already {decision}", *by, "; it runs at most once.")
    return Reply(title="Already decided", status="denied", lines=[text])


def own_risky_plan() -> Reply:
    return Reply(
        title="Another admin must confirm",
        status="denied",
        lines=[
            "This is a risky change and four-eyes confirmation is on: the admin who "
            "asked for it cannot also confirm it.",
            "Ask another admin to click Confirm; nothing was sent to CUCM.",
        ],
    )


def database_refused(reason: str, request_id: str) -> Reply:
    return Reply(
        title="ctibot cannot write its database",
        status="error",
        lines=[
            f"{reason}.",
            "Nothing was sent to CUCM.",
            line("Request id ", Code(request_id), "."),
        ],
    )


def internal_error(request_id: str) -> Reply:
    return Reply(
        title="Internal error",
        status="error",
        lines=[
            "Something went wrong inside ctibot; nothing more was sent to CUCM.",
            line("Request id ", Code(request_id), " (the error is logged with a traceback)."),
        ],
    )


_ERROR_TITLES: tuple[tuple[type[CucmError], str], ...] = (
    (Unreachable, "CUCM unreachable"),
    (Timeout, "CUCM did not answer in time"),
    (AuthFailed, "CUCM refused ctibot's credentials"),
    (Throttled, "CUCM is throttling requests"),
)


def cucm_error(exc: CucmError, request_id: str) -> Reply:
    """Raised while planning (reads only), so the title can say nothing was changed."""
    title = next(
        (t for kind, t in _ERROR_TITLES if isinstance(exc, kind)), "CUCM refused the request"
    )
    lines: list[Text] = [f"{type(exc).__name__}: {exc}"]
    if exc.obj:
        lines.insert(0, line("Object: ", Code(exc.obj)))
    lines.append(line("Nothing was changed. Request id ", Code(request_id), "."))
    return Reply(title=title, status="error", lines=lines)
