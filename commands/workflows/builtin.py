"""Commands every deployment has: help, whoami, version.

Help shows only what the caller may run (admins complain about bots that list
commands they cannot use), and `version` talks to every cluster at once so
one slow publisher does not make the whole answer slow.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from itertools import groupby

from bot import __version__
from bot.text import Code, Line, Mention, Strong, Text, line, note
from commands.engine.base import Arguments, CommandSpec, Param, Reply, Role, Table
from commands.engine.command import Command
from commands.engine.context import Context

log = logging.getLogger(__name__)

VERSION_TIMEOUT_S = 20.0


class HelpCommand:
    spec = CommandSpec(
        name="help",
        summary="List the commands you may run, or explain one",
        role=Role.NONE,
        params=(
            Param(
                "command",
                "the command to explain, e.g. `service status`",
                positional=True,
                multiple=True,
            ),
        ),
        examples=("/cti help", "/cti help version"),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        words: list[str] = args["command"]
        if words:
            return self._one(ctx, words)
        allowed = ctx.registry.allowed(ctx.role)
        lines: list[Line] = []
        for group, commands in groupby(allowed, key=lambda c: c.spec.name.split()[0]):
            members = list(commands)
            if len(members) > 1 or members[0].spec.name != group:
                lines.append(line(Strong(group)))
            lines += [line(Code(f"/cti {c.spec.name}"), f" - {c.spec.summary}") for c in members]
        hidden = len(ctx.registry.all()) - len(allowed)
        more = f" {hidden} more need a higher role." if hidden else ""
        footer = line(
            "You are ",
            Strong(ctx.role.label),
            ". ",
            Code("/cti help <command>"),
            f" for details.{more}",
        )
        return Reply(title="ctibot commands", status="info", lines=lines, footer=footer)

    def _one(self, ctx: Context, words: list[str]) -> Reply:
        found = ctx.registry.resolve(words)
        if found is None:
            return Reply(
                title=f"No command `{' '.join(words)}`",
                status="error",
                lines=[line("Type ", Code("/cti help"), " for the commands you may run.")],
            )
        spec = found[0].spec
        lines: list[Text] = [spec.summary, line("Usage: ", Code(spec.usage))]
        for p in spec.params:
            shown = f"--{p.name}" if p.flag else (f"<{p.name}>" if p.positional else f"{p.name}=")
            extra = " (required)" if p.required else ""
            if p.choices:
                extra += f" one of: {', '.join(p.choices)}"
            if p.default is not None:
                extra += f" default: {p.default}"
            lines.append(line(Code(shown), f" {p.help}{extra}"))
        if spec.writes:
            lines.append(line(Code("--dry-run"), " show the plan without sending anything to CUCM"))
        lines += [line("Example: ", Code(e)) for e in spec.examples]
        if ctx.role < spec.role:
            lines.append(
                note(
                    "denied",
                    "You may not run this: it needs ",
                    Strong(spec.role.label),
                    ", you have ",
                    Strong(ctx.role.label),
                    ".",
                )
            )
        return Reply(
            title=f"/cti {spec.name}",
            status="info",
            lines=lines,
            footer=f"Requires the {spec.role.label} role.",
        )


class WhoamiCommand:
    spec = CommandSpec(
        name="whoami",
        summary="Show your Slack user ID, your ctibot role and how you got it",
        role=Role.NONE,
        examples=("/cti whoami",),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        return Reply(
            title="Who you are to ctibot",
            status="info",
            fields=[
                ("User", line(Mention(ctx.actor.user_id), " (", Code(ctx.actor.user_id), ")")),
                ("Role", ctx.role.label),
                ("Granted by", ctx.grant or "no grant: deny by default"),
            ],
        )


class VersionCommand:
    spec = CommandSpec(
        name="version",
        summary="Show the ctibot version and the CUCM version of each cluster",
        role=Role.VIEWER,
        examples=("/cti version",),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        names = ctx.clusters.names()
        rows: list[tuple[str, str, str]] = []
        if names:
            with ThreadPoolExecutor(max_workers=min(8, len(names))) as pool:
                # copy_context: the pool's threads would otherwise log without the request id
                futures = {n: pool.submit(copy_context().run, self._one, ctx, n) for n in names}
                rows = [(n, *futures[n].result(timeout=VERSION_TIMEOUT_S)) for n in names]
        errors = sum(1 for r in rows if r[2] != "ok")
        return Reply(
            title=f"ctibot {__version__}",
            status="warning" if errors else "ok",
            table=Table(headers=("cluster", "CUCM version", "status"), rows=rows),
            footer=f"{len(names)} cluster(s), {errors} unreachable",
        )

    def _one(self, ctx: Context, name: str) -> tuple[str, str]:
        try:
            return str(ctx.clusters.get(name).axl.get_version()), "ok"
        except Exception as exc:
            log.warning("version of cluster %s failed: %s", name, exc)
            return "-", f"{type(exc).__name__}: {exc}"


COMMANDS: list[Command] = [HelpCommand(), WhoamiCommand(), VersionCommand()]
